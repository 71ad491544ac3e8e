"""Survey evidence beside occupational indices: the role join, the role table, its sensitivity.

Exposure is not displacement. The indices say which tasks current AI could touch, by SOC
occupation; the survey says what members report. Nothing here imputes job loss from an index:
the tables set the two side by side, and the one model that puts an index into a member-level
regression clusters its variance by occupation (see :func:`exposure_model` for why that makes
intervals fragile when there are few occupations).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from ..design import SurveyDesign
from ..errors import ExposureError
from ..models import svyglm
from .reference import read_exposure_indices, read_role_map

__all__ = [
    "FewClustersWarning",
    "exposure_model",
    "exposure_sensitivity",
    "join_exposure",
    "role_exposure_table",
]


class FewClustersWarning(UserWarning):
    """A model clustered by occupation has few occupations: its intervals are fragile."""


def _maps(indices, role_map):
    idx = read_exposure_indices() if indices is None else indices
    roles = role_map if isinstance(role_map, pd.DataFrame) else read_role_map(role_map)
    return idx, roles


def _wide(indices: pd.DataFrame) -> pd.DataFrame:
    """SOC code -> one column per index (value) and ``<index>_pct`` (its percentile)."""
    values = indices.pivot_table(index="soc_code", columns="index", values="value")
    pct = indices.pivot_table(index="soc_code", columns="index", values="percentile")
    pct.columns = [f"{c}_pct" for c in pct.columns]
    order = [c for name in values.columns for c in (name, f"{name}_pct")]
    return values.join(pct)[order]


def join_exposure(roles, *, indices=None, role_map=None, soc=None) -> pd.DataFrame:
    """Join survey role labels to SOC codes and to every index's value and percentile.

    Parameters
    ----------
    roles
        A role column (Series or list of labels), e.g. ``data["role_primary"]``.
    indices
        Long index table (default :func:`read_exposure_indices`; add your own with
        ``pd.concat([read_exposure_indices(), read_exposure_index(...)])``).
    role_map
        A role-to-SOC map (DataFrame from :func:`read_role_map`, or a CSV path); default the
        shipped maps.
    soc
        ``{role: soc_code}`` overriding the map, e.g. a low-certainty role's alternate code.

    Returns
    -------
    pandas.DataFrame
        Aligned with ``roles``: ``role``, ``soc_code``, ``certainty``, then for each index its
        value and ``<index>_pct``. Roles without a SOC code (``"Other"``) get NaN.

    Raises
    ------
    ExposureError
        If a label is not in the map (the message lists them).

    Examples
    --------
    >>> from survey_tools.exposure import join_exposure
    >>> j = join_exposure(["Voice actor", "TV writer", "Other"])
    >>> j[["role", "soc_code", "eloundou_human_beta"]].values.tolist()
    [['Voice actor', '27-2011', 0.1562], ['TV writer', '27-3043', 0.8077], ['Other', nan, nan]]
    """
    idx, rmap = _maps(indices, role_map)
    labels = pd.Series(roles) if not isinstance(roles, pd.Series) else roles
    labels = labels.astype(object).where(labels.notna(), None)
    known = rmap.set_index("role")
    unknown = sorted({str(r) for r in labels.dropna()} - set(known.index))
    if unknown:
        raise ExposureError(
            f"Role label(s) not in the role-to-SOC map: {unknown}.",
            hint="write a CSV with columns role,soc_code,certainty,alt_soc_codes for them "
            "(copy data/reference/ai-exposure/role_to_soc_guild.csv) and pass role_map=.",
        )
    codes = labels.map(known["soc_code"])
    if soc:
        codes = codes.where(~labels.isin(list(soc)), labels.map(soc))
    out = pd.DataFrame(
        {"role": labels, "soc_code": codes, "certainty": labels.map(known["certainty"])},
        index=labels.index,
    )
    wide = _wide(idx)
    return out.join(wide, on="soc_code")


def role_exposure_table(
    design,
    role: str,
    outcome: str,
    *,
    level: object = "Yes",
    indices=None,
    role_map=None,
) -> pd.DataFrame:
    """Each role's weighted self-reported share beside every index's value and percentile.

    Parameters
    ----------
    design
        A :class:`~survey_tools.SurveyDesign` (raked to the roll for published figures).
    role
        The role column, e.g. ``"role_primary"``.
    outcome, level
        The self-report and the answer counted, e.g. ``"ai_lost_work"``, ``"Yes"``.
    indices, role_map
        As for :func:`join_exposure`.

    Returns
    -------
    pandas.DataFrame
        One row per role: ``role``, ``estimate`` (weighted share), ``se``, ``ci_low``,
        ``ci_high`` (logit intervals), ``n`` (unweighted base), ``soc_code``, ``certainty``,
        ``alt_soc_codes``, then each index and ``<index>_pct``. Pass it to ``suppress`` before
        publishing; ``fig_exposure(table, index)`` draws it (``index`` a column, e.g.
        ``"eloundou_human_beta"``).

    Examples
    --------
    >>> import pandas as pd
    >>> from survey_tools import SurveyDesign
    >>> from survey_tools.exposure import role_exposure_table
    >>> data = pd.DataFrame({"role": ["Voice actor"] * 4 + ["TV writer"] * 4,
    ...                      "lost": ["Yes", "No", "Yes", "No", "No", "No", "Yes", "No"]})
    >>> t = role_exposure_table(SurveyDesign(data), "role", "lost")
    >>> t[["role", "estimate", "n", "soc_code", "msft_ai_applicability"]].values.tolist()
    [['TV writer', 0.25, 4, '27-3043', 0.4543], ['Voice actor', 0.5, 4, '27-2011', 0.1547]]
    """
    idx, rmap = _maps(indices, role_map)
    est = design.proportion(outcome, by=role)
    if "level" in est.columns:
        kept = est[est["level"].astype(str) == str(level)]
        if kept.empty:
            raise ExposureError(
                f"{outcome!r} has no answer {level!r}; its answers are "
                f"{sorted(est['level'].astype(str).unique())}.",
                hint="pass level= as the answer to count, e.g. level='Yes'.",
            )
        est = kept.drop(columns="level")
    est = est.assign(**{role: est[role].astype(str)}).reset_index(drop=True)
    joined = join_exposure(est[role], indices=idx, role_map=rmap)
    alts = rmap.set_index("role")["alt_soc_codes"]
    table = pd.concat(
        [est[[role, "estimate", "se", "ci_low", "ci_high", "n"]], joined.drop(columns="role")],
        axis=1,
    )
    table.insert(table.columns.get_loc("certainty") + 1, "alt_soc_codes", est[role].map(alts))
    return table.rename(columns={role: "role"})


def exposure_sensitivity(table: pd.DataFrame, *, indices=None) -> pd.DataFrame:
    """How the survey-index agreement moves when uncertain roles take their alternate codes.

    For each index: the Spearman rank correlation across roles between the weighted share
    (``estimate``) and the index under the primary map, then with each alternate code of each
    role swapped in (one at a time), then with every role that has alternates at its first one.

    Parameters
    ----------
    table
        The output of :func:`role_exposure_table`.

    Returns
    -------
    pandas.DataFrame
        ``index``, ``mapping`` (``"primary"``, ``"Voice actor -> 27-3011"``, ``"all
        alternates"``), ``rho``, ``n_roles`` (roles with a value).

    Examples
    --------
    >>> import pandas as pd
    >>> from survey_tools.exposure import exposure_sensitivity
    >>> table = pd.DataFrame({"role": ["TV writer", "Voice actor", "Picture editor"],
    ...     "estimate": [0.08, 0.2, 0.09], "soc_code": ["27-3043", "27-2011", "27-4032"],
    ...     "alt_soc_codes": [(), ("27-3011",), ()]})
    >>> s = exposure_sensitivity(table)
    >>> s[s["index"] == "eloundou_human_beta"][["mapping", "rho"]].values.tolist()
    [['primary', -1.0], ['Voice actor -> 27-3011', -0.5], ['all alternates', -0.5]]
    """
    idx = read_exposure_indices() if indices is None else indices
    wide = idx.pivot_table(index="soc_code", columns="index", values="value")
    base = dict(zip(table["role"], table["soc_code"], strict=True))
    alts = dict(zip(table["role"], table["alt_soc_codes"], strict=True))
    mappings = [("primary", base)]
    for r, codes in alts.items():
        for code in codes:
            mappings.append((f"{r} -> {code}", {**base, r: code}))
    if any(alts.values()):
        mappings.append(("all alternates", {**base, **{r: c[0] for r, c in alts.items() if c}}))
    share = table.set_index("role")["estimate"]
    rows = []
    for name in wide.columns:
        for label, mapping in mappings:
            value = pd.Series({r: wide[name].get(c, np.nan) for r, c in mapping.items()})
            ok = value.notna() & share[value.index].notna()
            rho = (
                float(stats.spearmanr(share[value.index][ok], value[ok]).statistic)
                if ok.sum() >= 3
                else np.nan
            )
            rows.append({"index": name, "mapping": label, "rho": rho, "n_roles": int(ok.sum())})
    return pd.DataFrame(rows)


def exposure_model(
    formula: str,
    design,
    *,
    role: str,
    index: str,
    family: str = "binomial",
    margins=None,
    indices=None,
    role_map=None,
):
    """A member-level model with an occupational index as a covariate, clustered by occupation.

    The index is constant within an occupation, so members of one occupation are not
    independent pieces of evidence about it: the variance is clustered by SOC code (each
    occupation a PSU), and the residual degrees of freedom are the occupations minus the
    coefficients. With the handful of occupations a guild covers (8-15), that leaves few: t
    quantiles are large, the cluster-robust variance is itself noisy, and one occupation can
    swing the slope, so read such intervals as fragile and show the role table beside them.
    Members whose role has no SOC code are left out. Never impute job loss from an index.

    Parameters
    ----------
    formula
        Uses ``index`` by name, e.g. ``"I(ai_lost_work == 'Yes') ~ eloundou_human_beta +
        age_band"``.
    design
        The survey design; its weights are kept, its clusters replaced by occupations.
    role, index
        The role column and the index to join (a name in ``indices``).
    family
        As for :func:`~survey_tools.svyglm`.
    margins
        Roll margins ``{column: {level: total}}``: rake again on the clustered design so the
        variance keeps the calibration (recommended when ``design`` was raked).

    Returns
    -------
    SvyGLMResult

    Warns
    -----
    FewClustersWarning
        Always when fewer than 30 occupations enter the fit.

    Examples
    --------
    >>> import numpy as np, pandas as pd, warnings
    >>> from survey_tools import SurveyDesign
    >>> from survey_tools.exposure import exposure_model
    >>> roles = ["TV writer", "Voice actor", "Picture editor", "Animator/2D-3D artist",
    ...          "Singer/recording artist", "Broadcaster/journalist"]
    >>> rng = np.random.default_rng(3)
    >>> data = pd.DataFrame({"role": np.repeat(roles, 50), "lost": rng.random(300) < 0.2})
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     fit = exposure_model("lost ~ eloundou_human_beta", SurveyDesign(data), role="role",
    ...                          index="eloundou_human_beta")
    >>> fit.df_resid, "6 occupations" in str(w[-1].message)
    (4.0, True)
    """
    idx, rmap = _maps(indices, role_map)
    if index not in set(idx["index"]):
        raise ExposureError(
            f"No index {index!r}; the indices are {sorted(idx['index'].unique())}.",
            hint="name one of them, or add yours with read_exposure_index().",
        )
    joined = join_exposure(design.data[role], indices=idx, role_map=rmap)
    data = design.data.copy()
    data[index] = joined[index].to_numpy()
    soc = joined["soc_code"].to_numpy(dtype=object)
    data["soc_code"] = np.where(pd.isna(soc), "no SOC: " + data[role].astype(str), soc)
    data["design_weight"] = np.asarray(design.weights, float)
    clustered = SurveyDesign(data, weights="design_weight", psu="soc_code")
    if margins is not None:
        clustered = clustered.rake(margins)
    fit = svyglm(formula, clustered, family=family)
    k = data.loc[fit.used, "soc_code"].nunique()
    if k < 30:
        warnings.warn(
            f"{formula}: the variance is clustered by occupation and only {k} occupations "
            f"enter the fit ({fit.df_resid:g} residual df). Such intervals are fragile: one "
            "occupation can move the slope. Show the role-level table beside the model.",
            FewClustersWarning,
            stacklevel=2,
        )
    return fit
