"""Raking and domain estimates with design-based SEs, side by side with svy and R's survey.

    make bench                 (installs svy into .benchvenv, then runs every benchmark)
    .benchvenv/bin/python benchmarks/weighting.py [--rows 1000000] [--indicators 40]

On one synthetic data set (default 1,000,000 respondents), times, best of ``--repeat``:

1. raking to four margins of 12, 5, 6 and 3 levels;
2. ``--indicators`` 0/1 indicators by the 12 roles, each a weighted mean with its Taylor SE
   after raking (survey_tools: one ``mean(col, by="role")`` per indicator; svy: one
   ``estimation.mean`` per indicator; R: one ``svyby(~y0 + ... , ~role, svymean)`` over the
   first ``--r-indicators``, since R takes about a minute per indicator on a million rows).

3. ``--replicates`` (default 80) successive-difference replicate weights, as an ACS extract
   carries them: building the replicate design, then ``--indicators`` means by role with their
   replicate SEs (survey_tools: ``SurveyDesign(data, weights=, repweights=, type="sdr")`` and
   ``mean(col, by="role")``; svy: ``Design(wgt=, rep_wgts=SdrWgts(...))`` and
   ``estimation.mean(col, by="role", method="replication")``).

A peer that is not installed is skipped with a note. Ratios are peer time over ours (above 1:
survey_tools is faster). The estimates of every tool are compared too.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
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
    """As an analyst calls it: the constructor and the raking, then one mean() per indicator."""
    t_rake, raked = best(lambda: SurveyDesign(data, weights="w0").rake(margins, tol=1e-8), repeat)
    t_est, each = best(lambda: [raked.mean(f"y{j}", by="role") for j in range(indicators)], repeat)
    first = each[0].sort_values("role", key=lambda s: s.astype(int))
    per = [best(lambda j=j: raked.mean(f"y{j}", by="role"), 1)[0] for j in range(4)]
    return {
        "rake": t_rake,
        "estimates": t_est,
        "per_indicator": per,
        "y0": first["estimate"].to_numpy(),
        "y0_se": first["se"].to_numpy(),
    }


def peak_memory(rows: int, indicators: int) -> float:
    """Peak resident memory (GB) of a fresh process that makes the data, rakes, estimates."""
    code = (
        "import resource, sys; sys.path.insert(0, 'benchmarks');"
        "from weighting import make_data, LEVELS; from survey_tools import SurveyDesign;"
        f"data, m = make_data({rows}, {indicators});"
        "d = SurveyDesign(data, weights='w0').rake(m, tol=1e-8);"
        f"[d.mean(f'y{{j}}', by='role') for j in range({indicators})];"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(done.stdout.strip()) / 1024**2


def scaling(sizes: list[int], indicators: int, with_svy: bool) -> pd.DataFrame:
    """Time to rake and estimate ``indicators`` means by role, by number of rows."""
    rows = []
    for n in sizes:
        data, margins = make_data(n, indicators)
        mine = ours(data, margins, indicators, 1)
        row = {"rows": n, "survey_tools": mine["rake"] + mine["estimates"]}
        if with_svy:
            peer = svy_run(data, margins, indicators, 1)
            if isinstance(peer, dict):
                row["svy"] = peer["rake"] + peer["estimates"]
        rows.append(row)
    return pd.DataFrame(rows)


def plot_scaling(table: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for name in table.columns.drop("rows"):
        ax.plot(table["rows"], table[name], marker="o", label=name)
    ax.set(xscale="log", yscale="log", xlabel="rows", ylabel="seconds (rake + 10 means by role)")
    ax.legend(frameon=False)
    fig.savefig(path, dpi=120, bbox_inches="tight", metadata={"Software": None})


def add_replicates(data: pd.DataFrame, replicates: int, seed: int = 11) -> pd.DataFrame:
    """SDR-style replicate weights r1..rR: the base weight times 1 +/- 2^-1.5 +/- 2^-1.5."""
    rng = np.random.default_rng(seed)
    w = data["w0"].to_numpy()[:, None]
    signs = rng.choice([-1.0, 1.0], (len(data), replicates)) - rng.choice(
        [-1.0, 1.0], (len(data), replicates)
    )
    reps = pd.DataFrame(w * (1 + 2**-1.5 * signs), columns=[f"r{i + 1}" for i in range(replicates)])
    return pd.concat([data, reps], axis=1)


def ours_replicates(data: pd.DataFrame, replicates: int, indicators: int, repeat: int) -> dict:
    cols = [f"r{i + 1}" for i in range(replicates)]
    t_build, design = best(
        lambda: SurveyDesign(data, weights="w0", repweights=cols, type="sdr"), repeat
    )
    t_est, each = best(lambda: [design.mean(f"y{j}", by="role") for j in range(indicators)], repeat)
    first = each[0].sort_values("role", key=lambda s: s.astype(int))
    return {
        "build": t_build,
        "estimates": t_est,
        "y0": first["estimate"].to_numpy(),
        "y0_se": first["se"].to_numpy(),
    }


def svy_replicates(data: pd.DataFrame, replicates: int, indicators: int, repeat: int):
    try:
        import polars as pl
        import svy
    except ImportError:
        return "not installed (make bench installs it into .benchvenv)"
    frame = pl.from_pandas(data)
    t_build, sample = best(
        lambda: svy.Sample(
            frame, svy.Design(wgt="w0", rep_wgts=svy.SdrWgts(prefix="r", n_reps=replicates))
        ),
        repeat,
    )
    t_est, est = best(
        lambda: [
            sample.estimation.mean(f"y{j}", by="role", method="replication")
            for j in range(indicators)
        ],
        repeat,
    )
    table = est[0].to_polars().to_pandas().sort_values("role", key=lambda s: s.astype(int))
    return {
        "build": t_build,
        "estimates": t_est,
        "y0": table["est"].to_numpy(),
        "y0_se": table["se"].to_numpy(),
    }


def replicate_section(rows: int, replicates: int, indicators: int, repeat: int) -> None:
    """Replicate-weight designs: ours and svy's times, ratios and agreement, one run."""
    data, _ = make_data(rows, indicators)
    data = add_replicates(data, replicates)
    print(
        f"\n{rows:,} rows with {replicates} SDR replicate weights; "
        f"{indicators} means by {LEVELS['role']} roles with replicate SEs"
    )
    mine = ours_replicates(data, replicates, indicators, repeat)
    peer = svy_replicates(data, replicates, indicators, repeat)
    print(f"{'':14}{'design (s)':>11}{'ratio':>8}{'estimates (s)':>15}{'ratio':>8}")
    print(f"{'survey_tools':14}{mine['build']:11.3f}{1:8.1f}{mine['estimates']:15.3f}{1:8.1f}")
    if isinstance(peer, str):
        print(f"{'svy':14}{peer}")
        return
    print(
        f"{'svy':14}{peer['build']:11.3f}{peer['build'] / mine['build']:8.1f}"
        f"{peer['estimates']:15.3f}{peer['estimates'] / mine['estimates']:8.1f}"
    )
    d_est = np.max(np.abs(peer["y0"] - mine["y0"]))
    d_se = np.max(np.abs(peer["y0_se"] / mine["y0_se"] - 1))
    print(f"y0 by role vs svy: estimates differ by <= {d_est:.1e}, SEs by <= {d_se:.1e}")
    total = (mine["build"] + mine["estimates"]) / (peer["build"] + peer["estimates"])
    print(f"replicate design + {indicators} means by role: {total:.3f} of svy's time")


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
        "--scaling",
        default="10000,30000,100000,300000,1000000",
        help="row counts for the scaling table and plot (empty: skip)",
    )
    parser.add_argument(
        "--r-indicators",
        type=int,
        default=4,
        help="indicators R estimates (it needs about a minute per indicator on a million rows); "
        "its ratio is against our time for the same indicators; 0 skips R",
    )
    parser.add_argument(
        "--replicates",
        type=int,
        default=80,
        help="replicate weights for the replicate-design section (ACS: 80); 0 skips it",
    )
    parser.add_argument(
        "--only-replicates", action="store_true", help="run the replicate section alone"
    )
    args = parser.parse_args()
    if args.only_replicates:
        replicate_section(args.rows, args.replicates, min(10, args.indicators), args.repeat)
        return
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
    peer = results["svy"]
    ten = min(10, args.indicators)
    mine_ten = ours(data, margins, ten, args.repeat)
    line = f"{ten} indicators by role after raking: {mine_ten['estimates']:.3f} s"
    if isinstance(peer, dict):
        peer_ten = svy_run(data, margins, ten, args.repeat)
        line += f", {mine_ten['estimates'] / peer_ten['estimates']:.3f} of svy's time"
        print(f"raking (constructor included): {mine['rake'] / peer['rake']:.3f} of svy's time")
    print(line)
    print(
        f"peak memory, {args.rows:,} rows and {args.indicators} indicators: "
        f"{peak_memory(args.rows, args.indicators):.2f} GB"
    )
    small, small_margins = make_data(50_000, args.indicators)
    end = {"survey_tools": ours(small, small_margins, args.indicators, args.repeat)}
    end["svy"] = svy_run(small, small_margins, args.indicators, args.repeat)
    print(f"50,000 respondents, rake + {args.indicators} indicators by role:")
    for name, res in end.items():
        if isinstance(res, dict):
            print(f"  {name:14}{res['rake'] + res['estimates']:8.3f} s")
    if args.scaling:
        sizes = [int(n) for n in args.scaling.split(",")]
        table = scaling(sizes, min(10, args.indicators), isinstance(peer, dict))
        print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        plot_scaling(table, Path(__file__).with_name("scaling.png"))
    if args.replicates:
        del data
        replicate_section(args.rows, args.replicates, min(10, args.indicators), args.repeat)


if __name__ == "__main__":
    main()
