"""Coverage of the weighted theme shares' 95% intervals over synthetic replicates of the demo.

    .venv/bin/python benchmarks/comment_coverage.py [--replicates 200] [--seed 11] [--out x.json]

The demo federation's 20,000 members (roll and true answers as in ``generate_demo``, seed
2026) are fixed. Each replicate draws, for every member:

1. fresh latent comment behaviour from the theme model of ``synth/_comments.py``: whether the
   member would comment, and which themes the comment would raise (rates depend on role group
   and on paid AI-training work);
2. a fresh self-selected sample with the response propensity of ``truth.json`` (role group,
   age band, region, class), 3% bounced invitations, 10% break-offs before the comment;
3. the comments of the respondents, worded by the generator (paraphrases, negations, typos)
   and coded with the standard theme codebook;
4. weights raked to the roll's margins, then :func:`theme_shares` by role group and overall,
   among commenters and among all members.

Coverage is reported for the cells a memo could publish: an expected count of at least 10
(true share times the unweighted base) on a base of at least 30. They are chosen by the true
share, not the observed count: selecting by the observed count, as disclosure control must,
keeps the samples that overshoot a small share and undercovers (about 88% here), and cells
with a handful of commenters and nobody raising a theme give a degenerate interval at 0.

It reports the share of intervals holding the replicate's finite-population share (from the
latent themes of all members), per base and pooled, with a Monte Carlo standard error from the
spread of the replicates' own coverage. Target: about 95% (93-97%). ``--planted-themes``
skips the coder (the planted themes are coded), to tell its errors from the design's.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from survey_tools import SurveyDesign  # noqa: E402
from survey_tools.comments import code_comments, read_themes  # noqa: E402
from survey_tools.comments.shares import theme_shares  # noqa: E402
from survey_tools.synth import DEMO_SEED, ROLL_LABELS  # noqa: E402
from survey_tools.synth import _comments as model  # noqa: E402
from survey_tools.synth import _fieldwork as fw  # noqa: E402
from survey_tools.synth._population import make_roll, true_answers  # noqa: E402
from survey_tools.synth._writers import margins_frame  # noqa: E402


def population():
    """The demo's members (labelled roll columns) and true answers, and the roll's margins."""
    rng = np.random.default_rng(DEMO_SEED)
    roll = make_roll(rng)
    answers = true_answers(roll, rng)
    frame = pd.DataFrame(
        {
            "role_group": roll["role_group"].astype(str),
            "region": roll["region"].map(ROLL_LABELS["region"]),
            "age_band": roll["age_band"].map(ROLL_LABELS["age_band"]),
            "member_status": roll["member_class"].map(ROLL_LABELS["member_class"]),
        }
    )
    margins = margins_frame(roll, ROLL_LABELS)
    totals = {m: dict(zip(g["level"], g["members"])) for m, g in margins.groupby("margin")}
    eta = (
        fw.RESP_BASE
        + roll["role_group"].map(fw.RESP_GROUP)
        + roll["age_band"].map(fw.RESP_AGE)
        + roll["region"].map(fw.RESP_REGION)
        + roll["member_class"].map(fw.RESP_CLASS)
    ).to_numpy()
    return roll, answers, frame, totals, 1 / (1 + np.exp(-eta))


def truth(frame: pd.DataFrame, latent: pd.DataFrame) -> pd.DataFrame:
    """Finite-population shares by base, theme and group (``"all"`` for everyone)."""
    rows = []
    wrote = latent["would_comment"]
    for theme in model.THEMES:
        raised = latent[theme] & wrote
        for base, among in (("commenters", wrote), ("members", pd.Series(True, wrote.index))):
            by = raised[among].groupby(frame.loc[among, "role_group"]).mean()
            rows += [(base, theme, g, v) for g, v in by.items()]
            rows.append((base, theme, "all", raised[among].mean()))
    return pd.DataFrame(rows, columns=["base", "theme", "group", "truth"])


def replicate(pop, themes, rng: np.random.Generator, *, coder: bool = True) -> pd.DataFrame:
    """One replicate: each interval with the truth it should hold. ``coder=False`` takes the
    planted themes instead of the codebook's (to tell the coder's errors from the design's)."""
    roll, answers, frame, totals, propensity = pop
    latent = model.latent_comments(roll, answers, rng)
    n = len(roll)
    responded = (rng.random(n) >= fw.BOUNCE_RATE) & (rng.random(n) < propensity)
    reached = responded & (rng.random(n) < 0.9)
    wrote = reached & latent["would_comment"].to_numpy()
    texts = pd.Series(pd.NA, index=roll.index, dtype="object")
    for i in np.flatnonzero(wrote):
        raised = [t for t in model.THEMES if latent.at[i, t]]
        texts.iat[i] = model.write_comment(rng, raised)[0]
    data = frame[responded].assign(comment=texts[responded], reached=reached[responded])
    data = data.reset_index(drop=True)
    design = SurveyDesign(data).rake(totals)
    if coder:
        coded = code_comments(data["comment"], themes)
    else:
        planted = latent.loc[responded, list(model.THEMES)].reset_index(drop=True)
        coded = planted & data["comment"].notna().to_numpy()[:, None]
    out = []
    for base in ("commenters", "members"):
        for by in ("role_group", None):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                table = theme_shares(
                    design, coded, commented=data["comment"], asked=data["reached"], by=by,
                    base=base, min_count=1, min_base=1,
                )  # fmt: skip
            table = table.rename(columns={"role_group": "group"})
            if by is None:
                table["group"] = "all"
            out.append(table[["base", "theme", "group", "estimate", "ci_low", "ci_high", "n"]])
    table = pd.concat(out, ignore_index=True).merge(truth(frame, latent))
    table["covered"] = (table["ci_low"] <= table["truth"]) & (table["truth"] <= table["ci_high"])
    # Cells a memo could publish, chosen by their expected count rather than the observed one
    # (choosing by the observed count, as suppression does, favours samples that overshoot).
    table["publishable"] = (table["truth"] * table["n"] >= 10) & (table["n"] >= 30)
    return table[table["estimate"].notna()]


def simulate(replicates: int, seed: int, *, coder: bool = True) -> pd.DataFrame:
    pop, themes = population(), read_themes()
    rngs = np.random.default_rng(seed).spawn(replicates)
    return pd.concat(
        [replicate(pop, themes, r, coder=coder).assign(replicate=k) for k, r in enumerate(rngs)],
        ignore_index=True,
    )


def summary(table: pd.DataFrame) -> dict:
    def cover(part: pd.DataFrame) -> dict:
        per = part.groupby("replicate")["covered"].mean()
        mc = float(per.std(ddof=1) / np.sqrt(len(per))) if len(per) > 1 else float("nan")
        return {"coverage": float(part["covered"].mean()), "mc_se": mc, "intervals": len(part)}

    shown = table[table["publishable"]]
    return {
        "publishable": cover(shown),
        **{f"publishable, base={b}": cover(p) for b, p in shown.groupby("base")},
        "publishable, overall rows": cover(shown[shown["group"] == "all"]),
        "publishable, by role group": cover(shown[shown["group"] != "all"]),
        "every interval": cover(table),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--planted-themes", action="store_true", help="skip the coder: use the planted themes"
    )
    args = parser.parse_args()
    start = time.perf_counter()
    result = summary(simulate(args.replicates, args.seed, coder=not args.planted_themes))
    result["replicates"] = args.replicates
    result["seconds"] = round(time.perf_counter() - start, 1)
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
