"""Quality flags and the AAPOR status of each response, and the summary a methodology note quotes.

The completion status comes, in this order, from the codebook's own rule (``complete_share`` and
``partial_share``: the share of applicable questions answered), from the platform (Qualtrics
``Finished`` and ``Progress``, REDCap ``*_complete``), or it is ``unknown``: exports with no
completion status (SPSS, Stata, SAS, plain CSV, SurveyMonkey) keep every row by default.
Questions hidden by routing never count against completeness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .aapor import disposition_table, response_rates
from .codebook import QUESTION_TYPES, Codebook, Variable, rule_parts

__all__ = [
    "FLAGS",
    "SCREENED",
    "Checks",
    "platform_status",
    "quality_flags",
    "summarise",
    "test_responses",
]

FLAGS = (
    "duplicate",
    "declined",
    "breakoff",
    "partial",
    "speeder",
    "straightliner",
    "failed_attention",
    "out_of_range",
    "inconsistent",
)
FLAG_DETAIL = {
    "duplicate": "a later or less complete submission by the same member",
    "declined": "did not give consent",
    "breakoff": "broke off (platform status or the codebook's partial_share)",
    "partial": "a partial response (platform status or the codebook's shares)",
    "speeder": "completed faster than the speeder ratio times the median time",
    "straightliner": "gave the same answer to every item of a grid",
    "failed_attention": "failed an attention check",
    "out_of_range": "a numeric answer outside its valid range",
    "inconsistent": "answers that break a consistency rule",
}
OPS = {
    "<=": np.less_equal,
    "<": np.less,
    ">=": np.greater_equal,
    ">": np.greater,
    "==": np.equal,
    "!=": np.not_equal,
}
FINISHED = {"1", "1.0", "true", "yes"}
SCREENED = ("test", "preview")  # statuses of responses that are no survey cases
# Qualtrics Status: labels in label exports, codes in numeric ones (1 preview, 2 test);
# DistributionChannel: preview, test.
TEST_STATUS = {"survey test": "test", "survey preview": "preview", "2": "test", "1": "preview"}
TEST_CHANNEL = {"test": "test", "preview": "preview"}


@dataclass(frozen=True)
class Checks:
    """What the quality checks read from the cleaned columns (all aligned with the export rows).

    ``codes`` holds each question's numeric codes or values, ``not_asked`` and ``special`` the
    rows given a "not asked" code or a non-answer code, ``out_of_range`` the rows with a value
    outside a valid range, ``keys`` the identifiers kept only while cleaning.
    """

    index: pd.Index
    codes: dict
    not_asked: dict
    special: dict
    out_of_range: np.ndarray
    keys: dict


def platform_status(raw: pd.DataFrame, platform: str) -> pd.Series | None:
    """Completion status the platform recorded, or None when the export has none.

    Qualtrics: ``Finished`` true is complete; otherwise ``Progress`` of 50 or more is partial,
    less is a break-off (AAPOR's usual partial threshold, on the platform's own progress).
    REDCap: a record whose filled-in ``*_complete`` form statuses are all 2 (Complete) is
    complete, one with an Incomplete (0) or Unverified (1) form is partial (kept: REDCap does
    not record break-offs); a row with no form status is unknown.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"Finished": [1, 0, 0], "Progress": [100, 60, 10]})
    >>> platform_status(raw, "qualtrics").tolist()
    ['complete', 'partial', 'breakoff']
    >>> platform_status(raw, "spss") is None
    True
    >>> redcap = pd.DataFrame({"a_complete": [2, 2, None], "b_complete": [2, 0, None]})
    >>> platform_status(redcap, "redcap").tolist()
    ['complete', 'partial', 'unknown']
    """
    forms = [c for c in raw.columns if str(c).endswith("_complete")]
    if platform == "redcap" and forms:
        status = raw[forms].apply(pd.to_numeric, errors="coerce")
        seen = status.notna().any(axis=1)
        done = (status.isna() | (status == 2)).all(axis=1)
        return pd.Series(
            np.where(~seen, "unknown", np.where(done, "complete", "partial")), index=raw.index
        )
    if platform != "qualtrics" or "Finished" not in raw.columns:
        return None
    finished = raw["Finished"].astype("string").str.strip().str.casefold().isin(FINISHED)
    if "Progress" in raw:  # a blank cell reads as missing: neither partial nor complete
        progress = pd.to_numeric(raw["Progress"], errors="coerce").astype("float64")
    else:
        progress = pd.Series(np.nan, index=raw.index)
    status = np.where(finished, "complete", np.where(progress >= 50, "partial", "breakoff"))
    return pd.Series(status, index=raw.index)


def test_responses(raw: pd.DataFrame, platform: str) -> pd.Series | None:
    """``"test"``, ``"preview"`` or ``""`` per response, or None when the export cannot say.

    Qualtrics marks its own test responses and the author's previews in ``Status`` (labels
    ``Survey Test``/``Survey Preview``, or codes 2/1 in numeric exports) and in
    ``DistributionChannel`` (``test``/``preview``). Only Qualtrics exports are read this way.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"Status": ["IP Address", "Survey Test", "Survey Preview", 2]})
    >>> test_responses(raw, "qualtrics").tolist()
    ['', 'test', 'preview', 'test']
    >>> test_responses(raw, "spss") is None
    True
    """
    cols = [c for c in ("Status", "DistributionChannel") if c in raw.columns]
    if platform != "qualtrics" or not cols:
        return None
    kind = pd.Series("", index=raw.index, dtype=object)
    for col, codes in (("DistributionChannel", TEST_CHANNEL), ("Status", TEST_STATUS)):
        if col in cols:
            text = raw[col].astype("string").str.strip().str.casefold()
            text = text.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
            found = text.map(codes).astype(object)
            kind = kind.mask(found.notna().to_numpy(), found)
    return kind


def _not_checked(book: Codebook, platform: pd.Series | None) -> dict:
    """Checks the codebook or the export gives nothing to run on: {flag: why not}."""
    q = book.quality
    out = {}
    if not q.duplicate_key:
        out["duplicate"] = "no duplicate_key in the codebook"
    if not q.consent:
        out["declined"] = "no consent question in the codebook"
    if q.complete_share is None and platform is None:
        out["breakoff"] = out["partial"] = "no completion status in the export or the codebook"
    if not q.duration:
        out["speeder"] = "no duration in the codebook"
    if not q.grids:
        out["straightliner"] = "no grids in the codebook"
    if not q.attention:
        out["failed_attention"] = "no attention checks in the codebook"
    if not any(v.valid is not None for v in book.variables.values()):
        out["out_of_range"] = "no valid ranges in the codebook"
    if not q.rules:
        out["inconsistent"] = "no consistency rules in the codebook"
    return out


def _asked(checks: Checks, var: Variable) -> np.ndarray:
    """Whether each respondent was routed to the question (unknown counts as not routed)."""
    asked = ~checks.not_asked.get(var.name, np.zeros(len(checks.index), dtype=bool))
    for parent, values in var.asked_if.items():
        asked &= np.isin(checks.codes[parent].to_numpy(float), [float(v) for v in values])
    return asked


def _status(book: Codebook, checks: Checks, platform: pd.Series | None) -> tuple:
    q = book.quality
    index = checks.index
    questions = [
        v
        for v in book.variables.values()
        if v.type in QUESTION_TYPES and not v.derive and v.name not in q.consent
    ]
    none = np.zeros(len(index), dtype=bool)
    n_applicable = np.zeros(len(index), dtype=np.int64)  # summed a question at a time
    n_answered = np.zeros(len(index), dtype=np.int64)
    for v in questions:
        applicable = _asked(checks, v)
        answered = checks.codes[v.name].notna().to_numpy() | _mask(checks.special, v.name, none)
        n_applicable += applicable
        n_answered += answered & applicable
    share = pd.Series(
        n_answered / np.where(n_applicable > 0, n_applicable, np.nan),
        index=index,
    )
    declined = pd.Series(False, index=index)
    for var, agree in q.consent.items():
        declined |= ~checks.codes[var].isin([float(a) for a in agree])
    if q.complete_share is not None:
        partial = q.partial_share if q.partial_share is not None else q.complete_share
        status = np.select(
            [share >= q.complete_share, share >= partial], ["complete", "partial"], "breakoff"
        )
    elif platform is not None:
        status = platform.to_numpy()
    else:
        status = np.full(len(index), "unknown", dtype=object)
    return np.where(declined, "declined", status), share


def _mask(masks: dict, name: str, none: np.ndarray) -> np.ndarray:
    mask = masks.get(name)
    return none if mask is None else mask


def quality_flags(
    book: Codebook,
    checks: Checks,
    data: pd.DataFrame,
    platform: pd.Series | None = None,
    screen: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per response: ``id``, ``status``, ``answered_share`` and a column per flag.

    ``screen`` (from :func:`test_responses`) gives test and previews responses the status
    ``test`` or ``preview``: they are no cases, so they count in no rate or median. The checks
    that had nothing to run on are in ``attrs["not_checked"]`` ({flag: why}).
    """
    q = book.quality
    index = checks.index
    status, share = _status(book, checks, platform)
    if screen is not None:
        status = np.where(screen.to_numpy() != "", screen.to_numpy(), status)
    ids = data[book.id].astype(str) if book.id else pd.Series(index.astype(str), index=index)
    flags = pd.DataFrame(
        {"id": ids, "status": status, "answered_share": share.round(4)}, index=index
    )
    flags["declined"] = status == "declined"
    flags["breakoff"] = status == "breakoff"
    flags["partial"] = status == "partial"
    rank = (
        pd.Series(status)
        .map({"complete": 0, "unknown": 0, "partial": 1, "breakoff": 2, "declined": 3})
        .fillna(4)
    )
    flags["duplicate"] = False
    if q.duplicate_key:
        key = checks.keys.get(q.duplicate_key, data.get(q.duplicate_key))
        order = pd.DataFrame({"key": key.to_numpy(), "rank": rank.to_numpy()}, index=index)
        if q.start:
            order["start"] = data[q.start].array
        order = order.sort_values([col for col in ("rank", "start") if col in order], kind="stable")
        dup = order["key"].notna() & order.duplicated("key")
        flags["duplicate"] = dup.reindex(index)
    complete = flags["status"].isin(["complete", "unknown"]) & ~flags["duplicate"]
    flags["speeder"] = False
    if q.duration:
        duration = checks.codes.get(q.duration)
        if duration is None:
            duration = pd.to_numeric(data[q.duration], errors="coerce")
        median = duration[complete].median()
        flags["speeder"] = complete & (duration < q.speeder_ratio * median)
        flags.attrs["median_duration"] = float(median) if median == median else None
    straight = pd.Series(False, index=index)
    for items in q.grids.values():
        # one answer throughout: the smallest code is the largest, on three items or more
        answered = np.zeros(len(index), dtype=np.int64)
        low, high = np.full(len(index), np.inf), np.full(len(index), -np.inf)
        for v in items:
            code = checks.codes[v].to_numpy(dtype=float)
            answered += ~np.isnan(code)
            low, high = np.fmin(low, code), np.fmax(high, code)
        straight |= (answered >= 3) & (low == high)
    flags["straightliner"] = straight
    failed = pd.Series(False, index=index)
    for var, passing in q.attention.items():
        code = checks.codes[var]
        failed |= code.notna() & ~code.isin([float(p) for p in passing])
    flags["failed_attention"] = failed
    flags["out_of_range"] = checks.out_of_range
    bad = pd.Series(False, index=index)
    for rule in q.rules:
        a, op, b = rule_parts(rule, book.path or "the codebook")
        x, y = checks.codes[a], checks.codes[b]
        bad |= x.notna() & y.notna() & ~OPS[op](x, y)
    flags["inconsistent"] = bad
    flags[list(FLAGS)] = flags[list(FLAGS)].fillna(False).astype(bool)
    out = flags[["id", "status", "answered_share", *FLAGS]]
    out.attrs = {**flags.attrs, "not_checked": _not_checked(book, platform)}
    return out


def summarise(
    flags: pd.DataFrame,
    exclude: tuple,
    kept: int,
    *,
    invited: int | None = None,
    dispositions: pd.Series | None = None,
    made_missing: dict | None = None,
    unknown_codes: dict | None = None,
    screened: bool = False,
    rates_from: str | None = None,
) -> dict:
    """What a methodology note quotes: counts by status, exclusions, flags and RR1/RR2.

    The response rates come from :func:`~survey_tools.cleaning.aapor.response_rates` on the
    platform's final dispositions (``dispositions``: one AAPOR code per response) when the
    codebook names them, else on the statuses found here; either way over ``invited``.
    Test and preview responses (``screened``: the export says which) are no cases: they are
    counted under ``excluded: preview_or_test`` only. A check that had nothing to run on
    (``flags.attrs["not_checked"]``) shows under ``not_checked`` with the reason, not as 0;
    ``rates_from`` says where the rates came from when it is not what the codebook asked for.
    """
    cases = ~flags["status"].isin(SCREENED).to_numpy()
    unique = flags[~flags["duplicate"].to_numpy() & cases]
    counts = unique["status"].value_counts()
    completes, partials = int(counts.get("complete", 0)), int(counts.get("partial", 0))
    rates = {"rr1": None, "rr2": None}
    if invited:
        chosen = ~flags["duplicate"].to_numpy() & cases
        codes = dispositions[chosen] if dispositions is not None else None
        table = disposition_table(invited, statuses=unique["status"], codes=codes)
        if table is not None:
            rates = response_rates(table)
    not_checked = dict(flags.attrs.get("not_checked") or {})
    reason = flags["exclusion_reason"]
    excluded = {"preview_or_test": int((reason == "preview_or_test").sum())} if screened else {}
    excluded |= {f: int((reason == f).sum()) for f in exclude if f not in not_checked}
    median = flags.attrs.get("median_duration")
    if "speeder" in not_checked:
        median = f"not checked ({not_checked['speeder']})"
    summary = {
        "received": len(flags),
        "duplicates": int(flags["duplicate"].sum()),
        "completes": completes,
        "partials": partials,
        "breakoffs": int(counts.get("breakoff", 0)),
        "declined": int(counts.get("declined", 0)),
        "status_unknown": int(counts.get("unknown", 0)),
        "kept": kept,
        "excluded": excluded,
        "flagged": {
            flag: int(flags[flag].sum())
            for flag in FLAGS
            if flag not in exclude and flag not in not_checked
        },
        "made_missing": dict(made_missing or {}),
        "unknown_codes": dict(unknown_codes or {}),
        "median_duration_sec": median,
        "invited": invited,
        "rr1": rates["rr1"],
        "rr2": rates["rr2"],
    }
    if rates_from:
        summary["response_rates_from"] = rates_from
    if not_checked:
        summary["not_checked"] = not_checked
    return summary
