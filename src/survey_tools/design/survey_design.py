"""Survey designs, as R's ``survey`` package: the specification, calibration and domains.

What enters: respondents' rows and the design's columns. What leaves: a :class:`SurveyDesign`
whose estimators (``estimators.py``) give design-based estimates by Taylor linearisation.

A :class:`SurveyDesign` holds the sampling structure (strata, clusters at each stage, finite
population corrections and weights). Every estimator turns its statistic into influence values
(one per row; zero outside the domain or where the variable is missing) and passes them to one
variance routine that reproduces R's ``svyrecvar``: cluster totals, centred within strata,
scaled by ``(1 - n/N) n/(n-1)``, and, when finite population corrections are given for several
stages, the later stages' contributions weighted by the earlier sampling fractions.

Domains (``by=``) are always estimated on the full design: rows outside a domain keep their place
with zero influence, and a stratum's PSU count comes from the whole sample, as R does.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import DesignError
from .columns import category_codes, check_weights, no_column
from .crosstab import Crosstab, crosstab
from .estimators import Estimators
from .replicate import (
    CONVERSIONS,
    ReplicateEngine,
    acs_spec,
    recalibrated,
    replicate_engine,
    replicate_factors,
    with_replicates,
)
from .variance import LONELY_RULES, VarianceEngine, build_stages
from .weighting import (
    WeightDiagnostics,
    calibrate_weights,
    dense_codes,
    diagnostics,
    margin_codes,
    poststratify_weights,
    rake_weights,
)

__all__ = ["SurveyDesign"]


def _as_list(cols: str | Sequence[str] | None) -> list[str]:
    if cols is None:
        return []
    return [cols] if isinstance(cols, str) else list(cols)


def _r_text(value) -> str:
    """A value as R's ``as.character`` writes it (whole numbers without a decimal point)."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.15g}"
    return str(value)


class SurveyDesign(Estimators):
    """A survey design: weights, strata, clusters at each stage, finite population corrections.

    Parameters
    ----------
    data
        One row per respondent. It is not copied or modified.
    weights
        Column of sampling (or calibrated) weights. Without it, weights come from ``fpc``
        (the inverse of the product of the stages' sampling fractions), else all weights are 1.
    strata
        Column of first-stage strata, or a list with one column per stage.
    psu
        Column of primary sampling units, or a list with one column per stage (PSU, then
        secondary units...). Without it every row is its own PSU.
    fpc
        Finite population corrections, a column or a list with one column per stage: either
        population counts (all values >= 1) or sampling fractions (all values <= 1), as R's
        ``svydesign`` accepts. With ``fpc`` for several stages, the variance includes every
        stage; without it, the ultimate-cluster (with replacement) variance is used.
    lonely_psu
        What to do with a stratum holding a single PSU: ``"fail"`` (default; raise
        :class:`LonelyPSUError`), ``"certainty"`` or ``"remove"`` (it adds no variance),
        ``"adjust"`` (centre it at zero instead of its own mean), ``"average"`` (give it the
        average variance of the other strata). These are R's ``survey.lonely.psu`` options.
    repweights, type, rho, scale, rscales, mse
        A replicate-weight design, as R's ``svrepdesign(combined.weights=TRUE)``:
        ``repweights`` lists the columns of full replicate weights (or is a regular expression
        of their names, e.g. ``"PWGTP[0-9]+"``); ``type`` is ``"bootstrap"``, ``"jk1"``,
        ``"jkn"``, ``"brr"``, ``"fay"`` (with ``rho``), ``"sdr"`` or ``"acs"`` (successive
        differences, scale 4/R). ``scale`` and ``rscales`` default as in R (``"jkn"`` needs
        ``rscales``); ``mse=True`` centres the replicates at the full estimate. Without strata,
        PSUs or fpc: the replicates carry the design. To build replicates from a design, see
        :meth:`as_replicate`; for an ACS public-use extract, :meth:`from_acs`.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [10.0, 10.0, 20.0, 20.0],
    ...                    "s": ["a", "a", "b", "b"]})
    >>> d = SurveyDesign(df, weights="w", strata="s")
    >>> d.mean("y")[["estimate", "se", "n"]].round(4)
       estimate      se  n
    0    2.8333  0.3727  4
    """

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        weights: str | None = None,
        strata: str | Sequence[str] | None = None,
        psu: str | Sequence[str] | None = None,
        fpc: str | Sequence[str] | None = None,
        lonely_psu: str = "fail",
        repweights: str | Sequence[str] | None = None,
        type: str | None = None,
        rho: float | None = None,
        scale: float | None = None,
        rscales=None,
        mse: bool = False,
    ) -> None:
        if not isinstance(data, pd.DataFrame):
            inner = getattr(data, "data", None)
            raise DesignError(
                f"SurveyDesign needs a DataFrame of respondents, not a {data.__class__.__name__}.",
                hint="pass its .data (e.g. SurveyDesign(read_clean(path).data))"
                if isinstance(inner, pd.DataFrame)
                else "build a pandas DataFrame with one row per respondent",
            )
        if lonely_psu not in LONELY_RULES:
            raise DesignError(
                f"Unknown lonely_psu rule {lonely_psu!r}.", hint=f"use one of {LONELY_RULES}"
            )
        psus, stratas, fpcs = _as_list(psu), _as_list(strata), _as_list(fpc)
        for col in [weights, *psus, *stratas, *fpcs]:
            if col is None:
                continue
            if col not in data.columns:
                raise no_column(data, col)
            if data[col].isna().any():
                rows = data.index[data[col].isna()][:3].tolist()
                raise DesignError(
                    f"The design column {col!r} is missing for {data[col].isna().sum()} row(s), "
                    f"e.g. {rows}.",
                    hint="fill it in or drop those rows before building the design",
                )
        n_stages = max(1, len(psus))
        if len(stratas) > n_stages:
            raise DesignError(
                "More strata columns than sampling stages.",
                hint="give one strata column per psu column",
            )
        if fpcs and len(fpcs) != n_stages:
            raise DesignError(
                f"fpc has {len(fpcs)} column(s) for {n_stages} sampling stage(s).",
                hint="give one fpc column per stage, or none",
            )
        self.data = data
        self.lonely_psu = lonely_psu
        self._spec = {"weights": weights, "strata": stratas, "psu": psus, "fpc": fpcs}
        self._domain_cache: dict = {}
        self._replay: tuple = ()  # each weighting step as a function of the weights
        w = check_weights(data, weights)  # also refuses a frame without rows
        if repweights is not None or type is not None:
            self.engine = replicate_engine(
                data,
                w,
                repweights,
                type,
                rho=rho,
                scale=scale,
                rscales=rscales,
                mse=mse,
                linear=(stratas, psus, fpcs),
                weights_col=weights,
            )
            self._spec.update(repweights=f"{self.engine.n_replicates} columns")
            self.weights = self._base_weights = self.engine.weights
            return
        stages, fpc_weights = build_stages(data, stratas, psus, fpcs)
        if w is None:
            w = fpc_weights if fpc_weights is not None else np.ones(len(data))
        self.weights = self._base_weights = w
        self.engine = VarianceEngine(stages, lonely_psu, w)
        self.engine.check_lonely()

    def __repr__(self) -> str:
        spec = ", ".join(f"{k}={v!r}" for k, v in self._spec.items() if v)
        steps = "; ".join(step.describe() for step in self.engine.steps)
        if self.engine.replicates:
            spec += f"; {self.engine.describe()}"
        return (
            f"SurveyDesign({len(self.data)} rows, {spec or 'simple random sample'}"
            + (f"; {steps}" if steps else "")
            + ")"
        )

    @property
    def weighting(self) -> tuple:
        """The calibration steps applied so far (raking, post-stratification, calibration)."""
        return self.engine.steps

    def _reweighted(self, step, redo=None) -> SurveyDesign:
        """The design after a weighting ``step``; ``redo(weights, replicate)`` repeats it on other
        weights (each replicate's, and the replicates :meth:`as_replicate` makes)."""
        if self.engine.replicates:
            engine = recalibrated(self.engine, step, redo)
        else:
            engine = self.engine.calibrated(step.weights, step)
        return self._evolve(weights=step.weights, engine=engine, _replay=(*self._replay, redo))

    def _evolve(self, **changes) -> SurveyDesign:
        """A shallow copy with some attributes replaced (the rows are shared, never changed)."""
        new = copy.copy(self)
        vars(new).update(changes)
        return new

    def as_replicate(
        self,
        type: str | None = None,
        *,
        replicates: int = 50,
        seed=None,
        mse: bool = False,
        rho: float | None = None,
    ) -> SurveyDesign:
        """The same design with replicate weights, as R's ``as.svrepdesign``.

        ``type``: ``"jk1"`` (unstratified; the default without strata), ``"jkn"`` (the default
        with strata), ``"brr"`` or ``"fay"`` (Fay's BRR with ``rho``; two PSUs per stratum,
        R's Hadamard matrix, so R's replicates) or ``"bootstrap"`` (``replicates``
        resamples of the PSUs within strata, reproducible by ``seed``). Replicates are built on
        the first stage's strata and PSUs (with its fpc for the jackknives and the bootstrap)
        from the weights before any weighting step; raking, post-stratification and calibration
        are then repeated on every replicate, so the variance reflects them.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [10.0, 10.0, 20.0, 20.0]})
        >>> SurveyDesign(df, weights="w").as_replicate("jk1").mean("y")["se"].round(4).item()
        0.6154
        """
        if self.engine.replicates:
            raise DesignError("The design already has replicate weights.")
        if None in self._replay:
            raise DesignError(
                "A weighting step of this design cannot be repeated on replicates.",
                hint="convert the design before that step, then apply it to the replicates",
            )
        kind = type or ("jkn" if self._spec["strata"] else "jk1")
        if kind not in CONVERSIONS:
            raise DesignError(f"Cannot convert to type {kind!r}.", hint=f"use one of {CONVERSIONS}")
        if rho is not None and kind != "fay":
            raise DesignError(
                f'rho= applies to Fay\'s BRR only, not as_replicate("{kind}").',
                hint='use as_replicate("fay", rho=...)',
            )
        stage = self.engine.stages[0]
        labels = None
        if self._spec["strata"]:  # each stratum's value as R prints it, for R's order of strata
            first = np.unique(stage.stratum[stage.cluster], return_index=True)[1]
            labels = [_r_text(v) for v in self.data[self._spec["strata"][0]].to_numpy()[first]]
        factors, scale, rscales = replicate_factors(
            stage, bool(self._spec["strata"]), kind, replicates, seed, rho, labels
        )
        base = self._base_weights
        engine = ReplicateEngine(
            np.column_stack([base, base[:, None] * factors]), kind, scale, rscales, mse, rho
        )
        weights = base
        for redo in self._replay:  # every weighting step again, on the full sample and replicates
            step = redo(weights)
            weights, engine = step.weights, recalibrated(engine, step, redo)
        return self._evolve(weights=weights, engine=engine)

    @classmethod
    def from_acs(cls, extract, *, weights: str | None = None, mse: bool = True) -> SurveyDesign:
        """A design from an ACS-style public-use extract and its 80 replicate weights.

        ``extract`` is the export (``read_export(path)``) or its DataFrame: an ACS PUMS person
        file (``PWGTP`` and ``PWGTP1``..``PWGTP80``) or housing file (``WGTP``, ``WGTP1``..),
        in any letter case. The variance is the Census Bureau's successive-difference formula,
        ``4/80 * sum((X_r - X)^2)`` (``mse=True``, centred at the full estimate; R:
        ``svrepdesign(type="ACS", mse=TRUE)``). ``weights`` names another weight whose
        replicates are ``<weights>1``..``<weights>80`` (e.g. IPUMS' ``PERWT`` with
        ``REPWTP1``..: give ``weights="PERWT"`` and rename, or use the constructor).

        Examples
        --------
        >>> from survey_tools import SurveyDesign, read_export  # doctest: +SKIP
        >>> acs = SurveyDesign.from_acs(read_export("psam_p06.csv"))  # doctest: +SKIP
        >>> acs.mean("AGEP", by="SEX")  # doctest: +SKIP
        """
        data = extract if isinstance(extract, pd.DataFrame) else getattr(extract, "data", None)
        if not isinstance(data, pd.DataFrame):
            raise DesignError(
                f"from_acs needs an export or a DataFrame, not a {extract.__class__.__name__}.",
                hint='read the file first: SurveyDesign.from_acs(read_export("psam_p06.csv"))',
            )
        return cls(data, **acs_spec(data, weights), type="acs", mse=mse)

    def with_replicates(self, func) -> pd.DataFrame:
        """Any statistic ``func(data, weights)`` with its replicate standard error, as R's
        ``withReplicates``: ``estimate`` and ``se`` (and ``term`` when func returns a Series).

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [10.0, 10.0, 20.0, 20.0]})
        >>> d = SurveyDesign(df, weights="w").as_replicate("jk1")
        >>> d.with_replicates(lambda data, w: (w * data["y"]).sum() / w.sum()).round(4)
           estimate      se
        0    2.8333  0.6154
        """
        return with_replicates(self, func)

    def rake(
        self,
        margins: dict,
        *,
        max_iter: int = 100,
        tol: float = 1e-10,
        bounds: tuple[float, float] | None = None,
    ) -> SurveyDesign:
        """Rake the weights to population margins ``{column: {level: population_total}}``.

        Iterative proportional fitting, on the unique cells of the margin variables. Every
        margin is checked at each pass; the largest relative misfit is kept in
        :attr:`diagnostics`. ``bounds=(lo, hi)`` limits each respondent's adjustment factor
        (new weight over old) and re-rakes within those limits. The returned design's standard
        errors account for the raking, as R's ``rake()`` does.

        Raises :class:`WeightingError` naming the margin and level when a level has no
        respondents, a respondent's level has no population total, or the fit does not
        converge.
        """

        parts = margin_codes(self.data, margins) if margins else None

        def redo(w, replicate=False):
            return rake_weights(
                self.data,
                w,
                margins,
                max_iter=max_iter,
                tol=tol,
                bounds=bounds,
                zeros=replicate,
                parts=parts,
            )

        return self._reweighted(redo(self.weights), redo)

    def poststratify(self, cols: str | Sequence[str], totals) -> SurveyDesign:
        """Post-stratify to population counts of the cells of ``cols``.

        ``totals`` maps each cell to its population count: ``{level: count}`` for one column,
        ``{(level1, level2): count}`` for several, or a Series indexed the same way. Every
        sample cell needs a count and every counted cell needs respondents.
        """

        def redo(w, replicate=False):
            return poststratify_weights(self.data, w, _as_list(cols), totals)

        return self._reweighted(redo(self.weights), redo)

    def crosstab(self, row: str, col: str) -> Crosstab:
        """Weighted table of ``row`` by ``col`` with row and column percentages and the
        Rao-Scott tests of independence (second-order F, as R's ``svychisq`` default, and the
        first-order chi-square). Rows missing either variable are left out of the table but
        keep their place in the design.
        """
        return crosstab(self, row, col)

    def calibrate(self, totals: dict, *, tol: float = 1e-7) -> SurveyDesign:
        """Linear (GREG) calibration to population totals, as R's ``calibrate()``.

        ``totals`` maps a categorical column to ``{level: population_total}`` (every level that
        occurs needs one) and a numeric column to its population total, e.g.
        ``{"region": {"LA": 6100, "NY": 3900}, "years_exp": 182_000}``. The new weights are
        ``w (1 + x'lambda)``, the closest to the old ones in chi-square distance that hit every
        total; they can be negative when the totals are far from the sample's. Standard errors
        use the residuals of the calibration model, as R does.

        Raises :class:`WeightingError` naming the column when a column is missing or has gaps,
        or when the totals cannot all be met.
        """

        def redo(w, replicate=False):
            return calibrate_weights(self.data, w, totals, self._numeric, tol=tol)

        return self._reweighted(redo(self.weights), redo)

    @property
    def diagnostics(self) -> WeightDiagnostics:
        """Kish effective sample size, weighting efficiency and design effect, weight range."""
        last = self.engine.steps[-1] if self.engine.steps else None
        return diagnostics(self.weights, last and last.iterations, last and float(last.misfit))

    # --- domains -------------------------------------------------------------------------------

    def _domains(self, by: str | Sequence[str] | None) -> tuple[np.ndarray, pd.DataFrame]:
        """Each row's domain code (-1 when a by-variable is missing) and the domains' labels.

        Computed once per ``by`` and design lineage: a design never changes its rows.
        """
        cols = tuple(_as_list(by))
        if cols not in self._domain_cache:
            self._domain_cache[cols] = self._find_domains(list(cols))
        return self._domain_cache[cols]

    def _find_domains(self, cols: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
        if not cols:
            return np.zeros(len(self.data), dtype=np.int64), pd.DataFrame(index=[0])
        frames, codes = [], []
        for col in cols:
            if col not in self.data.columns:
                raise no_column(self.data, col)
            c, cats = category_codes(self.data[col])
            codes.append(c)
            frames.append(cats)
        missing = np.any(np.column_stack(codes) < 0, axis=1)
        combo = np.zeros(len(self.data), dtype=np.int64)
        for c, cats in zip(codes, frames):
            combo = combo * len(cats) + np.maximum(c, 0)
        dom, first = dense_codes(combo[~missing])
        observed = combo[~missing][first]
        out = np.full(len(self.data), -1, dtype=np.int64)
        out[~missing] = dom
        labels = {}
        rest = observed.copy()
        for col, cats in reversed(list(zip(cols, frames))):
            labels[col] = np.asarray(cats)[rest % len(cats)]
            rest //= len(cats)
        table = pd.DataFrame({col: labels[col] for col in cols})
        for col in cols:
            if isinstance(self.data[col].dtype, pd.CategoricalDtype):
                table[col] = pd.Categorical(table[col], categories=self.data[col].cat.categories)
        return out, table

    def _numeric(self, col: str) -> np.ndarray:
        if col not in self.data.columns:
            raise no_column(self.data, col)
        values = self.data[col]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            raise DesignError(
                f"Column {col!r} is not numeric.",
                hint="use proportion() for categories, or convert the column to numbers",
            )
        return values.to_numpy(dtype=float, na_value=np.nan)

    def _levels(self, col: str) -> tuple[np.ndarray, pd.Index]:
        """Codes (-1 missing) and levels of a categorical column (bool and 0/1 allowed)."""
        if col not in self.data.columns:
            raise no_column(self.data, col)
        return category_codes(self.data[col])

    def _indicators(self, col: str) -> tuple[np.ndarray, pd.Index]:
        """One 0/1 column per level of a categorical column (NaN where it is missing)."""
        codes, cats = self._levels(col)
        hits = (codes[:, None] == np.arange(len(cats))) * 1.0
        return np.where(codes[:, None] < 0, np.nan, hits), cats

    # --- estimators' plumbing ---------------------------------------------------------------

    def _domain_weights(self, d: np.ndarray, n_dom: int) -> tuple:
        """Per row: its domain (0 outside), weight (0 outside) and share of its domain's
        weight; per domain: the weight sum and the row count. Kept for the design's domains."""
        # The cache is shared with the designs reweighted from this one (the rows are the same),
        # so weights are keyed by the engine, which every reweighting replaces.
        key = ("weights", id(d), n_dom, id(self.engine))
        hit = self._domain_cache.get(key)
        if hit is not None and hit[0] is d and hit[2] is self.engine:
            return hit[1]
        ok = d >= 0
        dk = np.maximum(d, 0)
        w = np.where(ok, self.weights, 0.0)
        wsum = np.bincount(dk, weights=w, minlength=n_dom)
        share = np.divide(w, wsum[dk], out=np.zeros_like(w), where=w > 0)
        parts = (ok, dk, w, wsum, share, np.bincount(d[ok], minlength=n_dom))
        if any(d is entry[0] for entry in self._domain_cache.values()):
            self._domain_cache[key] = (d, parts, self.engine)
        return parts

    def adjust_for_nonresponse(self, roll, *, key="member_id", model=None, classes=5):
        """Nonresponse adjustment: post-stratify to the roll's counts in ``classes`` quantile
        classes of a logistic response-propensity model fitted on the whole roll (``model``: a
        patsy right-hand side over roll columns; default: main effects of its categorical
        columns). Returns a new design, ready to :meth:`rake`; the step is ``weighting[-1]``.
        Details and errors: :func:`survey_tools.design.propensity.propensity_step`."""
        from .propensity import propensity_step

        def redo(w, replicate=False):
            return propensity_step(self.data, w, roll, key=key, model=model, classes=classes)

        return self._reweighted(redo(self.weights), redo)

    def trim(self, **limits) -> SurveyDesign:
        """Cap (or floor) the weights, sharing the excess: ``design.trimming.trim``."""
        from .trimming import trimming_redo

        return self._reweighted(*trimming_redo(self.weights, **limits))
