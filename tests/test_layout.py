"""The package reads as the flow: stage folders in order, imports one way, small files.

The import contract: a module of a stage may import ``survey_tools.errors``, ``survey_tools.files``
(output-file safety, which imports only errors) and the stages before
its own, never a later one. ``cli.py`` and ``demo.py`` sit on top and may import every stage.
"""

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "src" / "survey_tools"
STAGES = [
    "errors",
    "files",
    "ingest",
    "cleaning",
    "design",
    "waves",
    "models",
    "exposure",
    "disclosure",
    "comments",
    "report",
]
TOP = {"cli", "demo", "__init__"}
SOURCES = sorted(PACKAGE.rglob("*.py"))


def _part(path: Path) -> str:
    """The stage (or top-level module, or ``synth``) a source file belongs to."""
    rel = path.relative_to(PACKAGE).parts
    return rel[0] if len(rel) > 1 else rel[0].removesuffix(".py")


def _imported_parts(path: Path) -> set[str]:
    """Top-level parts of survey_tools a module imports, relative or absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(PACKAGE).parts
    parts = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                names = [node.module or ""]
                names = [n.removeprefix("survey_tools.") for n in names if n.startswith("survey_")]
            else:
                base = list(rel[: len(rel) - node.level])  # the package the dots point at
                names = [".".join([*base, node.module] if node.module else base)]
                if not node.module:
                    names = [".".join([*base, a.name]) for a in node.names]
            parts |= {n.split(".")[0] for n in names if n}
        elif isinstance(node, ast.Import):
            parts |= {
                a.name.split(".")[1]
                for a in node.names
                if a.name.startswith("survey_tools.") and "." in a.name
            }
    return parts


def test_the_tree_reads_as_the_flow():
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert len(folders & set(STAGES)) >= 4 and "synth" in folders
    for folder in folders:
        doc = ast.get_docstring(ast.parse((PACKAGE / folder / "__init__.py").read_text()))
        assert doc and "import" in doc, f"{folder}/__init__.py must say what it may import"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_stage_imports_a_later_one(path):
    own = _part(path)
    if own in TOP:
        return
    for other in _imported_parts(path) - {own}:
        if own == "synth":
            assert other == "errors", f"{path.name}: the demo generator imports {other}"
            continue
        assert other in STAGES, f"{path}: imports {other!r}, which is not a stage"
        assert STAGES.index(other) < STAGES.index(own), f"{path}: {own} imports later {other}"


THIRD_PARTY_XML = {"_tbl", "_p"}
"""python-docx exposes a table's and a paragraph's XML only as ``_tbl`` and ``_p``."""


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_code_reads_another_objects_private_attribute(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [
        f"line {node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
        and node.attr not in THIRD_PARTY_XML
    ]
    assert not found, f"{path.name} reaches into private attributes: {found}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_source_files_stay_short(path):
    if _part(path) == "synth":
        return
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 600, f"{path.name} has {lines} lines: split it along a seam"


def test_one_function_computes_response_rates():
    defs = [
        f"{p.relative_to(PACKAGE)}:{node.name}"
        for p in SOURCES
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.lower().lstrip("_") in {"response_rates", "rr1", "rr2", "rates"}
    ]
    assert len(defs) == 1, defs


def _strings(path: Path) -> set[str]:
    """String constants in a module's code, docstrings left out (examples may name anything)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    return {
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    }


def test_report_machinery_names_no_questionnaire_variable():
    """The standard questionnaire lives in its template (codebook, plan, notebooks), so the
    report stage works for any survey: no variable or answer label of it appears in report/'s
    code (docstrings may use them as examples)."""
    import re

    import yaml

    book = yaml.safe_load(
        (ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml").read_text(encoding="utf-8")
    )
    names = set(book["variables"]) | set(book["roll"]["columns"])
    labels = set()  # the questionnaire's answer labels: the plan and the scale say which count
    for spec in book["variables"].values():
        names |= set(spec.get("options") or {})
        labels |= {str(v) for v in (spec.get("codes") or {}).values()}
        labels |= {str(v) for v in (spec.get("missing") or {}).values()}
    found = {}
    for path in sorted((PACKAGE / "report").glob("*.py")):
        for text in _strings(path):
            hits = [
                n
                for n in names
                if text == n or ("_" in n and re.search(rf"(?<![\w.]){re.escape(n)}(?!\w)", text))
            ] + [label for label in labels if text == label]
            if hits:
                found.setdefault(path.name, set()).update(hits)
    assert not found, f"questionnaire variables named in report/: {found}"


def _module_imports(path: Path) -> set[str]:
    """Modules of the package a module imports, at import time or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(PACKAGE).with_suffix("").parts
    package = rel[:-1]  # the folder, for a module and for its __init__ alike
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(package[: len(package) - node.level + 1])
            if node.module:
                out.add(".".join([*base, *node.module.split(".")]))
            else:  # from . import sibling
                out |= {".".join([*base, a.name]) for a in node.names}
    return out


def test_no_import_cycles_inside_the_package():
    graph = {}
    for path in SOURCES:
        rel = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(rel[:-1] if rel[-1] == "__init__" else rel)
        graph[name] = {m for m in _module_imports(path)}
    seen, stack = set(), []

    def visit(node):
        if node in stack:
            cycle = [*stack[stack.index(node) :], node]
            pytest.fail(f"import cycle: {' -> '.join(cycle)}")
        if node in seen or node not in graph:
            return
        stack.append(node)
        for nxt in graph[node]:
            visit(nxt)
        stack.pop()
        seen.add(node)

    for node in graph:
        visit(node)
