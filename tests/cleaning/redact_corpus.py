"""The redaction corpus: synthetic member comments with planted personal data, and clean ones.

``redact_corpus.txt`` writes each planted item inline as ``[[kind|text]]``; :func:`planted`
strips the markup and records each item's span. ``redact_clean.txt`` holds comments without
personal data, full of platform, studio and union names, task and invoice numbers and prices.
"""

import re
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
MARK = re.compile(r"\[\[(\w+)\|(.+?)\]\]")
ROLL = pd.read_csv(HERE / "redact_roll.csv", dtype=str)


def _lines(name: str) -> list[str]:
    text = (HERE / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def planted() -> tuple[list[str], list[list[tuple[int, int, str]]]]:
    """The planted comments as plain text, and each one's items ``(start, end, kind)``."""
    texts, items = [], []
    for line in _lines("redact_corpus.txt"):
        out, spans, last = [], [], 0
        for m in MARK.finditer(line):
            out.append(line[last : m.start()])
            start = sum(map(len, out))
            out.append(m[2])
            spans.append((start, start + len(m[2]), m[1]))
            last = m.end()
        out.append(line[last:])
        texts.append("".join(out))
        items.append(spans)
    return texts, items


def clean() -> list[str]:
    """Comments without personal data."""
    return _lines("redact_clean.txt")


def covered(item: tuple[int, int, str], text: str, spans: list) -> bool:
    """Whether every letter and digit of a planted item lies inside a redacted span."""
    start, end, _ = item
    return all(any(a <= i < b for a, b, _ in spans) for i in range(start, end) if text[i].isalnum())


def words_hit(text: str, spans: list) -> tuple[int, int]:
    """Words of ``text`` touched by a redacted span, and the number of words."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    hit = sum(1 for s, e in words if any(a < e and s < b for a, b, _ in spans))
    return hit, len(words)
