"""Change between waves: ``compare_waves`` turns wave designs into a table of differences.

Enters: ``{wave: SurveyDesign}`` (each raked to its own roll), a column, optionally a level, the
``by`` groups, the member key and the crosswalk. Leaves: one row per pair of waves and cell with
both estimates, the difference, its member-cluster standard error (``joint.py``), a normal
interval and p-value, the bases, the members linked, and the standard error the waves would
have as independent samples; with several groups, Benjamini-Hochberg q-values.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from ..design import SurveyDesign
from ..design.columns import check_level
from ..errors import DesignError
from .joint import joint_estimates

__all__ = ["bh_qvalues", "compare_waves"]

RESULT_COLUMNS = [
    "wave_a",
    "wave_b",
    "estimate_a",
    "estimate_b",
    "difference",
    "se",
    "ci_low",
    "ci_high",
    "p_value",
    "n_a",
    "n_b",
    "n_linked",
    "se_independent",
]


def bh_qvalues(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values), as R's ``p.adjust(method = "BH")``.

    Missing p-values stay missing and do not count among the tests.
    """
    p = np.asarray(p, dtype=float)
    out = np.full(len(p), np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if not m:
        return out
    order = np.argsort(p[ok])[::-1]
    ranked = p[ok][order] * m / np.arange(m, 0, -1)
    q = np.minimum(1.0, np.minimum.accumulate(ranked))
    back = np.empty(m)
    back[order] = q
    out[ok] = back
    return out


def compare_waves(
    designs: Mapping[str, SurveyDesign],
    column: str,
    *,
    level=None,
    by: str | list[str] | None = None,
    link: str | None = "member_key",
    against: str = "previous",
    crosswalk=None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Change in ``column`` between survey waves, with the covariance of linked members.

    Each wave is weighted to its own roll (pass each design already raked). The member, found by
    the salted member key ``link`` in every wave, is the variance cluster across waves, and each
    wave's influence values are its calibration residuals, so members who answered both waves
    add the covariance of their two answers: the standard error of a change is smaller than
    the waves' independent one when answers persist. This is R's stacked design with
    ``ids = ~member``, ``svyby(covmat = TRUE)`` and ``svycontrast``.

    Parameters
    ----------
    designs
        ``{wave: SurveyDesign}`` in time order, e.g. ``{"2026": d_a, "2027": d_b}``.
    column
        A numeric column (the change in its mean) or a category (the change in the share
        answering ``level``; every level when ``level`` is None, ``True`` for a boolean).
    by
        Group column(s): a change per group, with Benjamini-Hochberg ``q_value``s over the
        table's rows when there are several.
    link
        The member key column (a salted hash from ``clean()``); ``None`` treats the waves as
        independent samples.
    against
        ``"previous"`` compares each wave with the one before it, ``"first"`` with the first.
    crosswalk
        A :class:`~survey_tools.waves.Crosswalk`: a variable it marks ``break`` between two
        compared waves raises :class:`~survey_tools.ComparabilityError`; the rows then carry its
        ``comparability``.
    confidence
        Level of the normal interval of the difference.

    Returns
    -------
    DataFrame
        ``wave_a``, ``wave_b``, the ``by`` columns, ``level`` (categories), ``estimate_a``,
        ``estimate_b``, ``difference`` (b - a), ``se``, ``ci_low``, ``ci_high``, ``p_value``,
        ``n_a``, ``n_b`` (unweighted bases), ``n_linked`` (members in the group answering
        both), ``se_independent`` (the waves' own standard errors combined as if independent),
        and ``q_value`` with several groups, ``comparability`` with a crosswalk.

    Examples
    --------
    >>> import pandas as pd
    >>> from survey_tools import SurveyDesign
    >>> a = pd.DataFrame({"member_key": list("abcd"), "y": [1.0, 0.0, 1.0, 0.0]})
    >>> b = pd.DataFrame({"member_key": list("abce"), "y": [1.0, 1.0, 1.0, 0.0]})
    >>> out = compare_waves({"2026": SurveyDesign(a), "2027": SurveyDesign(b)}, "y")
    >>> out[["wave_a", "wave_b", "difference", "n_linked"]]
      wave_a wave_b  difference  n_linked
    0   2026   2027        0.25         3
    """
    check_level(confidence)
    if against not in ("previous", "first"):
        raise DesignError(f"Unknown against={against!r}.", hint='use "previous" or "first"')
    waves = [str(k) for k in designs]
    comparability = None
    if crosswalk is not None:
        comparability = crosswalk.check(column, waves, against=against)
    joint = joint_estimates(designs, column, level=level, by=by, link=link)
    z = stats.norm.ppf(0.5 + confidence / 2)
    n_cells = len(joint.cells)
    frames = []
    for b in range(1, len(waves)):
        a = b - 1 if against == "previous" else 0
        ia = np.arange(n_cells) + a * n_cells
        ib = np.arange(n_cells) + b * n_cells
        cov = joint.cov
        var = cov[ia, ia] + cov[ib, ib] - 2 * cov[ia, ib]
        se = np.sqrt(np.maximum(var, 0.0))
        diff = joint.estimate[b] - joint.estimate[a]
        with np.errstate(invalid="ignore", divide="ignore"):
            p = 2 * stats.norm.sf(np.abs(diff / se))
        p = np.where(se > 0, p, np.nan)
        frame = joint.cells.copy()
        frame.insert(0, "wave_b", waves[b])
        frame.insert(0, "wave_a", waves[a])
        body = {
            "estimate_a": joint.estimate[a],
            "estimate_b": joint.estimate[b],
            "difference": diff,
            "se": se,
            "ci_low": diff - z * se,
            "ci_high": diff + z * se,
            "p_value": p,
            "n_a": joint.n[a],
            "n_b": joint.n[b],
            "n_linked": joint.linked[(a, b)],
            "se_independent": np.sqrt(joint.var_own[a] + joint.var_own[b]),
        }
        for key, value in body.items():
            frame[key] = value
        if comparability is not None:
            frame["comparability"] = comparability[(waves[a], waves[b])]
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    if by is not None and len(joint.cells) > (1 if "level" not in out else out["level"].nunique()):
        out.insert(out.columns.get_loc("se_independent") + 1, "q_value", bh_qvalues(out["p_value"]))
    return out
