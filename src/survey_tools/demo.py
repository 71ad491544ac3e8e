"""The main job, end to end, on the bundled synthetic survey (``survey-tools demo``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .cleaning import CleanSurvey, Codebook, clean
from .cleaning.aapor import response_rates
from .design import read_margins, representation
from .files import staged_folder, write_csv, write_xlsx
from .ingest import read_export
from .report.findings import (
    weighted_and_unweighted,
    withheld_representation,
    withheld_shares,
)
from .synth import DEMO_FILES, DEMO_SEED, WAVE_FILES, generate_demo

__all__ = ["DEMO_SALT", "REPORT_NOTEBOOKS", "DemoRun", "demo_params", "run_demo", "since_params"]

DEMO_SALT = "survey-tools-synthetic-demo-salt-never-for-member-data"
"""The salt that links the synthetic demo's two waves when ``SURVEY_TOOLS_SALT`` is unset.
It is in the repository, so it protects nothing: never use it for real members."""
WAVE_CODEBOOK = "data/codebooks/guild_ai_survey_2027.yaml"
CROSSWALK = "data/codebooks/guild_ai_survey_2026_2027.crosswalk.yaml"

REPORT_NOTEBOOKS = (
    "01_cleaning",
    "02_weighting",
    "03_prevalence",
    "04_ai_exposure",
    "05_memo",
)
"""The report series in ``notebooks/reports/``; the last one is the memo."""


@dataclass(frozen=True)
class DemoRun:
    """What ``run_demo`` did: whether it generated the data, its results, and the files written."""

    generated: bool
    rates: dict
    cleaned: CleanSurvey
    same_as_qualtrics: bool
    weighting: object
    estimates: pd.DataFrame
    outputs: dict[str, Path]
    memo: object = None


def run_demo(
    data_dir: str | os.PathLike = "data/raw/demo",
    reports_dir: str | os.PathLike = "reports",
    *,
    codebook: str | os.PathLike = "data/codebooks/guild_ai_survey_2026.yaml",
    clean_dir: str | os.PathLike = "data/clean/demo",
    seed: int = DEMO_SEED,
    regenerate: bool = False,
    notebooks: str | os.PathLike | None = "notebooks/reports",
    progress: Callable[[str], None] | None = None,
) -> DemoRun:
    """Generate the demo survey if absent, then run every built stage and write the outputs.

    The demo is cleaned with the committed codebook ``codebook``; the cleaned survey goes to
    ``clean_dir`` and the report tables to ``reports_dir/demo``. With ``notebooks`` (the report
    series' folder), the series runs on the demo files (executed copies in
    ``reports_dir/demo/notebooks/``) and the memo is rendered to ``reports_dir/demo``
    (``memo.html``, ``memo.pdf``, ``memo-letter.pdf``, ``memo.docx``, ``figures/``).
    ``progress`` is called once per step, in order, with a line saying what the step did, as
    it completes (1. demo data ... 8. memo; 9. the 2027 memo in ``reports_dir/demo/2027``,
    whose "Since last year" compares the demo's second wave with the first). Every report
    table written goes through disclosure control (:func:`survey_tools.suppress`): withheld
    cells are blank and a ``withheld`` column gives the reason.
    """
    say = progress or (lambda _line: None)
    data_dir, out = Path(data_dir), Path(reports_dir) / "demo"
    files = {kind: data_dir / name for kind, name in (DEMO_FILES | WAVE_FILES).items()}
    generated = regenerate or not all(p.exists() for p in files.values())
    if generated:
        files = generate_demo(data_dir, seed=seed)
    say(f"1. demo data: {f'generated (seed {seed})' if generated else 'found'} in {data_dir}")
    book = Codebook.from_yaml(codebook)
    rates = response_rates(pd.read_csv(files["dispositions"]))
    say(
        f"2. fieldwork: {rates['invited']:,} invited, {rates['completes']:,} complete, "
        f"{rates['partials']:,} partial; RR1 {rates['rr1']:.1%}, RR2 {rates['rr2']:.1%}"
    )
    cleaned = clean(read_export(files["spss"]), book, roll=files["roll"], invited=rates["invited"])
    from_qualtrics = clean(read_export(files["qualtrics"]), book, roll=files["roll"])
    same = cleaned.data.equals(from_qualtrics.data)
    written = cleaned.write(clean_dir)
    say(_cleaning_line(cleaned.summary, same))
    respondents = cleaned.data
    margins = read_margins(files["margins"])
    estimates, raked = weighted_and_unweighted(
        respondents, margins, "ai_lost_work", "Yes", by="role_group"
    )
    represented = representation(
        respondents.assign(weight=raked.weights), margins, weights="weight"
    )
    say(f"4. representation: respondents against the roll on {', '.join(margins)}")
    w = raked.diagnostics
    say(
        f"5. weighting: raked to the roll in {w.iterations} passes; effective sample "
        f"{w.effective_n:,.0f} of {w.n:,} (design effect {w.deff_weighting:.2f})"
    )
    total = estimates.iloc[0]
    say(
        f"6. estimates: knowingly lost work to AI: {total['unweighted']:.1%} unweighted, "
        f"{total['estimate']:.1%} weighted (95% CI {total['ci_low']:.1%} to "
        f"{total['ci_high']:.1%}, n = {total['n']:,})"
    )
    frames = {
        "response_rates": pd.DataFrame([rates]),
        "cleaning_summary": cleaned.to_frame(),
        "representation": withheld_representation(represented),
        "weighting": raked.diagnostics.to_frame(),
        "ai_lost_work": withheld_shares(estimates, raked, "ai_lost_work", "Yes", by="role_group"),
    }
    with staged_folder(out, name="tables") as staging:  # the demo's tables as one set
        for key, frame in frames.items():
            write_csv(frame, staging / f"{key}.csv")
        write_xlsx(frames, staging / "tables.xlsx")
    outputs = {key: out / f"{key}.csv" for key in frames} | {"tables_xlsx": out / "tables.xlsx"}
    outputs["clean_data"] = written["data"]
    memo = None
    if notebooks is not None:
        memo = _series(Path(notebooks), out, demo_params(files, codebook), say)
        outputs.update({k: v for k, v in memo.paths.items() if k != "figures"})
        since = _since_memo(Path(notebooks), out / "2027", files, codebook)
        say(f"9. the next wave: {since['html']}, with 'Since last year' against 2026")
        outputs.update({f"{k}_2027": v for k, v in since.items() if k != "figures"})
    return DemoRun(generated, rates, cleaned, same, raked.diagnostics, estimates, outputs, memo)


def _cleaning_line(s: dict, same_as_qualtrics: bool) -> str:
    return (
        f"3. cleaning: {s['received']:,} responses, {s['kept']:,} kept "
        f"({s['completes']:,} complete, {s['partials']:,} partial); excluded "
        + ", ".join(f"{n:,} {k}" for k, n in s["excluded"].items())
        + "; flagged "
        + ", ".join(f"{n:,} {k}" for k, n in s["flagged"].items() if k != "partial")
        + (
            "; the Qualtrics CSV cleans to the same data"
            if same_as_qualtrics
            else "; WARNING: the Qualtrics CSV cleans to different data"
        )
    )


def since_params(files: dict, codebook: str | os.PathLike) -> dict:
    """The memo's parameters for the demo's 2027 wave with 2026 as the previous wave."""
    folder = Path(codebook).parent
    book = folder / Path(WAVE_CODEBOOK).name
    plan = book.with_suffix(".plan.yaml")
    return {
        "plan": str(plan.resolve()),
        "export": str(Path(files["spss_2027"]).resolve()),
        "codebook": str(book.resolve()),
        "roll": str(Path(files["roll_2027"]).resolve()),
        "roll_margins": str(Path(files["margins_2027"]).resolve()),
        "dispositions": str(Path(files["dispositions_2027"]).resolve()),
        "previous": str(Path(files["spss"]).resolve()),
        "previous_codebook": str(Path(codebook).resolve()),
        "previous_roll": str(Path(files["roll"]).resolve()),
        "previous_margins": str(Path(files["margins"]).resolve()),
        "crosswalk": str((folder / Path(CROSSWALK).name).resolve()),
    }


def _since_memo(folder: Path, out: Path, files: dict, codebook) -> dict:
    """The 2027 memo with "Since last year" (the 2026 memo stays the demo's main memo).

    Both waves are hashed with ``SURVEY_TOOLS_SALT``, or the demo's own salt when it is unset
    (set for the memo's kernel only, then restored).
    """
    from .report.memo import render_memo

    before = os.environ.get("SURVEY_TOOLS_SALT")
    os.environ["SURVEY_TOOLS_SALT"] = before or DEMO_SALT
    try:
        return render_memo(
            folder / f"{REPORT_NOTEBOOKS[-1]}.ipynb",
            params=since_params(files, codebook),
            out_dir=out,
        ).paths
    finally:
        if before is None:
            del os.environ["SURVEY_TOOLS_SALT"]


def demo_params(files: dict, codebook: str | os.PathLike) -> dict:
    """The report notebooks' papermill parameters for the demo files (absolute paths)."""
    plan = Path(codebook).with_suffix(".plan.yaml")
    return {
        "plan": str(plan.resolve()) if plan.exists() else None,
        "export": str(Path(files["spss"]).resolve()),
        "codebook": str(Path(codebook).resolve()),
        "roll": str(Path(files["roll"]).resolve()),
        "roll_margins": str(Path(files["margins"]).resolve()),
        "dispositions": str(Path(files["dispositions"]).resolve()),
    }


def _series(folder: Path, out: Path, params: dict, say: Callable[[str], None]):
    """Run the report notebooks on the demo and render the memo (the last one).

    The notebooks are independent (each starts from the export), so two kernels run side by
    side: the memo is rendered in one, and the other notebooks run one after another in the
    second, which is reset between them (:func:`~survey_tools.report.kernel.execute_notebooks`:
    the same outputs as fresh kernels, with one kernel start and one set of imports).
    """
    from concurrent.futures import ThreadPoolExecutor

    import nbformat

    from .report.kernel import execute_notebooks
    from .report.memo import render_memo

    ran = out / "notebooks"
    series = REPORT_NOTEBOOKS[:-1]
    with ThreadPoolExecutor(max_workers=2) as pool:
        memo = pool.submit(
            render_memo, folder / f"{REPORT_NOTEBOOKS[-1]}.ipynb", params=params, out_dir=out
        )
        notebooks = [folder / f"{name}.ipynb" for name in series]
        job = pool.submit(execute_notebooks, notebooks, params=params)
        executed = dict(zip(series, job.result()))
        files = memo.result()  # the memo set is swapped in before the notebooks are written
    with staged_folder(ran, name="notebooks") as staging:
        for name, nb in executed.items():
            nbformat.write(nb, staging / f"{name}.ipynb")
    say(f"7. notebooks: {', '.join(series)} ran on the demo ({ran}/)")
    say(
        f"8. memo: {files['html']} (also .pdf, -letter.pdf, .docx; figures in "
        f"{files['html'].parent / 'figures'})"
    )
    return files
