#!/usr/bin/env bash
# Wall time of `check --format text` for two builds, run alternately (this machine's speed
# drifts by ±20 % from minute to minute: a build timed alone in another minute says little).
#
#   bash benches/alternate.sh OLD_BINARY NEW_BINARY BITEXT [ROUNDS] [-- ARGS...]
#
# BITEXT: e.g. the 16 MB article's, from `SIZES_MB=16 WORK=/tmp/big bash benches/big-input.sh`
# (`/tmp/big/out16/bitext.jsonl`). ARGS go before `check` (e.g. `--config config.toml`).
# Prints each build's median and all its times, and whether the two reports are identical.
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
old="$1" new="$2" bitext="$3" rounds="${4:-10}"
shift $(( $# >= 4 ? 4 : 3 ))
[ "${1:-}" = "--" ] && shift
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is needed" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for _ in $(seq "$rounds"); do
    for which in old new; do
        bin="${!which}"
        /usr/bin/time -f "%e" -o "$work/time" "$bin" "$@" check "$bitext" --format text \
            -o "$work/$which.txt" > /dev/null 2> "$work/stderr" || {
            echo "$which: failed: $(tail -n 3 "$work/stderr")" >&2; exit 1; }
        echo "$which $(tail -n 1 "$work/time")" >> "$work/times"
    done
done
for which in old new; do
    awk -v w="$which" '$1 == w { print $2 }' "$work/times" | sort -n | awk -v w="$which" '
        { t[NR] = $1; all = all " " $1 }
        END { m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
              printf "%s: median %.2f s over %d runs (%.2f–%.2f):%s\n", w, m, NR, t[1], t[NR], all }'
done
if cmp -s "$work/old.txt" "$work/new.txt"; then echo "reports identical"; else echo "reports differ"; fi
