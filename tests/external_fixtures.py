"""The real third-party exports under shared/fixtures/external, and how to read each."""

from conftest import SHARED
from survey_tools import read_export

EXT = SHARED / "fixtures" / "external"

# file -> (platform, layout, rows, columns): rows are responses, header rows excluded.
READABLE = {
    "qualtrics/QT_Multiple_Answer_MC_Questions_Insights.csv": ("qualtrics", "insights", 5, 36),
    "qualtrics/QT_Multiple_Answer_MC_Questions_Legacy.csv": ("qualtrics", "legacy", 5, 35),
    "qualtrics/QT_No_Basis_for_Evaluation_Insights.csv": ("qualtrics", "insights", 15, 49),
    "qualtrics/QT_Notes_Survey.csv": ("qualtrics", "insights", 5, 17),
    "qualtrics/QT_Questions_with_Text_Entry_Components.csv": ("qualtrics", "insights", 15, 40),
    "qualtrics/QT_SidebySide_Questions_Legacy.csv": ("qualtrics", "legacy", 25, 70),
    "qualtrics/QT_Single_Answer_Matrix_Questions_Insights.csv": ("qualtrics", "insights", 5, 30),
    "qualtrics/qualtRics_api_beskar_armor_full.csv": ("qualtrics", "current", 44, 24),
    "qualtrics/qualtRics_sample.csv": ("qualtrics", "current", 1, 20),
    "qualtrics/qualtRics_sample_legacy.csv": ("qualtrics", "legacy", 1, 15),
    "surveymonkey/538_StarWars.csv": ("surveymonkey", "2row", 1186, 38),
    "surveymonkey/538_steak-risk-survey.csv": ("surveymonkey", "2row", 550, 15),
    "surveymonkey/538_thanksgiving-2015-poll-data.csv": ("surveymonkey", "1row", 1058, 65),
    "redcap/blank-for-gray-status/data.csv": ("redcap", "redcap", 6, 26),
    "redcap/checkboxes-1/data.csv": ("redcap", "redcap", 4, 13),
    "redcap/longitudinal/data.csv": ("redcap", "redcap", 18, 125),
    "redcap/repeating-instruments/data.csv": ("redcap", "redcap", 6, 15),
    "sas/ReadStatjl_types.sas7bdat": ("sas", "sas", 3, 6),
    "sas/haven_datetime.sas7bdat": ("sas", "sas", 4, 5),
    "sas/pyreadstat_dates_xpt_v8.xpt": ("sas", "sas_xpt", 19, 9),
    "sas/pyreadstat_missing_test.sas7bdat": ("sas", "sas", 1, 9),
    "sas/pyreadstat_sample.sas7bdat": ("sas", "sas", 5, 7),
    "sas/pyreadstat_sample.xpt": ("sas", "sas_xpt", 5, 7),
    "spss/ReadStatTables_string_labeled_value.sav": ("spss", "spss", 2, 1),
    "spss/haven_datetime.sav": ("spss", "spss", 2, 3),
    "spss/haven_umlauts.sav": ("spss", "spss", 4, 1),
    "spss/haven_variable-label.sav": ("spss", "spss", 1, 1),
    "spss/pspp_personnel.sav": ("spss", "spss", 56, 6),
    "spss/pspp_physiology.sav": ("spss", "spss", 40, 4),
    "spss/pspp_v13.sav": ("spss", "spss", 2, 4),
    "spss/pyreadstat_hebrews.sav": ("spss", "spss", 99, 1),
    "spss/pyreadstat_missing_test.sav": ("spss", "spss", 2, 1),
    "spss/pyreadstat_ordered_category.sav": ("spss", "spss", 4, 1),
    "spss/pyreadstat_sample.por": ("spss", "spss_por", 5, 7),
    "spss/pyreadstat_sample.sav": ("spss", "spss", 5, 7),
    "spss/pyreadstat_sample.zsav": ("spss", "spss", 5, 7),
    "spss/pyreadstat_sample_large.sav": ("spss", "spss", 485, 7),
    "spss/pyreadstat_sample_missing.sav": ("spss", "spss", 7, 7),
    "spss/pyreadstat_simple_alltypes.sav": ("spss", "spss", 6, 12),
    "spss/pyreadstat_test_width.sav": ("spss", "spss", 5, 4),
    "stata/ReadStatTables_alltypes.dta": ("stata", "stata", 3, 9),
    "stata/haven_datetime-d.dta": ("stata", "stata", 1, 1),
    "stata/haven_notes.dta": ("stata", "stata", 5, 4),
    "stata/haven_tagged-na-double.dta": ("stata", "stata", 8, 1),
    "stata/haven_types.dta": ("stata", "stata", 2, 8),
    "stata/pandas_stata-compat-105.dta": ("stata", "stata", 3, 8),
    "stata/pandas_stata-compat-111.dta": ("stata", "stata", 3, 8),
    "stata/pandas_stata-compat-114.dta": ("stata", "stata", 3, 8),
    "stata/pandas_stata-compat-118.dta": ("stata", "stata", 3, 8),
    "stata/pandas_stata-dta-partially-labeled.dta": ("stata", "stata", 5, 1),
    "stata/pandas_stata14_119.dta": ("stata", "stata", 5, 7),
    "stata/pandas_stata1_encoding.dta": ("stata", "stata", 151, 1),
    "stata/pandas_stata7_111.dta": ("stata", "stata", 10, 4),
    "stata/pyreadstat_missing_test.dta": ("stata", "stata", 1, 9),
    "stata/pyreadstat_sample.dta": ("stata", "stata", 5, 7),
    "stata/readstata13_datetime.dta": ("stata", "stata", 5, 6),
    "stata/readstata13_encode.dta": ("stata", "stata", 6, 2),
    "stata/readstata13_missings.dta": ("stata", "stata", 27, 1),
}
MALFORMED = {
    "malformed/pandas_corrupt.sas7bdat": "truncated",
    "malformed/pandas_stata1_encoding_118.dta": "encoding='latin1'",
    "malformed/polars_readstat_invalid_magic_number.sas7bdat": "holds plain text",
    "malformed/pspp_CVE-2017-10791.sav": "corrupt",
    "malformed/pspp_hotel-encrypted.sav": "encrypted",
    "malformed/readstat-rs_malformed_utf8.sas7bdat": "not valid UTF-8",
}


def read_fixture(rel: str, **kwargs):
    path = EXT / rel
    if rel.startswith("redcap/"):
        kwargs.setdefault("data_dictionary", path.with_name("dictionary.csv"))
    return read_export(path, **kwargs)
