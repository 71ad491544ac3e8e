"""Response IDs the draft recognises by their content, whatever the column is called."""

import numpy as np
import pandas as pd

from survey_tools import Codebook, clean, read_export


def _export(tmp_path, ids, comments):
    path = tmp_path / "survey.csv"
    pd.DataFrame(
        {"ref": ids, "role": ["Writer", "Editor"] * (len(ids) // 2), "comment": comments}
    ).to_csv(path, index=False)
    return read_export(path)


def test_a_column_of_qualtrics_like_ids_is_the_id_not_free_text(tmp_path):
    rng = np.random.default_rng(3)
    chars = list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    ids = ["R_" + "".join(rng.choice(chars, 15)) for _ in range(60)]
    export = _export(tmp_path, ids, ["Call me on 310-555-0145", *[""] * 59])
    book = Codebook.draft(export)
    assert book.variables["ref"].type == "id"
    assert book.id == "ref" and book.quality.duplicate_key == "ref"
    cleaned = clean(export, book)
    assert cleaned.data["ref"].tolist() == ids  # kept as written, not redacted
    assert cleaned.data["comment"].iloc[0] == "Call me on [phone]"


def test_words_names_and_numbers_written_as_text_are_no_ids(tmp_path):
    names = [f"{first} {last}" for first in "ABCDEF" for last in "GHIJKLMNOP"]
    export = _export(tmp_path, names, [f"Comment number {i}" for i in range(60)])
    book = Codebook.draft(export)
    assert book.variables["ref"].type != "id" and book.id is None
    codes = pd.Series([f"{i:05d}" for i in range(60)], dtype="string")
    export.data["ref"] = codes
    assert Codebook.draft(export).variables["ref"].type != "id"
