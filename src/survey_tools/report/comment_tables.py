"""What members wrote, for the report: a prepared survey in, theme tables and approved quotes out.

:func:`gather_comments` codes the plan's open comment (``comments:``) with its theme codebook,
estimates every theme's weighted share among commenters and among all members (by the plan's
main group and overall, through disclosure control), and keeps the quotes the plan approves
that still pass every quote check on this survey's data (:func:`~survey_tools.comments.
quotes.quote_candidates`): an approved text that no longer appears, or whose only authors now
sit in a small cell, is not printed. :func:`theme_table` and :func:`theme_group_table` lay the
shares out as the memo and notebook 03 print them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..comments.code import code_comments, commented
from ..comments.quotes import pick_quotes, quote_candidates
from ..comments.shares import SELECTIVE_NOTE, theme_shares
from ..comments.themes import Themes, read_themes
from .tables import pct

__all__ = ["CommentFindings", "gather_comments", "theme_group_table", "theme_table", "top_themes"]


@dataclass(frozen=True)
class CommentFindings:
    """Coded comments and what the report prints of them (see :func:`gather_comments`)."""

    themes: Themes
    by: str
    commenters: int  # respondents who wrote a comment
    asked: int  # respondents shown the comment box
    commenting: object  # weighted share of those asked who commented (a table row)
    overall: pd.DataFrame  # theme shares, both bases, all respondents together
    by_group: pd.DataFrame  # theme shares, both bases, by group
    quotes: pd.DataFrame = field(repr=False)  # approved quotes that pass the checks
    proposed: pd.DataFrame = field(repr=False)  # pick_quotes' proposals, for approval
    note: str = SELECTIVE_NOTE

    def share(self, theme: str, base: str = "commenters"):
        """The overall row of ``theme`` on ``base`` (``estimate``, ``ci_low``, ``n``...)."""
        rows = self.overall[(self.overall["theme"] == theme) & (self.overall["base"] == base)]
        return rows.iloc[0]


def gather_comments(run, *, k: int = 3) -> CommentFindings | None:
    """Code and estimate the plan's open comment for a prepared survey (``run``); None when the
    plan declares no ``comments:`` or the survey lacks its variable. The tables are computed
    once per data, plan settings and code (:func:`~survey_tools.report.cache.cached_result` in
    the run's cache folder), so the notebooks of a series share them."""
    from .cache import cached_result

    spec = run.plan.comments
    design = run.design
    if spec is None or spec.variable not in design.data:
        return None
    themes = read_themes(spec.themes)
    by = spec.by or run.plan.group
    limits = {"min_count": run.plan.min_count, "min_base": run.plan.min_base}
    rules = (themes.window, tuple(themes.themes.values()))  # every theme's rules, by repr
    parts = (design.data, design.weights, run.margins, spec, by, limits, k, rules)
    survey = str((getattr(run.cleaned, "source", None) or {}).get("file") or "survey")
    frames, counts = cached_result(
        getattr(run, "cache_dir", None),
        f"{survey.rsplit('.', 1)[0]}.comments",
        parts,
        lambda: _comment_tables(design, spec, themes, by, limits, k),
    )
    return CommentFindings(
        themes=themes,
        by=by,
        commenters=counts["commenters"],
        asked=counts["asked"],
        commenting=frames["commenting"].iloc[0],
        overall=frames["overall"],
        by_group=frames["by_group"],
        quotes=frames["quotes"],
        proposed=frames["proposed"],
    )


def _comment_tables(design, spec, themes, by, limits, k) -> tuple[dict, dict]:
    """What :func:`gather_comments` computes: its tables and its two counts."""
    texts = design.data[spec.variable]
    coded = code_comments(texts, themes)
    wrote = commented(texts)
    asked = None
    if spec.reached and spec.reached in design.data:
        asked = design.data[spec.reached].notna() | wrote
    tables = {}
    for base in ("commenters", "members"):
        for grouped in (False, True):
            tables[base, grouped] = theme_shares(
                design, coded, commented=wrote, asked=asked, by=by if grouped else None,
                base=base, themes=themes, **limits,
            )  # fmt: skip
    everyone = pd.Series(True, index=design.data.index)
    commenting = theme_shares(
        design, pd.DataFrame({"commented": wrote}), commented=everyone,
        asked=asked if asked is not None else everyone, base="members", **limits,
    ).iloc[[0]]  # fmt: skip
    approved, proposed = [], []
    for theme in themes.ids:
        found = quote_candidates(texts, coded, theme, data=design.data, by=by, themes=themes)
        proposed.append(
            pick_quotes(texts, coded, theme, design=design, by=by, k=k, candidates=found)
        )
        allowed = spec.approved(theme)
        ok = found[(found["problems"] == "") & found["quote"].isin(allowed)]
        ok = ok.sort_values(["quote", by], kind="stable").drop_duplicates("quote")
        approved += [
            {"theme": theme, "label": themes.themes[theme].label, "quote": q, by: g}
            for q, g in zip(ok["quote"], ok[by])
        ]
    frames = {
        "commenting": commenting,
        "overall": pd.concat([tables["commenters", False], tables["members", False]]),
        "by_group": pd.concat([tables["commenters", True], tables["members", True]]),
        "quotes": pd.DataFrame(approved, columns=["theme", "label", "quote", by]),
        "proposed": pd.concat(proposed, ignore_index=True),
    }
    counts = {
        "commenters": int(wrote.sum()),
        "asked": int(asked.sum()) if asked is not None else len(wrote),
    }
    return frames, counts


def _cell(row, compact: bool = False) -> str:
    if row is None or bool(row["hidden"]) or pd.isna(row["estimate"]):
        return "—"
    if compact:  # "26.9% (23.8-30.2)"
        low, high = (pct(row[c]).rstrip("%") for c in ("ci_low", "ci_high"))
        return f"{pct(row['estimate'])} ({low}\u2013{high})"
    return f"{pct(row['estimate'])} ({pct(row['ci_low'])} to {pct(row['ci_high'])})"


def top_themes(found: CommentFindings, n: int = 3, base: str = "commenters") -> list[str]:
    """The ``n`` themes with the largest shown share on ``base``, largest first."""
    rows = found.overall[(found.overall["base"] == base) & ~found.overall["hidden"]]
    return rows.sort_values("estimate", ascending=False, kind="stable")["theme"].head(n).tolist()


def theme_table(found: CommentFindings) -> pd.DataFrame:
    """One row per theme: its share among commenters and among all members (95% CI) and the
    commenters raising it (unweighted; withheld below the count threshold), largest first."""
    rows = []
    for theme, label in found.themes.labels().items():
        among = found.share(theme, "commenters")
        members = found.share(theme, "members")
        rows.append(
            {
                "Theme": label,
                "Among commenters": _cell(among),
                "Among all members": _cell(members),
                "Commenters raising it (n)": "—" if among["hidden"] else f"{among['count']:,}",
                "_order": -np.nan_to_num(among["estimate"], nan=-1.0),
            }
        )
    out = pd.DataFrame(rows).sort_values("_order", kind="stable").drop(columns="_order")
    return out.set_index("Theme")


def theme_group_table(
    found: CommentFindings,
    base: str = "commenters",
    *,
    themes: list[str] | None = None,
    by_row: bool = False,
) -> pd.DataFrame:
    """Each theme's share by group on ``base`` with its interval ("—" where withheld) and the
    group's unweighted base. Themes are rows and groups columns, or with ``by_row=True``
    groups are rows and ``themes`` (default: all) columns, intervals written short."""
    table = found.by_group[found.by_group["base"] == base]
    ids = themes or found.themes.ids
    labels = [found.themes.themes[t].label for t in ids]
    groups = list(dict.fromkeys(table[found.by].astype(str)))
    out = {}
    for g in groups:
        part = table[table[found.by].astype(str) == g].set_index("theme")
        out[g] = [_cell(part.loc[t], by_row) if t in part.index else "—" for t in ids]
        out[g].append(f"{int(part['n'].iloc[0]):,}")
    frame = pd.DataFrame(out, index=[*labels, "Base (n)"])
    group = found.by.replace("_", " ").capitalize()
    if by_row:
        frame = frame.T
        frame.index.name = group
        return frame
    frame.columns.name = group
    return frame
