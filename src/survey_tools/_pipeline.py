"""The main job, end to end, on the bundled synthetic survey (``survey-tools demo``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyreadstat

from ._aapor import response_rates
from ._design import SurveyDesign
from ._margins import read_margins, representation
from .synth import DEMO_FILES, DEMO_SEED, generate_demo

__all__ = ["DemoRun", "run_demo"]


@dataclass(frozen=True)
class DemoRun:
    """What ``run_demo`` did: whether it generated the data, its results, and the files written."""

    generated: bool
    rates: dict
    weighting: object
    estimates: pd.DataFrame
    outputs: dict[str, Path]


def _respondents(sav: Path, roll: Path) -> pd.DataFrame:
    """Completes and partials of the demo .sav, first submission per member.

    The weighting variables (role group, region, age band, class) come from the roll, linked
    by member ID, so partial completes that never reached the demographics still get weighted.
    Interim reader for the demo only; ``read_export`` and ``clean`` take over this step.
    """
    data, meta = pyreadstat.read_sav(sav, user_missing=True)
    keep = data["disposition"].round(2).isin([1.1, 1.2]) & ~data.duplicated("member_id")
    data = data.loc[keep].copy()
    labels = meta.variable_value_labels["ai_lost_work"]
    data["ai_lost_work"] = pd.Categorical(
        data["ai_lost_work"].map(labels), categories=[v for k, v in labels.items() if k >= 0]
    )
    members = pd.read_csv(roll).set_index("member_id")
    for col, source in (
        ("role_group", "role_group"),
        ("region", "region"),
        ("age_band", "age_band"),
        ("member_status", "member_class"),
    ):
        data[col] = data["member_id"].map(members[source]).to_numpy()
    return data


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
    seed: int = DEMO_SEED,
    regenerate: bool = False,
) -> DemoRun:
    """Generate the demo survey if absent, then run every built stage and write ``reports/``."""
    data_dir, out = Path(data_dir), Path(reports_dir) / "demo"
    files = {kind: data_dir / name for kind, name in DEMO_FILES.items()}
    generated = regenerate or not all(p.exists() for p in files.values())
    if generated:
        files = generate_demo(data_dir, seed=seed)
    rates = response_rates(pd.read_csv(files["dispositions"]))
    respondents = _respondents(files["spss"], files["roll"])
    margins = read_margins(files["margins"])
    estimates, raked = _estimates(respondents, margins)
    frames = {
        "response_rates": pd.DataFrame([rates]),
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
    return DemoRun(generated, rates, raked.diagnostics, estimates, outputs)
