"""Reading and cleaning a wide CSV export: time per column at several widths, against pandas.

    .venv/bin/python benchmarks/wide.py [--rows 200] [--widths 5000 10000 20000] [--profile]

Writes a CSV of ``--rows`` responses and, for each width, that many columns (labelled answers
as text, numbers, a few comments), then times, in one run: ``pandas.read_csv`` (the bare
read), ``read_export`` and ``clean(export, Codebook.draft(export))``. Prints the time per column
of each at each width: flat when the work is linear in columns.

Targets (DESIGN.md, issue 23): reading a 20,000-column CSV under 5 s, linear in columns;
cleaning linear in rows and columns.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from survey_tools import Codebook, clean, read_export
from survey_tools.ingest.limits import LIMITS

ANSWERS = np.array(["Strongly agree", "Agree", "Neither", "Disagree", "Strongly disagree", ""])


def write_wide(path: Path, rows: int, cols: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    data = {"ResponseId": [f"R_{i:06d}a" for i in range(rows)]}
    for j in range(cols - 1):
        if j % 10 == 9:
            data[f"n{j}"] = rng.integers(0, 60, rows)
        else:
            data[f"q{j}"] = ANSWERS[rng.integers(0, len(ANSWERS), rows)]
    pd.DataFrame(data).to_csv(path, index=False)


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def read_and_clean(export) -> None:
    clean(export, Codebook.draft(export))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--widths", type=int, nargs="+", default=[5000, 10000, 20000])
    parser.add_argument("--profile", action="store_true", help="profile the widest read + clean")
    args = parser.parse_args()
    LIMITS.max_columns = max(LIMITS.max_columns, max(args.widths) + 1)
    print(f"{args.rows} rows; seconds, and milliseconds per column")
    print(
        f"{'columns':>8} {'pandas':>8} {'read_export':>12} {'ms/col':>7} {'ratio':>6}"
        f" {'draft+clean':>12} {'ms/col':>7}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for width in args.widths:
            path = Path(tmp) / f"wide_{width}.csv"
            write_wide(path, args.rows, width)
            if args.profile and width == max(args.widths):
                profiler = cProfile.Profile()
                export = profiler.runcall(read_export, path)
                profiler.runcall(read_and_clean, export)
                pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
                return
            bare = timed(pd.read_csv, path)
            read = timed(read_export, path)
            export = read_export(path)
            cleaning = timed(read_and_clean, export)
            print(
                f"{width:>8} {bare:>8.2f} {read:>12.2f} {1000 * read / width:>7.3f} "
                f"{read / bare:>6.1f} {cleaning:>12.2f} {1000 * cleaning / width:>7.3f}"
            )


if __name__ == "__main__":
    main()
