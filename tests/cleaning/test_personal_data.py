"""Personal data never reaches a written file: an analyst's export, drafted, cleaned, written.

Each test plants personal data the way members type it into an export, runs the analyst's
steps (``read_export`` -> ``Codebook.draft`` -> ``to_yaml`` -> ``clean`` -> ``write``) and then
searches every written file, and every value of the parquet read back, for the planted text.
"""

import re
from types import SimpleNamespace

import pandas as pd
import pytest

from survey_tools import Codebook, clean, read_export
from survey_tools.cleaning.drafting import draft_column

JANE = "Call me: Jane Whitfield 310-555-0145 jane@example.com"
PLANTED = ("Whitfield", "555-0145", "5550145", "jane@example.com", "Kelsey", "Armbruster")


def _written(tmp_path, export, book) -> str:
    """Every written file's text (the parquet as bytes and as values read back)."""
    out = tmp_path / "out"
    files = clean(export, book).write(out)
    book.to_yaml(out / "draft.yaml")
    texts = [p.read_bytes().decode("utf-8", "replace") for p in out.iterdir() if p.is_file()]
    data = pd.read_parquet(files["data"])
    texts += [str(list(data.columns))]
    for col in data:
        values = data[col]
        if isinstance(values.dtype, pd.CategoricalDtype):
            texts.append(" ".join(map(str, values.cat.categories)))
        texts.append(" ".join(map(str, values.dropna())))
    return "\n".join(texts)


def _leaks(text: str) -> list[str]:
    return [p for p in PLANTED if p.casefold() in text.casefold()]


def _export(tmp_path, frame: pd.DataFrame):
    path = tmp_path / "member_survey.csv"
    frame.to_csv(path, index=False)
    return read_export(path)


def test_an_open_answer_with_few_distinct_answers_is_text_and_redacted(tmp_path):
    frame = pd.DataFrame(
        {
            "ResponseId": [f"R_{i:04d}" for i in range(38)],
            "Anything else you want the guild to know?": ["No"] * 30
            + ["Nothing else"] * 6
            + [JANE] * 2,
        }
    )
    export = _export(tmp_path, frame)
    book = Codebook.draft(export)
    assert book.variables["anything_else_you_want_the_guild_to_know"].type == "text"
    written = _written(tmp_path, export, book)
    assert not _leaks(written), _leaks(written)
    assert "[phone]" in written and "[email]" in written


def test_free_text_typed_into_a_choice_column_is_redacted_in_data_and_log(tmp_path):
    roles = ["TV writer", "Voice actor", "Editor"] * 12
    roles += ["Other: my agent Kelsey Armbruster (310) 555-0145 jane@example.com"] * 2
    hours = [10, 20, 40] * 12 + ["varies, ask Kelsey Armbruster", "jane@example.com"]
    frame = pd.DataFrame({"id": range(38), "main_role": roles, "hours": hours})
    export = _export(tmp_path, frame)
    spec = {
        "survey": "member_survey",
        "variables": {
            "id": {"type": "id", "source": ["id"]},
            "main_role": {
                "type": "single",
                "source": ["main_role"],
                "codes": {1: "TV writer", 2: "Voice actor", 3: "Editor"},
            },
            "hours": {"type": "numeric", "source": ["hours"]},
        },
    }
    book = Codebook.from_dict(spec)
    cleaned = clean(export, book)
    assert cleaned.data["main_role"].isna().sum() == 0  # kept as a visible level, redacted
    assert "Other: my agent [name] [phone] [email]" in cleaned.data["main_role"].cat.categories
    assert cleaned.log["rule"].eq("unknown code").any()
    assert cleaned.log["detail"].str.contains(r"varies, ask \[name\], \[email\]").any()
    written = _written(tmp_path, export, book)
    assert not _leaks(written), _leaks(written)


def test_a_choice_like_column_keeps_its_codes():
    values = pd.Series(["Yes", "No", "Not sure"] * 10 + ["Prefer not to say"] * 2)
    meta = SimpleNamespace(
        missing_values={}, value_labels={}, identifiers=(), other_text={}, variable_labels={},
        questions={}, measures={},
    )  # fmt: skip
    kind, codes, missing, _ = draft_column(values, "lost_work", meta)
    assert (kind, codes) == ("single", {1: "Yes", 2: "No", 3: "Not sure"})
    assert missing == {90: "Prefer not to say"}


IDENTIFIER_HEADERS = [
    "Your email",
    "Mobile number",
    "Membership #",
    "SSN",
    "Home address",
    "Correo electrónico",
    "Téléphone",
    "Cell",
    "E-Mail-Adresse",
    "Numéro de téléphone",
    "Teléfono celular",
    "What is your phone number? (optional)",
]


@pytest.mark.parametrize("header", IDENTIFIER_HEADERS)
def test_identifier_columns_are_recognised_by_their_header(tmp_path, header):
    n = 40
    values = [f"{3105550100 + i}" for i in range(n)]  # plain digits, as a CSV gives them
    frame = pd.DataFrame({"ResponseId": [f"R_{i:04d}" for i in range(n)], header: values})
    frame["Role"] = ["Writer", "Editor"] * (n // 2)
    export = _export(tmp_path, frame)
    book = Codebook.draft(export)
    kinds = {v.source[0]: v.type for v in book.variables.values()}
    assert kinds[header] == "identifier", kinds
    assert kinds["Role"] == "single"
    written = _written(tmp_path, export, book)
    assert "3105550123" not in written


@pytest.mark.parametrize(
    "values",
    [
        [f"member{i}@example.org" for i in range(30)],
        [f"(213) 555-{100 + i:04d}" for i in range(30)],
        [3105550100 + i for i in range(30)],
        [f"M-{204118 + i * 7}" for i in range(30)],
    ],
)
def test_identifier_columns_are_recognised_by_their_content(tmp_path, values):
    values = list(values)
    values[3] = None  # one blank answer
    frame = pd.DataFrame({"Q7": values, "Q8": ["Writer", "Editor", "Animator"] * 10})
    export = _export(tmp_path, frame)
    book = Codebook.draft(export)
    kinds = {v.source[0]: v.type for v in book.variables.values()}
    assert kinds == {"Q7": "identifier", "Q8": "single"}
    written = _written(tmp_path, export, book)
    shown, digits = str(values[5]), re.sub(r"\D", "", str(values[5]))
    assert shown not in written and (len(digits) < 7 or digits[-7:] not in written)


def test_numbers_and_short_labels_are_not_identifiers(tmp_path):
    frame = pd.DataFrame(
        {
            "Hours per week": [10, 20, 35, 40, 12, 8] * 5,
            "Income": [45000, 62000, 120000, 38000, 51000, 99000] * 5,
            "How should the guild address AI in contracts?": ["Ban it", "Consent", "Pay"] * 10,
            "Name the platform you worked for": ["Outlier", "Mercor", "Scale AI"] * 10,
        }
    )
    book = Codebook.draft(_export(tmp_path, frame))
    kinds = [v.type for v in book.variables.values()]
    assert kinds == ["numeric", "numeric", "single", "single"]


def test_open_answers_written_the_ways_members_write_leave_no_personal_data(tmp_path):
    comments = [
        "i asked maria lopez and she said the dub was done by a machine",
        "The contract was signed by Nguyen, Sam for the vendor.",
        "Our supervisor Ana R. Silva told us the storyboards would be generated.",
        "Ask Bethany, she kept the rejected scripts. J. Tanaka saw them too.",
        "My reel is at samnguyen.com/reel and the clone copied it.",
        "Mail me at PO Box 4471, Burbank, CA 91503 or jane at gmail dot com.",
        "IG: carlos_draws_stuff has the sketches; member number 850663.",
        "No",
    ] * 5
    frame = pd.DataFrame({"ResponseId": [f"R_{i:03d}" for i in range(40)], "Comments": comments})
    export = _export(tmp_path, frame)
    roll = pd.DataFrame(
        {
            "member_id": ["M-850663", "M-734512", "M-126950"],
            "first_name": ["Dev", "Bethany", "Hiroshi"],
            "last_name": ["Iyer", "Cole", "Tanaka"],
        }
    )
    book = Codebook.draft(export)
    assert book.variables["comments"].type == "text"
    out = tmp_path / "out"
    clean(export, book, roll=roll).write(out)
    written = "\n".join(p.read_bytes().decode("utf-8", "replace") for p in out.iterdir())
    data = pd.read_parquet(out / "member_survey.parquet")
    written += "\n".join(data["comments"].dropna())
    planted = ["maria", "lopez", "Nguyen", "Silva", "Bethany", "Tanaka", "samnguyen", "4471"]
    planted += ["gmail", "carlos_draws", "850663"]
    assert not [p for p in planted if p.casefold() in written.casefold()]
    assert "the storyboards would be generated" in written  # the answers themselves stay
