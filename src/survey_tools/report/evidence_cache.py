"""The memo's evidence kept between runs: an :class:`~.evidence.Evidence` in, tables and JSON out.

:func:`cached_gather` is :func:`~.evidence.gather` computed once per data, plan and code:
the evidence is stored through :func:`~.cache.cached_result` in the run's cache folder (the
shares, links and rankings as JSON values, the tables as Parquet) and rebuilt from there,
equal field for field. The key holds the respondents' data and weights (the main design and
the options' one), the roll's margins and every setting of the plan except what only the
memo's text uses (the recommendation, next steps, title, author, contact and date), so an
analyst editing a sentence re-runs the memo without computing the evidence again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict

from .findings import Share
from .ranking import Ranking

__all__ = ["cached_gather"]

_TEXT_ONLY = {"recommendation", "next_steps", "title", "author", "contact", "date", "path"}


def _settings(value):
    """A plain, ordered form of a plan value for hashing (dataclasses field by field)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        named = ((f.name, _settings(getattr(value, f.name))) for f in dataclasses.fields(value))
        return (type(value).__name__, *named)
    if isinstance(value, dict):
        return tuple((repr(k), _settings(v)) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return tuple(_settings(v) for v in items)
    return repr(value)


def _plan_settings(plan) -> tuple:
    return tuple(
        (f.name, _settings(getattr(plan, f.name)))
        for f in dataclasses.fields(plan)
        if f.name not in _TEXT_ONLY
    )


def _share(d: dict | None) -> Share | None:
    return None if d is None else Share(**d)


def _stored(evidence) -> tuple[dict, dict]:
    frames = {"support": evidence.support.drop(columns="share")}
    rankings = []
    for i, (key, r) in enumerate(evidence.rankings.items()):
        frames[f"ranking{i}"] = r.table
        fields = {f.name: getattr(r, f.name) for f in dataclasses.fields(r) if f.name != "table"}
        rankings.append({"key": key, **{k: _plain(v) for k, v in fields.items()}})
    pay = dict(evidence.pay)
    if pay.get("benchmark") is not None:
        pay["benchmark"] = pay["benchmark"].id
    if "unreadable_share" in pay:
        pay["unreadable_share"] = asdict(pay["unreadable_share"])
    if "median_ci" in pay:
        pay["median_ci"] = list(pay["median_ci"])
    values = {
        "shares": {k: asdict(s) for k, s in evidence.shares.items()},
        "conditions": {k: asdict(s) for k, s in evidence.conditions.items()},
        "numbers": evidence.numbers,
        "support": [asdict(s) for s in evidence.support["share"]],
        "rankings": rankings,
        "link": _plain(asdict(evidence.link)) if evidence.link else None,
        "drivers": {k: _plain(asdict(d)) for k, d in evidence.drivers.items()},
        "pay": pay,
    }
    return frames, values


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return list(value) if isinstance(value, tuple) else value


def _restored(frames: dict, values: dict, plan, kinds: tuple):
    Evidence, Link, Driver = kinds  # the classes of evidence.py (no import back into it)
    support = frames["support"].copy()
    support["share"] = [_share(d) for d in values["support"]]
    rankings = {}
    for i, r in enumerate(values["rankings"]):
        fields = {k: tuple(v) if isinstance(v, list) else v for k, v in r.items() if k != "key"}
        rankings[r["key"]] = Ranking(table=frames[f"ranking{i}"], **fields)
    pay = dict(values["pay"])
    if pay.get("benchmark") is not None:
        pay["benchmark"] = plan.benchmarks[pay["benchmark"]]
    if "unreadable_share" in pay:
        pay["unreadable_share"] = _share(pay["unreadable_share"])
    if "median_ci" in pay:
        pay["median_ci"] = tuple(pay["median_ci"])
    link, drivers = values["link"], values["drivers"]
    return Evidence(
        shares={k: _share(d) for k, d in values["shares"].items()},
        conditions={k: _share(d) for k, d in values["conditions"].items()},
        numbers=values["numbers"],
        support=support,
        rankings=rankings,
        link=Link(**{**link, "held": tuple(link["held"])}) if link else None,
        drivers={k: Driver(**{**d, "held": tuple(d["held"])}) for k, d in drivers.items()},
        pay=pay,
    )


def cached_gather(run, compute, kinds: tuple):
    """``compute(run)`` (the evidence without its values), once per data, plan and code;
    ``kinds`` are the classes ``(Evidence, Link, Driver)`` to rebuild it with."""
    from .cache import cached_result

    survey = str((getattr(run.cleaned, "source", None) or {}).get("file") or "survey")
    parts = (
        run.design.data,
        run.design.weights,
        run.options.data,
        run.options.weights,
        run.margins,
        _plan_settings(run.plan),
    )
    frames, values = cached_result(
        getattr(run, "cache_dir", None),
        f"{survey.rsplit('.', 1)[0]}.evidence",
        parts,
        lambda: _stored(compute(run)),
    )
    return _restored(frames, values, run.plan, kinds)
