"""The crosswalk: how each wave's variables map onto the common (reference wave's) variables.

Enters: a YAML file (drafted by ``Codebook.diff(a, b).to_yaml(path)``, reviewed by the analyst)::

    waves: ["2026", "2027"]
    reference: "2026"          # its names and answer labels are the common ones
    variables:
      rlhf_status:
        "2026": {source: rlhf_status, comparability: same}
        "2027": {source: ai_training_status, comparability: same, note: renamed}
      att_comfort_rlhf:
        "2027": {source: att_comfort_rlhf, comparability: break, note: 4-point scale}

and a wave's cleaned data. Leaves: :meth:`Crosswalk.harmonise` (the wave's data with the common
names and labels: ``recode`` maps the wave's answer labels onto the reference's) and
:meth:`Crosswalk.check` (the comparability of a variable between two waves; a ``break`` raises
:class:`~survey_tools.ComparabilityError` naming the variable, the waves and the note).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from ..errors import ComparabilityError

__all__ = ["COMPARABILITY", "Crosswalk"]

COMPARABILITY = ("same", "recoded", "caveat", "break")
"""From comparable as it is to not comparable; a pair of waves takes the worse of its two."""


def _bad(message: str, key: str, hint: str) -> ComparabilityError:
    return ComparabilityError(f"Crosswalk: {message} (at {key}).", variable=key, hint=hint)


@dataclass(frozen=True)
class Crosswalk:
    """Per variable and wave: ``source``, ``recode``, ``comparability`` and ``note``."""

    waves: tuple[str, ...]
    reference: str
    variables: dict

    @classmethod
    def from_yaml(cls, path: str | os.PathLike) -> Crosswalk:
        """Read and check a crosswalk YAML file (every key, with its path in the message)."""
        path = Path(path)
        try:
            body = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ComparabilityError(
                f"Cannot read the crosswalk {path}: {exc}.",
                variable="",
                hint="check the path, or draft one with Codebook.diff(a, b).to_yaml(path)",
            ) from exc
        return cls.from_dict(body)

    @classmethod
    def from_dict(cls, body: dict) -> Crosswalk:
        if not isinstance(body, dict) or not isinstance(body.get("variables"), dict):
            raise _bad("no 'variables' mapping", "variables", "see help(Crosswalk)")
        waves = tuple(str(w) for w in body.get("waves") or [])
        reference = str(body.get("reference") or (waves[0] if waves else ""))
        variables: dict = {}
        for name, entries in body["variables"].items():
            if not isinstance(entries, dict):
                raise _bad("a variable needs {wave: entry}", f"variables.{name}", "see the example")
            variables[str(name)] = {}
            for wave, entry in entries.items():
                key = f"variables.{name}.{wave}"
                if str(wave) not in waves:
                    raise _bad(
                        f"wave {wave!r} is not in waves {list(waves)}", key, "add it to waves"
                    )
                entry = dict(entry or {})
                unknown = set(entry) - {"source", "recode", "comparability", "note"}
                if unknown:
                    raise _bad(
                        f"unknown key(s) {sorted(unknown)}",
                        key,
                        "use source, recode, comparability, note",
                    )
                verdict = entry.get("comparability", "same")
                if verdict not in COMPARABILITY:
                    raise _bad(f"comparability {verdict!r}", key, f"use one of {COMPARABILITY}")
                recode = entry.get("recode") or {}
                if not isinstance(recode, dict):
                    raise _bad(
                        "recode must map the wave's answers to common ones", key, "{old: new}"
                    )
                variables[str(name)][str(wave)] = {
                    "source": str(entry.get("source") or name),
                    "recode": dict(recode),
                    "comparability": verdict,
                    "note": str(entry.get("note") or ""),
                }
        return cls(waves, reference, variables)

    def to_dict(self) -> dict:
        return {"waves": list(self.waves), "reference": self.reference, "variables": self.variables}

    def __repr__(self) -> str:
        breaks = [v for v in self.variables if self.breaks(v)]
        return (
            f"Crosswalk({', '.join(self.waves)}: {len(self.variables)} variables"
            + (f"; breaks in {', '.join(breaks)}" if breaks else "")
            + ")"
        )

    def breaks(self, variable: str) -> list[str]:
        """The waves whose entry for ``variable`` is a ``break`` (a new series starts there)."""
        entries = self.variables.get(variable, {})
        return [w for w in self.waves if entries.get(w, {}).get("comparability") == "break"]

    def entry(self, variable: str, wave: str) -> dict:
        if variable not in self.variables:
            raise ComparabilityError(
                f"The crosswalk has no entry for {variable!r}, so it cannot say whether the waves "
                "compare.",
                variable=variable,
                hint=f"add variables.{variable} with an entry per wave (Codebook.diff drafts it)",
            )
        entries = self.variables[variable]
        if wave not in entries:
            raise ComparabilityError(
                f"{variable!r} has no crosswalk entry for wave {wave!r}: it was not asked then.",
                variable=variable,
                hint=f"compare only waves with an entry ({', '.join(entries)})",
            )
        return entries[wave]

    def check(
        self, variable: str, waves: Sequence[str], *, against: str = "previous"
    ) -> dict[tuple[str, str], str]:
        """Comparability of ``variable`` for each compared pair of ``waves``, with its notes.

        Raises :class:`ComparabilityError` naming the variable, the waves and the note when
        either wave of a pair marks a ``break``.
        """
        out = {}
        waves = [str(w) for w in waves]
        for i in range(1, len(waves)):
            a, b = waves[i - 1] if against == "previous" else waves[0], waves[i]
            ea, eb = self.entry(variable, a), self.entry(variable, b)
            worst = max((ea, eb), key=lambda e: COMPARABILITY.index(e["comparability"]))
            if worst["comparability"] == "break":
                raise ComparabilityError(
                    f"{variable!r} is not comparable between {a} and {b}: the crosswalk marks a "
                    f"break ({worst['note'] or 'no note'}).",
                    variable=variable,
                    hint="report the waves separately, or, if a recode makes them comparable, "
                    "set comparability to recoded or caveat with a note in the crosswalk",
                )
            notes = "; ".join(e["note"] for e in (ea, eb) if e["note"])
            out[(a, b)] = worst["comparability"] + (f": {notes}" if notes else "")
        return out

    def harmonise(self, data: pd.DataFrame, wave: str) -> pd.DataFrame:
        """The wave's data under the common names and answer labels (a new frame).

        Every crosswalk variable with an entry for ``wave`` is taken from its ``source``
        column, its answers recoded onto the reference's labels; other columns pass through.
        """
        wave = str(wave)
        if wave not in self.waves:
            raise ComparabilityError(
                f"Wave {wave!r} is not in the crosswalk's waves {list(self.waves)}.",
                variable="",
                hint="add the wave to the crosswalk",
            )
        out = data.copy()
        renames = {}
        for name, entries in self.variables.items():
            entry = entries.get(wave)
            if entry is None or entry["source"] not in data.columns:
                continue
            col = data[entry["source"]]
            if entry["recode"]:
                col = _recode(col, entry["recode"])
            if entry["source"] != name:
                renames[entry["source"]] = name
            out[entry["source"]] = col
        return out.rename(columns=renames)


def _recode(col: pd.Series, recode: dict) -> pd.Series:
    mapping = {str(k): v for k, v in recode.items()}
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = list(dict.fromkeys(mapping.get(str(c), c) for c in col.cat.categories))
        values = col.astype(object).map(lambda v: mapping.get(str(v), v), na_action="ignore")
        return pd.Series(
            pd.Categorical(values, categories=cats, ordered=col.cat.ordered), index=col.index
        )
    return col.map(lambda v: mapping.get(str(v), v), na_action="ignore")
