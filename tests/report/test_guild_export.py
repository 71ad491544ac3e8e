"""A guild's own export of the standard questionnaire, with its own column names, another
agree-scale wording ("Agree", not "Somewhat agree") and optional questions left out: the memo
comes out with `survey-tools memo` and the guild's codebook alone (the standard plan), and each
option's support equals an independent weighted computation."""

import re
import time
from html import unescape

import pandas as pd
import pyreadstat
import pytest
import yaml

from conftest import ROOT
from survey_tools import SurveyDesign, read_margins
from survey_tools.cli import main
from survey_tools.report.run import prepare_survey

BOOK = ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml"
LEFT_OUT = ("rlhf_disturbing", "rlhf_platforms", "rlhf_wellbeing_support")
AGREE = {1: "Strongly disagree", 2: "Disagree", 3: "Neutral", 4: "Agree", 5: "Strongly agree"}


@pytest.fixture(scope="module")
def guild(tmp_path_factory, demo_files):
    """The demo's responses as another guild's SPSS export, and that guild's codebook."""
    folder = tmp_path_factory.mktemp("guild")
    data, meta = pyreadstat.read_sav(demo_files["spss"], user_missing=True)
    book = yaml.safe_load(BOOK.read_text(encoding="utf-8"))
    dropped = set()
    for name in LEFT_OUT:
        spec = book["variables"].pop(name)
        for sub in (spec.get("options") or {}).values():
            dropped.add(sub["source"][0])
        dropped.add(spec.get("source", [name])[0] if spec.get("source") else name)
    data = data.drop(columns=[c for c in dropped if c in data])
    rename = {c: f"GLD_{i:03d}" for i, c in enumerate(data.columns)}
    labels = dict(meta.variable_value_labels)
    for name, spec in book["variables"].items():
        sources = spec.get("source")
        if sources:
            first = sources[0] if isinstance(sources, list) else sources
            spec["source"] = [rename.get(first, first)]
            if name.startswith("att_") or name == "attn_check":
                spec["codes"] = dict(AGREE)
                labels[first] = {**AGREE, 99: "Prefer not to say"}
        for sub in (spec.get("options") or {}).values():
            sub["source"] = [rename.get(sub["source"][0], sub["source"][0])]
    book["quality"]["attention"] = {"attn_check": [2]}
    export = folder / "members_2027.sav"
    pyreadstat.write_sav(
        data.rename(columns=rename),
        export,
        column_labels=[meta.column_names_to_labels.get(c) for c in data.columns],
        variable_value_labels={rename[k]: v for k, v in labels.items() if k in rename},
        missing_ranges={rename[k]: v for k, v in meta.missing_ranges.items() if k in rename},
    )
    codebook = folder / "members_2027.yaml"
    codebook.write_text(yaml.safe_dump(book, sort_keys=False), encoding="utf-8")
    return {"export": export, "codebook": codebook, "rename": rename}


@pytest.fixture(scope="module")
def rendered(guild, demo_files, tmp_path_factory):
    out = tmp_path_factory.mktemp("memo") / "2027"
    args = ["memo", str(guild["export"]), "--codebook", str(guild["codebook"])]
    args += ["--roll", str(demo_files["roll"]), "--margins", str(demo_files["margins"])]
    args += ["--dispositions", str(demo_files["dispositions"]), "--out", str(out)]
    assert main([*args, "--notebook", str(ROOT / "notebooks/reports/05_memo.ipynb")]) == 0
    return out


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_memo_renders_in_every_format_from_the_codebook_alone(rendered):
    for name in ("memo.html", "memo.pdf", "memo-letter.pdf", "memo.docx"):
        assert (rendered / name).stat().st_size > 10_000, name
    text = _text((rendered / "memo.html").read_text(encoding="utf-8"))
    assert "Not asked in this survey" in text
    for question in ("rlhf_disturbing", "rlhf_platforms", "rlhf_wellbeing_support"):
        assert question in text  # each dropped section is named in the methodology


def test_option_support_counts_agree_and_strongly_agree(rendered, guild, demo_files):
    run = prepare_survey(
        guild["export"],
        guild["codebook"],
        roll=demo_files["roll"],
        margins=demo_files["margins"],
        dispositions=demo_files["dispositions"],
    )
    # Independently: the options' respondents raked to the roll, Agree + Strongly agree.
    data = run.options.data
    raked = SurveyDesign(data.drop(columns=[c for c in data if c.startswith("_")])).rake(
        read_margins(demo_files["margins"])
    )
    w = pd.Series(raked.weights, index=data.index)
    text = _text((rendered / "memo.html").read_text(encoding="utf-8"))
    for option, item in (("rate_floor", "att_rate_floor"), ("consent_comp", "att_consent_comp")):
        answered = data[item].notna()
        agree = data.loc[answered, item].isin(["Agree", "Strongly agree"])
        expected = (w[answered] * agree).sum() / w[answered].sum()
        got = run.options.proportion(option).set_index("level").loc[True, "estimate"]
        assert got == pytest.approx(expected, rel=1e-9)
        assert expected > 0.5  # not the 7.5% a fixed "Somewhat agree" label would count
        assert f"{100 * expected:.1f}%" in text


def test_a_codebook_without_the_headline_is_refused_in_seconds(guild, tmp_path, capsys):
    # The guild named the question otherwise: the plan's headline variable is absent.
    text = guild["codebook"].read_text(encoding="utf-8").replace("ai_lost_work", "lost_to_ai")
    book = yaml.safe_load(text)
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(book), encoding="utf-8")
    out = tmp_path / "out"
    start = time.perf_counter()
    args = ["memo", str(guild["export"]), "--codebook", str(broken), "--out", str(out)]
    assert main(args) == 1
    assert time.perf_counter() - start < 10
    err = capsys.readouterr().err
    assert "ai_lost_work" in err and "headline" in err and "Fix:" in err
    assert not out.exists() and not list(tmp_path.glob(".out*"))
