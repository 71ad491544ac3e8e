"""The comment tables are computed once for the series: the next notebook (and the next run)
reads them back equal in every part; other data, other thresholds or a damaged copy compute
them anew."""

import json
import os

import pandas as pd
import pytest

from conftest import ROOT
from survey_tools.demo import demo_params
from survey_tools.report.cache import cached_result
from survey_tools.report.comment_tables import gather_comments
from survey_tools.report.run import notebook_survey

BOOK = ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml"


def _tables(calls):
    def compute():
        calls.append(1)
        frame = pd.DataFrame({"theme": ["pay", "consent"], "estimate": [0.25, 0.5]})
        return {"overall": frame}, {"commenters": 412}

    return compute


def test_a_result_is_computed_once_per_input_and_read_back_as_it_was(tmp_path):
    calls = []
    data = pd.DataFrame({"role": ["Writer", "Voice actor"], "weight": [1.5, 2.0]})
    first = cached_result(tmp_path, "wave1.comments", (data, {"min_count": 10}), _tables(calls))
    again = cached_result(tmp_path, "wave1.comments", (data, {"min_count": 10}), _tables(calls))
    assert calls == [1]
    pd.testing.assert_frame_equal(first[0]["overall"], again[0]["overall"], check_exact=True)
    assert again[1] == {"commenters": 412}
    edited = data.assign(weight=[1.5, 2.5])
    cached_result(tmp_path, "wave1.comments", (edited, {"min_count": 10}), _tables(calls))
    cached_result(tmp_path, "wave1.comments", (edited, {"min_count": 5}), _tables(calls))
    assert calls == [1, 1, 1]
    stored = next(tmp_path.glob("*.overall.parquet"))
    stored.write_bytes(stored.read_bytes()[:-20])  # damaged: computed again, never read
    cached_result(tmp_path, "wave1.comments", (edited, {"min_count": 5}), _tables(calls))
    assert len(calls) == 4
    assert json.loads(next(tmp_path.glob("*.meta.json")).read_text())["values"] == {
        "commenters": 412
    }


def test_a_result_without_a_cache_folder_is_always_computed(tmp_path):
    calls = []
    for _ in range(2):
        cached_result(None, "wave1.comments", ("x",), _tables(calls))
    assert calls == [1, 1] and not list(tmp_path.iterdir())


@pytest.fixture(scope="module")
def demo_params_(demo_files):
    return demo_params(demo_files, BOOK)


def test_the_memo_reads_the_comment_tables_notebook_03_computed(demo_params_, tmp_path):
    fresh = gather_comments(notebook_survey({**demo_params_, "cache": False}))
    cached = notebook_survey({**demo_params_, "cache": str(tmp_path)})
    first = gather_comments(cached)
    assert any(tmp_path.glob("*.comments.result.manifest.json"))
    second = gather_comments(notebook_survey({**demo_params_, "cache": str(tmp_path)}))
    for found in (first, second):
        for part in ("overall", "by_group", "quotes", "proposed"):
            pd.testing.assert_frame_equal(getattr(found, part), getattr(fresh, part))
        pd.testing.assert_series_equal(found.commenting, fresh.commenting)
        assert (found.commenters, found.asked, found.by) == (
            fresh.commenters,
            fresh.asked,
            fresh.by,
        )
    stricter = gather_comments(
        notebook_survey({**demo_params_, "cache": str(tmp_path), "min_count": 20})
    )
    strict = gather_comments(notebook_survey({**demo_params_, "cache": False, "min_count": 20}))
    assert not strict.by_group["hidden"].equals(fresh.by_group["hidden"])  # not the same tables
    pd.testing.assert_frame_equal(stricter.by_group, strict.by_group)


def test_the_memos_evidence_is_read_back_equal_and_kept_while_only_its_text_changes(
    demo_params_, tmp_path, monkeypatch
):
    import dataclasses

    from survey_tools.report import evidence

    fresh = evidence.gather(notebook_survey({**demo_params_, "cache": False}))
    run = notebook_survey({**demo_params_, "cache": str(tmp_path)})
    evidence.gather(run)

    def computed_again(run):
        raise AssertionError("computed again")

    monkeypatch.setattr(evidence, "_gather", computed_again)
    edited = dataclasses.replace(run, plan=dataclasses.replace(run.plan, recommendation="Act."))
    found = evidence.gather(edited)  # an edited sentence: read back, not computed
    for part in ("shares", "conditions", "numbers", "link", "drivers", "pay", "values"):
        assert getattr(found, part) == getattr(fresh, part), part
    pd.testing.assert_frame_equal(found.support, fresh.support)
    for key, ranking in fresh.rankings.items():
        pd.testing.assert_frame_equal(found.rankings[key].table, ranking.table)
        assert (found.rankings[key].top, found.rankings[key].tied) == (ranking.top, ranking.tied)
    stricter = dataclasses.replace(run, plan=dataclasses.replace(run.plan, min_count=20))
    with pytest.raises(AssertionError, match="computed again"):
        evidence.gather(stricter)


def test_the_memos_evidence_is_read_back_by_the_next_run_of_the_memo(demo_params_, tmp_path):
    """The key is the same in every process (Python salts its string hashes per process)."""
    import subprocess
    import sys

    script = (
        "import sys; from survey_tools.report import evidence; "
        "from survey_tools.report.run import notebook_survey; "
        f"run = notebook_survey({{**{demo_params_!r}, 'cache': {str(tmp_path)!r}}}); "
        "fail = lambda run: sys.exit('computed again'); "
        "evidence._gather = fail if sys.argv[1] == 'again' else evidence._gather; "
        "evidence.gather(run); import os; os._exit(0)"  # no Arrow teardown at exit (#34314)
    )
    for seed, step in (("1", "first"), ("4", "again")):
        done = subprocess.run(
            [sys.executable, "-c", script, step],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr[-800:]


def test_the_roll_check_is_made_once_for_the_series_and_read_back_equal(
    demo_params_, tmp_path, monkeypatch
):
    from survey_tools.report import nonresponse_check as nr

    run = notebook_survey({**demo_params_, "cache": str(tmp_path)})
    files = {"export": demo_params_["export"], "roll": demo_params_["roll"]}
    fresh = nr.check_nonresponse(run, **files)
    first = nr.check_nonresponse(run, **files, cache=True)

    def linked_again(*args, **kwargs):
        raise AssertionError("checked again")

    monkeypatch.setattr(nr, "link_roll", linked_again)
    again = nr.check_nonresponse(run, **files, cache=True)
    assert again.designs is None and again.link is None  # the tables, not the designs
    for found in (first, again):
        for part in ("table", "tests", "estimates", "partial"):
            pd.testing.assert_frame_equal(getattr(found.report, part), getattr(fresh.report, part))
        pd.testing.assert_frame_equal(found.sensitivity, fresh.sensitivity)
        pd.testing.assert_frame_equal(found.effort, fresh.effort)
        assert repr(found.report) == repr(fresh.report)
        assert found.weights == fresh.weights
        assert (found.classes, found.trimmed, found.interactions, found.model) == (
            fresh.classes,
            fresh.trimmed,
            fresh.interactions,
            fresh.model,
        )
        assert nr.bias_direction(found, "lost_work") == nr.bias_direction(fresh, "lost_work")
        pd.testing.assert_frame_equal(nr.roll_table(found), nr.roll_table(fresh))
    with pytest.raises(AssertionError, match="checked again"):  # other settings: made anew
        nr.check_nonresponse(run, **files, cache=True, trim_upper=4.0)
