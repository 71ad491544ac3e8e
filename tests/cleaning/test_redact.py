"""Free text is redacted offline; identifiers are hashed with a salt kept outside the project."""

import subprocess

import pandas as pd
import pytest

from survey_tools import PrivacyError
from survey_tools.cleaning.redact import Redactor, hash_values, read_salt


def test_each_kind_of_personal_data_is_replaced_by_its_tag():
    r = Redactor(names=["Chloé Nguyen"])
    cases = {
        "write to chloe.nguyen660@example.org please": "write to [email] please",
        "call (213) 555-0142 or +1 310.555.0199": "call [phone] or [phone]",
        "my number is M-911660": "my number is [member_id]",
        "Chloé Nguyen told us": "[name] told us",
        "see https://www.example.com/reels/911660 now": "see [url] now",
        "from 192.0.2.14 again": "from [ip] again",
    }
    for text, expected in cases.items():
        assert r.text(text)[0] == expected


def test_ordinary_text_and_other_names_are_left_alone():
    r = Redactor(names=["Chloé Nguyen"])
    text = "In 2024 I did 12 jobs at $45 an hour for Scale AI; Chloé Dubois agreed."
    redacted, found = r.text(text)
    assert redacted == text and not found


def test_hashing_needs_a_salt_and_refuses_one_inside_a_repository(tmp_path, monkeypatch):
    monkeypatch.delenv("SURVEY_TOOLS_SALT", raising=False)
    monkeypatch.delenv("SURVEY_TOOLS_SALT_FILE", raising=False)
    with pytest.raises(PrivacyError, match="no salt is set"):
        read_salt()
    repo = tmp_path / "project"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "salt.txt").write_text("s3cret")
    monkeypatch.setenv("SURVEY_TOOLS_SALT_FILE", str(repo / "salt.txt"))
    with pytest.raises(PrivacyError, match="inside the git repository"):
        read_salt()
    (tmp_path / "salt.txt").write_text("s3cret\n")
    monkeypatch.setenv("SURVEY_TOOLS_SALT_FILE", str(tmp_path / "salt.txt"))
    assert read_salt() == b"s3cret"
    ids = pd.Series(["M-1", "M-2", None, "M-1"])
    hashed = hash_values(ids, read_salt())
    assert hashed[0] == hashed[3] != hashed[1] and pd.isna(hashed[2])
    assert "M-1" not in "".join(hashed.dropna()) and len(hashed[0]) == 16
    assert hash_values(ids, b"other")[0] != hashed[0]
