"""The joint linearisation of several waves: designs in, estimates and their full covariance out.

Every wave keeps its own weights and calibration (each raked to its own roll). For a column (a
numeric mean, or the share in each level of a category) and each domain of ``by``, wave k's
estimate is a weighted mean; its influence values ``z = w 1[domain] (y - mean) / W`` are
replaced by their residuals from the wave's own calibration (the steps the design records, as
R's ``svyrecvar`` does), and then summed by **member** across waves: the member, found by the
salted key in ``link``, is the one variance cluster of every wave, so a member who answered twice
adds the covariance of the two answers. The covariance of all estimates is
``n_c / (n_c - 1) sum_c (u_c - u_bar)(u_c - u_bar)'`` over the ``n_c`` distinct members, which is
R's stacked design ``svydesign(ids = ~member)`` with ``svyby(covmat = TRUE)``.

Enters: ``{wave: SurveyDesign}``; leaves: a :class:`Joint` (frozen) for ``change.py`` and
``trend.py``. Wave designs must have their respondents as clusters (self-selected or simple
random samples); strata and finite population corrections are not used for the change, as the
member-cluster variance of a self-selected census needs none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..design import SurveyDesign
from ..design.weighting import residualise
from ..errors import DesignError, LinkError

__all__ = ["Joint", "joint_estimates", "member_codes"]


@dataclass(frozen=True)
class Joint:
    """Estimates of every wave and cell (domain x level) with their full covariance.

    ``cells`` has one row per cell (the ``by`` columns, then ``level`` for a category);
    ``estimate``, ``n`` and ``var_own`` are (waves, cells) arrays (``var_own``: each wave's own
    design variance, as if the waves were independent); ``cov`` is the member-cluster
    covariance of the estimates, ordered wave by wave (index ``k * n_cells + g``);
    ``linked[a][b]`` counts the members in each cell with an answer in both waves a and b.
    """

    waves: tuple[str, ...]
    column: str
    cells: pd.DataFrame
    estimate: np.ndarray
    n: np.ndarray
    var_own: np.ndarray
    cov: np.ndarray
    linked: dict
    n_members: int

    def index(self, k: int, g: int) -> int:
        return k * len(self.cells) + g


def member_codes(designs: Mapping[str, SurveyDesign], link: str | None) -> list[np.ndarray]:
    """Each wave's rows as member codes shared across waves (a row without a key is its own)."""
    keys = []
    for name, design in designs.items():
        if link is None:
            keys.append(pd.Series([pd.NA] * len(design.data), dtype="string"))
            continue
        if link not in design.data.columns:
            raise LinkError(
                f"Wave {name!r} has no member key column {link!r}, so its members cannot be "
                "linked to the other waves.",
                hint="hash the member ID at clean() with the same salt in every wave (an "
                "identifier variable with action: hash), or pass link=None to treat the waves "
                "as independent samples",
            )
        keys.append(design.data[link].astype("string"))
    if link is not None:
        _check_overlap(list(designs), keys, link)
    stacked = pd.concat(keys, ignore_index=True)
    codes, uniques = pd.factorize(stacked)  # -1 where the key is missing
    codes = codes.astype(np.int64)
    alone = codes < 0
    codes[alone] = len(uniques) + np.arange(int(alone.sum()))
    out, start = [], 0
    for key in keys:
        out.append(codes[start : start + len(key)])
        start += len(key)
    return out


def _check_overlap(names: list, keys: list[pd.Series], link: str) -> None:
    """A changed salt: consecutive waves that both carry keys but share none."""
    for (name_a, a), (name_b, b) in zip(zip(names, keys), zip(names[1:], keys[1:])):
        a, b = a.dropna(), b.dropna()
        if len(a) and len(b) and not a.isin(set(b)).any():
            raise LinkError(
                f"No member key in {link!r} of wave {name_b!r} matches one of wave {name_a!r} "
                f"({len(a):,} and {len(b):,} keys): the waves were most likely hashed with "
                "different salts, so no member can be linked.",
                hint="clean both waves' exports with the same salt (SURVEY_TOOLS_SALT or "
                "SURVEY_TOOLS_SALT_FILE); if the samples truly share no member, pass link=None",
            )


def _check_design(name: str, design: SurveyDesign) -> None:
    if not isinstance(design, SurveyDesign):
        raise DesignError(
            f"Wave {name!r} is a {type(design).__name__}, not a SurveyDesign.",
            hint="pass {wave: SurveyDesign(...).rake(roll margins of that wave)}",
        )
    stages = getattr(design.engine, "stages", None)
    if not stages or not hasattr(design.engine, "steps"):
        raise DesignError(
            f"Wave {name!r} is not a linearised design (e.g. replicate weights); the change "
            "between waves is linearised with each wave's calibration residuals.",
            hint="build each wave as SurveyDesign(data).rake(margins of that wave's roll)",
        )
    stage = stages[0]
    if len(np.unique(stage.cluster)) != len(design.data):
        raise DesignError(
            f"Wave {name!r} has clusters other than its respondents; the change between waves "
            "takes the member as the only cluster.",
            hint="build the wave designs without psu= (members are the clusters)",
        )


def _domains(designs: Mapping[str, SurveyDesign], by: list[str]):
    """Per wave: each row's domain code (-1 outside); the domains' labels as a frame."""
    if not by:
        return [np.zeros(len(d.data), dtype=np.int64) for d in designs.values()], pd.DataFrame(
            index=[0]
        )
    keys = []
    for name, design in designs.items():
        missing = [c for c in by if c not in design.data.columns]
        if missing:
            raise DesignError(
                f"Wave {name!r} has no column {missing[0]!r} to compare by.",
                hint="harmonise the waves with their crosswalk so every wave has it",
            )
        frame = design.data[by].astype(object)
        gaps = frame.isna().any(axis=1).to_numpy()
        rows = zip(*(frame[c].to_numpy() for c in by))
        keys.append([None if gap else tuple(r) for gap, r in zip(gaps, rows)])
    first = next(iter(designs.values())).data
    orders = []
    for col in by:
        values = pd.unique(pd.concat([d.data[col].astype(object) for d in designs.values()]))
        values = [v for v in values if not pd.isna(v)]
        if isinstance(first[col].dtype, pd.CategoricalDtype):
            cats = list(first[col].cat.categories)
            values = sorted(
                values, key=lambda v: (cats.index(v) if v in cats else len(cats), str(v))
            )
        else:
            values = sorted(values, key=str)
        orders.append(values)
    seen = {t for wave in keys for t in wave if t is not None}
    labels = [t for t in _product(orders) if t in seen]
    where = {t: i for i, t in enumerate(labels)}
    codes = [
        np.array([-1 if t is None else where[t] for t in wave], dtype=np.int64) for wave in keys
    ]
    table = pd.DataFrame(labels, columns=by)
    return codes, table


def _product(orders: list[list]) -> list[tuple]:
    out = [()]
    for values in orders:
        out = [(*t, v) for t in out for v in values]
    return out


def _values(designs: Mapping[str, SurveyDesign], column: str, level):
    """Per wave: a (rows x levels) array of y (NaN where missing); the levels (None: a mean)."""
    frames = []
    for name, design in designs.items():
        if column not in design.data.columns:
            raise DesignError(
                f"Wave {name!r} has no column {column!r}.",
                hint="harmonise the waves with their crosswalk so every wave names it alike",
            )
        frames.append(design.data[column])
    numeric = all(
        pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s) for s in frames
    )
    if numeric and level is None:
        return [s.to_numpy(dtype=float, na_value=np.nan)[:, None] for s in frames], None
    if level is not None:
        levels = [level]
    elif all(pd.api.types.is_bool_dtype(s) for s in frames):
        levels = [True]
    else:
        first = frames[0]
        values = pd.unique(pd.concat([s.astype(object) for s in frames]).dropna())
        if isinstance(first.dtype, pd.CategoricalDtype):
            cats = list(first.cat.categories)
            levels = cats + sorted((v for v in values if v not in cats), key=str)
            levels = [v for v in levels if v in set(values)]
        else:
            levels = sorted(values, key=str)
    present = {v for s in frames for v in s.dropna().astype(object).unique()}
    if level is not None and level not in present and str(level) not in {str(v) for v in present}:
        raise DesignError(
            f"No wave has the answer {level!r} in {column!r}.",
            hint=f"use one of {sorted(map(str, present))[:8]}",
        )
    out = []
    for s in frames:
        miss = s.isna().to_numpy()
        text = s.astype(object).where(~miss, None).map(str).to_numpy()
        hits = np.column_stack([(text == str(lv)) & ~miss for lv in levels])
        out.append(np.where(miss[:, None], np.nan, hits * 1.0))
    return out, levels


def joint_estimates(
    designs: Mapping[str, SurveyDesign],
    column: str,
    *,
    level=None,
    by: str | list[str] | None = None,
    link: str | None = "member_key",
) -> Joint:
    """Every wave's estimates of ``column`` by ``by`` and their member-cluster covariance."""
    if len(designs) < 2:
        raise DesignError(
            f"Comparing waves needs at least two, not {len(designs)}.",
            hint='pass {"2026": design_a, "2027": design_b}',
        )
    for name, design in designs.items():
        _check_design(str(name), design)
    by_cols = [by] if isinstance(by, str) else list(by or [])
    doms, table = _domains(designs, by_cols)
    ys, levels = _values(designs, column, level)
    members = member_codes(designs, link)
    n_dom = len(table)
    n_lev = 1 if levels is None else len(levels)
    n_cells = n_dom * n_lev
    waves = tuple(str(k) for k in designs)
    K = len(waves)
    est = np.full((K, n_cells), np.nan)
    n = np.zeros((K, n_cells), dtype=np.int64)
    var_own = np.full((K, n_cells), np.nan)
    n_c = int(max(m.max(initial=-1) for m in members)) + 1
    totals = np.zeros((n_c, K * n_cells))
    answered = []  # per wave: the set of (member, domain) with an answer
    for k, design in enumerate(designs.values()):
        y, dom, w = ys[k], doms[k], design.weights
        ok = ~np.isnan(y).any(axis=1) & (dom >= 0)
        dk = np.where(ok, dom, 0)
        wk = np.where(ok, w, 0.0)
        wsum = np.bincount(dk, weights=wk, minlength=n_dom)
        counts = np.bincount(dom[ok], minlength=n_dom)
        y0 = np.where(ok[:, None], y, 0.0)
        z = np.zeros((len(y), n_cells))
        for j in range(n_lev):
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = np.bincount(dk, weights=wk * y0[:, j], minlength=n_dom) / wsum
            cols = np.arange(n_dom) * n_lev + j
            est[k, cols] = mean
            n[k, cols] = counts
            share = np.divide(wk, wsum[dk], out=np.zeros_like(wk), where=wk > 0)
            z[np.arange(len(y)), dk * n_lev + j] = share * (y0[:, j] - np.nan_to_num(mean)[dk])
        var_own[k] = np.diag(design.engine.vcov(z))
        var_own[k][n[k] == 0] = np.nan
        res = residualise(z, design.engine.steps)
        for g in range(n_cells):
            totals[:, k * n_cells + g] = np.bincount(members[k], weights=res[:, g], minlength=n_c)
        answered.append({(int(m), int(d)) for m, d in zip(members[k][ok], dom[ok])})
    dev = totals - totals.mean(axis=0)
    cov = dev.T @ dev * (n_c / (n_c - 1))
    linked: dict = {}
    for a in range(K):
        for b in range(K):
            both = answered[a] & answered[b]
            per_dom = (
                np.bincount([d for _, d in both], minlength=n_dom)
                if both
                else np.zeros(n_dom, dtype=np.int64)
            )
            linked[(a, b)] = np.repeat(per_dom, n_lev)
    cells = table.loc[np.repeat(np.arange(n_dom), n_lev)].reset_index(drop=True)
    if not by_cols:
        cells = cells.drop(columns=[c for c in cells.columns if c not in by_cols])
    if levels is not None:
        cells["level"] = np.tile(np.asarray(levels, dtype=object), n_dom)
    return Joint(waves, column, cells, est, n, var_own, cov, linked, n_c)
