"""Ranking groups honestly: intervals that hold for the whole ranking, and "highest" said only
when the data single a group out.

The highest of nine group estimates is biased upwards (the winner's curse), and nine 95%
intervals do not hold together 95% of the time. :func:`rank_groups` gives every shown group a
simultaneous interval (Bonferroni: each at level ``1 - 0.05 / K``) and tests the top group
against each other one with Holm's step-down adjustment, from a survey-weighted logistic model
of the answer by group (covariates optional: "holding age fixed"). ``Ranking.clear`` is True
only when the top group is above every other shown group after the adjustment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..design.survey_design import SurveyDesign
from ..errors import ReportError
from ..models import predict_margins
from .role_models import role_model
from .tables import pct, screened

__all__ = ["Ranking", "holm", "rank_groups"]


def holm(p_values) -> np.ndarray:
    """Holm's step-down adjusted p-values (as R's ``p.adjust(method = "holm")``).

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03]).round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p)
    scaled = (len(p) - np.arange(len(p))) * p[order]
    adjusted = np.minimum(np.maximum.accumulate(scaled), 1.0)
    out = np.empty_like(adjusted)
    out[order] = adjusted
    return out


@dataclass(frozen=True)
class Ranking:
    """Groups ranked by a share, with simultaneous intervals and the top group's tests.

    ``table`` has the group column, ``estimate``, ``ci_low`` and ``ci_high`` (simultaneous over
    the shown groups), ``n``, ``difference`` from the top group and its Holm-adjusted
    ``p_holm``; groups disclosure control withholds are left out (``withheld`` names them), and
    so are groups where none or all answered ``level`` (``unanimous``: a share of 0 or 1 has no
    interval a comparison could use). ``tied`` are the groups not clearly below the top one.
    """

    label: str
    by: str
    group_name: str
    table: pd.DataFrame = field(repr=False)
    top: str
    tied: tuple
    withheld: tuple = ()
    adjusted_for: tuple = ()
    unanimous: tuple = ()

    @property
    def clear(self) -> bool:
        """True when the top group is above every other shown group after adjustment."""
        return not self.tied

    def __repr__(self) -> str:
        verdict = "clear" if self.clear else f"tied with {', '.join(self.tied)}"
        return f"Ranking({self.label} by {self.by}: top {self.top!r}, {verdict})"

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def _figure(self, row) -> str:
        k = len(self.table)
        return (
            f"{pct(row['estimate'])}; interval allowing for comparing {k} groups "
            f"{pct(row['ci_low'])} to {pct(row['ci_high'])}; n = {int(row['n']):,}"
        )

    @property
    def text(self) -> str:
        """The sentences a memo may print about the top group (and any it cannot be told
        apart from), each figure with its simultaneous interval and base."""
        k = len(self.table)
        held = f", holding {' and '.join(self.adjusted_for)} fixed" if self.adjusted_for else ""
        rows = self.table.set_index(self.table[self.by].astype(str))
        left = (
            f" ({' and '.join(self.withheld)} withheld by disclosure control, so not compared)"
            if self.withheld
            else ""
        ) + (
            f" ({' and '.join(self.unanimous)}: all or none answered alike, so not compared)"
            if self.unanimous
            else ""
        )
        if self.clear:
            return (
                f"{self.top} stand out ({self._figure(rows.loc[self.top])}): above "
                + (
                    f"each of the {k - 1} other {self.group_name}s shown"
                    if k > 2
                    else f"the other {self.group_name} shown"
                )
                + f"{held}{left}. The highest of several "
                "estimates tends to run high, so read it with its interval"
            )
        tied = [self.top, *self.tied]
        figures = "; ".join(f"{g} {self._figure(rows.loc[g])}" for g in tied)
        return (
            f"{len(tied)} {self.group_name}s lead ({figures}), and the data cannot rank them "
            f"against each other{held}{left}"
        )


def rank_groups(
    design: SurveyDesign,
    col: str,
    level=True,
    *,
    by: str,
    covariates=(),
    label: str | None = None,
    group_name: str | None = None,
    min_count: int = 10,
    min_base: int = 30,
    alpha: float = 0.05,
) -> Ranking:
    """Rank the groups of ``by`` on the share answering ``level`` of ``col``.

    Groups disclosure control withholds (:func:`~.tables.screened`) take no part. With
    ``covariates`` the shares are predicted margins holding them fixed; without, the model
    has only the groups, so its margins are the groups' own weighted shares.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> g = rng.choice(list("abc"), 1500)
    >>> df = pd.DataFrame({"g": g, "y": rng.random(1500) < np.where(g == "c", 0.5, 0.2)})
    >>> rank_groups(SurveyDesign(df), "y", True, by="g").clear
    True
    """
    shown = screened(design, col, level, by=by, min_count=min_count, min_base=min_base)
    withheld = tuple(shown.loc[shown["hidden"], by].astype(str))
    shown = shown[~shown["hidden"]]
    alike = (shown["estimate"] <= 0) | (shown["estimate"] >= 1)
    unanimous = tuple(shown.loc[alike, by].astype(str))
    shown = shown[~alike]
    if len(shown) < 2:
        raise ReportError(
            f"Fewer than two groups of {by!r} can be shown after disclosure control, so there "
            "is nothing to rank.",
            hint="pool small groups, or report the overall share only",
        )
    model = role_model(design, col, level, by=by, covariates=tuple(covariates))
    first = model.margins[model.margins["kind"] == "margin"]
    first = first[first[by].astype(str).isin(shown[by].astype(str))]
    top = str(first.loc[first["estimate"].idxmax(), by])
    k = len(first)
    margins = predict_margins(model.fit, by, level=1 - alpha / k, reference=top)
    rows = margins[margins["kind"] == "margin"]
    rows = rows[rows[by].astype(str).isin(shown[by].astype(str))].copy()
    diffs = margins[margins["kind"] == "difference"]
    diffs = diffs.set_index(diffs[by].astype(str))
    rows["difference"] = rows[by].astype(str).map(diffs["estimate"]).fillna(0.0)
    se = rows[by].astype(str).map(diffs["se"])
    t = (rows["difference"] / se).to_numpy(dtype=float)
    df = float(model.fit.df_resid)
    p = 2 * stats.t.sf(np.abs(t), df)
    others = rows[by].astype(str) != top
    p_holm = np.full(len(rows), np.nan)
    p_holm[others.to_numpy()] = holm(p[others.to_numpy()])
    rows["p_holm"] = p_holm
    rows = rows.sort_values("estimate", ascending=False, ignore_index=True)
    keep = [by, "estimate", "ci_low", "ci_high", "n", "difference", "p_holm"]
    table = rows[keep]
    tied = tuple(table.loc[(table[by].astype(str) != top) & (table["p_holm"] >= alpha), by])
    return Ranking(
        label=label or f"{col} = {level}",
        by=by,
        group_name=group_name or by.replace("_", " "),
        table=table,
        top=top,
        tied=tuple(map(str, tied)),
        withheld=withheld,
        adjusted_for=tuple(c.replace("_", " ") for c in covariates),
        unanimous=unanimous,
    )
