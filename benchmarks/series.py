"""The report series and memo on the demo: before and after the shared cleaning, in one run.

    .venv/bin/python benchmarks/series.py [--repeat 1]

Runs, as ``survey-tools demo`` steps 7 and 8 do (the memo rendered as HTML, PDF and DOCX in one
kernel; beside it the four report notebooks one after another in a second kernel, reset between
them), into a temporary folder:

- ``each cleans``: every notebook cleans the export itself and nothing is cached
  (``cache=False``), as before issue 23;
- ``first, cleaning cached``: the cleaning cached (``data/clean/demo/.cache/``), the comment
  tables not yet;
- ``warm``: everything an earlier run cached (the cleaning, the comment tables), as an analyst
  re-running the series after editing a notebook sees it;
- ``survey-tools memo --formats html``: the command an analyst drafting a sentence runs, in a
  process of its own (its imports included), warm;
- ``prepare_survey``: one notebook's opening call, cold and warm, in this process.

Each step is timed on the wall clock and in CPU time (user + system of this process and of
the kernels it started), and the load average is printed before and after: on a shared
machine the wall time moves with the other work, the CPU time much less.

Targets (DESIGN.md, issue 23): the series and memo at most 15 s warm; the HTML memo in a few
seconds.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from survey_tools.demo import _series, demo_params
from survey_tools.report.cache import cache_folder
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


def cpu_seconds() -> float:
    """User + system time of this process and of its finished children (the kernels)."""
    own, kids = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn, *args, **kwargs) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one call."""
    start, cpu = time.perf_counter(), cpu_seconds()
    fn(*args, **kwargs)
    return time.perf_counter() - start, cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    params = demo_params(FILES, CODEBOOK)
    opening = {k: params[k] for k in ("plan", "roll", "dispositions")}
    opening["margins"] = params["roll_margins"]
    results: dict[str, list[tuple[float, float]]] = {}

    def note(what: str, seconds: tuple[float, float]) -> None:
        results.setdefault(what, []).append(seconds)

    def quiet(_: str) -> None:
        pass

    draft = [str(Path(sys.executable).parent / "survey-tools"), "memo", params["export"]]
    for option, key in (("--codebook", "codebook"), ("--plan", "plan"), ("--roll", "roll")):
        draft += [option, params[key]]
    draft += ["--margins", params["roll_margins"], "--dispositions", params["dispositions"]]
    draft += ["--formats", "html", "--out", ""]  # the folder is set below
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        draft[-1] = str(out / "draft")
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
            note(
                "series + memo, first cached",
                timed(_series, NOTEBOOKS, out, params, quiet),
            )
            note("series + memo, warm", timed(_series, NOTEBOOKS, out, params, quiet))
            note(
                "survey-tools memo --formats html",
                timed(subprocess.run, draft, check=True, capture_output=True),
            )
    after = os.getloadavg()
    print(
        "the demo's report series (4 notebooks in one kernel beside the memo's) and memo; "
        f"best of {args.repeat}"
    )
    cores = os.cpu_count()
    print(f"  load average (1, 5, 15 min): before {fmt(load)}, after {fmt(after)}; {cores} cores")
    print(f"  {'':<30} {'wall':>7}   {'CPU':>7}")
    for what, times in results.items():
        wall, cpu = min(times)
        print(f"  {what:<30} {wall:7.2f} s {cpu:7.2f} s")
    before, warm = min(results["series + memo, each cleans"]), min(results["series + memo, warm"])
    print(f"  warm / each cleans             {warm[0] / before[0]:7.2f}x   (target: warm <= 15 s)")


def fmt(load: tuple) -> str:
    return " ".join(f"{x:.2f}" for x in load)


if __name__ == "__main__":
    main()
