#!/usr/bin/env python3
"""`swapped` with and without machine translation, on Text+Berg de→fr.

The synthetic PUD evaluation (`tarjama eval flags --synthetic`) has no MT, so this measures the
MT evidence of `swapped` on the corpus that has human translations, MT and a gold alignment:
Text+Berg de→fr (../shared/data/alignment/textberg, Google MT). The gold 1-1 beads of a
document (both sides at least 12 letters) are taken in order; walking through them, a bead and
the next one exchange their French targets with probability 0.1 (the pair is then skipped),
the others stay untouched. One bitext per document is written (source sentences with `mt` =
the Google MT line, or without it) and the real `tarjama check` runs on it. Recall counts
swapped beads named by a `swapped` flag; precision counts them against untouched beads named
by one.

Run from the repository root, after `cargo build --release`:

    python3 corpora/synthetic/textberg_swapped.py --split dev --seeds 3
    python3 corpora/synthetic/textberg_swapped.py --split test --seeds 3

Standard library only.
"""

import argparse
import glob
import json
import os
import random
import subprocess
import tempfile


def letters(text):
    return sum(1 for c in text if c.isalnum())


def gold_pairs(doc):
    de = open(doc + ".de", encoding="utf-8").read().split("\n")
    fr = open(doc + ".fr", encoding="utf-8").read().split("\n")
    mt = open(doc + ".mt-google.fr", encoding="utf-8").read().split("\n")
    pairs = []
    for line in open(doc + ".gold", encoding="utf-8"):
        src, tgt = (json.loads(side) for side in line.strip().split(":"))
        if len(src) == 1 and len(tgt) == 1 and src[0] < len(mt):
            s, t = de[src[0]], fr[tgt[0]]
            if letters(s) >= 12 and letters(t) >= 12:
                pairs.append((s, t, mt[src[0]]))
    return pairs


def bitext(pairs, kinds_out, rng, with_mt):
    targets = [p[1] for p in pairs]
    kinds = ["clean"] * len(pairs)
    i = 0
    while i + 1 < len(pairs):
        if rng.random() < 0.1 and targets[i] != targets[i + 1]:
            targets[i], targets[i + 1] = targets[i + 1], targets[i]
            kinds[i] = kinds[i + 1] = "swapped"
            i += 2
        else:
            i += 1
    kinds_out.extend(kinds)
    records = [{"type": "header", "schema": 1, "source_lang": "de", "target_lang": "fr"}]
    for i, (s, _, m) in enumerate(pairs):
        record = {"type": "sentence", "side": "source", "id": i, "para": 0, "text": s}
        if with_mt:
            record["mt"] = m
        records.append(record)
    for i, t in enumerate(targets):
        records.append({"type": "sentence", "side": "target", "id": i, "para": 0, "text": t})
    for i in range(len(targets)):
        records.append({"type": "bead", "id": i, "source": [i], "target": [i], "score": 1.0})
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def flagged(binary, text):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        f.write(text)
    try:
        out = subprocess.run([binary, "check", f.name], capture_output=True, text=True, check=True)
    finally:
        os.unlink(f.name)
    beads = set()
    for line in out.stdout.splitlines():
        o = json.loads(line)
        if o["type"] == "flag" and o["code"] == "swapped":
            beads.update(o.get("beads", [o["bead"]]))
    return beads


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=["dev", "test"], default="test")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--data", default="../shared/data/alignment/textberg")
    ap.add_argument("--bin", default="target/release/tarjama")
    args = ap.parse_args()
    docs = sorted(g[:-5] for g in glob.glob(os.path.join(args.data, args.split, "*.gold")))
    for with_mt in (False, True):
        n = caught = clean = alarms = 0
        for seed in range(1, args.seeds + 1):
            rng = random.Random(seed)
            for doc in docs:
                kinds = []
                found = flagged(args.bin, bitext(gold_pairs(doc), kinds, rng, with_mt))
                for i, kind in enumerate(kinds):
                    if kind == "swapped":
                        n += 1
                        caught += i in found
                    else:
                        clean += 1
                        alarms += i in found
        print(
            f"{args.split}, seeds 1..{args.seeds}, {'with' if with_mt else 'without'} MT: "
            f"swapped P {caught / max(1, caught + alarms):.3f} R {caught / max(1, n):.3f} "
            f"({n} beads; {alarms} of {clean} untouched flagged)"
        )


if __name__ == "__main__":
    main()
