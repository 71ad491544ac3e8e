"""Raking and domain estimates with design-based SEs, side by side with svy and R's survey.

    make bench                 (installs svy into .benchvenv, then runs every benchmark)
    .benchvenv/bin/python benchmarks/weighting.py [--rows 1000000] [--indicators 40]

On one synthetic data set (default 1,000,000 respondents), times, best of ``--repeat``:

1. raking to four margins of 12, 5, 6 and 3 levels;
2. ``--indicators`` 0/1 indicators by the 12 roles, each a weighted mean with its Taylor SE
   after raking (survey_tools: one ``mean(col, by="role")`` per indicator; svy: one
   ``estimation.mean`` per indicator; R: one ``svyby(~y0 + ... , ~role, svymean)`` over the
   first ``--r-indicators``, since R takes about a minute per indicator on a million rows).

A peer that is not installed is skipped with a note. Ratios are peer time over ours (above 1:
survey_tools is faster). The estimates of every tool are compared too.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from survey_tools import SurveyDesign

LEVELS = {"role": 12, "b": 5, "c": 6, "d": 3}

R_SCRIPT = r"""
suppressMessages({library(survey); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
df <- read.csv(args[1]); pops <- fromJSON(args[2], simplifyVector = FALSE)
for (v in c("role", "b", "c", "d")) df[[v]] <- factor(df[[v]])
pop <- lapply(names(pops), function(v)
  setNames(data.frame(names(pops[[v]]), unlist(pops[[v]])), c(v, "Freq")))
margins <- lapply(names(pops), function(v) as.formula(paste0("~", v)))
base <- svydesign(id = ~1, weights = ~w0, data = df)
t1 <- system.time(raked <- rake(base, margins, pop, control = list(maxit = 100, epsilon = 1e-10)))
ys <- grep("^y", names(df), value = TRUE)
f <- as.formula(paste("~", paste(ys, collapse = " + ")))
t2 <- system.time(est <- svyby(f, ~role, raked, svymean))
cat(toJSON(list(rake = t1[["elapsed"]], estimates = t2[["elapsed"]],
                y0 = unname(coef(est)[seq_len(nrow(est))]),
                y0_se = unname(as.matrix(SE(est))[, 1])), digits = NA, auto_unbox = TRUE))
"""


def make_data(rows: int, indicators: int, seed: int = 7) -> tuple[pd.DataFrame, dict]:
    """Respondents over-represent some levels; the margins describe the population."""
    rng = np.random.default_rng(seed)
    data, margins = {}, {}
    for name, k in LEVELS.items():
        sample_p = rng.dirichlet(np.full(k, 2.0))
        data[name] = rng.choice(k, rows, p=sample_p).astype(str)
        pop_p = rng.dirichlet(np.full(k, 5.0))
        margins[name] = {str(i): float(p) * rows * 8 for i, p in enumerate(pop_p)}
    role = data["role"].astype(int)
    base = rng.uniform(0.05, 0.4, (LEVELS["role"], indicators))
    for j in range(indicators):
        data[f"y{j}"] = (rng.random(rows) < base[role, j]).astype(float)
    data["w0"] = np.full(rows, 8.0)
    return pd.DataFrame(data), margins


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def ours(data: pd.DataFrame, margins: dict, indicators: int, repeat: int) -> dict:
    design = SurveyDesign(data, weights="w0")
    t_rake, raked = best(lambda: design.rake(margins), repeat)
    each = [best(lambda j=j: raked.mean(f"y{j}", by="role"), repeat) for j in range(indicators)]
    first = each[0][1].sort_values("role", key=lambda s: s.astype(int))
    return {
        "rake": t_rake,
        "estimates": sum(t for t, _ in each),
        "per_indicator": [t for t, _ in each],
        "y0": first["estimate"].to_numpy(),
        "y0_se": first["se"].to_numpy(),
    }


def svy_run(data: pd.DataFrame, margins: dict, indicators: int, repeat: int) -> dict | str:
    try:
        import polars as pl
        import svy
    except ImportError:
        return "not installed (make bench installs it into .benchvenv)"
    sample = svy.Sample(pl.from_pandas(data), svy.Design(wgt="w0"))
    t_rake, raked = best(lambda: sample.weighting.rake(controls=margins, wgt_name="rk"), repeat)
    t_est, est = best(
        lambda: [raked.estimation.mean(f"y{j}", by="role") for j in range(indicators)], repeat
    )
    table = est[0].to_polars().to_pandas() if hasattr(est[0], "to_polars") else None
    out = {"rake": t_rake, "estimates": t_est, "version": svy.__version__}
    if table is not None and {"est", "se"} <= set(table.columns):
        table = table.sort_values("role", key=lambda s: s.astype(int))
        out.update(y0=table["est"].to_numpy(), y0_se=table["se"].to_numpy())
    return out


def r_run(data: pd.DataFrame, margins: dict, indicators: int) -> dict | str:
    if shutil.which("Rscript") is None:
        return "not installed (apt-get install r-cran-survey)"
    keep = [c for c in data.columns if not c.startswith("y")] + [f"y{j}" for j in range(indicators)]
    with tempfile.TemporaryDirectory() as tmp:
        csv, pops, script = Path(tmp) / "d.csv", Path(tmp) / "m.json", Path(tmp) / "b.R"
        data[keep].to_csv(csv, index=False)
        pops.write_text(json.dumps(margins))
        script.write_text(R_SCRIPT)
        done = subprocess.run(
            ["Rscript", str(script), str(csv), str(pops)], capture_output=True, text=True
        )
    if done.returncode != 0:
        return "failed: " + done.stderr.strip().splitlines()[-1]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return {k: np.asarray(v) if isinstance(v, list) else v for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--r-indicators",
        type=int,
        default=4,
        help="indicators R estimates (it needs about a minute per indicator on a million rows); "
        "its ratio is against our time for the same indicators; 0 skips R",
    )
    args = parser.parse_args()
    data, margins = make_data(args.rows, args.indicators)
    print(
        f"{args.rows:,} rows; rake to margins of {', '.join(map(str, LEVELS.values()))} levels; "
        f"{args.indicators} indicators by {LEVELS['role']} roles with SEs"
    )
    results = {"survey_tools": ours(data, margins, args.indicators, args.repeat)}
    results["svy"] = svy_run(data, margins, args.indicators, args.repeat)
    n_r = min(args.r_indicators, args.indicators)
    results["R survey"] = r_run(data, margins, n_r) if n_r else "skipped (--r-indicators 0)"
    mine = results["survey_tools"]
    print(f"{'':14}{'rake (s)':>10}{'ratio':>8}{'estimates (s)':>15}{'ratio':>8}")
    for name, res in results.items():
        if isinstance(res, str):
            print(f"{name:14}{res}")
            continue
        same = mine["estimates"]
        note = ""
        if name == "R survey" and n_r < args.indicators:
            same = sum(mine["per_indicator"][:n_r])
            note = f"   (first {n_r} indicators, against ours for the same {n_r}: {same:.3f} s)"
        print(
            f"{name:14}{res['rake']:10.3f}{res['rake'] / mine['rake']:8.1f}"
            f"{res['estimates']:15.3f}{res['estimates'] / same:8.1f}{note}"
        )
    for name, res in results.items():
        if name != "survey_tools" and isinstance(res, dict) and "y0" in res:
            d_est = np.max(np.abs(res["y0"] - mine["y0"]))
            d_se = np.max(np.abs(res["y0_se"] / mine["y0_se"] - 1))
            print(f"y0 by role vs {name}: estimates differ by <= {d_est:.1e}, SEs by <= {d_se:.1%}")


if __name__ == "__main__":
    main()
