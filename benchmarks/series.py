"""The report series and memo on the demo: before and after the shared cleaning, in one run.

    .venv/bin/python benchmarks/series.py [--repeat 1]

Runs, as ``survey-tools demo`` steps 7 and 8 do (four report notebooks two at a time, each in
its own kernel, the memo rendered alongside as HTML, PDF and DOCX), into a temporary folder:

- ``each cleans``: every notebook cleans the export itself (``cache=False``), as before;
- ``warm``: the cleaning cached by an earlier run (``data/clean/demo/.cache/``), as an analyst
  re-running the series after editing a notebook sees it;
- ``memo --formats html``: the memo alone, HTML only, warm (drafting a sentence);
- ``prepare_survey``: one notebook's opening call, cold and warm, in this process.

Targets (DESIGN.md, issue 23): the series and memo at most 15 s warm; the HTML memo in a few
seconds.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from survey_tools.demo import _series, demo_params
from survey_tools.report.cache import cache_folder
from survey_tools.report.memo import render_memo
from survey_tools.report.run import prepare_survey

ROOT = Path(__file__).resolve().parents[1]
FILES = {
    "spss": ROOT / "data/raw/demo/guild_ai_survey_2026.sav",
    "roll": ROOT / "data/raw/demo/roll.csv",
    "margins": ROOT / "data/raw/demo/roll_margins.csv",
    "dispositions": ROOT / "data/raw/demo/dispositions.csv",
}
CODEBOOK = ROOT / "data/codebooks/guild_ai_survey_2026.yaml"
NOTEBOOKS = ROOT / "notebooks/reports"


def timed(fn, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    params = demo_params(FILES, CODEBOOK)
    opening = {k: params[k] for k in ("plan", "roll", "dispositions")}
    opening["margins"] = params["roll_margins"]
    results: dict[str, list[float]] = {}

    def note(what: str, seconds: float) -> None:
        results.setdefault(what, []).append(seconds)

    def quiet(_: str) -> None:
        pass

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for _ in range(args.repeat):
            shutil.rmtree(cache_folder(FILES["spss"]), ignore_errors=True)
            note(
                "prepare_survey, cold",
                timed(prepare_survey, params["export"], params["codebook"], **opening),
            )
            note(
                "prepare_survey, warm",
                timed(prepare_survey, params["export"], params["codebook"], **opening),
            )
            before = {**params, "cache": False}
            note("series + memo, each cleans", timed(_series, NOTEBOOKS, out, before, quiet))
            note("series + memo, warm", timed(_series, NOTEBOOKS, out, params, quiet))
            note(
                "memo --formats html, warm",
                timed(
                    render_memo,
                    NOTEBOOKS / "05_memo.ipynb",
                    params=params,
                    out_dir=out / "memo",
                    formats=("html",),
                ),
            )
    print("the demo's report series (4 notebooks, 2 at a time) and memo; best of", args.repeat)
    for what, times in results.items():
        print(f"  {what:<30} {min(times):7.2f} s")
    before, after = min(results["series + memo, each cleans"]), min(results["series + memo, warm"])
    print(f"  warm / each cleans             {after / before:7.2f}x   (target: warm <= 15 s)")


if __name__ == "__main__":
    main()
