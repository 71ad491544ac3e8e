"""The main job, end to end, on the bundled synthetic survey (``survey-tools demo``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyreadstat

from ._aapor import response_rates
from ._margins import read_margins, representation
from .synth import DEMO_FILES, DEMO_SEED, generate_demo
from .synth._questionnaire import ROLES

__all__ = ["DemoRun", "run_demo"]


@dataclass(frozen=True)
class DemoRun:
    """What ``run_demo`` did: whether it generated the data, the rates, and the files it wrote."""

    generated: bool
    rates: dict
    outputs: dict[str, Path]


def _respondents(sav: Path) -> pd.DataFrame:
    """Completes and partials of the demo .sav, first submission per member, margins as labels.

    Interim reader for the demo only; ``read_export`` and ``clean`` take over this step.
    """
    data, meta = pyreadstat.read_sav(sav, apply_value_formats=False)
    keep = data["disposition"].round(2).isin([1.1, 1.2]) & ~data.duplicated("member_id")
    data = data.loc[keep].copy()
    labels = meta.variable_value_labels
    data["role_group"] = data["role_primary"].map(lambda c: ROLES[int(c)][1])
    for col in ("region", "age_band", "member_status"):
        data[col] = data[col].map(labels[col])
    return data


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
    respondents = _respondents(files["spss"])
    table = representation(respondents, read_margins(files["margins"]))
    out.mkdir(parents=True, exist_ok=True)
    outputs = {
        "representation": out / "representation.csv",
        "response_rates": out / "response_rates.csv",
    }
    for key, frame in (("representation", table), ("response_rates", pd.DataFrame([rates]))):
        tmp = outputs[key].with_suffix(".tmp")
        frame.to_csv(tmp, index=False, lineterminator="\n")
        tmp.replace(outputs[key])
    return DemoRun(generated, rates, outputs)
