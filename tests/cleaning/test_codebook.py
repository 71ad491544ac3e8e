"""Codebooks: the demo's covers its exports, YAML round-trips, drafts clean any export."""

from dataclasses import replace

import pytest
import yaml

from conftest import ROOT
from external_fixtures import READABLE
from external_fixtures import read_fixture as _read
from survey_tools import Codebook, CodebookError, clean, read_export

COMMITTED = ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml"
# What the demo codebook leaves out of the .sav: contact data and paradata, nothing asked.
PARADATA = {"email", "ip_address", "end_ts", "progress", "finished", "last_page", "disposition"}


def test_the_demo_codebook_covers_every_question_and_round_trips(tmp_path, demo_files):
    book = Codebook.from_yaml(COMMITTED)
    assert Codebook.from_yaml(book.to_yaml(tmp_path / "again.yaml")) == book
    assert "*id0" not in (tmp_path / "again.yaml").read_text()  # plain YAML, no aliases
    used = {s for v in book.variables.values() for s in v.source}
    used |= {s for v in book.variables.values() for src, _ in v.options.values() for s in src}
    for export in (read_export(demo_files["spss"]), read_export(demo_files["qualtrics"])):
        asked = [c for c in export.data.columns if c not in used]
        # Every question of the demo survey is in the codebook (a new item fails here).
        assert not [c for c in asked if c.startswith("Q") and c[1:2].isdigit()], asked
    sav = read_export(demo_files["spss"])
    assert {c for c in sav.data.columns if c not in used} == PARADATA | {"mode", "device"}


def test_the_demo_codebook_states_its_own_conventions():
    """-1 "not asked" and the break-off rule are the demo's, written in its codebook."""
    book = Codebook.from_yaml(COMMITTED)
    assert book.not_asked == (-1,) and "not_asked: [-1]" in COMMITTED.read_text()
    assert (book.quality.complete_share, book.quality.partial_share) == (0.8, 0.5)
    assert book.quality.disposition == "disposition"
    draft = Codebook.from_dict({"survey": "s", "variables": {"q": {"type": "numeric"}}})
    assert draft.not_asked == () and draft.quality.complete_share is None


def _write(tmp_path, spec) -> Codebook:
    path = tmp_path / "book.yaml"
    path.write_text(yaml.safe_dump(spec))
    return Codebook.from_yaml(path)


@pytest.mark.parametrize(
    ("variables", "extra", "message"),
    [
        (
            {"q1": {"type": "choice"}},
            {},
            "variables.q1.type is 'choice' .*not a variable type.*Fix: use one of",
        ),
        ({"q1": {"type": "single"}}, {}, "variables.q1.codes is missing"),
        (
            {"q1": {"type": "numeric", "colour": 1}},
            {},
            "variables.q1.colour is no key of a variable",
        ),
        (
            {"q1": {"type": "numeric", "asked_if": {"q0": [1]}}},
            {},
            "variables.q1.asked_if.q0 names 'q0'",
        ),
        (
            {"q1": {"type": "numeric", "valid": [5, 1]}},
            {},
            "variables.q1.valid is \\[5, 1\\]: low above high",
        ),
        ({"q1": {"type": "multi"}}, {}, "variables.q1.options is missing"),
        (
            {"region": {"type": "single", "codes": {1: "LA"}}, "m": {"type": "identifier"}},
            {"roll": {"key": "m", "columns": {"region": "region"}}},
            "roll.columns.region has the name of a survey variable",
        ),
        (
            {"q1": {"type": "numeric"}},
            {"quality": {"rules": ["q1 <= q9"]}},
            "quality.rules.0 names 'q9'",
        ),
        (
            {"q1": {"type": "numeric"}},
            {"quality": {"speed": 1}},
            "quality.speed is no key of the quality settings",
        ),
    ],
)
def test_codebook_errors_name_the_file_variable_and_fix(tmp_path, variables, extra, message):
    with pytest.raises(CodebookError, match=message) as info:
        _write(tmp_path, {"survey": "s", "variables": variables, **extra})
    assert "book.yaml" in str(info.value) and "Fix:" in str(info.value)


def test_unreadable_yaml_and_missing_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("variables: [unclosed\n")
    with pytest.raises(CodebookError, match="not valid YAML"):
        Codebook.from_yaml(bad)
    with pytest.raises(CodebookError, match="No codebook at"):
        Codebook.from_yaml(tmp_path / "none.yaml")


@pytest.mark.parametrize("rel", sorted(READABLE))
def test_a_draft_of_any_export_round_trips_and_cleans_it(rel, tmp_path):
    export = _read(rel)
    draft = Codebook.draft(export)
    assert Codebook.from_yaml(draft.to_yaml(tmp_path / "draft.yaml")) == draft
    keep = replace(draft, quality=replace(draft.quality, keep_test_responses=True))
    assert Codebook.from_yaml(keep.to_yaml(tmp_path / "keep.yaml")) == keep
    cleaned = clean(export, keep, exclude=())  # nothing excluded, not even Qualtrics tests
    assert len(cleaned.data) == len(export.data)
    assert not set(export.meta.identifiers) & set(cleaned.data.columns)  # dropped by default


def test_a_draft_keeps_labels_missing_codes_and_check_all_groups():
    spss = Codebook.draft(_read("spss/pyreadstat_sample_missing.sav"))
    assert spss.variables["myord"].codes == {1: "low", 2: "medium", 3: "high"}
    assert spss.variables["myord"].missing == {
        -1: "missing",
        -2: "Missing (declared)",
        -3: "Missing (declared)",
    }
    assert spss.variables["mynum"].type == "numeric"
    assert spss.variables["mynum"].missing == {
        "2000..3000": "Missing (declared range)",
        -1: "Missing (declared)",
    }
    qualtrics = Codebook.draft(_read("qualtrics/QT_Multiple_Answer_MC_Questions_Insights.csv"))
    assert qualtrics.variables["q4"].type == "multi"
    assert qualtrics.variables["ipaddress"].type == "identifier"
    labels = Codebook.draft(_read("qualtrics/qualtRics_api_beskar_armor_full.csv"))
    assert (
        labels.variables["q17"].type == "single" and "Yes" in labels.variables["q17"].codes.values()
    )
