#!/usr/bin/env python3
"""Partial omission/addition detection with and without machine translation.

The synthetic PUD evaluation (`tarjama eval flags --synthetic`) has no MT, so this measures the
MT evidence of `omission`/`addition` on the one corpus that has human translations, MT and a
gold alignment: Text+Berg de→fr (corpora/eval/textberg, Google MT). For each gold
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

from textberg import bitext, corrupted_runs, letters, parse_args


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


def corrupt(pairs, kinds_out, rng, with_mt):
    """The bitext of `pairs` with 20 % of the targets shortened and 20 % lengthened."""
    others = [p[1] for p in pairs]
    targets = []
    for s, t, m in pairs:
        kind, roll = "clean", rng.random()
        if roll < 0.2 and (x := drop_words(t, rng)):
            kind, t = "omission", x
        elif 0.2 <= roll < 0.4 and (x := add_clause(t, others, rng)):
            kind, t = "addition", x
        kinds_out.append(kind)
        targets.append(t)
    return bitext([(s, m) for s, _, m in pairs], targets, with_mt)


def omissions_and_additions(flags):
    """bead id -> the omission/addition codes flagged on it."""
    found = {}
    for o in flags:
        if o["code"] in ("omission", "addition"):
            found.setdefault(o["bead"], set()).add(o["code"])
    return found


def main():
    args, docs = parse_args(__doc__.split("\n")[0])
    for with_mt in (False, True):
        counts = {}
        for kinds, flags in corrupted_runs(args, docs, corrupt, with_mt):
            found = omissions_and_additions(flags)
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
