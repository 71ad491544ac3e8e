"""One survey prepared for its report series: cleaned, fitted to its plan, weighted to the roll.

:func:`prepare_survey` is the first call of every report notebook: it checks the analysis plan
against the codebook (before the export is read), cleans the export, adds the plan's measures
as boolean columns, rakes equal starting weights to the roll's margins (when given) and works
out the AAPOR response rates the inputs allow.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..cleaning.aapor import response_rates
from ..cleaning.clean import CleanSurvey
from ..cleaning.codebook import Codebook
from ..design.margins import read_margins
from ..design.survey_design import SurveyDesign
from ..errors import SurveyToolsError
from .cache import cache_location, cached_clean
from .findings import grid_exclusions
from .plan import Plan, read_plan
from .tables import pct

__all__ = [
    "SurveyRun",
    "fill_weighting_gaps",
    "notebook_survey",
    "prepare_survey",
    "survey_rates",
]


@dataclass(frozen=True)
class SurveyRun:
    """A cleaned export fitted to its plan, with its response rates, margins and designs.

    ``design`` is raked to ``margins`` (or unweighted when the run has none); ``options`` is
    the design for the plan's options when they sit on a grid: the same respondents without
    those :func:`~survey_tools.report.findings.grid_exclusions` marks, raked again.
    ``imputed`` counts, per weighting variable, the respondents who lacked it and were given
    the roll's most common level for weighting only. ``read_options`` are the
    :func:`~survey_tools.read_export` options the export was read with. ``cache_dir`` is where
    the series keeps the cleaning and later results (:mod:`~survey_tools.report.cache`), None
    when uncached.
    """

    cleaned: CleanSurvey
    plan: Plan
    rates: dict
    margins: dict
    design: SurveyDesign
    unweighted: SurveyDesign = field(repr=False)
    options: SurveyDesign = field(repr=False)
    grid_excluded: int = 0
    imputed: dict = field(default_factory=dict)
    read_options: dict = field(default_factory=dict, repr=False)
    cache_dir: object = field(default=None, repr=False)

    @property
    def weighted(self) -> bool:
        """True when the design is raked to the roll's margins."""
        return bool(self.margins)

    def __repr__(self) -> str:
        d = self.design.diagnostics
        weighting = (
            f"raked to {', '.join(self.margins)}; weighting design effect {d.deff_weighting:.2f}"
            if self.weighted
            else "unweighted (no roll margins)"
        )
        return (
            f"SurveyRun({len(self.design.data):,} respondents kept, RR1 "
            f"{pct(self.rates['rr1'])}, {weighting})"
        )

    def to_frame(self) -> pd.DataFrame:
        """Fieldwork and weighting in one two-column table (``item``, ``value``)."""
        d = self.design.diagnostics
        items = {
            "invited": self.rates["invited"],
            "completes": self.rates["completes"],
            "partials": self.rates["partials"],
            "RR1": self.rates["rr1"],
            "RR2": self.rates["rr2"],
            "respondents kept": d.n,
            "effective sample size": d.effective_n,
            "weighting design effect": d.deff_weighting,
            "weight ratio (max/min)": d.weight_ratio,
            "left out of the options' grid": self.grid_excluded,
        }
        items |= {f"weighting variable imputed: {k}": v for k, v in self.imputed.items()}
        return pd.DataFrame({"item": list(items), "value": list(items.values())})


def survey_rates(cleaned: CleanSurvey, dispositions=None) -> dict:
    """RR1 and RR2 from the AAPOR dispositions file, else from the cleaning's count of members
    invited (``invited=``), else not computable: NaN with the reason in ``note``."""
    if dispositions is not None:
        rates = response_rates(pd.read_csv(dispositions))
        return rates | {"source": "dispositions", "note": ""}
    s = cleaned.summary
    if s.get("rr1") is not None and np.isfinite(s.get("rr1", np.nan)):
        invited = int(s.get("invited") or 0)
        return {
            "invited": invited,
            "completes": int(s["completes"]),
            "partials": int(s["partials"]),
            "rr1": float(s["rr1"]),
            "rr2": float(s["rr2"]),
            "source": "invited",
            "note": "from the number invited and the cleaning's completes and partials",
        }
    return {
        "invited": None,
        "completes": int(s["completes"]),
        "partials": int(s["partials"]),
        "rr1": float("nan"),
        "rr2": float("nan"),
        "source": None,
        "note": "not computable: neither AAPOR dispositions nor the number invited were given",
    }


def fill_weighting_gaps(data: pd.DataFrame, margins: dict) -> tuple[pd.DataFrame, dict]:
    """Give respondents missing a weighting variable the roll's most common level of it.

    Raking needs every respondent's level of every margin. A respondent who skipped one (or
    whose roll record lacks it) keeps all their answers and is weighted as a member of the
    roll's largest group on that margin; the counts come back for the methodology.
    Returns the data (a copy) and ``{margin: respondents imputed}``.
    """
    out, imputed = data.copy(), {}
    for margin, levels in margins.items():
        if margin not in out:
            continue
        gap = out[margin].isna()
        if gap.any():
            modal = max(levels, key=levels.get)
            column = out[margin]
            if isinstance(column.dtype, pd.CategoricalDtype) and modal not in column.cat.categories:
                column = column.cat.add_categories([modal])
            out[margin] = column.fillna(modal)
            imputed[margin] = int(gap.sum())
    return out, imputed


def _codebook(path) -> Codebook:
    return path if isinstance(path, Codebook) else Codebook.from_yaml(path)


def prepare_survey(
    export: str | os.PathLike,
    codebook: str | os.PathLike,
    *,
    plan: str | os.PathLike | Plan | None = None,
    roll: str | os.PathLike | None = None,
    margins: str | os.PathLike | None = None,
    dispositions: str | os.PathLike | None = None,
    invited: int | None = None,
    benchmarks: dict | None = None,
    cache: bool | str | os.PathLike = True,
    encoding: str | None = None,
    dictionary: str | os.PathLike | None = None,
    **overrides,
) -> SurveyRun:
    """Check the plan against the codebook, clean the export, add the plan's measures, weight.

    Parameters
    ----------
    export, codebook
        The survey export and its YAML codebook.
    plan
        The analysis plan (a path, a :class:`Plan`, or None for the standard questionnaire's).
    roll
        The membership roll (roll-linked variables, names to redact from open answers).
    margins
        The roll's published margins, ``margin,level,members``: equal starting weights are
        raked to every margin, without bounds or trimming. Without margins the survey is
        analysed unweighted (and the memo says so).
    dispositions, invited
        AAPOR final dispositions (``aapor_group,count``), or the number of members invited,
        for RR1 and RR2; with neither, the rates are reported as not computable.
    benchmarks
        ``{benchmark id: value}`` replacing the plan's values (``--scale-rate``); None values
        keep the plan's.
    cache
        Where the cleaning is kept for the other notebooks of the series (one cleaning per
        export, codebook and roll; see :mod:`survey_tools.report.cache`): True for
        ``data/clean/<survey>/.cache/`` beside ``data/raw/<survey>/``, a folder, or False to
        clean every time.
    encoding, dictionary
        As :func:`~survey_tools.read_export` takes them (``data_dictionary=`` for REDCap).
    overrides
        ``guild``, ``wave``, ``min_count``, ``min_base``: replace the plan's when not None
        (the command line's options).
    """
    book = _codebook(codebook)
    plan = plan if isinstance(plan, Plan) else read_plan(plan)
    plan = plan.override(benchmarks=benchmarks, **overrides)
    plan = plan.check(book)  # before the export is read: a plan that cannot run fails fast
    if dispositions is not None and invited is None:
        invited = response_rates(pd.read_csv(dispositions))["invited"]
    cleaned = cached_clean(
        export,
        codebook,
        roll=roll,
        invited=invited,
        book=book,
        cache=cache,
        encoding=encoding,
        dictionary=dictionary,
    )
    rates = survey_rates(cleaned, dispositions)
    data = _pay_readable(plan.add_measures(cleaned.data), plan)
    roll_margins = read_margins(margins) if margins else {}
    data, imputed = fill_weighting_gaps(data, roll_margins)
    base = SurveyDesign(data)
    design = SurveyDesign(data).rake(roll_margins) if roll_margins else base
    grid = _options_grid(cleaned, plan)
    noise = grid_exclusions(cleaned, grid).to_numpy() if grid else np.zeros(len(data), bool)
    if noise.any():
        kept = SurveyDesign(data[~noise].reset_index(drop=True))
        options = kept.rake(roll_margins) if roll_margins else kept
    else:
        options = SurveyDesign(data).rake(roll_margins) if roll_margins else SurveyDesign(data)
    if data.empty:
        raise SurveyToolsError(
            f"No respondent of {export} is left after cleaning.",
            hint="check the codebook's quality rules (exclude:) and the export",
        )
    return SurveyRun(
        cleaned,
        plan,
        rates,
        roll_margins,
        design,
        base,
        options,
        int(noise.sum()),
        imputed,
        read_options={"encoding": encoding, "data_dictionary": dictionary},
        cache_dir=cache_location(export, cache),
    )


def _pay_readable(data: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Add ``<pay>_unreadable``: True where a pay answer was given but could not be read as a
    rate (the pay parser's status), missing where none was given."""
    pay = plan.focus.pay.get("variable") if plan.focus else None
    status = f"{pay}_status"
    if not pay or status not in data:
        return data
    text = data[status].astype("string")
    flag = (text == "unparseable").astype("boolean").mask(text.isna() | (text == "blank"))
    return data.assign(**{f"{pay}_unreadable": flag})


def _options_grid(cleaned: CleanSurvey, plan: Plan) -> list:
    """The codebook's grids (``quality: grids``) that hold one of the plan's options."""
    grids = (cleaned.codebook.get("quality", {}) or {}).get("grids") or {}
    variables = {m.variable for m in plan.options.values()}
    return [name for name, items in grids.items() if variables & set(items)]


def notebook_survey(parameters: dict) -> SurveyRun:
    """:func:`prepare_survey` from a report notebook's papermill parameters (its ``globals()``).

    The report notebooks share one parameters cell (``export``, ``codebook``, ``plan``,
    ``roll``, ``roll_margins``, ``dispositions``, ``invited``, ``guild``, ``wave``,
    ``min_count``, ``min_base``, ``scale_rate``; ``encoding`` and ``dictionary`` when
    papermill injects them); each opens the survey with
    ``run = notebook_survey(globals())``. None keeps the plan's value. A ``cache`` parameter,
    when papermill injects one, is :func:`prepare_survey`'s ``cache``.
    """
    get = parameters.get
    return prepare_survey(
        get("export"),
        get("codebook"),
        plan=get("plan"),
        roll=get("roll"),
        margins=get("roll_margins"),
        dispositions=get("dispositions"),
        invited=get("invited"),
        benchmarks={"scale_rate": get("scale_rate")},
        cache=get("cache", True),
        encoding=get("encoding"),
        dictionary=get("dictionary"),
        **{key: get(key) for key in ("guild", "wave", "min_count", "min_base")},
    )
