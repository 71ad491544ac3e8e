#!/usr/bin/env python3
# ruff: noqa: E501, B007, SIM115, SIM905  (copied as written from the held-out corpus; layout by ruff format)
"""Score a redaction function against the held-out corpus.

    /work/main/.venv/bin/python score.py survey_tools.cleaning.redact:redact \
        [--corpus heldout.jsonl] [--roll roll.csv] [--no-roll] [--misses 15] [--json out.json]

The function is called as fn(pandas.Series(texts), roll=roll_dataframe) (falling back to a
plain list if it rejects a Series) and must return one redacted text per input, in order.

Recall (per planted item).  An item's *countable tokens* are its alphanumeric tokens
(regex [^\\W_]+, so letters with accents count) of length >= 2, lower-cased, minus STOP
(generic words such as at/dot/com/box/apt/street, titles, months, state codes, link-hosting
domains) and minus a 1-3 digit country code written right after '+'.  The original and the
redacted text are tokenised the same way and aligned with difflib (token level, autojunk off);
a token *survives* if the alignment matches it to an identical token in the output.
  * strict recall: the item is removed iff none of its countable tokens survive;
  * token recall: share of countable tokens removed;
  * presence recall (simpler check, reported for comparison): the item's *distinctive* tokens
    (countable tokens that occur nowhere else in the original text) are all absent from the
    output; items with no distinctive token fall back to the alignment result.
Over-redaction.  Clean words = whitespace tokens of the original that do not overlap any
planted span, normalised (lower-case, punctuation stripped at both ends; tokens that are
pure punctuation are ignored).  The output is split and normalised the same way, both
sequences are aligned with difflib, and a clean word is lost if it is not matched.
"""

from __future__ import annotations

import argparse
import collections
import difflib
import importlib
import json
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOKEN = re.compile(r"[^\W_]+")
STOP = set(
    """
at dot com net org edu io me co uk fm ac www http https in is my the of and a an to
box po apt unit ste suite flat no st ave avenue street blvd rd road dr drive way lane ln pl
place terrace row ct court hwy north south east west nw ne sw se
mr mrs ms mx dr prof miss sir
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
ca ny ga tx il wa or tn nm fl nj ma on qc bc
linkedin linktr ee vimeo imdb name nm carrd squarespace bsky social instagram ig
""".split()
)


def countable_tokens(value: str):
    """[(start, end, token_lower)] of the tokens of `value` that count for recall."""
    out = []
    for m in TOKEN.finditer(value):
        tok = m.group().lower()
        if len(tok) < 2 or tok in STOP:
            continue
        if tok.isdigit() and len(tok) <= 3 and m.start() > 0 and value[m.start() - 1] == "+":
            continue
        out.append((m.start(), m.end(), tok))
    return out


def tokens(text: str):
    return [(m.start(), m.end(), m.group().lower()) for m in TOKEN.finditer(text)]


def aligned_survivors(a, b):
    """Indices of a that difflib matches to identical elements of b."""
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    keep = set()
    for tag, i1, i2, _, _ in sm.get_opcodes():
        if tag == "equal":
            keep.update(range(i1, i2))
    return keep


def norm_word(w: str) -> str:
    w = w.lower()
    i, j = 0, len(w)
    while i < j and not w[i].isalnum():
        i += 1
    while j > i and not w[j - 1].isalnum():
        j -= 1
    return w[i:j]


def load_fn(spec: str):
    mod, _, attr = spec.partition(":")
    if not attr:
        raise SystemExit("give the function as module:function")
    return getattr(importlib.import_module(mod), attr)


def run_redactor(fn, texts, roll):
    import pandas as pd

    try:
        res = fn(pd.Series(texts), roll=roll)
    except (TypeError, AttributeError):
        res = fn(list(texts), roll=roll)
    res = list(res.tolist() if hasattr(res, "tolist") else res)
    if len(res) != len(texts):
        raise SystemExit(f"redactor returned {len(res)} texts for {len(texts)} inputs")
    return ["" if r is None else str(r) for r in res]


def score(rows, outs):
    per_kind = collections.defaultdict(
        lambda: {"n": 0, "removed": 0, "tok_n": 0, "tok_removed": 0, "presence_removed": 0}
    )
    per_form = collections.defaultdict(lambda: [0, 0])
    misses = collections.defaultdict(list)
    clean_total = clean_lost = 0
    clean_total_cc = clean_lost_cc = 0  # comments with no planted items
    lost_words = collections.Counter()
    for idx, (row, out) in enumerate(zip(rows, outs)):
        text, items = row["text"], row["items"]
        ot = tokens(text)
        rt = tokens(out)
        surv = aligned_survivors([t[2] for t in ot], [t[2] for t in rt])
        out_set = {t[2] for t in rt}
        for it in items:
            s, e = it["span"]
            ctoks = countable_tokens(it["value"])
            # map countable tokens to token indices in the full text
            idxs = []
            for cs, ce, tok in ctoks:
                for k, (ts, te, tt) in enumerate(ot):
                    if ts == s + cs and te == s + ce:
                        idxs.append(k)
                        break
            survived = [k for k in idxs if k in surv]
            removed = not survived
            # presence check
            outside = collections.Counter(t[2] for t in ot if t[1] <= s or t[0] >= e)
            distinct = {tok for _, _, tok in ctoks if outside[tok] == 0}
            pres_removed = (not (distinct & out_set)) if distinct else removed
            pk = per_kind[it["kind"]]
            pk["n"] += 1
            pk["removed"] += removed
            pk["tok_n"] += len(idxs)
            pk["tok_removed"] += len(idxs) - len(survived)
            pk["presence_removed"] += pres_removed
            pf = per_form[(it["kind"], it.get("form", ""))]
            pf[0] += 1
            pf[1] += removed
            if not removed:
                misses[it["kind"]].append(
                    {
                        "row": idx,
                        "value": it["value"],
                        "form": it.get("form"),
                        "surviving": [ot[k][2] for k in survived],
                        "context": text[max(0, s - 40) : e + 40].replace("\n", " "),
                        "output_excerpt": _excerpt(out, [ot[k][2] for k in survived]),
                    }
                )
        # over-redaction
        spans = [it["span"] for it in items]
        words = [(m.start(), m.end(), norm_word(m.group())) for m in re.finditer(r"\S+", text)]
        clean_flags = [
            not any(ws < e and we > s for s, e in spans) and bool(w) for ws, we, w in words
        ]
        outw = [norm_word(w) for w in out.split()]
        keep = aligned_survivors([w for _, _, w in words], outw)
        for k, (flag, (_, _, w)) in enumerate(zip(clean_flags, words)):
            if not flag:
                continue
            clean_total += 1
            lost = k not in keep
            clean_lost += lost
            if not items:
                clean_total_cc += 1
                clean_lost_cc += lost
            if lost:
                lost_words[w] += 1
    return (
        per_kind,
        per_form,
        misses,
        (clean_total, clean_lost, clean_total_cc, clean_lost_cc),
        lost_words,
    )


def _excerpt(out, toks):
    low = out.lower()
    for t in toks:
        i = low.find(t)
        if i >= 0:
            return out[max(0, i - 40) : i + len(t) + 40].replace("\n", " ")
    return out[:100].replace("\n", " ")


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("function", help="module:function, e.g. survey_tools.cleaning.redact:redact")
    ap.add_argument("--corpus", default=str(HERE / "heldout.jsonl"))
    ap.add_argument("--roll", default=str(HERE / "roll.csv"))
    ap.add_argument("--no-roll", action="store_true", help="call with roll=None")
    ap.add_argument("--misses", type=int, default=15, help="misses to print per kind")
    ap.add_argument("--json", help="write the full result (with all misses) here")
    a = ap.parse_args()

    rows = [json.loads(line) for line in open(a.corpus, encoding="utf-8") if line.strip()]
    roll = None
    if not a.no_roll:
        import pandas as pd

        roll = pd.read_csv(a.roll, dtype=str, keep_default_na=False)
    fn = load_fn(a.function)
    t0 = time.time()
    outs = run_redactor(fn, [r["text"] for r in rows], roll)
    dt = time.time() - t0
    per_kind, per_form, misses, clean, lost_words = score(rows, outs)

    print(
        f"corpus: {a.corpus}  comments={len(rows)}  items={sum(len(r['items']) for r in rows)}  "
        f"roll={'none' if roll is None else len(roll)}  redact time={dt:.1f}s"
    )
    print(f"\n{'kind':<11}{'items':>6}{'strict':>9}{'token':>9}{'presence':>10}")
    tot = [0, 0, 0, 0, 0]
    for k in sorted(per_kind, key=lambda k: -per_kind[k]["n"]):
        d = per_kind[k]
        print(
            f"{k:<11}{d['n']:>6}{d['removed'] / d['n']:>9.1%}{d['tok_removed'] / max(1, d['tok_n']):>9.1%}"
            f"{d['presence_removed'] / d['n']:>10.1%}"
        )
        tot = [
            tot[0] + d["n"],
            tot[1] + d["removed"],
            tot[2] + d["tok_n"],
            tot[3] + d["tok_removed"],
            tot[4] + d["presence_removed"],
        ]
    print(
        f"{'ALL':<11}{tot[0]:>6}{tot[1] / tot[0]:>9.1%}{tot[3] / max(1, tot[2]):>9.1%}{tot[4] / tot[0]:>10.1%}"
    )

    print("\nstrict recall by form:")
    for (k, f), (n, r) in sorted(per_form.items()):
        print(f"  {k:<10} {f:<16} {r:>3}/{n:<3} {r / n:6.1%}")

    ct, cl, cct, ccl = clean
    print(
        f"\nover-redaction: {cl}/{ct} clean words lost = {cl / max(1, ct):.2%} "
        f"(comments without PII: {ccl}/{cct} = {ccl / max(1, cct):.2%})"
    )
    if lost_words:
        print(
            "most often lost clean words:",
            ", ".join(f"{w}×{c}" for w, c in lost_words.most_common(25)),
        )

    print("\nmisses:")
    for k in sorted(misses, key=lambda k: -len(misses[k])):
        print(f"-- {k}: {len(misses[k])} missed")
        for m in misses[k][: a.misses]:
            print(
                f"   [{m['row']}] {m['value']!r} ({m['form']}) survived={m['surviving']}\n"
                f"        out: …{m['output_excerpt']}…"
            )
    if a.json:
        Path(a.json).write_text(
            json.dumps(
                {
                    "per_kind": per_kind,
                    "per_form": {f"{k}/{f}": v for (k, f), v in per_form.items()},
                    "over_redaction": {
                        "clean_words": ct,
                        "lost": cl,
                        "clean_words_pii_free_comments": cct,
                        "lost_pii_free_comments": ccl,
                    },
                    "lost_words": lost_words.most_common(),
                    "misses": misses,
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
