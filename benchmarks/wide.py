"""Reading and cleaning a wide CSV export: time per column at several widths, against pandas.

    .venv/bin/python benchmarks/wide.py [--rows 200] [--widths 5000 10000 20000]
                                        [--clean-widths 1000 2000 4000] [--profile]

Writes CSVs of ``--rows`` responses and, for each width, that many columns (answers written as
their labels, one column in ten a number), then times, in one run: ``pandas.read_csv`` (the
bare read) and ``read_export`` at ``--widths``; ``Codebook.draft`` + ``clean`` at
``--clean-widths`` and once more with twice the rows. Prints the time per column (and per
cell for cleaning): flat when the work is linear in columns and rows.

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
    parser.add_argument("--clean-widths", type=int, nargs="+", default=[1000, 2000, 4000])
    parser.add_argument("--profile", action="store_true", help="profile the widest read + clean")
    args = parser.parse_args()
    LIMITS.max_columns = max(LIMITS.max_columns, max(args.widths) + 1)
    with tempfile.TemporaryDirectory() as tmp:
        if args.profile:
            path = Path(tmp) / "wide.csv"
            write_wide(path, args.rows, max(args.clean_widths))
            profiler = cProfile.Profile()
            export = profiler.runcall(read_export, path)
            profiler.runcall(read_and_clean, export)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
            return
        print(f"reading, {args.rows} rows: seconds and ms per column (bare: pandas.read_csv)")
        print(f"{'columns':>8} {'pandas':>8} {'read_export':>12} {'ms/col':>7} {'ratio':>6}")
        for width in args.widths:
            path = Path(tmp) / f"wide_{width}.csv"
            write_wide(path, args.rows, width)
            bare = timed(pd.read_csv, path)
            read = timed(read_export, path)
            print(
                f"{width:>8} {bare:>8.2f} {read:>12.2f} {1000 * read / width:>7.3f} "
                f"{read / bare:>6.1f}"
            )
            path.unlink()
        print("drafting and cleaning (Codebook.draft + clean): seconds, ms per column, per cell")
        print(f"{'rows':>6} {'columns':>8} {'seconds':>8} {'ms/col':>7} {'us/cell':>8}")
        shapes = [(args.rows, w) for w in args.clean_widths]
        shapes.append((2 * args.rows, args.clean_widths[len(args.clean_widths) // 2]))
        for rows, width in shapes:
            path = Path(tmp) / f"clean_{rows}_{width}.csv"
            write_wide(path, rows, width)
            export = read_export(path)
            cleaning = timed(read_and_clean, export)
            print(
                f"{rows:>6} {width:>8} {cleaning:>8.2f} {1000 * cleaning / width:>7.3f} "
                f"{1e6 * cleaning / (rows * width):>8.2f}"
            )


if __name__ == "__main__":
    main()
