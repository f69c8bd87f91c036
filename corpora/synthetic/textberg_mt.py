#!/usr/bin/env python3
"""Partial omission/addition detection with and without machine translation.

The synthetic PUD evaluation (`tarjama eval flags --synthetic`) has no MT, so this measures the
MT evidence of `omission`/`addition` on the one corpus that has human translations, MT and a
gold alignment: Text+Berg de→fr (../shared/data/alignment/textberg, Google MT). For each gold
1-1 bead (both sides at least 12 letters), 20 % of the French targets lose a run of words
holding 35–70 % of their letters, 20 % get ", et <50–100 % of another sentence of the
document>" appended, the rest stay untouched; one bitext per document is written (source
sentences with `mt` = the Google MT line, or without it) and the real `tarjama check` runs on
it. Precision and recall count `omission` flags on omissions and `addition` flags on additions
against the same flags on untouched beads.

Run from the repository root, after `cargo build --release`:

    python3 corpora/synthetic/textberg_mt.py --split dev --seeds 3   # where MT_WEIGHT was chosen
    python3 corpora/synthetic/textberg_mt.py --split test --seeds 3  # reported

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


def drop_words(text, rng):
    words = text.split()
    if len(words) < 8:
        return None
    total = letters(text)
    spans = [
        (a, b)
        for a in range(len(words))
        for b in range(a + 1, len(words) + 1)
        if 0.35 <= letters(" ".join(words[a:b])) / total <= 0.7
    ]
    if not spans:
        return None
    a, b = rng.choice(spans)
    out = " ".join(words[:a] + words[b:])
    return out[0].upper() + out[1:] if out else None


def add_clause(text, others, rng):
    body = text.rstrip(".!?")
    own = letters(body)
    if own < 20:
        return None
    for _ in range(20):
        other = rng.choice(others).rstrip(".!?").split()
        for start in range(len(other)):
            for stop in range(len(other), start, -1):
                piece = " ".join(other[start:stop])
                if 0.5 <= letters(piece) / own <= 1.0:
                    return f"{body}, et {piece}."
    return None


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
    others = [p[1] for p in pairs]
    records = [{"type": "header", "schema": 1, "source_lang": "de", "target_lang": "fr"}]
    targets = []
    for i, (s, t, m) in enumerate(pairs):
        kind, roll = "clean", rng.random()
        if roll < 0.2 and (x := drop_words(t, rng)):
            kind, t = "omission", x
        elif 0.2 <= roll < 0.4 and (x := add_clause(t, others, rng)):
            kind, t = "addition", x
        kinds_out.append(kind)
        record = {"type": "sentence", "side": "source", "id": i, "para": 0, "text": s}
        if with_mt:
            record["mt"] = m
        records.append(record)
        targets.append(t)
    for i, t in enumerate(targets):
        records.append({"type": "sentence", "side": "target", "id": i, "para": 0, "text": t})
    for i in range(len(targets)):
        records.append({"type": "bead", "id": i, "source": [i], "target": [i], "score": 1.0})
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def flags(binary, text):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        f.write(text)
    try:
        out = subprocess.run([binary, "check", f.name], capture_output=True, text=True, check=True)
    finally:
        os.unlink(f.name)
    found = {}
    for line in out.stdout.splitlines():
        o = json.loads(line)
        if o["type"] == "flag" and o["code"] in ("omission", "addition"):
            found.setdefault(o["bead"], set()).add(o["code"])
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=["dev", "test"], default="test")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--data", default="../shared/data/alignment/textberg")
    ap.add_argument("--bin", default="target/release/tarjama")
    args = ap.parse_args()
    docs = sorted(g[:-5] for g in glob.glob(os.path.join(args.data, args.split, "*.gold")))
    for with_mt in (False, True):
        counts = {}
        for seed in range(1, args.seeds + 1):
            rng = random.Random(seed)
            for doc in docs:
                kinds = []
                found = flags(args.bin, bitext(gold_pairs(doc), kinds, rng, with_mt))
                for i, kind in enumerate(kinds):
                    c = counts.setdefault(kind, {"n": 0, "omission": 0, "addition": 0})
                    c["n"] += 1
                    for code in found.get(i, ()):
                        c[code] += 1
        clean = counts["clean"]
        parts = []
        for kind in ("omission", "addition"):
            caught, alarms, n = counts[kind][kind], clean[kind], counts[kind]["n"]
            parts.append(
                f"{kind}: P {caught / max(1, caught + alarms):.3f} R {caught / n:.3f} "
                f"({n} pairs; {alarms} of {clean['n']} untouched flagged)"
            )
        print(f"{args.split}, seeds 1..{args.seeds}, {'with' if with_mt else 'without'} MT: " + "; ".join(parts))


if __name__ == "__main__":
    main()
