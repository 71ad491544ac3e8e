"""Synthetic surveys for the comment tests: the committed demo and fresh seeds, redacted."""

import json
from functools import cache

import pandas as pd

from conftest import DEMO

TUNING_SEED = 1
"""The theme codebook was tuned on this seed's comments only; tests measure on other seeds."""


@cache
def survey(seed: int | None = None):
    """``(redacted comments by resp_id, export rows by resp_id, truth)`` of a demo survey:
    the committed one (None) or one generated with ``seed``."""
    import tempfile

    from survey_tools import read_export, redact
    from survey_tools.synth import DEMO_FILES, generate_demo

    if seed is None:
        files = {kind: DEMO / name for kind, name in DEMO_FILES.items()}
    else:
        files = generate_demo(tempfile.mkdtemp(prefix=f"demo-{seed}-"), seed=seed)
    rows = read_export(files["spss"]).data.set_index("resp_id")
    roll = pd.read_csv(files["roll"])
    texts = redact(rows["open_comment"].replace("", pd.NA), roll=roll)
    return texts, rows, json.loads(files["truth"].read_text(encoding="utf-8"))
