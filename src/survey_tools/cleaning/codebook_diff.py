"""What changed between two waves' codebooks: the draft of a crosswalk.

Enters: two :class:`~survey_tools.cleaning.Codebook` objects (the earlier wave's and the later
one's) and the waves' names. Leaves: a :class:`CodebookDiff` with one row per variable of the
earlier wave (and per variable only the later wave asks): how it was matched (by name, else by
question text), what changed (question wording, answer options, routing, type) and a drafted
``comparability``:

- ``same``: the same question, answers and routing;
- ``recoded``: the answers carry the same labels under other codes (a recode maps them back);
- ``caveat``: the wording or the routing changed, or answers were added or dropped, so the
  numbers compare only with a note;
- ``break``: the type or the answer scale changed (a new set of ordered answers): not
  comparable without a decision by the analyst.

:meth:`CodebookDiff.crosswalk` turns it into the crosswalk YAML that
``survey_tools.waves.Crosswalk`` reads; the analyst reviews and edits it (the draft never
decides that a ``break`` is comparable).
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

__all__ = ["CodebookDiff", "diff_codebooks"]

QUESTION_TYPES = ("single", "likert", "multi", "numeric")
TEXT_MATCH = 0.85
"""Smallest similarity (difflib ratio, 0-1) of two question texts to match renamed variables."""


@dataclass(frozen=True)
class CodebookDiff:
    """The variables of two waves' codebooks side by side; see the module docstring."""

    wave_a: str
    wave_b: str
    rows: tuple[dict, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per variable: ``variable``, ``source_a``, ``source_b``, ``matched_by``,
        ``changes``, ``comparability``, ``note``."""
        return pd.DataFrame(list(self.rows))

    def __repr__(self) -> str:
        counts = self.to_frame()["comparability"].value_counts().to_dict() if self.rows else {}
        shown = ", ".join(f"{n} {k}" for k, n in counts.items())
        return f"CodebookDiff({self.wave_a} -> {self.wave_b}: {shown})"

    def crosswalk(self) -> dict:
        """The crosswalk draft: ``{waves, reference, variables: {name: {wave: entry}}}``.

        The earlier wave is the reference: its names and answer labels are the common ones.
        Each later entry names its ``source`` variable, a ``recode`` of its labels onto the
        reference labels where they differ, the ``comparability`` and a ``note``.
        """
        variables = {}
        for row in self.rows:
            if row["source_a"] is None:
                continue
            entry_b: dict = {"source": row["source_b"], "comparability": row["comparability"]}
            if row.get("recode"):
                entry_b["recode"] = dict(row["recode"])
            if row["note"]:
                entry_b["note"] = row["note"]
            variables[row["variable"]] = {
                self.wave_a: {"source": row["source_a"], "comparability": "same"},
                self.wave_b: entry_b,
            }
        return {
            "waves": [self.wave_a, self.wave_b],
            "reference": self.wave_a,
            "variables": variables,
        }

    def to_yaml(self, path: str | os.PathLike) -> Path:
        """Write :meth:`crosswalk` as YAML, with a header saying it is a draft to review."""
        path = Path(path)
        text = yaml.safe_dump(self.crosswalk(), sort_keys=False, allow_unicode=True, width=100)
        path.write_text(
            f"# Crosswalk {self.wave_a} -> {self.wave_b}, drafted by Codebook.diff: review every "
            "comparability and note.\n" + text,
            encoding="utf-8",
        )
        return path


def _labels(var) -> dict:
    return {str(k): str(v) for k, v in (var.codes or {}).items()}


def _compare(a, b) -> tuple[list[str], str, dict]:
    """What changed from variable a to b, the drafted comparability, and a recode of b's labels."""
    changes: list[str] = []
    if a.type != b.type and {a.type, b.type} != {"single", "likert"}:
        return [f"type {a.type} -> {b.type}"], "break", {}
    if a.source[:1] != b.source[:1] and a.source and b.source:
        changes.append(f"export column {a.source[0]} -> {b.source[0]}")
    if " ".join(a.label.split()) != " ".join(b.label.split()):
        changes.append("question wording")
    if dict(a.asked_if) != dict(b.asked_if):
        changes.append("routing (asked_if)")
    la, lb = _labels(a), _labels(b)
    recode: dict = {}
    verdict = "same"
    if la != lb:
        sa, sb = set(la.values()), set(lb.values())
        ordered = a.type == "likert" or a.ordered or b.type == "likert" or b.ordered
        if sa == sb:
            changes.append("answer codes")
            verdict = "recoded"
        elif ordered:
            gone, new = sorted(sa - sb), sorted(sb - sa)
            changes.append(
                "answer scale ("
                + "; ".join(
                    [f"dropped {', '.join(gone)}"] * bool(gone)
                    + [f"added {', '.join(new)}"] * bool(new)
                )
                + ")"
            )
            verdict = "break"
        else:
            renamed = {lb[k]: la[k] for k in la.keys() & lb.keys() if la[k] != lb[k]}
            if renamed:
                changes.append(
                    "answer labels: " + "; ".join(f"{k!r} was {v!r}" for k, v in renamed.items())
                )
                recode = renamed
            added, dropped = sorted(sb - sa - set(renamed)), sorted(sa - sb - set(renamed.values()))
            if added or dropped:
                changes.append(
                    "answer options ("
                    + "; ".join(
                        [f"added {', '.join(added)}"] * bool(added)
                        + [f"dropped {', '.join(dropped)}"] * bool(dropped)
                    )
                    + ")"
                )
            verdict = "caveat" if (added or dropped) else "recoded"
    if set(a.options) != set(b.options):
        changes.append("multi-select options")
        verdict = "caveat" if verdict in ("same", "recoded") else verdict
    if verdict == "same" and any(not c.startswith("export column") for c in changes):
        verdict = "caveat"
    if verdict == "recoded" and any(c.startswith(("question", "routing")) for c in changes):
        verdict = "caveat"
    return changes, verdict, recode


def diff_codebooks(a, b, *, wave_a: str = "a", wave_b: str = "b") -> CodebookDiff:
    """Compare codebook ``a`` (the earlier wave) with ``b``; see the module docstring.

    Variables are matched by name first; a variable of ``a`` with no namesake in ``b`` is
    matched to the unmatched variable of ``b`` whose question text is most alike (at least
    :data:`TEXT_MATCH`). Identifiers, IDs, texts and dates are left out: they are never
    compared across waves.
    """
    keep = {"single", "likert", "multi", "numeric"}
    va = {k: v for k, v in a.variables.items() if v.type in keep}
    vb = {k: v for k, v in b.variables.items() if v.type in keep}
    rows: list[dict] = []
    unmatched = [k for k in vb if k not in va]
    for name, var in va.items():
        other, how = (name, "name") if name in vb else (None, None)
        if other is None and var.label:
            scored = [
                (difflib.SequenceMatcher(None, var.label.lower(), vb[k].label.lower()).ratio(), k)
                for k in unmatched
                if vb[k].label
            ]
            best = max(scored, default=(0.0, None))
            if best[0] >= TEXT_MATCH:
                other, how = best[1], f"question text ({best[0]:.0%} alike)"
                unmatched.remove(other)
        if other is None:
            rows.append(
                {
                    "variable": name,
                    "source_a": name,
                    "source_b": None,
                    "matched_by": None,
                    "changes": f"not asked in {wave_b}",
                    "comparability": "break",
                    "note": f"not asked in {wave_b}",
                    "recode": {},
                }
            )
            continue
        changes, verdict, recode = _compare(var, vb[other])
        if other != name:
            changes.insert(0, f"renamed {name} -> {other}")
        note = "; ".join(changes)
        rows.append(
            {
                "variable": name,
                "source_a": name,
                "source_b": other,
                "matched_by": how,
                "changes": note,
                "comparability": verdict,
                "note": note,
                "recode": recode,
            }
        )
    for name in unmatched:
        rows.append(
            {
                "variable": name,
                "source_a": None,
                "source_b": name,
                "matched_by": None,
                "changes": f"new in {wave_b}",
                "comparability": "break",
                "note": f"new in {wave_b}",
                "recode": {},
            }
        )
    return CodebookDiff(str(wave_a), str(wave_b), tuple(rows))
