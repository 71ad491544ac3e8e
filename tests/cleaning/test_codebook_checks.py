"""A codebook is checked as a whole: every key, type and cross-reference, with line and fix."""

import json
import re
import threading

import jsonschema
import pytest
import yaml

from conftest import ROOT
from survey_tools import Codebook, CodebookError
from survey_tools.cleaning.codebook_schema import (
    QUALITY_KEYS,
    ROLL_KEYS,
    SCALE_KEYS,
    TOP_KEYS,
    VARIABLE_KEYS,
    json_schema,
    risky_regex,
)

COMMITTED = ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml"
SCHEMA_FILE = ROOT / "data" / "codebooks" / "codebook.schema.json"
OPTION_KEYS = {"source", "label"}

# A minimal codebook every case edits: one variable of each kind the keys need.
BASE = {
    "survey": "s",
    "id": "rid",
    "not_asked": [-1],
    "roll": {"key": "mid", "roll_key": "member_id", "columns": {"region": "region"}},
    "quality": {"duplicate_key": "mid", "complete_share": 0.8, "partial_share": 0.5},
    "redact_patterns": {"badge": r"B-\d{6}"},
    "variables": {
        "rid": {"type": "id"},
        "mid": {"type": "identifier", "action": "drop"},
        "role": {"type": "single", "codes": {1: "Writer", 2: "Actor"}, "ordered": False},
        "agree": {
            "type": "likert",
            "codes": {1: "Disagree", 2: "Neutral", 3: "Agree"},
            "scale": {"positive": "high", "midpoint": 2},
        },
        "hours": {"type": "numeric", "valid": [0, 80], "asked_if": {"role": [1]}},
        "pay": {"type": "numeric", "parse": "pay"},
        "plats": {"type": "multi", "options": {"p1": {"source": "Q1_1", "label": "Mercor"}}},
        "comment": {"type": "text", "redact": True},
        "start": {"type": "date", "timezone": "UTC"},
        "group": {"type": "single", "derive": "role", "recode": {"All": [1, 2]}},
    },
}

# (path of the key, a value of the wrong type, the variable it goes into when it is a variable's)
WRONG = {
    "survey": ["s"],
    "id": ["rid"],
    "not_asked": -1,
    "variables": ["q1"],
    "roll": "member_id",
    "quality": ["duplicate"],
    "redact_patterns": [r"B-\d+"],
    "variables.role.type": 3,
    "variables.role.source": {"col": 1},
    "variables.role.label": True,
    "variables.role.codes": ["Writer", "Actor"],
    "variables.role.missing": [99],
    "variables.hours.valid": "0-80",
    "variables.plats.options": ["p1"],
    "variables.hours.asked_if": ["role"],
    "variables.pay.parse": "money",
    "variables.mid.action": "delete",
    "variables.group.derive": ["role"],
    "variables.group.recode": ["All"],
    "variables.role.ordered": "false",
    "variables.agree.scale": "high",
    "variables.comment.redact": "no",
    "variables.start.timezone": "Mars/Olympus_Mons",
    "roll.key": ["mid"],
    "roll.roll_key": 7,
    "roll.columns": ["region"],
    "quality.duplicate_key": ["mid"],
    "quality.duration": 5,
    "quality.start": True,
    "quality.consent": ["consent"],
    "quality.attention": "attn",
    "quality.grids": ["agree"],
    "quality.rules": "hours <= pay",
    "quality.complete_share": 2,
    "quality.partial_share": -0.1,
    "quality.disposition": ["disp"],
    "quality.speeder_ratio": 0,
    "quality.exclude": "duplicate",
    "quality.keep_test_responses": "false",
    "variables.agree.scale.positive": "up",
    "variables.agree.scale.midpoint": [2],
    "variables.plats.options.p1.source": {"Q1_1": 1},
    "variables.plats.options.p1.label": ["Mercor"],
}


def _set(spec, dotted, value):
    *parents, last = dotted.split(".")
    node = spec
    for part in parents:
        node = node[part]
    node[last] = value


def _load(tmp_path, spec=None, text=None):
    path = tmp_path / "book.yaml"
    path.write_text(text if text is not None else yaml.safe_dump(spec, sort_keys=False))
    return Codebook.from_yaml(path), path


def test_the_base_codebook_is_valid_and_keeps_every_key(tmp_path):
    book, _ = _load(tmp_path, BASE)
    assert book.variables["agree"].scale == {"positive": "high", "midpoint": 2}
    assert Codebook.from_yaml(book.to_yaml(tmp_path / "again.yaml")) == book


def test_every_key_has_a_wrong_type_case():
    keys = set(TOP_KEYS) | {f"variables.x.{k}" for k in VARIABLE_KEYS}
    keys |= {f"roll.{k}" for k in ROLL_KEYS} | {f"quality.{k}" for k in QUALITY_KEYS}
    keys |= {f"variables.x.scale.{k}" for k in SCALE_KEYS}
    keys |= {f"variables.x.options.p1.{k}" for k in OPTION_KEYS}
    covered = {re.sub(r"^variables\.\w+\.", "variables.x.", k) for k in WRONG}
    assert keys == covered  # a key added to the schema needs its case here


@pytest.mark.parametrize("dotted", sorted(WRONG))
def test_a_wrong_type_names_the_key_its_line_and_the_fix(dotted, tmp_path):
    spec = json.loads(json.dumps(BASE))
    _set(spec, dotted, WRONG[dotted])
    with pytest.raises(CodebookError) as info:
        _load(tmp_path, spec)
    message = str(info.value)
    assert ", line " in message and f" {dotted} " in message and "Fix:" in message, message
    line = int(re.search(r"line (\d+)", message)[1])
    text = (tmp_path / "book.yaml").read_text().splitlines()
    assert f"{dotted.split('.')[-1]}:" in text[line - 1], (message, text[line - 1])


@pytest.mark.parametrize("dotted", sorted(WRONG))
def test_a_typo_in_any_key_is_named_with_the_key_meant(dotted, tmp_path):
    spec = json.loads(json.dumps(BASE))
    *parents, last = dotted.split(".")
    node = spec
    for part in parents:
        node = node[part]
    if last not in node:
        node[last] = WRONG[dotted] if last != "type" else "single"
    typo = last[:-2] + last[-1] if len(last) > 3 else last + "x"  # drop a letter
    node[typo] = node.pop(last)
    if last == "type":
        node["type"] = "numeric"
        node.pop("codes", None), node.pop("ordered", None)
    with pytest.raises(CodebookError, match=rf"{re.escape(typo)} is no key .*did you mean {last}"):
        _load(tmp_path, spec)


def test_the_issues_examples_are_each_refused_with_the_fix(tmp_path):
    text = """survey: s
qualtiy: {speeder_ratio: 0.5}
not_askd: [-1]
roll: {key: mid, colums: {region: region}}
variables:
  mid: {type: identifier}
  role: {type: single, codes: {1: Writer}}
  role: {type: single, codes: {1: Writer, 2: Actor}, ordered: "false"}
"""
    with pytest.raises(CodebookError) as info:
        _load(tmp_path, text=text)
    message = str(info.value)
    assert "has 5 problems" in message
    for part in (
        "line 2: qualtiy is no key of a codebook (did you mean quality?)",
        "line 3: not_askd is no key of a codebook (did you mean not_asked?)",
        "line 4: roll.colums is no key of the roll settings (did you mean columns?)",
        "line 8: variables.role appears twice (lines 7 and 8)",
        "line 8: variables.role.ordered is the text 'false' (in quotes), which would read as "
        "true (write ordered: false without quotes)",
    ):
        assert part in message, message


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"variables.comment2": {"type": "text"}, "variables.group.derive": "comment2"},
         "variables.group.derive names 'comment2', a text variable, which has no codes"),
        ({"variables.group2": {"type": "single", "derive": "group", "recode": {"A": [1]}}},
         "variables.group2.derive names 'group', which is derived itself"),
        ({"quality.partial_share": 0.9}, "quality.partial_share is 0.9, above complete_share"),
        ({"quality.exclude": ["duplicat"]}, "quality.exclude.0 is 'duplicat', no quality flag.*"
         "did you mean duplicate"),
        ({"id": "rdi"}, "id names 'rdi', no variable of the codebook. Fix: did you mean rid"),
        ({"variables.agree.scale.midpoint": 5}, "variables.agree.scale.midpoint is 5, not one of"),
        ({"variables.role.timezone": "UTC"}, "variables.role.timezone does not apply to a single"),
        ({"redact_patterns.badge": "B-(\\d"}, r"redact_patterns.badge .* is no valid regular"),
        ({"redact_patterns.badge": "(\\w+\\s?)+@"}, "can make matching run for ever"),
        ({"redact_patterns.badge": "(a|aa)+b"}, "repeats a group holding an alternation"),
    ],
)  # fmt: skip
def test_cross_references_and_patterns_are_checked(edit, message, tmp_path):
    spec = json.loads(json.dumps(BASE))
    for dotted, value in edit.items():
        _set(spec, dotted, value)
    with pytest.raises(CodebookError, match=message) as info:
        _load(tmp_path, spec)
    assert "book.yaml, line " in str(info.value) and "Fix:" in str(info.value)


def test_patterns_accepted_are_quick_on_hostile_answers():
    """The check refuses the shapes that backtrack; those it accepts finish fast."""
    hostile = "a" * 40 + "!"
    for pattern in (r"(a+)+$", r"(a|a)+$", r"(\w*\s?)*$", r"(a{1,3})+$"):
        assert risky_regex(pattern), pattern
    for pattern in (r"[\w-]+$", r"(ab)+$", r"(\d{3}-)+$", r"a+$", r"(?:Mr|Mrs)\.?\s+\w+"):
        assert risky_regex(pattern) is None, pattern
        done = threading.Event()
        thread = threading.Thread(
            target=lambda p=pattern, d=done: (re.search(p, hostile), d.set()), daemon=True
        )
        thread.start()
        assert done.wait(1.0), pattern


def test_unreadable_files_give_one_clear_error(tmp_path):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(
        "survey: s\nvariables:\n  q: {type: numeric, label: 'Année'}\n".encode("cp1252")
    )
    with pytest.raises(CodebookError, match=r"not UTF-8 text \(byte \d+, line 3\).*Fix: save it"):
        Codebook.from_yaml(latin)
    with pytest.raises(CodebookError, match="is a folder"):
        Codebook.from_yaml(tmp_path)
    deep = tmp_path / "deep.yaml"
    deep.write_text("variables: " + "[" * 20000 + "]" * 20000 + "\n")
    with pytest.raises(CodebookError, match="nests lists or mappings too deeply"):
        Codebook.from_yaml(deep)
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi")
    )
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(laughs + "survey: s\nnot_asked: *i\nvariables: {q: {type: numeric}}\n")
    with pytest.raises(CodebookError, match=r"not_asked.0 is a list"):
        Codebook.from_yaml(bomb)


def test_the_flags_a_codebook_may_exclude_are_the_cleanings():
    from survey_tools.cleaning.codebook_schema import QUALITY_FLAGS
    from survey_tools.cleaning.quality import FLAGS

    assert QUALITY_FLAGS == FLAGS


def test_the_published_json_schema_is_current_and_checks_the_demo_codebook():
    schema = json_schema()
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == schema, (
        "data/codebooks/codebook.schema.json is stale: write json_schema() to it"
    )
    jsonschema.Draft202012Validator.check_schema(schema)
    demo = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(json.dumps(demo, default=str)), schema)
    demo["qualtiy"] = demo.pop("quality")
    with pytest.raises(jsonschema.ValidationError, match="qualtiy"):
        jsonschema.validate(json.loads(json.dumps(demo, default=str)), schema)
