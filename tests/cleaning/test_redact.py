"""Free text is redacted offline; identifiers are hashed with a salt kept outside the project."""

import importlib.util
import socket
import subprocess
import time
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from survey_tools import PrivacyError, redact
from survey_tools.cleaning.redact import Redactor, hash_values, read_salt

_spec = importlib.util.spec_from_file_location(
    "redact_corpus", Path(__file__).with_name("redact_corpus.py")
)
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)


@pytest.fixture(scope="module")
def redactor():
    return Redactor(roll=corpus.ROLL)


def test_each_kind_of_personal_data_is_replaced_by_its_tag():
    r = Redactor(names=["Chloé Nguyen"])
    cases = {
        "write to chloe.nguyen660@example.org please": "write to [email] please",
        "call (213) 555-0142 or +1 310.555.0199": "call [phone] or [phone]",
        "UK: 020 7946 0321, ext 12 or +44 20 7946 0018": "UK: [phone] or [phone]",
        "my number is M-911660, also m–911661": "my number is [member_id], also [member_id]",
        "Chloé Nguyen told us": "[name] told us",
        "see https://www.example.com/reels/911660 now": "see [url] now",
        "see linkedin.com/in/chloe-n now": "see [url] now",
        "from 192.0.2.14 and 2001:db8::1 again": "from [ip] and [ip] again",
        "SSN 412-56-7831": "SSN [ssn]",
        "card 4111 1111 1111 1111": "card [card]",
        "DOB 07/22/1979": "DOB [dob]",
        "at @chloe_vo": "at [handle]",
        "send it to 27 Maple Street, Burbank, CA 91505.": "send it to [address].",
        "Flat 2, 14 Camden Road, London NW1 9LR": "[address]",
    }
    for text, expected in cases.items():
        assert r.text(text)[0] == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "Renée O'Connell said so",
        "renee o’connell said so",
        "O'Connell, Renée said so",
        "O’Connell Renee said so",
        "RENÉE O'CONNELL said so",
        "Renée O'Connell's reel said so",
        "Renée M. O'Connell said so",
    ],
)
def test_roll_names_are_removed_in_every_everyday_form(text):
    r = Redactor(names=[("Renée", "O'Connell")])
    out = r.text(text)[0]
    assert "onnell" not in out.casefold() and "ren" not in out.casefold() and "said so" in out


def test_double_and_hyphenated_surnames_and_first_names_alone():
    roll = pd.DataFrame(
        {"first_name": ["María José", "June"], "last_name": ["García-López", "Park"]}
    )
    out = redact(
        [
            "Maria Jose Garcia-Lopez and maria garcia lopez and García, María",
            "June Park; in June we went to the park",
        ],
        roll=roll,
    )
    assert out[0] == "[name] and [name] and [name]"
    assert out[1] == "[name]; in June we went to the park"
    assert redact(["Grace, June and Maya came to the Park"], roll=roll)[0].count("[") == 0


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("please call ruth k. okonkwo about the contract", "please call"),
        ("Ask Tomasz P. van der Linde, he saw it", "he saw it"),
        ("my recruiter Aoife Mac-O'Brien never wrote back", "never wrote back"),
        ("dm me on Instagram sam_draws_42 for the details", "for the details"),
        ("wren.animates.daily on TikTok has the whole story", "has the whole story"),
        ("my membr number is 4820013 if you need it", "if you need it"),
        ("meber # 7730021 here", "here"),
    ],
)
def test_names_handles_and_ids_written_loosely_are_removed(text, kept):
    out = redact([text])[0]
    assert kept in out and "[" in out
    for word in ("okonkwo", "linde", "brien", "sam_draws", "wren", "4820013", "7730021"):
        assert word not in out.casefold()


def test_words_next_to_a_platform_that_are_no_handle_are_kept():
    text = "I saw it on Twitter e.g. last week, and on TikTok, i.e. everywhere. Outlier on X too."
    assert redact([text])[0] == text


def test_platform_task_invoice_and_money_are_not_personal_data():
    text = (
        "In 2024 I did 12 jobs at $45/hr for Scale AI, Outlier and Mercor (task ID T-204518, "
        "invoice INV-88213, ticket #4410093); support@outlier.ai and https://www.outlier.ai/faq "
        "never answered. Claude, ChatGPT, Netflix, SAG-AFTRA and the WGA: Will Turing pay?"
    )
    redacted, found = Redactor(roll=corpus.ROLL).text(text)
    assert redacted == text and not found


def test_corpus_items_are_removed_and_clean_words_kept(redactor):
    texts, items = corpus.planted()
    total, removed = Counter(), Counter()
    for text, planted in zip(texts, items):
        spans = redactor.spans(text)
        for item in planted:
            total[item[2]] += 1
            removed[item[2]] += corpus.covered(item, text, spans)
    assert sum(total.values()) >= 100 and len(total) == 12
    assert sum(removed.values()) / sum(total.values()) >= 0.98, removed
    assert all(removed[k] / total[k] >= 0.8 for k in total), (removed, total)
    hit = words = 0
    for text in corpus.clean():
        h, n = corpus.words_hit(text, redactor.spans(text))
        hit, words = hit + h, words + n
    assert words > 800 and hit / words <= 0.01


def test_redact_keeps_index_and_missing_and_counts_by_kind():
    texts = pd.Series(["mail a@b.org", None, "call 323-555-0102"], index=[10, 20, 30], name="c")
    out = redact(texts)
    assert out.index.tolist() == [10, 20, 30] and out.name == "c" and pd.isna(out[20])
    assert out[10] == "mail [email]" and out[30] == "call [phone]"
    values, counts = Redactor().series(texts)
    assert values.equals(out) and counts == Counter(email=1, phone=1)


def test_analysts_add_names_and_patterns():
    out = redact(
        ["Ask Mx Q about CASE-1234 and Tintin Haddock-Blue"],
        names=["Haddock-Blue, Tintin"],
        patterns={"case": r"\bCASE-\d+"},
    )
    assert out[0] == "Ask Mx [name] about [case] and [name]"


def test_runs_offline_and_fast(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no network in tests")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    texts, _ = corpus.planted()
    many = pd.Series([f"{t} ({i})" for i in range(25) for t in texts + corpus.clean()])
    assert len(many) >= 4000
    start = time.perf_counter()
    out = redact(many, roll=corpus.ROLL)
    assert time.perf_counter() - start < 30 and out.str.contains(r"\[name\]").sum() > 1000


SALT = "9f2c4e7a1b3d5f60718293a4b5c6d7e8"  # 32 hex characters, as secrets.token_hex(16)


def test_hashing_needs_a_salt_and_refuses_one_inside_a_repository(tmp_path, monkeypatch):
    monkeypatch.delenv("SURVEY_TOOLS_SALT", raising=False)
    monkeypatch.delenv("SURVEY_TOOLS_SALT_FILE", raising=False)
    with pytest.raises(PrivacyError, match="no salt is set"):
        read_salt()
    repo = tmp_path / "project"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "salt.txt").write_text(SALT)
    monkeypatch.setenv("SURVEY_TOOLS_SALT_FILE", str(repo / "salt.txt"))
    with pytest.raises(PrivacyError, match="inside the git repository"):
        read_salt()
    (tmp_path / "salt.txt").write_text(SALT + "\n")
    monkeypatch.setenv("SURVEY_TOOLS_SALT_FILE", str(tmp_path / "salt.txt"))
    assert read_salt() == SALT.encode()
    ids = pd.Series(["M-1", "M-2", None, "M-1"])
    hashed = hash_values(ids, read_salt())
    assert hashed[0] == hashed[3] != hashed[1] and pd.isna(hashed[2])
    assert "M-1" not in "".join(hashed.dropna()) and len(hashed[0]) == 16
    assert hash_values(ids, SALT[::-1].encode())[0] != hashed[0]


@pytest.mark.parametrize("salt", ["s", "pepper", "0123456789abcdef", "ab" * 20, b"short-bytes"])
def test_salts_too_short_or_patterned_to_resist_a_search_are_refused(salt, monkeypatch):
    monkeypatch.delenv("SURVEY_TOOLS_SALT_FILE", raising=False)
    with pytest.raises(PrivacyError, match=r"at least 16 random bytes.*32 hex characters"):
        read_salt(salt)
    monkeypatch.setenv("SURVEY_TOOLS_SALT", salt if isinstance(salt, str) else salt.decode())
    with pytest.raises(PrivacyError, match=r"SURVEY_TOOLS_SALT.*re-identify"):
        read_salt()
    assert read_salt(bytes(range(16))) == bytes(range(16))  # 16 random bytes as bytes


def test_a_salt_from_the_environment_is_refused_while_the_salt_file_sits_in_a_repo(
    tmp_path, monkeypatch
):
    repo = tmp_path / "project"
    (repo / "secrets").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "secrets" / "salt").write_text(SALT)
    monkeypatch.setenv("SURVEY_TOOLS_SALT_FILE", str(repo / "secrets" / "salt"))
    monkeypatch.setenv("SURVEY_TOOLS_SALT", SALT)
    with pytest.raises(PrivacyError, match="inside the git repository"):
        read_salt()
    monkeypatch.setenv("SURVEY_TOOLS_SALT_FILE", str(tmp_path / "elsewhere"))  # not in a repo
    assert read_salt() == SALT.encode()


def test_the_work_words_of_an_all_lower_case_comment_are_not_taken_for_names():
    # "red" is a given name, but "red-teaming" is the work the survey asks about; a hyphenated
    # given name has a given name in every part.
    texts = pd.Series(
        [
            "had a panic attack after a red-teaming batch about self-harm. just saying",
            "my coworker quit after a week of red-teaming violent content",
            "ask anne-marie dubois at the agency, she knows",
        ]
    )
    out = redact(texts).tolist()
    assert out[0] == texts[0] and out[1] == texts[1]
    assert "anne-marie" not in out[2] and "dubois" not in out[2]


def test_an_address_whose_house_number_is_a_members_number_is_removed_whole():
    roll = pd.DataFrame(
        {
            "member_id": ["M17962", "M20001"],
            "first_name": ["Ana", "Bo"],
            "last_name": ["Silva", "Lund"],
        }
    )
    text = "I moved, the new address is 17962 Cahuenga St #236, Glendale CA 91283. Member 20001."
    out = redact(pd.Series([text]), roll=roll).tolist()
    assert out == ["I moved, the new address is [address]. Member [member_id]."]


def test_a_handle_after_follow_is_removed_without_a_platform_named():
    texts = pd.Series(
        [
            "They cloned my voice. follow brian.murphy.voice for the receipts",
            "Find me at ngoc_reads_39, I post the contracts there.",
            "We follow e.g. the union's guidance and follow up.",
        ]
    )
    out = redact(texts).tolist()
    assert out[:2] == [
        "They cloned my voice. follow [handle] for the receipts",
        "Find me at [handle], I post the contracts there.",
    ]
    assert out[2] == texts[2]
