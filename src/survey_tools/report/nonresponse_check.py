"""The respondents against the whole roll, for a report: a SurveyRun, its export and roll in;
the nonresponse report, the adjusted and trimmed designs, the sensitivity and level-of-effort
tables and the likely direction of nonresponse bias out.

The cleaned data carries no member id in clear. :func:`link_roll` joins it to the roll by a
salted hash: the codebook's hashed key when the cleaning kept one (``action: hash``; the roll is
hashed with the same salt by :func:`~survey_tools.cleaning.hash_roll`), else the export's key
column read again and hashed, with the roll, under a salt made for this session only, so the ids
never sit in the design's data in clear and the hashes cannot be matched outside the session.

:func:`check_nonresponse` then compares the respondents with the roll
(:func:`~survey_tools.design.nonresponse`, weighted by the run's raking), fits the response
propensity on the whole roll with the main effects of the weighting variables and every pair of
them whose interaction the roll shows beyond their main effects (likelihood-ratio p below
``pairs_p``), adjusts by propensity classes and rakes again, trims, and compares early and late
respondents. It names no questionnaire variable: the indicators are the plan's.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

import pandas as pd

from ..cleaning.redact import hash_roll
from ..design.effort import level_of_effort, response_wave
from ..design.nonresponse import NonresponseReport, nonresponse
from ..design.propensity import categorical_columns
from ..design.sensitivity import sensitivity
from ..design.survey_design import SurveyDesign
from ..design.trimming import WeightSummary, weight_summary
from ..errors import DesignError
from ..ingest.read import read_export
from .tables import pct

__all__ = [
    "NonresponseCheck",
    "RollLink",
    "bias_direction",
    "check_nonresponse",
    "link_roll",
    "roll_table",
    "sensitivity_table",
]

KEY = "member_key"
WAVE = "response_wave"


@dataclass(frozen=True, repr=False)
class RollLink:
    """The roll (key hashed, columns named as in the cleaned data) and the run's rows with the
    same hashed key in ``KEY``; ``unlinked`` counts respondents not found on the roll (left out)."""

    roll: pd.DataFrame
    data: pd.DataFrame
    unlinked: int

    def __repr__(self) -> str:
        return f"RollLink({len(self.data):,} respondents on a roll of {len(self.roll):,})"


def _source(book: dict, name: str, raw: pd.DataFrame) -> str:
    spec = book["variables"].get(name) or {}
    sources = spec.get("source") or [name]
    found = [s for s in ([sources] if isinstance(sources, str) else sources) if s in raw]
    if not found:
        raise DesignError(
            f"The export has no column for {name!r} (looked for {sources}).",
            hint="the roll is linked by the codebook's roll: key; check its source:",
        )
    return found[0]


def _key_text(values: pd.Series) -> pd.Series:
    """Member ids as trimmed text; a number read as 12345.0 (SPSS stores numbers as floats)
    becomes '12345', as the roll's CSV spells it."""
    text = values.astype("string").str.strip()
    return text.str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)


def link_roll(run, *, export, roll, salt: str | bytes | None = None) -> RollLink:
    """Join the run's respondents to the roll by a salted hash of the member id."""
    book = run.cleaned.codebook
    spec = book.get("roll") or {}
    if not spec.get("key"):
        raise DesignError(
            "The codebook names no roll key (roll: key:), so respondents cannot be found on "
            "the roll.",
            hint="add roll: {key: <member id variable>, roll_key: <the roll's id column>}",
        )
    key, roll_key = spec["key"], spec.get("roll_key", spec["key"])
    frame = roll if isinstance(roll, pd.DataFrame) else pd.read_csv(os.fspath(roll))
    frame = frame.rename(columns={v: k for k, v in (spec.get("columns") or {}).items()})
    data = run.design.data
    if key in data:  # hashed at cleaning: the same salt hashes the roll
        hashed = hash_roll(frame, key=roll_key, salt=salt)[roll_key]
        keys = data[key].astype("string")
    else:  # dropped at cleaning: read it again and hash both sides for this session only
        ident = book.get("id")
        if not ident or ident not in data:
            raise DesignError(
                f"The member id {key!r} was dropped at cleaning and the cleaned data has no "
                "response id to find each kept response in the export again.",
                hint="name the response id in the codebook (id:), or keep the member id hashed "
                f"(variables: {key}: action: hash)",
            )
        raw = read_export(export, **run.read_options).data
        by_id = dict(zip(raw[_source(book, ident, raw)].astype(str), raw[_source(book, key, raw)]))
        session = secrets.token_hex(16)
        clear = _key_text(data[ident].astype(str).map(by_id))
        keys = hash_roll(pd.DataFrame({KEY: clear}), key=KEY, salt=session)[KEY]
        ids = frame.assign(**{roll_key: _key_text(frame[roll_key])})
        hashed = hash_roll(ids, key=roll_key, salt=session)[roll_key]
    out = frame.drop(columns=[roll_key]).assign(**{KEY: hashed.to_numpy()})
    found = keys.isin(set(hashed.dropna())).to_numpy(bool) & ~keys.duplicated().to_numpy(bool)
    linked = data.assign(**{KEY: keys.to_numpy()})[found].reset_index(drop=True)
    return RollLink(out, linked, int((~found).sum()))


@dataclass(frozen=True, repr=False)
class NonresponseCheck:
    """What :func:`check_nonresponse` found: its tables and numbers, and the designs over the
    linked respondents and the link (``designs``, ``link``; with ``report.fit``, None when the
    check was read back from the series' cache)."""

    report: NonresponseReport
    model: str
    interactions: tuple
    sensitivity: pd.DataFrame
    effort: pd.DataFrame | None
    weights: dict
    trim_rule: str
    wave_basis: str
    classes: int  # response-propensity classes of the adjustment
    trimmed: int  # weights the trimming cut
    designs: dict | None = field(default=None, repr=False)
    link: RollLink | None = field(default=None, repr=False)

    def weights_table(self) -> pd.DataFrame:
        """Weight diagnostics of every weighting, one row each."""
        return pd.DataFrame({label: s.__dict__ for label, s in self.weights.items()}).T.rename_axis(
            "weighting"
        )

    def __repr__(self) -> str:
        return (
            f"NonresponseCheck(R-indicator {self.report.r_indicator:.3f}; propensity model "
            f"{self.model}; {len(self.weights)} weightings compared)"
        )


def _interactions(report: NonresponseReport, margins: list, pairs_p: float) -> tuple:
    tests = report.tests[(report.tests["kind"] == "pair") & (report.tests["p_value"] < pairs_p)]
    out = []
    for name in tests["variable"]:
        a, b = name.split(":", 1)
        if a in margins and b in margins:
            out.append((a, b))
    return tuple(out)


def check_nonresponse(
    run,
    *,
    export,
    roll,
    reminders=None,
    classes: int = 20,
    pairs_p: float = 0.01,
    trim_upper: float = 3.0,
    trim_scale: str = "median",
    salt: str | bytes | None = None,
    cache: bool = False,
) -> NonresponseCheck:
    """The roll against the respondents, propensity adjustment, trimming and sensitivity.

    ``reminders``: the dates reminders were sent (None: the plan's ``reminders:``); each
    response's wave is the number sent before its start (the codebook's ``quality: start``
    column). Without them, or when every
    response falls in one wave, early and late are the halves before and after the median
    response date. Trimming caps the adjusted-and-raked weights at ``trim_upper`` times their
    ``trim_scale`` (median or mean), as :meth:`SurveyDesign.trim`.

    With ``cache``, a check of the same data, roll and settings made before (by another
    notebook of the series, or an earlier run) is read back from the run's cache folder: its
    tables and numbers, without the designs, the link and the fitted model (the report
    notebooks show only the former).
    """
    if not run.weighted:
        raise DesignError(
            "The survey is not weighted to roll margins, so there is no weighting to check.",
            hint="give the roll's margins (roll_margins=)",
        )
    reminders = list(run.plan.reminders if reminders is None else reminders)
    if cache and getattr(run, "cache_dir", None) is not None:
        return _cached_check(
            run,
            export=export,
            roll=roll,
            options=dict(
                reminders=reminders,
                classes=classes,
                pairs_p=pairs_p,
                trim_upper=trim_upper,
                trim_scale=trim_scale,
                salt=salt,
            ),
        )
    link = link_roll(run, export=export, roll=roll, salt=salt)
    margins = {m: t for m, t in run.margins.items() if m in link.roll}
    data = link.data
    start = (run.cleaned.codebook.get("quality") or {}).get("start")
    basis = "no response dates"
    if start and start in data:
        wave = response_wave(data[start], reminders or [])
        if reminders and wave.nunique() > 1:
            basis = f"waves after the invitation and {len(reminders)} reminder(s)"
        else:
            when = pd.to_datetime(data[start])
            wave = (when > when.median()).astype(float).where(when.notna())
            basis = "halves before and after the median response date"
        data = data.assign(**{WAVE: wave.to_numpy()})
    base = SurveyDesign(data)
    raked = base.rake(run.margins)
    holdouts = [  # roll variables the weights did not use, except a margin's finer split
        c
        for c in categorical_columns(link.roll, KEY)
        if c not in margins
        and not any(link.roll.groupby(c)[m].nunique().max() == 1 for m in margins)
    ]
    report = nonresponse(
        link.roll, data[KEY], key=KEY, variables=[*margins, *holdouts], weights=raked
    )
    pairs = _interactions(report, list(margins), pairs_p)
    model = " + ".join([f"C({m})" for m in margins] + [f"C({a}):C({b})" for a, b in pairs])
    adjusted = base.adjust_for_nonresponse(link.roll, key=KEY, model=model, classes=classes)
    adjusted = adjusted.rake(run.margins)
    trimmed = adjusted.trim(upper=trim_upper, scale=trim_scale)
    designs = {
        "unweighted": base,
        "raked": raked,
        "propensity-adjusted and raked": adjusted,
        "adjusted, raked and trimmed": trimmed,
    }
    indicators = [k for k in run.plan.indicators if k in data]
    table = sensitivity(designs, indicators, reference="raked")
    effort = level_of_effort(raked, indicators, wave=WAVE) if WAVE in data else None
    return NonresponseCheck(
        report=report,
        model=model,
        interactions=pairs,
        sensitivity=table,
        effort=effort,
        weights={label: weight_summary(d) for label, d in designs.items()},
        trim_rule=f"{trim_upper:g} times the {trim_scale} weight",
        wave_basis=basis,
        classes=len(adjusted.weighting[0].table),
        trimmed=int(trimmed.weighting[-1].trimmed),
        designs=designs,
        link=link,
    )


_REPORT_VALUES = ("variables", "n_roll", "n_respondents", "r_indicator", "r_indicator_se", "cv")
_REPORT_VALUES += ("cv_se", "se_method", "notes")
_CHECK_VALUES = ("model", "interactions", "trim_rule", "wave_basis", "classes", "trimmed")


def _plain(value):
    """A JSON value of a check's number, text or tuple (NumPy scalars as Python's)."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value.item() if hasattr(value, "item") else value


def _cached_check(run, *, export, roll, options: dict) -> NonresponseCheck:
    """:func:`check_nonresponse` once per data, roll and settings, through the run's cache."""
    from .cache import cached_result

    def compute():
        check = check_nonresponse(run, export=export, roll=roll, **options)
        r = check.report
        frames = {"table": r.table, "tests": r.tests, "estimates": r.estimates}
        frames |= {"partial": r.partial, "sensitivity": check.sensitivity}
        if check.effort is not None:
            frames["effort"] = check.effort
        values = {k: _plain(getattr(check, k)) for k in _CHECK_VALUES}
        values["report"] = {k: _plain(getattr(r, k)) for k in _REPORT_VALUES}
        values["weights"] = {
            label: {k: _plain(v) for k, v in s.__dict__.items()}
            for label, s in check.weights.items()
        }
        return frames, values

    book = run.cleaned.codebook
    parts = (run.design.data, run.design.weights, repr(run.margins), export, roll)
    parts += (repr({k: book.get(k) for k in ("roll", "quality")}), list(run.plan.indicators))
    parts += (repr({k: v for k, v in options.items() if k != "salt"}),)
    survey = str((getattr(run.cleaned, "source", None) or {}).get("file") or "survey")
    name = f"{survey.rsplit('.', 1)[0]}.nonresponse"
    frames, values = cached_result(getattr(run, "cache_dir", None), name, parts, compute)
    report = values["report"]
    report = NonresponseReport(
        table=frames["table"],
        tests=frames["tests"],
        estimates=frames["estimates"],
        partial=frames["partial"],
        fit=None,
        **{**report, "variables": tuple(report["variables"]), "notes": tuple(report["notes"])},
    )
    return NonresponseCheck(
        report=report,
        sensitivity=frames["sensitivity"],
        effort=frames.get("effort"),
        weights={label: WeightSummary(**w) for label, w in values["weights"].items()},
        **{
            **{k: values[k] for k in _CHECK_VALUES},
            "interactions": tuple(tuple(pair) for pair in values["interactions"]),
        },
    )


def _p(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def bias_direction(check: NonresponseCheck, indicator: str) -> str:
    """A sentence on the likely direction of nonresponse bias in ``indicator``, from the
    evidence: the shift from raking to propensity adjustment and, where waves exist, late
    against early respondents (those who needed reminders stand nearer those who never
    answered)."""
    rows = check.sensitivity.set_index(["indicator", "weighting"])
    raked = rows.loc[(indicator, "raked")]
    adjusted = rows.loc[(indicator, "propensity-adjusted and raked")]
    shift = adjusted["estimate"] - raked["estimate"]
    moved = abs(shift) >= raked["se"]
    parts = []
    if check.interactions and moved:
        word = "lower" if shift < 0 else "higher"
        parts.append(
            f"Adjusting for response propensity on the whole roll, with the "
            f"{' and '.join(' by '.join(p).replace('_', ' ') for p in check.interactions)} "
            f"cross-classes the margins miss, gives {pct(adjusted['estimate'])} against "
            f"{pct(raked['estimate'])} raked alone ({word} by more than one standard error): "
            f"within the weighting cells, members with this answer were "
            f"{'more' if shift < 0 else 'less'} likely to respond, so raking alone "
            f"{'overstates' if shift < 0 else 'understates'} it"
        )
    else:
        parts.append(
            f"Propensity adjustment on the whole roll moves it from {pct(raked['estimate'])} "
            f"raked to {pct(adjusted['estimate'])}, within one standard error: the roll gives "
            "no sign of a bias the margins leave"
        )
    if check.effort is not None and indicator in set(check.effort["indicator"]):
        e = check.effort.set_index("indicator").loc[indicator]
        if e["direction"] == "no clear difference":
            parts.append(
                f"late respondents ({pct(e['late'])}) did not differ clearly from early ones "
                f"({pct(e['early'])}; p {_p(e['p_value'])})"
            )
        else:
            parts.append(
                f"late respondents reported it {'more' if e['difference'] > 0 else 'less'} "
                f"often than early ones ({pct(e['late'])} against {pct(e['early'])}, "
                f"p {_p(e['p_value'])}), so if "
                "those who never answered resemble the late respondents, the true share is "
                f"{'higher' if e['difference'] > 0 else 'lower'} still"
            )
    return "; ".join(parts) + "."


def roll_table(check: NonresponseCheck, *, min_count: int = 10) -> pd.DataFrame:
    """Every roll variable by level: the roll's share, the respondents (unweighted) and after
    raking, the response rate and the test of equal response; ``weighted`` says whether the
    raking fixed the variable (else it is a holdout: its weighted gap is observed bias). Levels
    with fewer than ``min_count`` respondents show no respondent figures."""
    t = check.report.to_frame()
    t = t[t["kind"] == "variable"]
    out = pd.DataFrame(
        {
            "variable": t["variable"].str.replace("_", " "),
            "level": t["level"],
            "roll %": 100 * t["roll_share"],
            "respondents": t["respondents"].astype("Int64"),
            "respondents %": 100 * t["respondent_share"],
            "raked %": 100 * t["weighted_share"],
            "response rate %": 100 * t["response_rate"],
            "p (equal response)": t["p_value"],
            "weighted on": t["in_weighting"].map({True: "yes", False: "no (holdout)"}),
        }
    ).reset_index(drop=True)
    small = (out["respondents"] < min_count).to_numpy(bool)
    cols = ["respondents %", "raked %", "response rate %", "p (equal response)"]
    out.loc[small, cols] = float("nan")
    out["respondents"] = out["respondents"].mask(small)
    return out.round(
        {
            "roll %": 1,
            "respondents %": 1,
            "raked %": 1,
            "response rate %": 1,
            "p (equal response)": 4,
        }
    )


def sensitivity_table(check: NonresponseCheck, wording: dict | None = None) -> pd.DataFrame:
    """The sensitivity table for display: each indicator (``wording`` maps ids to text) under
    each weighting (the indicator named on its first row only), as percentages with the 95%
    interval, the standard error and the shift from raking alone in percentage points, and the
    weights' ratio and Kish design effect."""
    t = check.sensitivity
    names = t["indicator"].map(lambda k: (wording or {}).get(k, k))
    names = names.where(t["indicator"].ne(t["indicator"].shift()), "")  # once per indicator
    return pd.DataFrame(
        {
            "indicator": names,
            "weighting": t["weighting"],
            "estimate %": (100 * t["estimate"]).round(1),
            "95% interval": [
                f"{100 * a:.1f}–{100 * b:.1f}" for a, b in zip(t["ci_low"], t["ci_high"])
            ],
            "SE (points)": (100 * t["se"]).round(2),
            "shift from raked (points)": (100 * t["shift"]).round(2),
            "weight ratio": t["weight_ratio"].round(1),
            "Kish deff": t["deff_kish"].round(2),
        }
    )
