"""Shared by the Text+Berg measurements (`textberg_mt.py`, `textberg_swapped.py`).

Reads the gold 1-1 beads of a document with their Google MT line, writes the canonical bitext
JSONL (schema v1) that `tarjama check` reads, runs the real binary on it and returns its flags.
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
    """Letters and digits in `text` (the unit lengths are measured in)."""
    return sum(1 for c in text if c.isalnum())


def gold_pairs(doc):
    """(German, French, Google MT of the German) of each gold 1-1 bead whose sides both have at
    least 12 letters, in document order; `doc` is the path without extension."""
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


def bitext(sources, targets, with_mt):
    """The bitext JSONL of 1-1 beads: `sources` are (German, MT) pairs, `targets` the French
    sentences, bead i pairing source i with target i."""
    records = [{"type": "header", "schema": 1, "source_lang": "de", "target_lang": "fr"}]
    for i, (s, m) in enumerate(sources):
        record = {"type": "sentence", "side": "source", "id": i, "para": 0, "text": s}
        if with_mt:
            record["mt"] = m
        records.append(record)
    for i, t in enumerate(targets):
        records.append({"type": "sentence", "side": "target", "id": i, "para": 0, "text": t})
    for i in range(len(targets)):
        records.append({"type": "bead", "id": i, "source": [i], "target": [i], "score": 1.0})
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def check_flags(binary, text):
    """The flag records `tarjama check` appends to the bitext `text`."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        f.write(text)
    try:
        out = subprocess.run([binary, "check", f.name], capture_output=True, text=True, check=True)
    finally:
        os.unlink(f.name)
    records = (json.loads(line) for line in out.stdout.splitlines())
    return [r for r in records if r["type"] == "flag"]


def corrupted_runs(args, docs, corrupt, with_mt):
    """For every seed and document: (kinds, flags) of the bitext `corrupt(gold pairs, kinds,
    rng, with_mt)` makes, one random generator per seed shared by the documents."""
    for seed in range(1, args.seeds + 1):
        rng = random.Random(seed)
        for doc in docs:
            kinds = []
            text = corrupt(gold_pairs(doc), kinds, rng, with_mt)
            yield kinds, check_flags(args.bin, text)


def parse_args(description):
    """The common command line; returns (args, document paths without extension)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--split", choices=["dev", "test"], default="test")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--data", default="corpora/eval/textberg")
    ap.add_argument("--bin", default="target/release/tarjama")
    args = ap.parse_args()
    docs = sorted(g[:-5] for g in glob.glob(os.path.join(args.data, args.split, "*.gold")))
    return args, docs
