"""Weighted theme shares: a design and coded comments in, shares by group through disclosure out.

:func:`theme_shares` estimates, for each theme, the weighted share of members raising it, by
group, on one of two bases:

- ``"commenters"``: among members who wrote a comment, a domain estimate of the full design
  (as R's ``svyciprop(~theme, subset(design, commented))``, degrees of freedom included),
  never a subset of rows.
- ``"members"``: among all members, counting a member who did not comment as not raising
  the theme: a lower bound on how many hold the view, since most members write nothing.
  Respondents who never reached the comment box (``asked=``) are left out of this base.

Commenting is itself selective (members with something to complain about write more), so
neither base says what share of all members hold a view; :data:`SELECTIVE_NOTE` says so in
words for tables and memos. Every share goes through :func:`~survey_tools.suppress` on the
unweighted counts raising the theme and not raising it, per group (small counts, small bases,
complementary cells); withheld shares are blanked, never returned.
"""

from __future__ import annotations

import copy
import hashlib

import numpy as np
import pandas as pd

from ..design.survey_design import SurveyDesign
from ..disclosure import suppress
from ..errors import DesignError
from .code import commented as has_comment
from .themes import Themes

__all__ = ["BASES", "SELECTIVE_NOTE", "theme_shares"]

BASES = ("commenters", "members")
SELECTIVE_NOTE = (
    "Members chose whether to write a comment, and those who did are not like those who did "
    "not; shares among commenters describe what commenters raised, and shares among all "
    "members count everyone who wrote nothing as not raising the theme, so they are lower "
    "bounds. Neither is the share of members who hold the view."
)


def _with_columns(design: SurveyDesign, columns: pd.DataFrame) -> SurveyDesign:
    """The same design (same rows, weights and calibration) with ``columns`` added."""
    out = copy.copy(design)
    out.data = design.data.assign(**{c: columns[c].to_numpy() for c in columns})
    return out


def _aligned(design: SurveyDesign, frame, what: str) -> pd.DataFrame | pd.Series:
    if len(frame) != len(design.data) or not frame.index.equals(design.data.index):
        raise DesignError(
            f"The {what} do not line up with the design's rows ({len(frame)} against "
            f"{len(design.data)}).",
            hint="code the design's own comments: code_comments(design.data[column], themes)",
        )
    return frame


def theme_shares(
    design: SurveyDesign,
    coded: pd.DataFrame,
    *,
    commented: pd.Series,
    asked: pd.Series | None = None,
    by: str | None = None,
    base: str = "commenters",
    themes: Themes | None = None,
    min_count: int = 10,
    min_base: int = 30,
    level: float = 0.95,
) -> pd.DataFrame:
    """Weighted share of members raising each theme, by group, after disclosure control.

    Parameters
    ----------
    design
        The survey design (raked weights and all); its rows are the respondents.
    coded
        :func:`~survey_tools.code_comments` of the design's comment column (same index).
    commented
        Which respondents wrote a comment: a boolean Series, or the comment texts themselves.
    asked
        Which respondents were shown the comment box (a boolean Series; default: all). For
        ``base="members"``, respondents who broke off before it are left out of the base
        rather than counted as raising nothing.
    by
        Group column (e.g. ``"role_group"``); None for all respondents together.
    base
        ``"commenters"`` or ``"members"`` (see the module docstring).
    themes
        The theme codebook, for the labels (default: the theme ids).
    min_count, min_base
        Disclosure thresholds (see :func:`~survey_tools.suppress`).

    Returns
    -------
    DataFrame
        One row per theme and group: ``theme``, ``label``, the ``by`` column, ``base``,
        ``estimate``, ``se``, ``ci_low``, ``ci_high`` (logit interval), ``n`` (unweighted
        base: commenters or members in the group), ``count`` (unweighted commenters raising
        the theme), ``hidden`` and ``withheld`` (the reason); hidden rows have no estimate.
    """
    if base not in BASES:
        raise DesignError(f"Unknown base {base!r}.", hint=f"use one of {BASES}")
    _aligned(design, coded, "coded comments")
    wrote = commented if pd.api.types.is_bool_dtype(commented) else has_comment(commented)
    wrote = _aligned(design, wrote.astype(bool), "commenters").to_numpy()
    shown = np.ones(len(wrote), bool) if asked is None else _aligned(design, asked, "asked")
    shown = np.asarray(shown, dtype=bool) | wrote
    labels = themes.labels() if themes is not None else {}
    inbase = wrote if base == "commenters" else shown
    names = {t: f"theme__{t}" for t in coded.columns}
    domain = "in_base__" + hashlib.sha1(inbase.tobytes()).hexdigest()[:12]
    added = pd.DataFrame(
        {names[t]: coded[t].to_numpy(dtype=bool) & wrote for t in coded.columns},
        index=design.data.index,
    ).assign(**{domain: inbase})
    estimating = _with_columns(design, added)
    groups = design.data[by].astype(object).to_numpy() if by else np.zeros(len(wrote))
    whole = inbase.all()  # no domain needed: the base is every respondent
    parts = []
    for theme, column in names.items():
        cells = [*([by] if by else []), *([] if whole else [domain])]
        table = estimating.proportion(column, by=cells or None, level=level)
        table = table[table["level"] == True].drop(columns="level")  # noqa: E712
        if not whole:  # the base is a domain of the full design, as R's subset()
            table = table[table[domain] == True].drop(columns=domain)  # noqa: E712
        table = table.reset_index(drop=True)
        keys = table[by].astype(object) if by else pd.Series([0])
        hit = coded[theme].to_numpy(dtype=bool) & wrote
        yes = pd.Series(hit).groupby(groups).sum().reindex(keys).fillna(0).to_numpy(int)
        n = pd.Series(inbase).groupby(groups).sum().reindex(keys).fillna(0).to_numpy(int)
        counts = pd.DataFrame(
            {"answer": yes, "other": n - yes},
            index=pd.Index(keys.astype(str), name=by or "all"),
        )
        result = suppress(counts, min_count=min_count, min_base=min_base, percent="row")
        hidden = result.hidden["answer"].to_numpy(dtype=bool)
        reason = result.reason["answer"].astype(object).where(result.hidden["answer"], "")
        table = table.assign(
            n=n, count=yes, hidden=hidden, withheld=reason.fillna("").astype(str).to_numpy()
        )
        table.loc[hidden, ["estimate", "se", "ci_low", "ci_high"]] = np.nan
        table.insert(0, "base", base)
        table.insert(0, "label", labels.get(theme, theme))
        table.insert(0, "theme", theme)
        parts.append(table)
    out = pd.concat(parts, ignore_index=True)
    front = ["theme", "label", *([by] if by else []), "base"]
    return out[front + [c for c in out.columns if c not in front]]
