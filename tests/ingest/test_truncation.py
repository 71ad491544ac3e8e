"""Nothing is read as if whole when it is not: cut files, ragged rows, the wrong delimiter."""

import warnings

import pandas as pd
import pytest

from external_fixtures import EXT
from survey_tools import ExportReadError, read_export


def _read_quietly(path, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        export = read_export(path, **kwargs)
    return export, [str(w.message) for w in caught]


def test_a_csv_cut_mid_row_says_so_and_leaves_the_partial_row_out(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_bytes(b"id,q1,q2,comment\n1,2,3,fine\n2,4,5,also fine\n3,1")
    with pytest.warns(UserWarning, match=r"cut\.csv: the file looks cut off: the row at line 4"):
        export = read_export(path)
    assert export.data["id"].tolist() == [1, 2]
    assert export.meta.possibly_truncated
    assert any("line 4" in w and "left out" in w for w in export.meta.warnings)


def test_a_csv_cut_inside_a_quoted_comment_says_so(tmp_path, demo_files):
    raw = demo_files["qualtrics"].read_bytes()
    whole = read_export(demo_files["qualtrics"])
    cut = raw[: raw.rindex(b'"', 0, len(raw) - 2000) + 5]  # a few letters into a quoted cell
    path = tmp_path / "cut_quote.csv"
    path.write_bytes(cut)
    export, caught = _read_quietly(path)
    assert export.meta.possibly_truncated
    assert any("never closes" in w or "cut off" in w for w in caught)
    assert len(export.data) < len(whole.data)
    pd.testing.assert_frame_equal(
        export.data.iloc[:-1], whole.data.iloc[: len(export.data) - 1], check_dtype=False
    )


def test_a_text_export_whose_last_line_has_no_line_break_is_reported_as_possibly_cut(tmp_path):
    path = tmp_path / "no_newline.csv"
    path.write_bytes(b"id,q1\n1,2\n2,3")
    export, caught = _read_quietly(path)
    assert export.data.shape == (2, 2)  # the row is whole as far as can be seen: kept
    assert export.meta.possibly_truncated
    assert any("line (3) ends without a line break" in w for w in caught)
    assert caught == list(export.meta.warnings)
    whole = tmp_path / "whole.csv"
    whole.write_bytes(b"id,q1\n1,2\n2,3\n")
    export, caught = _read_quietly(whole)
    assert not export.meta.possibly_truncated and caught == [] and export.meta.warnings == ()


def test_short_rows_in_the_middle_are_warned_about_with_their_line_numbers(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n6,7,8\n9\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"2 row\(s\) have fewer cells .*line\(s\) 3, 5"):
        export = read_export(path)
    assert export.data.shape == (4, 3) and not export.meta.possibly_truncated


def test_a_missing_trailing_blank_column_is_not_a_short_row(tmp_path):
    path = tmp_path / "legacy_like.csv"  # header ends with a delimiter, rows do not
    path.write_text("a,b,\n1,2\n3,4\n", encoding="utf-8")
    export, caught = _read_quietly(path)
    assert caught == [] and list(export.data.columns) == ["a", "b"]


def test_a_row_with_more_cells_than_the_header_is_refused_with_its_line(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("id,comment\n1,fine\n2,too, many\n3,ok\n", encoding="utf-8")
    with pytest.raises(ExportReadError, match=r"row at line 3 has 3 cells where the header has 2"):
        read_export(path)
    blank_extra = tmp_path / "blank_extra.csv"  # extra cells that are blank lose nothing
    blank_extra.write_text("id,comment\n1,fine,,\n2,ok\n", encoding="utf-8")
    assert read_export(blank_extra).data.shape == (2, 2)


def test_a_comma_separated_file_named_tsv_is_read_by_its_commas_and_says_so(tmp_path):
    path = tmp_path / "wave.tsv"
    path.write_text("id,q1,q2\n1,2,3\n4,5,6\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"named \.tsv but its fields are separated by commas"):
        export = read_export(path)
    assert export.data.shape == (2, 3) and export.data["q2"].tolist() == [3, 6]
    tabs = tmp_path / "real.tsv"
    tabs.write_text("id\tcomment\n1\tyes, a comma\n", encoding="utf-8")
    export, caught = _read_quietly(tabs)
    assert caught == [] and export.data["comment"].tolist() == ["yes, a comma"]


def test_a_stray_quote_swallowing_the_rest_of_the_file_is_refused(tmp_path):
    rows = ["id,comment", '1,"she said no then left'] + [f"{i},ok" for i in range(2, 60)]
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(ExportReadError, match=r"quoted cell opened in the row at line 2 never"):
        read_export(path)


def test_an_xpt_file_that_lost_its_last_rows_is_refused_as_truncated(tmp_path):
    raw = (EXT / "sas" / "pyreadstat_sample.xpt").read_bytes()
    for cut in (80, 160):
        path = tmp_path / f"cut{cut}.xpt"
        path.write_bytes(raw[:-cut])
        with pytest.raises(ExportReadError, match="truncated") as info:
            read_export(path)
        assert f"cut{cut}.xpt" in str(info.value) and "whole rows" in str(info.value)
    padding = tmp_path / "padding.xpt"  # only blank padding is gone: every row is whole
    padding.write_bytes(raw[:-40])
    assert read_export(padding).data.shape == (5, 7)


def test_binary_files_cut_short_are_called_truncated_and_byte_flips_are_not(tmp_path):
    dta = (EXT / "stata" / "pyreadstat_sample.dta").read_bytes()
    cut = tmp_path / "cut.dta"
    cut.write_bytes(dta[:3000])
    with pytest.raises(ExportReadError, match=r"cut\.dta: the file is truncated"):
        read_export(cut)
    flipped = bytearray(dta)
    flipped[237:241] = b"M\xc7\x07 "  # four bytes of the variable names
    path = tmp_path / "flipped.dta"
    path.write_bytes(bytes(flipped))
    with pytest.raises(ExportReadError, match="damaged") as info:
        read_export(path)
    assert "truncated" not in str(info.value)
    for name in ("pyreadstat_sample.sav", "pspp_personnel.sav", "pyreadstat_sample_large.sav"):
        sav = (EXT / "spss" / name).read_bytes()
        short = tmp_path / name
        short.write_bytes(sav[:-100])
        with pytest.raises(ExportReadError, match=rf"{name}: the file is truncated"):
            read_export(short)
