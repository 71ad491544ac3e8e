"""The main job, end to end, on the bundled synthetic survey (``survey-tools demo``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .cleaning.aapor import response_rates
from .cleaning.clean import CleanSurvey, clean
from .cleaning.codebook import Codebook
from .design.margins import read_margins, representation
from .design.survey_design import SurveyDesign
from .ingest.read import read_export
from .synth import DEMO_FILES, DEMO_SEED, generate_demo

__all__ = ["DemoRun", "run_demo"]


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


def _estimates(respondents: pd.DataFrame, margins: dict) -> tuple[pd.DataFrame, SurveyDesign]:
    """Share who knowingly lost work to AI, unweighted and raked to the roll, by role group."""
    unweighted = SurveyDesign(respondents)
    raked = unweighted.rake(margins)
    parts = []
    for by in (None, "role_group"):
        raw = unweighted.proportion("ai_lost_work", by=by)
        est = raked.proportion("ai_lost_work", by=by)
        est.insert(0, "unweighted", raw["estimate"])
        est = est[est["level"] == "Yes"].drop(columns="level")
        parts.append(
            est.assign(role_group=est["role_group"].astype(str))
            if by
            else est.assign(role_group="All members")
        )
    table = pd.concat(parts, ignore_index=True)
    return table[["role_group", "unweighted", "estimate", "se", "ci_low", "ci_high", "n"]], raked


def run_demo(
    data_dir: str | os.PathLike = "data/raw/demo",
    reports_dir: str | os.PathLike = "reports",
    *,
    codebook: str | os.PathLike = "data/codebooks/guild_ai_survey_2026.yaml",
    clean_dir: str | os.PathLike = "data/clean/demo",
    seed: int = DEMO_SEED,
    regenerate: bool = False,
) -> DemoRun:
    """Generate the demo survey if absent, then run every built stage and write the outputs.

    The demo is cleaned with the committed codebook ``codebook``; the cleaned survey goes to ``clean_dir`` and the report tables to ``reports_dir/demo``.
    """
    data_dir, out = Path(data_dir), Path(reports_dir) / "demo"
    files = {kind: data_dir / name for kind, name in DEMO_FILES.items()}
    generated = regenerate or not all(p.exists() for p in files.values())
    if generated:
        files = generate_demo(data_dir, seed=seed)
    book = Codebook.from_yaml(codebook)
    rates = response_rates(pd.read_csv(files["dispositions"]))
    cleaned = clean(read_export(files["spss"]), book, roll=files["roll"], invited=rates["invited"])
    from_qualtrics = clean(read_export(files["qualtrics"]), book, roll=files["roll"])
    same = cleaned.data.equals(from_qualtrics.data)
    written = cleaned.write(clean_dir)
    respondents = cleaned.data
    margins = read_margins(files["margins"])
    estimates, raked = _estimates(respondents, margins)
    frames = {
        "response_rates": pd.DataFrame([rates]),
        "cleaning_summary": cleaned.to_frame(),
        "representation": representation(
            respondents.assign(weight=raked.weights), margins, weights="weight"
        ),
        "weighting": raked.diagnostics.to_frame(),
        "ai_lost_work": estimates,
    }
    out.mkdir(parents=True, exist_ok=True)
    outputs = {key: out / f"{key}.csv" for key in frames}
    for key, frame in frames.items():
        tmp = outputs[key].with_suffix(".tmp")
        frame.to_csv(tmp, index=False, lineterminator="\n")
        tmp.replace(outputs[key])
    outputs["clean_data"] = written["data"]
    return DemoRun(generated, rates, cleaned, same, raked.diagnostics, estimates, outputs)
