"""Reading and cleaning a large SPSS export, as a ratio to pyreadstat's bare read of the same file.

    .venv/bin/python benchmarks/ingest.py [--rows 200000] [--cols 300] [--repeat 3]

Writes a synthetic member survey of the given size (labelled single choices with user-missing
codes, Likert grids, numbers with a valid range, a check-all group and a free-text column) to
a temporary folder, then times, best of ``--repeat``:

- ``pyreadstat.read_sav(path)``: the bare read, no metadata handling;
- ``read_export(path)``: the same read with user-missing codes kept and the metadata gathered;
- ``clean(export, codebook)``: codes to labelled categoricals, missing codes, ranges, flags.

Target (DESIGN.md): read plus clean within 1.5x the bare read.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from survey_tools import Codebook, clean, read_export
from survey_tools.cleaning.codebook import Variable

AGREE = {1: "Strongly disagree", 2: "Disagree", 3: "Neither", 4: "Agree", 5: "Strongly agree"}


def write_survey(path: Path, rows: int, cols: int, seed: int = 1) -> Codebook:
    rng = np.random.default_rng(seed)
    n_multi, n_num = 10, max(cols // 8, 1)
    n_cat = cols - n_multi - n_num - 2
    data = {"resp_id": [f"R_{i:09d}" for i in range(rows)]}
    labels, missing, variables = {}, {}, {}
    variables["resp_id"] = Variable("resp_id", "id", source=("resp_id",))
    for j in range(n_cat):
        name = f"q{j:03d}"
        codes = rng.choice([1, 2, 3, 4, 5, 99, -1], rows, p=[0.2, 0.2, 0.2, 0.2, 0.1, 0.05, 0.05])
        data[name] = codes.astype(float)
        labels[name] = {**AGREE, 99: "Prefer not to say", -1: "Not asked"}
        missing[name] = [{"lo": 97, "hi": 99}, -1]
        variables[name] = Variable(
            name,
            "likert",
            source=(name,),
            codes=AGREE,
            missing={99: "Prefer not to say"},
            ordered=True,
        )
    for j in range(n_num):
        name = f"n{j:03d}"
        data[name] = np.round(rng.gamma(2.0, 10.0, rows))
        variables[name] = Variable(name, "numeric", source=(name,), valid=(0, 100))
    options = {}
    for j in range(n_multi):
        name = f"m_{j:02d}"
        data[name] = rng.choice([0.0, 1.0, -1.0], rows, p=[0.6, 0.3, 0.1])
        labels[name] = {1: f"Option {j}", 0: "Not selected", -1: "Not asked"}
        options[name] = ((name,), f"Option {j}")
    variables["multi"] = Variable("multi", "multi", options=options)
    data["comment"] = rng.choice(["", "More surveys like this, please.", "Pay is falling."], rows)
    variables["comment"] = Variable("comment", "text", source=("comment",))
    pyreadstat.write_sav(
        pd.DataFrame(data),
        path,
        variable_value_labels=labels,
        missing_ranges=missing,
        row_compress=True,
    )
    return Codebook(survey="benchmark", variables=variables, id="resp_id")


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--cols", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "survey.sav"
        book = write_survey(path, args.rows, args.cols)
        size = path.stat().st_size / 2**20
        print(f"{args.rows:,} rows x {args.cols} columns, {size:.0f} MiB (row-compressed .sav)")
        bare = best(lambda: pyreadstat.read_sav(str(path)), args.repeat)
        read = best(lambda: read_export(path), args.repeat)
        export = read_export(path)
        cleaning = best(lambda: clean(export, book, exclude=()), args.repeat)
    print(f"pyreadstat.read_sav (bare)    {bare:7.2f} s   1.00x")
    print(f"read_export                   {read:7.2f} s   {read / bare:.2f}x")
    print(f"clean                         {cleaning:7.2f} s   {cleaning / bare:.2f}x")
    total = read + cleaning
    print(f"read_export + clean           {total:7.2f} s   {total / bare:.2f}x   (target <= 1.5x)")


if __name__ == "__main__":
    main()
