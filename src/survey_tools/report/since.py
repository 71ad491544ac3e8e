"""The memo's "Since last year": the plan's headline and focus measures against the previous wave.

Enters: this wave's :class:`~survey_tools.report.run.SurveyRun` and the previous wave's files
(export, codebook, roll, margins), optionally the crosswalk. Leaves: :class:`Since`, with, per
measure, the change among all members in words (``describe_change``), a table by the plan's
group with every cell through disclosure control (a group's shares and change are withheld,
"—", when either wave's own tables withhold its share, by the one rule of
:func:`~survey_tools.report.tables.screened`, complementary cells included), the groups
whose change is clear after allowing for comparing all groups (Benjamini-Hochberg q < 0.05),
and how many members answered both waves.

Both waves are cleaned with a salted member key (:func:`~survey_tools.waves.with_member_key`;
the salt comes from ``SURVEY_TOOLS_SALT``, the same for both), so members who answered twice
are linked and the change has the member-cluster standard error of
:func:`~survey_tools.compare_waves`. The previous wave is read with this wave's plan: the
measures are the same questions, and a question the crosswalk marks ``break`` is named, not
compared.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..cleaning.codebook import Codebook
from ..disclosure.publish import base_text
from ..errors import ComparabilityError, LinkError
from ..waves import Crosswalk, compare_waves, describe_change, link_waves, with_member_key
from .run import SurveyRun, prepare_survey
from .tables import screened

__all__ = ["Since", "previous_run", "since_last_year", "wave_year"]

DASH = "—"


def wave_year(run: SurveyRun, default: str) -> str:
    """The year most of a wave's responses started in (its codebook's ``start`` time)."""
    quality = (run.cleaned.codebook or {}).get("quality", {}) or {}
    col = quality.get("start")
    if col and col in run.cleaned.data.columns:
        years = pd.to_datetime(run.cleaned.data[col], errors="coerce").dt.year.dropna()
        if len(years):
            return str(int(years.mode().iloc[0]))
    return default


def previous_run(
    run: SurveyRun,
    export: str | os.PathLike,
    codebook: str | os.PathLike,
    *,
    roll: str | os.PathLike | None = None,
    margins: str | os.PathLike | None = None,
) -> SurveyRun:
    """The previous wave cleaned (with a salted member key), fitted to this wave's plan, raked."""
    book = with_member_key(Codebook.from_yaml(codebook))
    return prepare_survey(export, book, plan=run.plan, roll=roll, margins=margins)


@dataclass(frozen=True)
class Change:
    """One measure's change: ``sentence`` (all members), ``table`` (by group, display),
    ``clear`` (groups with a clear change, in words), or ``note`` when not compared."""

    id: str
    wording: str
    sentence: str = ""
    overall: dict = field(default_factory=dict)
    table: pd.DataFrame | None = None
    clear: tuple[str, ...] = ()
    withheld: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Since:
    waves: tuple[str, str]
    changes: tuple[Change, ...]
    linked: int
    share_linked: float
    n_before: int
    n_now: int


def _hidden(design, measure: str, group: str, min_count: int, min_base: int) -> set:
    """The groups whose share the wave's own tables withhold (the one rule, :func:`screened`)."""
    rows = screened(design, measure, True, by=group, min_count=min_count, min_base=min_base)
    return set(rows.loc[rows["hidden"].to_numpy(bool), group].astype(str))


def _pct(v: float) -> str:
    return f"{v * 100:.1f}%"


def _pts(v: float) -> str:
    return ("+" if v > 0 else "\u2212" if v < 0 else "") + f"{abs(v) * 100:.1f}"


def _table(rows: pd.DataFrame, group: str, waves, hidden: set, min_count: int):
    wa, wb = waves
    out, withheld = [], []
    for r in rows.itertuples(index=False):
        g = str(getattr(r, group))
        small = g in hidden  # bases under min_base are withheld there too (unreliable)
        if small:
            withheld.append(g)
        show = not small
        out.append(
            {
                group: g,
                wa: _pct(r.estimate_a) if show else DASH,
                wb: _pct(r.estimate_b) if show else DASH,
                "Change (points)": _pts(r.difference) if show else DASH,
                "95% CI": f"{_pts(r.ci_low)} to {_pts(r.ci_high)}" if show else DASH,
                "Clear change": ("yes" if r.q_value < 0.05 else "no") if show else DASH,
                f"n {wa}": base_text(r.n_a, min_count),
                f"n {wb}": base_text(r.n_b, min_count),
            }
        )
    return pd.DataFrame(out), tuple(withheld)


def since_last_year(
    run: SurveyRun,
    before: SurveyRun,
    *,
    crosswalk: str | os.PathLike | Crosswalk | None = None,
    min_count: int | None = None,
    min_base: int | None = None,
) -> Since:
    """The plan's headline and focus measures, this wave against ``before`` (see the module)."""
    p = run.plan
    min_count = p.min_count if min_count is None else min_count
    min_base = p.min_base if min_base is None else min_base
    if crosswalk is not None and not isinstance(crosswalk, Crosswalk):
        crosswalk = Crosswalk.from_yaml(crosswalk)
    wa, wb = wave_year(before, "previous wave"), wave_year(run, "this wave")
    if wa == wb:
        wa, wb = f"{wa} (previous)", f"{wb} (this wave)"
    designs = {wa: before.design, wb: run.design}
    try:
        links = link_waves(before.design, run.design, waves=(wa, wb))
        link, linked, share = "member_key", links.linked, links.share_linked
    except LinkError:  # waves without keys (or other salts): compared as independent samples
        link, linked, share = None, 0, 0.0
    measures = [p.headline] + ([p.focus.measure] if p.focus else [])
    changes = []
    for m in measures:
        if crosswalk is not None:
            try:
                names = list(crosswalk.waves)
                if len(names) >= 2:
                    crosswalk.check(m.variable, [names[0], names[-1]])
            except ComparabilityError as exc:
                changes.append(Change(m.id, m.wording, note=str(exc).split(" Fix:")[0]))
                continue
        whole = compare_waves(designs, m.id, level=True, link=link).iloc[0]
        by = compare_waves(designs, m.id, level=True, by=p.group, link=link)
        if "q_value" not in by:
            by["q_value"] = by["p_value"]
        # A group either wave's own tables withhold stays withheld here: a share shown beside
        # the change would give away what that wave's complementary suppression protects.
        hidden = _hidden(before.design, m.id, p.group, min_count, min_base)
        hidden |= _hidden(run.design, m.id, p.group, min_count, min_base)
        table, withheld = _table(by, p.group, (wa, wb), hidden, min_count)
        shown = by[~by[p.group].astype(str).isin(withheld)]
        clear = tuple(
            f"{r[p.group]}: {describe_change(r)}"
            for _, r in shown.iterrows()
            if r["q_value"] < 0.05 and not (r["ci_low"] <= 0 <= r["ci_high"])
        )
        changes.append(
            Change(
                m.id,
                m.wording,
                sentence=describe_change(whole),
                overall=whole.to_dict(),
                table=table,
                clear=clear,
                withheld=withheld,
            )
        )
    return Since(
        (wa, wb),
        tuple(changes),
        linked,
        share,
        len(before.design.data),
        len(run.design.data),
    )


def se_ratio(change: Change) -> float:
    """How much narrower the change's interval is than if the waves were independent."""
    o = change.overall
    return float(o["se"] / o["se_independent"]) if o.get("se_independent") else np.nan
