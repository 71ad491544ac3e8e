"""Trends over three or more waves, and gross flows of the members who answered two waves.

Enters: ``{wave: SurveyDesign}`` in time order (each raked to its own roll). Leaves: a
:class:`Trend` (every wave's estimate with its interval, the full member-cluster covariance of
the estimates and the linear-trend contrast, the least-squares slope per unit of wave time, as
the CDC's YRBS trend tests do with ``svycontrast``), and :func:`gross_flows`, the weighted
transition table of linked members between two waves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..design import SurveyDesign
from ..design.columns import check_level
from ..errors import DesignError
from .joint import joint_estimates, member_codes

__all__ = ["Trend", "gross_flows", "trend"]


@dataclass(frozen=True)
class Trend:
    """Estimates of every wave and cell, their covariance and the linear trend in each cell.

    ``table``: the cell columns, ``wave``, ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``;
    ``cov``: the covariance of ``table["estimate"]`` (rows and columns in the table's order);
    ``linear``: per cell, ``slope`` (change per unit of wave time), ``se``, ``ci_low``,
    ``ci_high`` and ``p_value``; ``times``: each wave's position in time.
    """

    table: pd.DataFrame
    cov: pd.DataFrame
    linear: pd.DataFrame
    times: tuple

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def __repr__(self) -> str:
        return f"Trend({self.table['wave'].nunique()} waves, {len(self.linear)} cell(s))"


def _times(waves: list[str], times) -> np.ndarray:
    if times is not None:
        out = np.asarray([float(times[w]) for w in waves])
    else:
        try:
            out = np.asarray([float(w) for w in waves])
        except ValueError:
            out = np.arange(len(waves), dtype=float)
    if len(np.unique(out)) != len(out):
        raise DesignError(
            f"Two waves share a time in {dict(zip(waves, out))}.",
            hint="pass times={wave: year} with one time per wave",
        )
    return out


def trend(
    designs: Mapping[str, SurveyDesign],
    column: str,
    *,
    level=None,
    by: str | list[str] | None = None,
    link: str | None = "member_key",
    times: Mapping[str, float] | None = None,
    confidence: float = 0.95,
) -> Trend:
    """Estimates of ``column`` in every wave with their full covariance and the linear trend.

    The covariance is the member-cluster one of :func:`compare_waves` over all waves at once,
    so any contrast of the waves (a change, an average of two years, a trend) has its honest
    standard error: ``c' cov c``. The linear trend is the contrast
    ``(t - mean t) / sum (t - mean t)^2`` over the waves' times ``t`` (the wave names read as
    numbers, e.g. years, else ``times=``): the least-squares slope per unit of time.
    """
    check_level(confidence)
    joint = joint_estimates(designs, column, level=level, by=by, link=link)
    waves = list(joint.waves)
    t = _times(waves, times)
    K, G = joint.estimate.shape
    z = stats.norm.ppf(0.5 + confidence / 2)
    se = np.sqrt(np.diag(joint.cov)).reshape(K, G)
    frames = []
    for k, wave in enumerate(waves):
        frame = joint.cells.copy()
        frame.insert(0, "wave", wave)
        est = joint.estimate[k]
        frame["estimate"] = est
        frame["se"] = se[k]
        frame["ci_low"] = est - z * se[k]
        frame["ci_high"] = est + z * se[k]
        frame["n"] = joint.n[k]
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    labels = [f"{w}|{g}" for w in waves for g in range(G)]
    cov = pd.DataFrame(joint.cov, index=labels, columns=labels)
    c = (t - t.mean()) / ((t - t.mean()) ** 2).sum()
    rows = []
    for g in range(G):
        idx = np.arange(K) * G + g
        ok = ~np.isnan(joint.estimate[:, g])
        slope = float(c @ joint.estimate[:, g]) if ok.all() else np.nan
        s = float(np.sqrt(max(c @ joint.cov[np.ix_(idx, idx)] @ c, 0.0)))
        p = float(2 * stats.norm.sf(abs(slope / s))) if s > 0 and ok.all() else np.nan
        rows.append(
            {
                "slope": slope,
                "se": s,
                "ci_low": slope - z * s,
                "ci_high": slope + z * s,
                "p_value": p,
            }
        )
    linear = pd.concat([joint.cells.reset_index(drop=True), pd.DataFrame(rows)], axis=1)
    return Trend(table, cov, linear, tuple(t))


def gross_flows(
    design_a: SurveyDesign,
    design_b: SurveyDesign,
    column: str,
    *,
    link: str = "member_key",
    weights: str = "b",
) -> pd.DataFrame:
    """Weighted transitions of ``column`` for the members who answered both waves.

    Each linked member counts once, with their weight in wave ``weights`` (``"a"`` or ``"b"``);
    answers missing in either wave leave the member out. Returns one row per answer in wave a
    and column per answer in wave b, with the weighted share of the row's members in each
    cell (rows sum to 1), an ``n`` column (unweighted members in the row) and the total in
    ``attrs["members"]``; it describes "members who answered both waves", not the membership.
    """
    if weights not in ("a", "b"):
        raise DesignError(f"weights={weights!r} must be 'a' or 'b'.")
    codes = member_codes({"a": design_a, "b": design_b}, link)
    frames = []
    for d, m in zip((design_a, design_b), codes):
        if column not in d.data.columns:
            raise DesignError(f"A wave has no column {column!r}.")
        frames.append(
            pd.DataFrame({"member": m, "answer": d.data[column].to_numpy(), "w": d.weights})
            .dropna(subset=["answer"])
            .drop_duplicates("member")
        )
    both = frames[0].merge(frames[1], on="member", suffixes=("_a", "_b"))
    if both.empty:
        raise DesignError(
            f"No member answered {column!r} in both waves, so there are no flows to show.",
            hint="check that the waves share members (compare_waves reports n_linked)",
        )
    both["weight"] = both[f"w_{weights}"]
    table = both.pivot_table(
        index="answer_a",
        columns="answer_b",
        values="weight",
        aggfunc="sum",
        fill_value=0.0,
        observed=False,
    )
    shares = table.div(table.sum(axis=1), axis=0)
    shares["n"] = both.groupby("answer_a", observed=False).size().reindex(shares.index)
    shares.index.name = f"{column} (first wave)"
    shares.columns.name = f"{column} (second wave)"
    shares.attrs["members"] = len(both)
    shares.attrs["population"] = "members who answered both waves"
    return shares
