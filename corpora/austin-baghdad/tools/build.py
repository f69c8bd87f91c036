#!/usr/bin/env python3
"""Build and check the derived files of corpora/austin-baghdad from the hand-written ones.

Inputs (hand-written): ar.sentences.jsonl (gold), en.lines.txt, annotations.tsv,
and, if present, en.human.lines.txt + ar-en.human.gold.
Outputs: en.txt, en.tmx, en.human.txt. Run from anywhere: python3 tools/build.py
Exits non-zero with a message if any check fails (line counts, coverage, escaping).
"""
import json
import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent.parent


def fail(msg):
    sys.exit(f"build.py: {msg}")


def read_lines(name):
    text = (HERE / name).read_text(encoding="utf-8")
    if not text.endswith("\n"):
        fail(f"{name}: missing final newline")
    lines = text[:-1].split("\n")
    for i, line in enumerate(lines, 1):
        if not line.strip() or line != line.strip():
            fail(f"{name}:{i}: empty line or stray whitespace")
    return lines


def gold_sentences():
    ar = (HERE / "ar.txt").read_bytes()
    sents = [json.loads(l) for l in (HERE / "ar.sentences.jsonl").read_text(encoding="utf-8").splitlines()]
    for i, s in enumerate(sents):
        assert s["id"] == i and ar[s["start"]:s["end"]].decode("utf-8") == s["text"], s
    return sents


def article(lines, paras):
    """Sentences of one paragraph joined by a space, paragraphs by a blank line, no final newline."""
    out, prev = [], None
    for line, p in zip(lines, paras):
        if p == prev:
            out[-1] += " " + line
        else:
            out.append(line)
        prev = p
    return "\n\n".join(out)


def tmx(sents, en):
    tus = []
    for s, e in zip(sents, en):
        tus.append(
            f'    <tu tuid="{s["id"]}">\n'
            f'      <tuv xml:lang="ar"><seg>{escape(s["text"])}</seg></tuv>\n'
            f'      <tuv xml:lang="en"><seg>{escape(e)}</seg></tuv>\n'
            f"    </tu>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<tmx version="1.4">\n'
        '  <header creationtool="tarjama-corpus" creationtoolversion="1" segtype="sentence"'
        ' o-tmf="tarjama" adminlang="en" srclang="ar" datatype="plaintext"/>\n'
        "  <body>\n" + "".join(tus) + "  </body>\n</tmx>\n"
    )


def check_annotations(n):
    rows = (HERE / "annotations.tsv").read_text(encoding="utf-8").rstrip("\n").split("\n")
    if rows[0] != "id\tlabel\tpassage\treason":
        fail("annotations.tsv: bad header")
    for i, row in enumerate(rows[1:]):
        cols = row.split("\t")
        if len(cols) != 4 or cols[0] != str(i) or cols[1] not in ("clean", "garbled", "minor"):
            fail(f"annotations.tsv:{i + 2}: bad row {row!r}")
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", cols[2])
        lo, hi = int(m[1]), int(m[2] or m[1])
        if not (lo <= i <= hi) or not cols[3].endswith("."):
            fail(f"annotations.tsv:{i + 2}: passage {cols[2]} does not contain {i} or reason unfinished")
    if len(rows) - 1 != n:
        fail(f"annotations.tsv: {len(rows) - 1} rows, want {n}")


def parse_gold(name):
    beads = []
    for i, line in enumerate((HERE / name).read_text(encoding="utf-8").splitlines(), 1):
        m = re.fullmatch(r"\[([\d, ]*)\]:\[([\d, ]*)\]", line)
        if not m:
            fail(f"{name}:{i}: not a bead")
        ids = lambda s: [int(x) for x in s.split(",")] if s.strip() else []
        beads.append((ids(m[1]), ids(m[2])))
    return beads


def check_covers(beads, side, n, name):
    flat = [x for b in beads for x in b[side]]
    if flat != list(range(n)):
        fail(f"{name}: side {side} does not cover 0..{n - 1} exactly once in order")


def main():
    sents = gold_sentences()
    paras = [s["para"] for s in sents]
    en = read_lines("en.lines.txt")
    if len(en) != len(sents):
        fail(f"en.lines.txt: {len(en)} lines, want {len(sents)}")
    (HERE / "en.txt").write_text(article(en, paras), encoding="utf-8")
    (HERE / "en.tmx").write_text(tmx(sents, en), encoding="utf-8")
    check_annotations(len(sents))
    if (HERE / "ar-en.human.gold").exists():
        human = read_lines("en.human.lines.txt")
        beads = parse_gold("ar-en.human.gold")
        check_covers(beads, 0, len(sents), "ar-en.human.gold")
        check_covers(beads, 1, len(human), "ar-en.human.gold")
        # The paragraph of an English line is that of its Arabic sentences (or the previous line's).
        hpara, last = [], 0
        for src, tgt in beads:
            if src:
                ps = {paras[i] for i in src}
                if len(ps) != 1:
                    fail(f"ar-en.human.gold: bead {src}:{tgt} crosses paragraphs")
                last = ps.pop()
            hpara += [last] * len(tgt)
        (HERE / "en.human.txt").write_text(article(human, hpara), encoding="utf-8")
    print("ok")


if __name__ == "__main__":
    main()
