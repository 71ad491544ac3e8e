"""Coverage of compare_waves' 95% intervals for the change between two overlapping waves.

    .venv/bin/python benchmarks/waves_coverage.py [--replicates 1000] [--seed 22] [--out FILE]

Each replicate draws a membership of 200,000 in 6 cells (3 role groups x 2 regions) and:

1. a first wave: each member has a latent persistence ``u`` and answers yes with
   ``P = expit(a[group] + u + e1)`` (``u`` with sd 2.5, ``e`` with sd 0.5); members respond with a
   probability by cell (self-selected, about 1%: some 2,000 respondents);
2. a year later, 7% of the members lapse and 9% join; members who answered the first wave
   answer again with probability 0.4, everyone else by cell as before; answers are
   ``expit(a[group] + shift[group] + u + e2)``, so answers of a member persist through ``u``;
3. each wave raked to its own roll's margins (role group, region), then
   ``compare_waves({"a": d1, "b": d2}, "y", level=True)`` (member as cluster) and the
   independent formula ``se_independent`` beside it.

The truth is the finite-population change: the share answering yes on the second roll minus
the share on the first. It reports the share of replicates whose 95% interval covers it (target
93-97%), with its Monte Carlo standard error ``sqrt(p (1 - p) / R)``, the same for the interval
built from the independent formula, the mean ratio of the independent to the member-cluster
standard error, and the ratio of the mean estimated variance to the empirical variance of the
estimated change.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats

from survey_tools import SurveyDesign, compare_waves

GROUPS = np.array(["Writers", "Performers", "Crew"])
REGIONS = np.array(["East", "West"])
A = {"Writers": -0.9, "Performers": -1.3, "Crew": -1.6}
SHIFT = {"Writers": 0.30, "Performers": 0.15, "Crew": 0.0}
RESPOND = {
    ("Writers", "East"): 0.014,
    ("Writers", "West"): 0.011,
    ("Performers", "East"): 0.010,
    ("Performers", "West"): 0.009,
    ("Crew", "East"): 0.008,
    ("Crew", "West"): 0.006,
}
PERSISTENCE, NOISE = 2.5, 0.5  # sd of a member's own level, and of a wave's answer around it


P_RESPOND = np.array([[RESPOND[(g, r)] for r in REGIONS] for g in GROUPS])
A_G = np.array([A[g] for g in GROUPS])
SHIFT_G = np.array([SHIFT[g] for g in GROUPS])


def _members(rng, n):
    """Role group and region codes and each member's own level ``u``."""
    return (
        rng.choice(3, n, p=[0.5, 0.3, 0.2]),
        rng.choice(2, n, p=[0.45, 0.55]),
        rng.normal(0, PERSISTENCE, n),
    )


def _answers(rng, g, u, shift):
    eta = A_G[g] + u + rng.normal(0, NOISE, len(g)) + (SHIFT_G[g] if shift else 0.0)
    return rng.random(len(g)) < 1 / (1 + np.exp(-eta))


def _design(ids, g, r, y, resp):
    data = pd.DataFrame(
        {
            "member_key": ids[resp],
            "role_group": GROUPS[g[resp]],
            "region": REGIONS[r[resp]],
            "y": y[resp],
        }
    )
    margins = {
        "role_group": dict(zip(GROUPS, np.bincount(g, minlength=3).astype(float))),
        "region": dict(zip(REGIONS, np.bincount(r, minlength=2).astype(float))),
    }
    return SurveyDesign(data).rake(margins)


def replicate(rng, n_members=200_000):
    g_a, r_a, u_a = _members(rng, n_members)
    ids_a = np.arange(n_members)
    y_a = _answers(rng, g_a, u_a, shift=False)
    resp_a = rng.random(n_members) < P_RESPOND[g_a, r_a]
    keep = rng.random(n_members) >= 0.07
    n_new = int(0.09 * n_members)
    g_n, r_n, u_n = _members(rng, n_new)
    ids_b = np.concatenate([ids_a[keep], n_members + np.arange(n_new)])
    g_b, r_b = np.concatenate([g_a[keep], g_n]), np.concatenate([r_a[keep], r_n])
    y_b = _answers(rng, g_b, np.concatenate([u_a[keep], u_n]), shift=True)
    answered = np.zeros(n_members + n_new, dtype=bool)
    answered[ids_a[resp_a]] = True
    again = answered[ids_b]
    fresh = rng.random(len(ids_b)) < P_RESPOND[g_b, r_b]
    resp_b = np.where(again, rng.random(len(ids_b)) < 0.4, fresh)
    designs = {
        "a": _design(ids_a, g_a, r_a, y_a, resp_a),
        "b": _design(ids_b, g_b, r_b, y_b, resp_b),
    }
    row = compare_waves(designs, "y", level=True).iloc[0]
    return row, float(y_b.mean() - y_a.mean())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--out", help="write the summary as JSON here")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    z = stats.norm.ppf(0.975)
    rows = []
    start = time.perf_counter()
    for _ in range(args.replicates):
        row, truth = replicate(rng)
        d, se, se_ind = row["difference"], row["se"], row["se_independent"]
        rows.append(
            {
                "difference": d,
                "truth": truth,
                "se": se,
                "se_independent": se_ind,
                "covered": abs(d - truth) <= z * se,
                "covered_independent": abs(d - truth) <= z * se_ind,
                "n_linked": row["n_linked"],
                "n_a": row["n_a"],
                "n_b": row["n_b"],
            }
        )
    res = pd.DataFrame(rows)
    R = len(res)
    p, p_ind = res["covered"].mean(), res["covered_independent"].mean()
    empirical = (res["difference"] - res["truth"]).var(ddof=1)
    summary = {
        "replicates": R,
        "seconds": round(time.perf_counter() - start, 1),
        "mean_respondents_a": float(res["n_a"].mean()),
        "mean_respondents_b": float(res["n_b"].mean()),
        "mean_linked": float(res["n_linked"].mean()),
        "coverage_member_cluster": float(p),
        "coverage_member_cluster_mcse": float(np.sqrt(p * (1 - p) / R)),
        "coverage_independent": float(p_ind),
        "coverage_independent_mcse": float(np.sqrt(p_ind * (1 - p_ind) / R)),
        "mean_se_ratio_independent_over_member": float((res["se_independent"] / res["se"]).mean()),
        "variance_ratio_member_over_empirical": float((res["se"] ** 2).mean() / empirical),
        "variance_ratio_independent_over_empirical": float(
            (res["se_independent"] ** 2).mean() / empirical
        ),
    }
    print(json.dumps(summary, indent=1))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(summary, fh, indent=1)
    ok = 0.93 <= p <= 0.97
    print(
        f"95% intervals of the change covered the truth in {p:.1%} of {R:,} wave pairs "
        f"(member as cluster; target 93-97%: {'met' if ok else 'NOT met'}); the independent "
        f"formula's intervals in {p_ind:.1%}, "
        f"{summary['mean_se_ratio_independent_over_member']:.2f}x as wide."
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
