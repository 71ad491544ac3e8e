"""The memo's evidence: every figure its plan asks for, computed once, with interval and base.

:func:`gather` turns a :class:`~survey_tools.report.run.SurveyRun` into an :class:`Evidence`:
shares of all members for the plan's indicators and its focus group, shares within the focus
group for its conditions, the link between the focus group and the linked indicator from a
survey-weighted model, the options' support among all members and each compared group, the
rankings of groups, and pay against the benchmark. Every share passes disclosure control
(withheld shares say why). ``Evidence.values`` holds the named texts a plan's recommendation
may quote (``{lost_work.pct}``...); a withheld share reads "a withheld share" there, so a
sentence never carries a bare dash.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from ..errors import ReportError
from .findings import Share, share
from .ranking import Ranking, rank_groups
from .role_models import role_model
from .tables import base, domain_estimate, magnitude_screen, magnitude_shown, pct
from .text import cap as _cap

#: how a plan's sentence quotes a share disclosure control withholds (``{id.pct}``)
WITHHELD_SHARE = "a withheld share"

__all__ = ["Evidence", "Link", "gather"]


@dataclass(frozen=True)
class Link:
    """The focus group against everyone else on an indicator, other groups held fixed: the
    predicted shares and their difference with its 95% interval (design-based)."""

    indicator: str
    inside: float
    outside: float
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    held: tuple
    n: int

    def sentence(self, group: str) -> str:
        """``'12.9% of <group> knowingly lost work, against 11.7% of other members ...'``."""
        held = f"Holding {' and '.join(self.held)} fixed, " if self.held else ""
        verdict = (
            "a difference the data support"
            if self.clear
            else "no clear difference: the interval includes zero"
        )
        return (
            f"{held}{pct(self.inside)} of {group} {self.indicator}, against "
            f"{pct(self.outside)} of other members: a difference of about "
            f"{100 * self.difference:+.0f} percentage point"
            f"{'' if round(abs(100 * self.difference)) == 1 else 's'} (95% CI "
            f"{100 * self.ci_low:+.1f} to {100 * self.ci_high:+.1f}; n = {self.n:,}), {verdict}"
        )

    @property
    def clear(self) -> bool:
        """True when the interval of the difference excludes zero."""
        return self.ci_low > 0 or self.ci_high < 0


@dataclass(frozen=True)
class Driver:
    """How the focus group's share moves with one unit more of a number (an average marginal
    effect from a survey-weighted logistic model, other groups held fixed)."""

    wording: str
    estimate: float
    ci_low: float
    ci_high: float
    n: int
    held: tuple

    def sentence(self, group: str) -> str:
        held = f"Holding {' and '.join(self.held)} fixed, each" if self.held else "Each"
        return (
            f"{held} {self.wording} goes with {100 * self.estimate:+.1f} percentage points "
            f"in the share of {group} (95% CI {100 * self.ci_low:+.1f} to "
            f"{100 * self.ci_high:+.1f}; n = {self.n:,})"
        )


@dataclass(frozen=True)
class Evidence:
    """What the memo reports, computed from a run and its plan (see :func:`gather`)."""

    shares: dict
    conditions: dict
    numbers: dict
    support: pd.DataFrame = field(repr=False)
    rankings: dict = field(repr=False)
    link: Link | None = None
    drivers: dict = field(default_factory=dict)
    pay: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """Every share the memo quotes, one row each (``section``, ``id``, ``label``...)."""
        rows = [
            {"section": section, "id": key, **s.__dict__}
            for section, items in (("members", self.shares), ("focus", self.conditions))
            for key, s in items.items()
        ]
        return pd.DataFrame(rows)


def _share(run, ident: str, *, within: str | None = None) -> Share:
    plan = run.plan
    m = plan.measures()[ident]
    return share(
        run.design,
        ident,
        True,
        label=m.wording,
        within=within,
        min_count=plan.min_count,
        min_base=plan.min_base,
    )


def _link(run) -> Link | None:
    plan, focus = run.plan, run.plan.focus
    if focus is None or focus.linked_to is None:
        return None
    held = _held(run)
    model = role_model(
        run.design,
        focus.linked_to,
        True,
        by=focus.measure.id,
        covariates=tuple(held),
        reference="False",
    )
    m = model.margins
    key = m[focus.measure.id].astype(str)
    inside = m[(m["kind"] == "margin") & (key == "True")].iloc[0]
    outside = m[(m["kind"] == "margin") & (key == "False")].iloc[0]
    diff = m[m["kind"] == "difference"].iloc[0]
    return Link(
        indicator=plan.indicators[focus.linked_to].wording,
        inside=float(inside["estimate"]),
        outside=float(outside["estimate"]),
        difference=float(diff["estimate"]),
        ci_low=float(diff["ci_low"]),
        ci_high=float(diff["ci_high"]),
        p_value=float(model.wald.p_value),
        held=tuple(c.replace("_", " ") for c in held),
        n=int(model.fit.n_used),
    )


def _held(run) -> list:
    plan, data = run.plan, run.design.data
    held = [g for g in plan.groups if g in data] + list(plan.adjust_for)
    return [c for c in dict.fromkeys(held) if data[c].nunique(dropna=True) > 1]


def _drivers(run) -> dict:
    focus = run.plan.focus
    if focus is None or not focus.drivers:
        return {}
    from ..models import predict_margins

    held = _held(run)
    out = {}
    for key, spec in focus.drivers.items():
        model = role_model(
            run.design,
            focus.measure.id,
            True,
            by=held[0],
            covariates=tuple(held[1:]),
            numeric=[spec["variable"]],
        )
        ame = predict_margins(model.fit, spec["variable"]).iloc[0]
        out[key] = Driver(
            wording=spec["wording"],
            estimate=float(ame["estimate"]),
            ci_low=float(ame["ci_low"]),
            ci_high=float(ame["ci_high"]),
            n=int(model.fit.n_used),
            held=tuple(c.replace("_", " ") for c in held),
        )
    return out


def _support(run) -> pd.DataFrame:
    """Each option's support among all members and each compared group (long table)."""
    plan = run.plan
    design = run.options
    groups = {"all": ("All members", None)}
    for ident in plan.compare:
        if plan.focus and ident == plan.focus.measure.id:
            groups[ident] = (_cap(plan.focus.name), ident)
        else:
            groups[ident] = (f"Members who {plan.indicators[ident].wording}", ident)
    rows = []
    for key, m in plan.options.items():
        for group, (name, within) in groups.items():
            s = share(
                design,
                key,
                True,
                label=m.wording,
                within=within,
                min_count=plan.min_count,
                min_base=plan.min_base,
            )
            rows.append({"option": key, "wording": m.wording, "group": group, "name": name,
                         "share": s})  # fmt: skip
    return pd.DataFrame(rows, columns=["option", "wording", "group", "name", "share"])


def _numbers(run) -> dict:
    plan = run.plan
    out = {}
    if plan.focus is None:
        return out
    for key, spec in plan.focus.numbers.items():
        col, stat = spec["variable"], spec["stat"]
        within = plan.focus.measure.id
        row = domain_estimate(run.design, col, stat, within)
        shown = magnitude_shown(
            run.design, col, within, min_count=plan.min_count, min_base=plan.min_base, stat=stat
        )
        out[key] = {
            **spec,
            "estimate": float(row["estimate"]),
            "ci_low": float(row["ci_low"]),
            "ci_high": float(row["ci_high"]),
            "n": int(row["n"]),
            "shown": shown,
            "text": (
                f"{'an average' if stat == 'mean' else 'a median'} of {row['estimate']:.1f} "
                f"{spec['wording']} (95% CI {row['ci_low']:.1f} to {row['ci_high']:.1f}; "
                f"n = {int(row['n']):,})"
                if shown
                else f"{spec['wording']}: withheld (fewer than {plan.min_count} answers, a few "
                f"answers dominating the total, or too unreliable on a base under "
                f"{plan.min_base})"
            ),
        }
    return out


def _pay(run) -> dict:
    """Pay against the benchmark: median, who could not be read, how answers were converted."""
    plan, focus = run.plan, run.plan.focus
    if focus is None or not focus.pay:
        return {}
    col = focus.pay["variable"]
    data = run.design.data
    inside = data[focus.measure.id].astype("boolean").fillna(False).to_numpy(bool)
    status_col = f"{col}_status"
    statuses = (
        data.loc[inside, status_col].astype(str).value_counts().to_dict()
        if status_col in data
        else {}
    )
    answered = {k: v for k, v in statuses.items() if k != "blank"}
    bench = plan.benchmarks.get(focus.pay.get("benchmark")) if focus.pay.get("benchmark") else None
    out = {
        "variable": col,
        "focus_n": int(inside.sum()),
        "no_rate": int(answered.get("unparseable", 0) + statuses.get("blank", 0)),
        "benchmark": bench,
        "statuses": statuses,
        "answered": int(sum(answered.values())),
        "converted_total": int(answered.get("total", 0)),
        "ranges": int(answered.get("range", 0)),
    }
    if f"{col}_unreadable" in data and out["answered"]:
        out["unreadable_share"] = share(
            run.design,
            f"{col}_unreadable",
            True,
            label="pay answers that could not be read as a rate",
            within=focus.measure.id,
            min_count=plan.min_count,
            min_base=plan.min_base,
        )
    row = magnitude_screen(
        run.design,
        col,
        focus.measure.id,
        min_count=plan.min_count,
        min_base=plan.min_base,
        stat="median",
    )
    out["median"] = None if bool(row["hidden"]) else float(row["estimate"])
    out["median_ci"] = (float(row["ci_low"]), float(row["ci_high"]))
    out["median_n"] = int(row["n"])
    return out


def gather(run) -> Evidence:
    """Compute the memo's evidence for ``run`` (a prepared survey with its checked plan).

    Computed once per data, plan settings and code and kept in the run's cache folder
    (:mod:`.evidence_cache`): a memo re-run after its text was edited reads it back."""
    from .evidence_cache import cached_gather

    return _with_values(cached_gather(run, _gather, (Evidence, Link, Driver)), run)


def _gather(run) -> Evidence:
    plan = run.plan
    shares = {key: _share(run, key) for key in plan.indicators}
    conditions = {}
    if plan.focus:
        focus = plan.focus.measure.id
        shares[focus] = _share(run, focus)
        shares |= {key: _share(run, key) for key in plan.focus.timing}
        conditions = {key: _share(run, key, within=focus) for key in plan.focus.conditions}
    rankings: dict[str, Ranking] = {}
    group = plan.group
    word = plan.groups[group]
    for key in [plan.headline.id] + ([plan.focus.measure.id] if plan.focus else []):
        try:
            rankings[key] = rank_groups(
                run.design,
                key,
                True,
                by=group,
                covariates=(),
                label=plan.measures()[key].wording,
                group_name=word,
                min_count=plan.min_count,
                min_base=plan.min_base,
            )
        except ReportError:
            continue  # fewer than two groups can be shown: the memo reports no ranking
    support = _support(run)
    evidence = Evidence(
        shares=shares,
        conditions=conditions,
        numbers=_numbers(run),
        support=support,
        rankings=rankings,
        link=_link(run),
        drivers=_drivers(run),
        pay=_pay(run),
    )
    return evidence


def _with_values(evidence: Evidence, run) -> Evidence:
    plan = run.plan
    values = {"guild": plan.guild, "wave": plan.wave}
    shares = {**evidence.shares, **evidence.conditions}
    shares |= {f"{row.option}.{row.group}": row.share for row in evidence.support.itertuples()}
    for key, s in shares.items():
        values |= {
            key: s.text,
            f"{key}.pct": WITHHELD_SHARE if s.withheld else s.pct,
            f"{key}.interval": "withheld" if s.withheld else s.interval,
            f"{key}.n": base(s.n, plan.min_count),
        }
    for key, b in plan.benchmarks.items():
        values |= {key: b.text, f"{key}.value": f"{b.value:,g}"}
    for key, n in evidence.numbers.items():
        value = f"{n['estimate']:.1f}" if n["shown"] else "withheld"
        values |= {key: n["text"], f"{key}.value": value}
    return replace(evidence, values=values)


def support_table(evidence: Evidence, plan) -> pd.DataFrame:
    """The options side by side: support among all members and each compared group, each cell
    "share (interval; n)", and the conditions each option would address."""
    table = evidence.support
    names = list(dict.fromkeys(table["name"]))
    rows = []
    for option, part in table.groupby("option", sort=False):
        m = plan.options[option]
        row = {"Option": m.wording}
        for s, name in zip(part["share"], part["name"], strict=True):
            row[name] = (
                "—" if s.withheld else f"{s.pct} ({pct(s.ci_low)}–{pct(s.ci_high)}; n={s.n:,})"
            )
        found = [
            f"{evidence.conditions[c].pct} {plan.focus.conditions[c].wording}"
            for c in m.addresses
            if c in evidence.conditions and not evidence.conditions[c].withheld
        ]
        row["Would address"] = "; ".join(found) or "general: not tied to one condition"
        rows.append(row)
    return pd.DataFrame(rows, columns=["Option", *names, "Would address"]).set_index("Option")


def conditions_table(evidence: Evidence, plan) -> pd.DataFrame:
    """The focus group's conditions: share, interval and base, through disclosure control."""
    rows = []
    for key, s in evidence.conditions.items():
        rows.append(
            {
                "Condition": _cap(plan.focus.conditions[key].wording),
                "Share": s.pct,
                "95% CI": s.interval,
                "Base (n)": base(s.n, plan.min_count),
            }
        )
    return pd.DataFrame(rows, columns=["Condition", "Share", "95% CI", "Base (n)"]).set_index(
        "Condition"
    )


def ranking_table(ranking: Ranking, *, min_count: int = 10) -> pd.DataFrame:
    """A ranking as the memo prints it: share with its simultaneous interval, base, and
    whether the group can be told apart from the top one."""
    t = ranking.table
    k = len(t)
    return pd.DataFrame(
        {
            _cap(ranking.group_name): t[ranking.by].astype(str),
            "Share": [pct(x) for x in t["estimate"]],
            f"Interval holding for all {k}": [
                f"{pct(lo)} to {pct(hi)}" for lo, hi in zip(t["ci_low"], t["ci_high"], strict=True)
            ],
            "Base (n)": [base(n, min_count) for n in t["n"]],
            "Below the top group?": [
                "top group" if str(g) == ranking.top else ("yes" if p < 0.05 else "not clearly")
                for g, p in zip(t[ranking.by], t["p_holm"], strict=True)
            ],
        }
    ).set_index(_cap(ranking.group_name))
