"""Theme codebooks as an analyst writes them: rules, negation, examples, errors that say the fix."""

import pandas as pd
import pytest

from survey_tools import CodebookError, PrivacyError
from survey_tools.comments import audit_comments, code_comments, read_themes


def _book(tmp_path, text: str):
    path = tmp_path / "themes.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_standard_codebook_passes_its_own_examples():
    themes = read_themes()
    assert {"rates", "cancellations", "nda", "disturbing", "replacement", "consent",
            "guild_action"} <= set(themes.ids)  # fmt: skip
    for theme in themes.themes.values():
        assert theme.examples.get("match"), f"{theme.id} has no examples to test"


def test_wildcards_hyphens_cooccurrence_exclusions_and_parents(tmp_path):
    themes = read_themes(
        _book(
            tmp_path,
            """
themes:
  work: {label: AI-training work}
  cuts:
    label: Pay cuts on AI-training work
    parent: work
    any: ["cut*"]
    all: [["ai training", "rlhf"]]
    not: ["cut corners"]
""",
        )
    )
    texts = pd.Series(
        [
            "AI-training rates were cut again",  # hyphen, wildcard, co-occurrence
            "They cut my hours",  # no AI training: the co-occurrence group is missing
            "RLHF teams cut corners",  # only an excluded phrase
            "",
        ],
        index=["a", "b", "c", "d"],
    )
    coded = code_comments(texts, themes)
    assert coded.index.tolist() == ["a", "b", "c", "d"]
    assert coded["cuts"].tolist() == [True, False, False, False]
    assert coded["work"].tolist() == [True, False, False, False]  # coded through its child
    assert coded.dtypes.eq(bool).all()
    audit = audit_comments(texts, themes)
    assert set(audit.loc[audit["row"] == "c", "status"]) >= {"excluded"}
    hit = audit[(audit["row"] == "a") & (audit["status"] == "coded")]
    assert "cut" in hit["span"].tolist()
    assert audit.loc[audit["status"] == "uncoded", "row"].tolist() == ["b", "c"]


@pytest.mark.parametrize(
    "text",
    [
        "I haven't done any AI training work.",
        "I have never done AI training work",
        "No AI training work for me.",
        "I nevr did AI training work",  # a negator typed with a letter dropped
    ],
)
def test_a_negated_mention_is_not_coded(tmp_path, text):
    themes = read_themes(_book(tmp_path, "themes:\n  t: {label: T, any: [ai training]}\n"))
    assert not code_comments([text], themes)["t"].iloc[0]
    assert code_comments(["Lots of AI training work, but not enough pay"], themes)["t"].iloc[0]


def test_errors_name_the_theme_the_key_and_the_fix(tmp_path):
    path = _book(
        tmp_path,
        """
themes:
  rates:
    label: Rates
    any: ["rate*"]
    exmaples: {match: [x]}
    examples:
      match: ["The pay keeps dropping"]
      no_match: ["I rate this survey"]
  cuts: {label: Cuts, any: ["re:(unclosed"]}
  empty: {label: Empty}
""",
    )
    with pytest.raises(CodebookError) as err:
        read_themes(path)
    message = str(err.value)
    assert "themes.rates.exmaples: unknown key (did you mean examples?)" in message
    assert "themes.cuts.any" in message and "regular expression" in message
    assert "themes.empty: give phrases under any:" in message
    fixed = path.read_text().replace("exmaples", "description").replace("(unclosed", "cut")
    fixed = fixed.replace("  empty: {label: Empty}\n", "")
    with pytest.raises(CodebookError) as err:  # now the examples run, and two fail
        read_themes(_book(tmp_path, fixed))
    assert "themes.rates.examples.match: 'The pay keeps dropping' is not coded" in str(err.value)
    assert "themes.rates.examples.no_match: 'I rate this survey' is coded" in str(err.value)


def test_comments_with_personal_data_are_refused():
    with pytest.raises(PrivacyError, match="redact"):
        code_comments(["Write to me at jane@example.org about the rates"])
    assert code_comments(["Write to me at [email] about the rates"])["rates"].iloc[0]
