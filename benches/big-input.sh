#!/usr/bin/env bash
# Big-input benchmark (#15): time and peak memory of `run` on a 200 MB article and of
# `export --format html` and `check --format text` on a 16 MB article's bitext.
#
# The articles are the seed article (corpora/austin-baghdad/ar.txt) repeated, paragraphs
# separated by blank lines; the translations come from the committed translation memory
# (`--provider memory`), so no network is used. Needs GNU time (/usr/bin/time) and a release
# build; writes only under $WORK (default: a fresh temporary folder).
#
#   cargo build --release && bash benches/big-input.sh
#   SIZES_MB="16" bash benches/big-input.sh        # the 16 MB part only
#
# Prints one line per measurement: command, wall seconds, peak RSS (MB), RSS / input size.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
bin="${TARJAMA_BIN:-$repo/target/release/tarjama}"
work="${WORK:-$(mktemp -d)}"
sizes="${SIZES_MB:-16 200}"
[ -x "$bin" ] || { echo "no release binary at $bin; run cargo build --release" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is needed" >&2; exit 2; }

config="$work/config.toml"
sed "s#corpora/austin-baghdad/en.tmx#$repo/corpora/austin-baghdad/en.tmx#" "$repo/config.toml" > "$config"

article() { # size in MB -> path
    local path="$work/ar$1.txt"
    [ -f "$path" ] || python3 - "$repo/corpora/austin-baghdad/ar.txt" "$path" "$1" <<'PY'
import sys
seed = open(sys.argv[1], 'rb').read().rstrip(b'\n') + b'\n\n'
size = int(sys.argv[3]) * 1000 * 1000
with open(sys.argv[2], 'wb') as out:
    for _ in range(size // len(seed) + 1):
        out.write(seed)
PY
    echo "$path"
}

measure() { # input-size-bytes label command...
    local bytes="$1" label="$2"; shift 2
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2> "$work/stderr" || {
        echo "$label: failed: $(tail -n 3 "$work/stderr")" >&2; return 1; }
    read -r secs kb < <(tail -n 1 "$work/time")
    awk -v l="$label" -v s="$secs" -v kb="$kb" -v b="$bytes" \
        'BEGIN { printf "%-40s %8.1f s %8.0f MB peak  %5.1fx input\n", l, s, kb/1024, kb*1024/b }'
}

cd "$work"
for mb in $sizes; do
    input="$(article "$mb")"
    bytes=$(stat -c %s "$input")
    measure "$bytes" "run ${mb} MB" "$bin" --config "$config" run "$input" \
        --provider memory --cache "$work/cache.sqlite" --progress never --out "$work/out$mb"
    if [ "$mb" -le 50 ]; then
        bitext="$work/out$mb/bitext.jsonl"
        measure "$bytes" "export --format html ${mb} MB" "$bin" export "$bitext" --format html -o "$work/r$mb.html"
        measure "$bytes" "check --format text ${mb} MB" "$bin" --config "$config" check "$bitext" --format text -o "$work/c$mb.txt"
    fi
done
echo "work folder: $work"
