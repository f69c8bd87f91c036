#!/usr/bin/env python3
"""`swapped` with and without machine translation, on Text+Berg de→fr.

The synthetic PUD evaluation (`tarjama eval flags --synthetic`) has no MT, so this measures the
MT evidence of `swapped` on the corpus that has human translations, MT and a gold alignment:
Text+Berg de→fr (corpora/eval/textberg, Google MT). The gold 1-1 beads of a
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

from textberg import bitext, corrupted_runs, parse_args


def swap(pairs, kinds_out, rng, with_mt):
    """The bitext of `pairs` with about one neighbouring pair in ten exchanging targets."""
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
    return bitext([(s, m) for s, _, m in pairs], targets, with_mt)


def flagged(flags):
    """Ids of the beads a `swapped` flag names."""
    beads = set()
    for o in flags:
        if o["code"] == "swapped":
            beads.update(o.get("beads", [o["bead"]]))
    return beads


def main():
    args, docs = parse_args(__doc__.split("\n")[0])
    for with_mt in (False, True):
        n = caught = clean = alarms = 0
        for kinds, flags in corrupted_runs(args, docs, swap, with_mt):
            found = flagged(flags)
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
