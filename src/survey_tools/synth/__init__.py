"""Synthetic member surveys with known truth: the bundled demo data of survey_tools.

Real member data can never ship, so the demo, the report notebooks and many tests run on a
synthetic survey of a fictional entertainment-union federation (about 20,000 members). Every
member has true answers drawn from explicit models; the whole roll is invited; nonresponse
depends on role group, age band, region and class, so unweighted estimates are biased and
raking to the roll margins corrects them, and on a role-group-by-age-band cross-class that
also drives losing work to AI, which raking alone leaves biased and a response-propensity
adjustment on the roll removes (``truth.json["nonresponse"]``). Respondents answer after the
invitation or one of two reminders, the more eager earlier. The exports carry the dirt of
real ones: duplicates, speeders, straightliners, failed attention checks, impossible values,
pay typed as text, "Other (please specify)" answers and personal data in open comments.

Examples
--------
>>> import tempfile
>>> from survey_tools.synth import generate_demo
>>> files = generate_demo(tempfile.mkdtemp())
>>> files["spss"].name, files["truth"].name
('guild_ai_survey_2026.sav', 'truth.json')
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from ..errors import DemoDataError
from . import _truth
from ._comments import comment_truth, latent_comments
from ._fieldwork import run_fieldwork
from ._population import MEMBER_CLASSES, make_roll, population_frame, true_answers
from ._questionnaire import AGE_BANDS, GENDERS, REGIONS, ROLE_GROUPS, ROLES
from ._waves import WAVE2_FILES, export_rows, second_wave, wave_truth, write_wave2_sav
from ._writers import (
    margins_frame,
    write_qualtrics_csv,
    write_roll,
    write_sav,
    write_surveymonkey_csv,
)

__all__ = ["DEMO_FILES", "DEMO_SEED", "WAVE_FILES", "generate_demo"]

DEMO_SEED = 2026
DEMO_FILES = {
    "spss": "guild_ai_survey_2026.sav",
    "qualtrics": "guild_ai_survey_2026_qualtrics.csv",
    "surveymonkey": "guild_ai_survey_2026_surveymonkey.csv",
    "roll": "roll.csv",
    "margins": "roll_margins.csv",
    "dispositions": "dispositions.csv",
    "truth": "truth.json",
}
WAVE_FILES = {f"{kind}_2027": name for kind, name in WAVE2_FILES.items()}
"""The second wave, a year later (``synth._waves``): its export, roll, margins, dispositions."""
ROLL_LABELS = {
    "role": {code: label for code, (label, _) in ROLES.items()},
    "role_group": {group: group for group in ROLE_GROUPS},
    "member_class": MEMBER_CLASSES,
    "region": REGIONS,
    "age_band": AGE_BANDS,
    "gender": GENDERS,
}


def generate_demo(out_dir: str | os.PathLike, *, seed: int = DEMO_SEED) -> dict[str, Path]:
    """Write the synthetic guild member survey and its truth to ``out_dir``.

    The same ``seed`` gives byte-identical files. Files are first written to a temporary folder
    beside ``out_dir`` and moved in only when all of them are complete, so a failure never leaves
    a half-written demo set.

    Parameters
    ----------
    out_dir
        Folder to write to (created if needed); existing demo files in it are replaced.
    seed
        Seed of the random generator; the bundled demo uses ``DEMO_SEED``.

    Returns
    -------
    dict
        ``{kind: path}`` for each file in ``DEMO_FILES``: the SPSS ``.sav``, the Qualtrics-style
        and SurveyMonkey-style CSVs, the roll, its published margins, the AAPOR dispositions of
        the invitations, and ``truth.json``; then the second wave's files (``WAVE_FILES``,
        kinds ending ``_2027``: a year later, with roll churn and returning respondents).
    """
    out = Path(out_dir)
    rng = np.random.default_rng(seed)
    roll = make_roll(rng)
    answers = true_answers(roll, rng)
    comment_rng = rng.spawn(1)[0]  # its own stream: the comments leave every other draw as is
    latent = latent_comments(roll, answers, comment_rng)
    field = run_fieldwork(roll, answers, rng, latent, comment_rng)
    margins = margins_frame(roll, ROLL_LABELS)
    truth = {
        "seed": seed,
        "population_size": len(roll),
        "note": "Finite-population values over every member on the roll, from true answers.",
        "margins": _truth.margins_truth(margins),
        "population": _truth.population_truth(population_frame(roll, answers)),
        "models": _truth.model_truth(),
        "fieldwork": _truth.fieldwork_truth(field.dispositions, len(field.responses)),
        "planted": field.planted,
        "nonresponse": _truth.nonresponse_truth(roll, answers, field.waves),
        "comments": comment_truth(roll, latent, field.comment_labels),
    }
    # The second wave draws from its own generator, so the first wave's files stay as they were.
    rng2 = np.random.default_rng([seed, 2027])
    wave2 = second_wave(roll, answers, field, rng2)
    rows2 = export_rows(wave2.field.responses, rng2)
    margins2 = margins_frame(wave2.roll, ROLL_LABELS)
    truth["waves"] = wave_truth(roll, answers, wave2, set(field.responses["member_id"].dropna()))
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=out, prefix=".demo-") as tmp:
            staged = {kind: Path(tmp) / name for kind, name in DEMO_FILES.items()}
            write_sav(field.responses, staged["spss"])
            write_qualtrics_csv(field.responses, staged["qualtrics"])
            write_surveymonkey_csv(field.responses, staged["surveymonkey"])
            write_roll(roll, staged["roll"], ROLL_LABELS)
            margins.to_csv(staged["margins"], index=False, lineterminator="\n")
            field.dispositions.to_csv(staged["dispositions"], index=False, lineterminator="\n")
            names = dict(DEMO_FILES) | WAVE_FILES
            staged |= {kind: Path(tmp) / name for kind, name in WAVE_FILES.items()}
            write_wave2_sav(rows2, staged["spss_2027"], write_sav)
            write_roll(wave2.roll, staged["roll_2027"], ROLL_LABELS)
            margins2.to_csv(staged["margins_2027"], index=False, lineterminator="\n")
            wave2.field.dispositions.to_csv(
                staged["dispositions_2027"], index=False, lineterminator="\n"
            )
            staged["truth"].write_text(
                json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            for kind, path in staged.items():
                shutil.move(path, out / names[kind])
    except OSError as exc:
        raise DemoDataError(
            f"Cannot write the demo survey to {out}: {exc.strerror or exc}.",
            hint="choose a folder you can write to, e.g. data/raw/demo",
        ) from exc
    return {kind: out / name for kind, name in (DEMO_FILES | WAVE_FILES).items()}
