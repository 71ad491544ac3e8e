"""Codebooks: the demo's is current, YAML round-trips, drafts clean any export, errors are plain."""

import pytest
import yaml

from conftest import ROOT
from external_fixtures import READABLE
from external_fixtures import read_fixture as _read
from survey_tools import Codebook, CodebookError, clean
from survey_tools.synth._codebook import DEMO_CODEBOOK, demo_codebook

COMMITTED = ROOT / "data" / "codebooks" / DEMO_CODEBOOK


def test_the_committed_demo_codebook_is_current_and_round_trips(tmp_path):
    fresh = demo_codebook().to_yaml(tmp_path / DEMO_CODEBOOK)
    assert fresh.read_text() == COMMITTED.read_text(), (
        "data/codebooks is stale: run `survey-tools demo --regenerate`"
    )
    assert Codebook.from_yaml(COMMITTED) == demo_codebook()
    assert "*id0" not in COMMITTED.read_text()  # plain YAML, no aliases


def _write(tmp_path, spec) -> Codebook:
    path = tmp_path / "book.yaml"
    path.write_text(yaml.safe_dump(spec))
    return Codebook.from_yaml(path)


@pytest.mark.parametrize(
    ("variables", "extra", "message"),
    [
        ({"q1": {"type": "choice"}}, {}, "variable 'q1' has type 'choice'.*Fix: use one of"),
        ({"q1": {"type": "single"}}, {}, "type single has no codes"),
        ({"q1": {"type": "numeric", "colour": 1}}, {}, "unknown key\\(s\\) colour"),
        ({"q1": {"type": "numeric", "asked_if": {"q0": [1]}}}, {}, "asked_if 'q0'"),
        ({"q1": {"type": "numeric", "valid": [5, 1]}}, {}, "valid \\[5, 1\\]"),
        ({"q1": {"type": "multi"}}, {}, "has no options"),
        (
            {"region": {"type": "single", "codes": {1: "LA"}}, "m": {"type": "identifier"}},
            {"roll": {"key": "m", "columns": {"region": "region"}}},
            "roll column\\(s\\) region have the names of survey variables",
        ),
        ({"q1": {"type": "numeric"}}, {"quality": {"rules": ["q1 <= q9"]}}, "name 'q9'"),
        ({"q1": {"type": "numeric"}}, {"quality": {"speed": 1}}, "unknown quality setting"),
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
    cleaned = clean(export, draft, exclude=())
    assert len(cleaned.data) == len(export.data)
    assert not set(export.meta.identifiers) & set(cleaned.data.columns)  # dropped by default


def test_a_draft_keeps_labels_missing_codes_and_check_all_groups():
    spss = Codebook.draft(_read("spss/pyreadstat_sample_missing.sav"))
    assert spss.variables["myord"].codes == {1: "low", 2: "medium", 3: "high"}
    assert spss.variables["myord"].missing == {-1: "missing", -2: "Missing", -3: "Missing"}
    assert spss.variables["mynum"].type == "numeric" and 2500 in spss.variables["mynum"].missing
    qualtrics = Codebook.draft(_read("qualtrics/QT_Multiple_Answer_MC_Questions_Insights.csv"))
    assert qualtrics.variables["q4"].type == "multi"
    assert qualtrics.variables["ipaddress"].type == "identifier"
    labels = Codebook.draft(_read("qualtrics/qualtRics_api_beskar_armor_full.csv"))
    assert (
        labels.variables["q17"].type == "single" and "Yes" in labels.variables["q17"].codes.values()
    )
