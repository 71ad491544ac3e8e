"""One cleaning shared by the report series: cached on the inputs' hashes, never stale."""

import shutil
from pathlib import Path

from survey_tools import Codebook, clean, read_export
from survey_tools.report.cache import cache_folder, cached_clean

DEMO = Path("data/raw/demo")
CODEBOOK = Path("data/codebooks/guild_ai_survey_2026.yaml")


def _survey(tmp_path):
    raw = tmp_path / "data" / "raw" / "wave1"
    raw.mkdir(parents=True)
    for name in ("guild_ai_survey_2026.sav", "roll.csv"):
        shutil.copy(DEMO / name, raw / name)
    book = tmp_path / "codebook.yaml"
    shutil.copy(CODEBOOK, book)
    return raw / "guild_ai_survey_2026.sav", book, raw / "roll.csv"


def _same(a, b):
    for part in ("data", "flags", "log"):
        x, y = getattr(a, part), getattr(b, part)
        assert x.equals(y) and (x.dtypes == y.dtypes).all(), part
    assert (a.summary, a.codebook, a.source, a.name) == (b.summary, b.codebook, b.source, b.name)


def test_the_second_notebook_reads_the_first_ones_cleaning_equal_in_every_part(tmp_path):
    export, book, roll = _survey(tmp_path)
    fresh = clean(read_export(export), Codebook.from_yaml(book), roll=roll)
    first = cached_clean(export, book, roll=roll)
    folder = tmp_path / "data" / "clean" / "wave1" / ".cache"
    assert cache_folder(export) == folder and any(folder.glob("*.parquet"))
    _same(fresh, first)
    _same(fresh, cached_clean(export, book, roll=roll))


def test_an_edited_codebook_a_new_roll_or_a_damaged_cache_cleans_again(tmp_path):
    export, book, roll = _survey(tmp_path)
    cached_clean(export, book, roll=roll)
    text = book.read_text()
    book.write_text(text.replace("survey: guild_ai_survey_2026", "survey: edited_survey", 1))
    assert cached_clean(export, book, roll=roll).name == "edited_survey"
    book.write_text(text)
    assert cached_clean(export, book, roll=roll).name == "guild_ai_survey_2026"
    lines = roll.read_text().splitlines()
    roll.write_text("\n".join(lines[:-200]) + "\n")  # members left the roll
    fewer = clean(read_export(export), Codebook.from_yaml(book), roll=roll)
    _same(fewer, cached_clean(export, book, roll=roll))
    folder = cache_folder(export)
    for part in folder.glob("*.data.parquet"):
        part.write_bytes(b"not a parquet file")
    _same(fewer, cached_clean(export, book, roll=roll))


def test_an_export_outside_a_raw_folder_is_cleaned_without_a_cache(tmp_path):
    export, book, roll = _survey(tmp_path)
    alone = tmp_path / "elsewhere" / export.name
    alone.parent.mkdir()
    shutil.copy(export, alone)
    assert cache_folder(alone) is None
    cached_clean(alone, book, roll=roll)
    assert not any(p.name == ".cache" for p in tmp_path.rglob("*"))


def test_a_redcap_export_is_read_with_its_dictionary_and_cached_apart(tmp_path):
    from conftest import SHARED

    folder = SHARED / "fixtures" / "external" / "redcap" / "blank-for-gray-status"
    export = read_export(folder / "data.csv", data_dictionary=folder / "dictionary.csv")
    book = tmp_path / "redcap.yaml"
    Codebook.draft(export).to_yaml(book)
    cached = cached_clean(
        folder / "data.csv", book, dictionary=folder / "dictionary.csv", cache=tmp_path / "c"
    )
    direct = clean(export, Codebook.from_yaml(book))
    assert cached.data.equals(direct.data)
    assert cached_clean(
        folder / "data.csv", book, dictionary=folder / "dictionary.csv", cache=tmp_path / "c"
    ).data.equals(direct.data)  # read back from the cache
