"""Reading a codebook file with the line of every key, and checking its cross-references.

:func:`load_yaml` reads the file (UTF-8, bounded in size and nesting) and returns the data, the
YAML line of every key path and the keys written twice (YAML would keep the later silently).
:func:`check_refs` finds names that point nowhere (routing parents, derivations, the id, the
roll key, quality settings). :func:`codebook_error` turns problems into one
:class:`~survey_tools.errors.CodebookError` naming each key's path, line and fix.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from ..errors import CodebookError
from .codebook_schema import CODED, QUALITY_FLAGS, Problem, near, rule_parts

__all__ = ["MAX_BYTES", "check_refs", "codebook_error", "load_yaml"]

MAX_BYTES = 20_000_000
"""Largest codebook file read (bytes); raise it here for a larger one."""
SHOWN = 12
_MERGE = "tag:yaml.org,2002:merge"


def load_yaml(path: str | os.PathLike) -> tuple[Any, dict[tuple, int], list[Problem]]:
    """The codebook's data, ``{key path: line}`` and the problems of keys written twice."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CodebookError(f"No codebook at {path}.", hint="check the path") from None
    except IsADirectoryError:
        raise CodebookError(
            f"The codebook {path} is a folder.", hint="give the path of the .yaml file"
        ) from None
    except OSError as exc:
        raise CodebookError(
            f"Cannot read the codebook {path}: {exc.strerror or exc}.",
            hint="check the path and its permissions",
        ) from None
    if len(raw) > MAX_BYTES:
        raise CodebookError(
            f"The codebook {path} has {len(raw):,} bytes, more than the {MAX_BYTES:,} a "
            "codebook may have.",
            hint="check it is the codebook; for a larger one raise "
            "survey_tools.cleaning.codebook_check.MAX_BYTES",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CodebookError(
            f"The codebook {path} is not UTF-8 text (byte {exc.start}, line {line}).",
            hint="save it as UTF-8 (e.g. in your editor: Save with encoding UTF-8)",
        ) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
        lines, twice = _lines(loader, node)
    except yaml.YAMLError as exc:
        raise CodebookError(
            f"The codebook {path} is not valid YAML: {exc}.",
            hint="fix the indentation or quoting at the line shown",
        ) from None
    except RecursionError:
        raise CodebookError(
            f"The codebook {path} nests lists or mappings too deeply to be a codebook.",
            hint="a codebook goes at most five levels deep: check the brackets and indentation",
        ) from None
    finally:
        loader.dispose()
    return data, lines, twice


def _lines(loader: yaml.SafeLoader, root) -> tuple[dict[tuple, int], list[Problem]]:
    if root is None:
        return {}, []
    lines: dict[tuple, int] = {(): root.start_mark.line + 1}
    twice: list[Problem] = []
    stack, seen = [((), root)], set()
    while stack:  # no recursion, and each node once (aliases share nodes)
        path, node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict = {}
            kept: dict = {}  # YAML keeps the last of a key written twice
            for key_node, value in node.value:
                if key_node.tag == _MERGE or not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = loader.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                if key in first:
                    twice.append(
                        Problem(
                            (*path, key),
                            f"appears twice (lines {first[key]} and {line}): the later would "
                            "silently replace the earlier",
                            "keep one of them (rename the other)",
                            line,
                        )
                    )
                first.setdefault(key, line)
                kept[key] = (line, value)
            for key, (line, value) in kept.items():
                lines[(*path, key)] = line
                stack.append(((*path, key), value))
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                lines.setdefault((*path, i), value.start_mark.line + 1)
                stack.append(((*path, i), value))
    return lines, twice


def _same_code(a, b) -> bool:
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a) == str(b)


def check_refs(spec: dict) -> list[Problem]:
    """Names that point nowhere, and settings that contradict each other."""
    out: list[Problem] = []
    variables = spec["variables"]
    names = set(variables)

    def ref(at: tuple, name, what="variable of the codebook") -> None:
        if name is not None and name not in names:
            out.append(
                Problem(
                    at,
                    f"names {name!r}, no {what}",
                    near(name, names) or f"define {name!r} under variables: or fix the name",
                )
            )

    for name, body in variables.items():
        at, kind = ("variables", name), body["type"]
        for parent in body.get("asked_if") or {}:
            ref((*at, "asked_if", parent), parent)
        derive, recode = body.get("derive"), body.get("recode")
        if derive is not None:
            source = variables.get(derive)
            ref((*at, "derive"), derive)
            if source is not None and source.get("derive") is not None:
                out.append(
                    Problem(
                        (*at, "derive"),
                        f"names {derive!r}, which is derived itself",
                        f"derive from {source['derive']!r}, the variable it comes from",
                    )
                )
            elif source is not None and source["type"] not in (*CODED, "numeric"):
                out.append(
                    Problem(
                        (*at, "derive"),
                        f"names {derive!r}, a {source['type']} variable, which has no codes",
                        "derive from a single, likert or numeric variable",
                    )
                )
            if not recode:
                out.append(
                    Problem((*at, "recode"), "is missing", "give recode: {new label: [codes]}")
                )
        elif recode:
            out.append(Problem((*at, "derive"), "is missing", "name the variable recoded"))
        if kind in CODED and not body.get("codes") and derive is None:
            out.append(Problem((*at, "codes"), "is missing", "list the codes and labels"))
        if kind == "multi" and not body.get("options"):
            out.append(Problem((*at, "options"), "is missing", "list each option column"))
        valid = body.get("valid")
        if valid and valid[0] > valid[1]:
            out.append(Problem((*at, "valid"), f"is {valid}: low above high", "write [low, high]"))
        midpoint = (body.get("scale") or {}).get("midpoint")
        codes = body.get("codes") or {}
        if midpoint is not None and codes and not any(_same_code(midpoint, c) for c in codes):
            out.append(
                Problem(
                    (*at, "scale", "midpoint"),
                    f"is {midpoint!r}, not one of the codes",
                    f"use one of {', '.join(map(str, codes))}, or null",
                )
            )
    if spec.get("id") is not None:
        ref(("id",), spec["id"])
    roll = spec.get("roll") or {}
    if roll:
        ref(("roll", "key"), roll.get("key"))
        for col in sorted(set(roll.get("columns") or {}) & names, key=str):
            out.append(
                Problem(
                    ("roll", "columns", col),
                    "has the name of a survey variable",
                    "rename the survey variable (e.g. region_reported) or the roll column",
                )
            )
    q = spec.get("quality") or {}
    for key in ("duplicate_key", "duration", "start"):
        ref(("quality", key), q.get(key))
    for key in ("consent", "attention"):
        for name in q.get(key) or {}:
            ref(("quality", key, name), name)
    for grid, items in (q.get("grids") or {}).items():
        for i, name in enumerate(items):
            ref(("quality", "grids", grid, i), name)
    for i, rule in enumerate(q.get("rules") or []):
        try:
            left, _, right = rule_parts(rule, "")
        except CodebookError:
            out.append(
                Problem(
                    ("quality", "rules", i),
                    f"{rule!r} is not of the form 'a <= b'",
                    "compare two variables with <=, <, >=, >, == or !=",
                )
            )
            continue
        ref(("quality", "rules", i), left)
        ref(("quality", "rules", i), right)
    for i, flag in enumerate(q.get("exclude") or []):
        if flag not in QUALITY_FLAGS:
            hint = near(flag, QUALITY_FLAGS) or f"use {', '.join(QUALITY_FLAGS)}"
            out.append(Problem(("quality", "exclude", i), f"is {flag!r}, no quality flag", hint))
    complete, partial = q.get("complete_share"), q.get("partial_share")
    if complete is not None and partial is not None and partial > complete:
        out.append(
            Problem(
                ("quality", "partial_share"),
                f"is {partial}, above complete_share {complete}",
                "a partial answers less than a complete: lower partial_share",
            )
        )
    return out


def _where(p: Problem, lines: dict[tuple, int]) -> str:
    path = p.path
    line = p.line or next(
        (lines[path[:k]] for k in range(len(path), -1, -1) if path[:k] in lines), None
    )
    dotted = ".".join(map(str, path)) or "the codebook"
    return f"line {line}: {dotted}" if line else dotted


def codebook_error(problems: list[Problem], lines: dict[tuple, int], where: str) -> CodebookError:
    """One error for all ``problems``: each with its key path, line and fix."""
    if len(problems) == 1:
        p = problems[0]
        return CodebookError(f"{where}, {_where(p, lines)} {p.message}.", hint=p.fix)
    shown = [f"{_where(p, lines)} {p.message} ({p.fix})" for p in problems[:SHOWN]]
    more = f"; and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
    return CodebookError(
        f"{where} has {len(problems)} problems: " + "; ".join(shown) + more + ".",
        hint=f"fix each{' at the line shown' if lines else ''} "
        "(help(survey_tools.Codebook) lists every key)",
    )
