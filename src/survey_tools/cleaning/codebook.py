"""Codebooks: how the raw columns of an export become the canonical survey data.

A codebook is a YAML file the analyst keeps beside the survey (``data/codebooks/``)::

    survey: guild_ai_survey_2026        # name of the cleaned files
    id: resp_id                         # the respondent key kept in the clean data
    not_asked: [-1]                     # codes that mean "not asked" (routing); none by default
    variables:
      ai_lost_work:
        type: single                    # single | likert | multi | numeric | text | date | id
        source: [ai_lost_work, Q14]     #   | identifier; first column found in the export
        label: Knowingly lost work to AI in the past 12 months
        codes: {1: "Yes", 2: "Suspect so but not sure", 3: "No", 98: "Don't know"}
        missing: {-1: Not asked, 99: Prefer not to say}
      start_ts:
        type: date
        source: [start_ts, StartDate]
        timezone: America/Los_Angeles   # naive times are local times there; offsets converted
      rlhf_hours_wk:
        type: numeric
        source: [rlhf_hours_wk, Q24]
        valid: [0, 80]                  # outside: set missing and flagged
        asked_if: {rlhf_status: [1, 2]} # routing: asked only when rlhf_status is 1 or 2
      rlhf_pay_usd_hr:
        type: numeric
        source: [rlhf_pay, Q26]
        parse: pay                      # "$45/hr", "45-60", "$1,200 for 4 hours" -> USD/hour
      rlhf_platforms:
        type: multi
        options: {plat_mercor: {source: [plat_mercor, Q22_1], label: Mercor}, ...}
      member_id: {type: identifier, source: [member_id, ExternalReference], action: drop}
      role_group_reported:
        type: single
        derive: role_primary            # recode of another variable's codes
        recode: {"Screen & TV writers": [1, 2], ...}
    roll:                               # variables taken from the membership roll
      key: member_id                    # codebook variable matched to the roll's key column
      roll_key: member_id
      columns: {region: region, member_status: member_class}
    quality: {...}                      # see ``Quality``

Codes may be matched by number (SPSS, Stata, numeric exports) or by label (Qualtrics and
SurveyMonkey "labels" exports): the same codebook cleans both. The keys, their types and the
checks are tables in ``codebook_schema.py``; reading with YAML line numbers and the
cross-references are in ``codebook_check.py``.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import yaml

from ..ingest.platforms import iana_zone
from .codebook_check import check_refs, codebook_error, load_yaml
from .codebook_schema import check_spec, rule_parts
from .drafting import declared_zone, draft_column, draft_quality, short_name, split_stem

__all__ = ["Codebook", "Quality", "Variable", "rule_parts"]

QUESTION_TYPES = ("single", "likert", "multi", "numeric")
ACTIONS = ("drop", "hash")
DEFAULT_EXCLUDE = ("duplicate", "declined", "breakoff")


@dataclass(frozen=True)
class Variable:
    """One canonical variable; see the module docstring for the meaning of each field."""

    name: str
    type: str
    source: tuple[str, ...] = ()
    label: str = ""
    codes: dict = field(default_factory=dict)
    missing: dict = field(default_factory=dict)
    valid: tuple[float, float] | None = None
    options: dict = field(default_factory=dict)  # multi: column -> (sources, label)
    asked_if: dict = field(default_factory=dict)
    parse: str | None = None
    action: str = "drop"
    derive: str | None = None
    recode: dict = field(default_factory=dict)
    ordered: bool = False
    redact: bool = True
    timezone: str | None = None
    scale: dict = field(default_factory=dict)  # ordered scales: {positive: high|low, midpoint}

    def to_dict(self) -> dict:
        out: dict = {"type": self.type}
        if self.source:
            out["source"] = list(self.source) if len(self.source) > 1 else self.source[0]
        for key in ("label", "codes", "missing", "asked_if", "parse", "derive", "recode"):
            value = getattr(self, key)
            if value:
                out[key] = dict(value) if isinstance(value, dict) else value
        if self.valid is not None:
            out["valid"] = list(self.valid)
        if self.options:
            out["options"] = {
                col: {"source": list(src) if len(src) > 1 else src[0], "label": lab}
                for col, (src, lab) in self.options.items()
            }
        if self.type == "identifier":
            out["action"] = self.action
        if self.ordered and self.type == "single":
            out["ordered"] = True
        if self.type == "text" and not self.redact:
            out["redact"] = False
        if self.timezone:
            out["timezone"] = self.timezone
        if self.scale:
            out["scale"] = dict(self.scale)
        return out


@dataclass(frozen=True)
class Quality:
    """Quality rules: which checks flag a respondent, and which flags exclude one.

    ``duplicate_key`` names the variable that identifies a member across submissions;
    ``duration`` the completion time in seconds; ``start`` the start time; ``consent`` maps the
    consent variable to the codes that agree; ``attention`` maps each attention check to its
    passing codes; ``grids`` lists the question grids checked for straightlining; ``rules``
    are consistency checks ``"a <= b"``; ``complete_share`` and ``partial_share`` are the
    codebook's own break-off rule, AAPOR thresholds on the share of applicable questions answered
    (without them the status comes from the platform, e.g. Qualtrics ``Finished``/``Progress``,
    or is unknown and every row is kept); ``disposition`` names an export column holding the
    platform's AAPOR final disposition codes (1.1, 1.2, 2.11...), used for RR1/RR2 (an export
    without that column gets its rates from the cleaning's statuses, and the summary's
    ``response_rates_from`` says so); a complete
    faster than
    ``speeder_ratio`` times the median completion time is a speeder; ``exclude`` lists the
    flags that remove a respondent from the clean data. Qualtrics test and preview responses
    (``Status`` Survey Test/Survey Preview, ``DistributionChannel`` test/preview) are no
    members' answers and are always removed, unless ``keep_test_responses`` is true.
    """

    duplicate_key: str | None = None
    duration: str | None = None
    start: str | None = None
    consent: dict = field(default_factory=dict)
    attention: dict = field(default_factory=dict)
    grids: dict = field(default_factory=dict)
    rules: tuple[str, ...] = ()
    complete_share: float | None = None
    partial_share: float | None = None
    disposition: str | None = None
    speeder_ratio: float = 0.5
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    keep_test_responses: bool = False

    def to_dict(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if v not in (None, {}, ())}
        if not self.keep_test_responses:
            del out["keep_test_responses"]
        for key in ("rules", "exclude"):
            if key in out:
                out[key] = list(out[key])
        return out


@dataclass(frozen=True)
class Codebook:
    """The mapping from an export's raw columns to the canonical survey data.

    Build one with :meth:`from_yaml` (an analyst's file) or :meth:`draft` (a first draft from an
    export, to edit or run as it is), and save it with :meth:`to_yaml`.

    Top-level keys: ``survey`` (name of the cleaned files), ``id`` (respondent key),
    ``not_asked`` (codes meaning "routed past the question"; none by default), ``variables``,
    ``roll`` (``key``, ``roll_key``, ``columns`` taken from the membership roll), ``quality``
    (see :class:`Quality`; no break-off rule by default) and ``redact_patterns``.

    Keys of a variable: ``type`` (single, likert, multi, numeric, text, date, id, identifier);
    ``source`` (export columns, first found is used); ``label``; ``codes`` ({code: label}; for
    a numeric variable the labels only document values); ``missing`` ({code: label} of
    non-answers, and ``"lo..hi"`` ranges); ``ordered`` (single choices on a scale); ``valid``
    ([low, high], outside is set missing and flagged); ``asked_if`` ({variable: [codes]},
    routing); ``options`` (multi: {column: {source, label}}); ``parse: pay``; ``action`` (drop or
    hash, for identifiers); ``derive`` and ``recode`` (groups of another variable's codes);
    ``scale`` (single and likert: the ordered answer scale, ``{positive: high | low, midpoint:
    <code> or null}``); ``redact`` (false to keep a text as written); ``timezone`` (date
    variables: the IANA time zone of the times, e.g. ``America/Los_Angeles`` or ``UTC``; the
    cleaned column is then ``datetime64[..., <zone>]``: times written without an offset are
    read as local times of that zone, times with an offset are converted to it; without
    ``timezone`` times stay as written, naive unless they carry offsets). A draft fills
    ``timezone`` from the zone the export states (Qualtrics' ImportId header, or a zone named
    in the column's label).

    The whole codebook is checked before it is used (:mod:`.codebook_schema`): unknown keys
    (with the key meant), wrong types (``ordered: "false"``, ``not_asked: -1``), keys written
    twice, out-of-range settings, regular expressions that could run for ever and names that
    point nowhere are all reported at once, each with its key path, YAML line and fix.
    ``data/codebooks/codebook.schema.json`` is the same schema for editors.

    Labels that mean no answer (drafted as ``missing``): don't know, DK, refused, RF, not
    applicable, N/A, NA, no answer, no response, prefer not to say, skipped, not asked, not
    stated, missing, unknown, seen but unanswered. Any other label is an answer.
    """

    survey: str
    variables: dict[str, Variable]
    id: str | None = None
    not_asked: tuple = ()
    roll: dict = field(default_factory=dict)
    quality: Quality = field(default_factory=Quality)
    redact_patterns: dict = field(default_factory=dict)
    path: str | None = field(default=None, compare=False)

    def __repr__(self) -> str:
        kinds = pd.Series([v.type for v in self.variables.values()]).value_counts()
        parts = ", ".join(f"{n} {k}" for k, n in kinds.items())
        return f"Codebook({self.survey!r}: {len(self.variables)} variables ({parts}))"

    # --- reading and writing ---------------------------------------------------------------

    @classmethod
    def from_yaml(cls, path: str | os.PathLike) -> Codebook:
        """Read and check a YAML codebook as a whole (every key, type and cross-reference).

        Errors name the file, each key's path and YAML line, and the fix (unknown keys get a
        "did you mean ...?"); keys written twice, text where a boolean or number belongs, and
        regular expressions that could run for ever are refused. See
        :mod:`survey_tools.cleaning.codebook_schema` for the keys.
        """
        spec, lines, twice = load_yaml(path)
        return cls.from_dict(spec, where=str(path), lines=lines, problems=twice)

    @classmethod
    def from_dict(
        cls,
        spec: dict,
        *,
        where: str = "the codebook",
        lines: dict[tuple, int] | None = None,
        problems: list | None = None,
    ) -> Codebook:
        """Build a codebook from the structure a YAML codebook holds, checked as a whole.

        ``lines`` maps key paths to YAML lines for the messages; ``problems`` are found
        beforehand (keys written twice) and reported with the rest.
        """
        found = [*(problems or []), *check_spec(spec)]
        if not found:
            found = check_refs(spec)
        if found:
            raise codebook_error(found, lines or {}, where)
        variables = {name: _variable(name, body) for name, body in spec["variables"].items()}
        quality = spec.get("quality") or {}
        quality = Quality(
            **{
                k: tuple(v) if k in ("rules", "exclude") else v
                for k, v in quality.items()
                if v is not None
            }
        )
        return cls(
            survey=str(spec.get("survey") or "survey"),
            variables=variables,
            id=spec.get("id"),
            not_asked=tuple(spec.get("not_asked") or ()),
            roll=dict(spec.get("roll") or {}),
            quality=quality,
            redact_patterns=dict(spec.get("redact_patterns") or {}),
            path=where,
        )

    def to_dict(self) -> dict:
        out: dict = {"survey": self.survey}
        if self.id:
            out["id"] = self.id
        out["not_asked"] = list(self.not_asked)
        if self.roll:
            out["roll"] = self.roll
        quality = self.quality.to_dict()
        if quality:
            out["quality"] = quality
        if self.redact_patterns:
            out["redact_patterns"] = self.redact_patterns
        out["variables"] = {name: var.to_dict() for name, var in self.variables.items()}
        return out

    def to_yaml(self, path: str | os.PathLike) -> Path:
        """Write the codebook as YAML (atomically: a failure leaves any old file in place)."""
        path = Path(path)
        text = "# survey_tools codebook: edit freely; see `help(survey_tools.Codebook)`.\n"
        text += yaml.dump(
            self.to_dict(),
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            width=100,
            default_flow_style=None,
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def diff(self, other: Codebook, *, wave_a: str = "a", wave_b: str = "b"):
        """What changed from this (earlier) wave's codebook to ``other``: a
        :class:`~survey_tools.cleaning.codebook_diff.CodebookDiff` whose ``.crosswalk()`` /
        ``.to_yaml(path)`` draft the crosswalk (matched by name, then question text; changed
        wording, answers and routing flagged; comparability ``same``, ``recoded``, ``caveat``
        or ``break``)."""
        from .codebook_diff import diff_codebooks

        return diff_codebooks(self, other, wave_a=wave_a, wave_b=wave_b)

    # --- drafting ----------------------------------------------------------------------------

    @classmethod
    def draft(cls, export) -> Codebook:
        """A first codebook drawn from an export's data and metadata, to edit or run as it is.

        - a value-labelled column becomes ``single`` only when (nearly) every answer carries a
          label; a column of mostly unlabelled numbers is ``numeric`` and keeps every value,
          its labels documented under ``codes``;
        - codes the file declares missing (discrete codes and ``"lo..hi"`` ranges, as declared)
          and codes labelled as non-answers (see :data:`NON_ANSWERS`) go under ``missing``;
        - dates and timestamps (typed by the file, or texts that all read as dates) are
          ``date``, with ``timezone`` where the export states the zone (see
          :func:`~survey_tools.cleaning.drafting.declared_zone`);
        - the respondent id (Qualtrics ``ResponseId``, SurveyMonkey ``RespondentID``) is the
          ``id`` and the duplicate key; Qualtrics ``Duration (in seconds)`` and ``StartDate``
          are the quality settings ``duration`` and ``start``; five or more single items on one
          response scale (an ordered scale, or one question) are a ``grid``;
        - labels are stripped of stray whitespace, names keep whole words; an SPSS variable
          measured as ordinal is drafted ``ordered``; a check-all group is labelled with its
          question stem;
        - check-all groups are ``multi``; columns that hold personal data are identifiers to
          drop; a few distinct text answers become ``single`` with codes in order of appearance;
          the rest are ``numeric`` or ``text``.

        No code means "not asked" and no break-off rule is set: completion status comes from
        the platform, so ``clean(export, Codebook.draft(export))`` keeps every row of an export
        without one.

        Examples
        --------
        >>> from survey_tools import Codebook, read_export
        >>> book = Codebook.draft(read_export("data/raw/demo/guild_ai_survey_2026.sav"))
        >>> book.variables["ai_lost_work"].missing
        {98: "Don't know", -1: 'Not asked', '97..99': 'Missing (declared range)'}
        """
        meta, data = export.meta, export.data
        variables: dict[str, Variable] = {}
        used: set[str] = set()
        in_groups = {c for cols in meta.multi_select.values() for c in cols}

        def name_for(col: str) -> str:
            base = short_name(str(col).rsplit(" - ", 1)[-1])  # SurveyMonkey "question - option"
            name, k = base, 1
            while name in used:
                k += 1
                name = f"{base}_{k}"
            used.add(name)
            return name

        for group, cols in meta.multi_select.items():
            texts = [meta.variable_labels.get(c) or meta.questions.get(c) or str(c) for c in cols]
            stem, labels = split_stem(texts)
            if stem is None:
                stem = meta.questions.get(cols[0])
            options = {name_for(col): ((str(col),), lab) for col, lab in zip(cols, labels)}
            name = name_for(group)
            variables[name] = Variable(
                name, "multi", label=(stem or str(group)).strip(), options=options
            )
        for col in data.columns:
            if col in in_groups:
                continue
            label = meta.variable_labels.get(col) or meta.questions.get(col) or str(col)
            kind, codes, missing, ordered = draft_column(data[col], col, meta)
            name = name_for(col)
            variables[name] = Variable(
                name,
                kind,
                source=(str(col),),
                label=" ".join(str(label).split()),
                codes=codes,
                missing=missing,
                ordered=ordered,
                timezone=declared_zone(col, meta) if kind == "date" else None,
            )
        respondent, quality = draft_quality(variables, meta)
        if respondent:
            variables[respondent] = replace(
                variables[respondent], type="id", codes={}, missing={}, ordered=False
            )
        stem = Path(str(meta.source_path)).stem
        return cls(
            survey=re.sub(r"\W+", "_", stem).strip("_") or "survey",
            variables=variables,
            id=respondent,
            quality=Quality(**quality),
        )


class _Dumper(yaml.SafeDumper):
    """Plain YAML: no anchors and aliases where two variables share a routing rule."""

    def ignore_aliases(self, data) -> bool:
        return True


def _variable(name: str, body: dict) -> Variable:
    """A variable from its checked codebook entry."""
    kind = body["type"]
    source = body.get("source") or ([] if kind == "multi" or body.get("derive") else [name])
    source = tuple(str(s) for s in ([source] if isinstance(source, str) else source))
    options = {}
    for col, opt in (body.get("options") or {}).items():
        opt = opt or {}
        src = opt.get("source") or col
        options[str(col)] = (
            tuple(str(s) for s in ([src] if isinstance(src, str) else src)),
            str(opt.get("label") or col),
        )
    valid = body.get("valid")
    zone = body.get("timezone")
    ordered = body.get("ordered")
    return Variable(
        name=name,
        type=kind,
        source=source,
        label=str(body.get("label") or ""),
        codes=dict(body.get("codes") or {}),
        missing=dict(body.get("missing") or {}),
        valid=tuple(valid) if valid is not None else None,
        options=options,
        asked_if={str(k): list(v) for k, v in (body.get("asked_if") or {}).items()},
        parse=body.get("parse"),
        action=body.get("action") or "drop",
        derive=body.get("derive"),
        recode={str(k): list(v) for k, v in (body.get("recode") or {}).items()},
        ordered=kind == "likert" if ordered is None else ordered,
        redact=body.get("redact") is not False,
        timezone=iana_zone(zone) if zone is not None else None,
        scale=dict(body.get("scale") or {}),
    )
