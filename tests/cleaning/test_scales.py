"""Agreement, satisfaction, likelihood and frequency scales oriented by meaning, not by label."""

import pytest

from survey_tools.cleaning.scales import orient_scale
from survey_tools.errors import CodebookError

SCALES = [
    (["Strongly disagree", "Disagree", "Agree", "Strongly agree"], ["Agree", "Strongly agree"]),
    (
        ["Strongly disagree", "Somewhat disagree", "Neither agree nor disagree",
         "Somewhat agree", "Strongly agree"],
        ["Somewhat agree", "Strongly agree"],
    ),
    (
        ["Strongly agree", "Tend to agree", "Tend to disagree", "Strongly disagree",
         "Don't know"],
        ["Strongly agree", "Tend to agree"],
    ),
    (
        ["Strongly disagree", "Disagree", "Slightly disagree", "Neutral", "Slightly agree",
         "Agree", "Strongly agree"],
        ["Slightly agree", "Agree", "Strongly agree"],
    ),
    (["Never", "Rarely", "Sometimes", "Often", "Very often"], ["Often", "Very often"]),
    (["Very dissatisfied", "Dissatisfied", "Satisfied", "Very satisfied"],
     ["Satisfied", "Very satisfied"]),
    (["Not at all likely", "Not very likely", "Somewhat likely", "Very likely"],
     ["Somewhat likely", "Very likely"]),
    (
        ["Muy en desacuerdo", "En desacuerdo", "Ni de acuerdo ni en desacuerdo", "De acuerdo",
         "Muy de acuerdo"],
        ["De acuerdo", "Muy de acuerdo"],
    ),
    (
        ["Pas du tout d'accord", "Plutôt pas d'accord", "Plutôt d'accord",
         "Tout à fait d'accord"],
        ["Plutôt d'accord", "Tout à fait d'accord"],
    ),
    (
        ["Stimme überhaupt nicht zu", "Stimme eher nicht zu", "Stimme eher zu",
         "Stimme voll und ganz zu"],
        ["Stimme eher zu", "Stimme voll und ganz zu"],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("labels", "positive"), SCALES)
def test_the_positive_side_is_found_by_meaning(labels, positive):
    scale = orient_scale("q", dict(enumerate(labels, start=1)))
    assert list(scale.positive) == positive
    assert "Don't know" not in scale.positive + scale.negative


def test_the_codebook_can_say_which_end_is_positive():
    codes = {1: "Un", 2: "Deux", 3: "Trois", 4: "Quatre", 5: "Cinq"}
    scale = orient_scale("q", codes, {"positive": "low", "midpoint": 3})
    assert scale.positive == ("Un", "Deux") and scale.midpoint == "Trois"
    with pytest.raises(CodebookError, match="midpoint 9 is not one of its codes"):
        orient_scale("q", codes, {"positive": "high", "midpoint": 9})


def test_a_scale_that_cannot_be_oriented_is_an_error_naming_it():
    with pytest.raises(CodebookError, match=r"'q17'.*scale: \{positive: high"):
        orient_scale("q17", {1: "Low", 2: "Medium", 3: "High"})
    with pytest.raises(CodebookError, match="does not sit on its side"):
        orient_scale("q", {1: "Disagree", 2: "Agree", 3: "Disagree strongly", 4: "Agree fully"})
