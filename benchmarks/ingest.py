"""Reading and cleaning a large SPSS export, as a ratio to pyreadstat's bare read of the same file.

    .venv/bin/python benchmarks/ingest.py [--rows 200000] [--repeat 3] [--profile]

Writes a synthetic member survey of 300 columns, as the design target describes it: 246
labelled choice questions (Likert grids and single choices with user-missing codes), 50 numbers,
2 open comments filled by 10% of respondents (some with emails, phones, member IDs, pay and
years in them), a response ID that no header names as one (``resp_ref``, ``R_`` and 15 random
letters and digits) and a start date. Then, in one run, alternating the tools in each round and
keeping the best of ``--repeat`` rounds:

- ``pyreadstat.read_sav(path)``: the bare read, no metadata handling;
- ``read_export(path)``: the same read with user-missing codes kept and the metadata gathered;
- ``Codebook.draft(export)``: the draft codebook, used as it comes;
- ``clean(export, draft)``: codes to labelled categoricals, missing codes, ranges, flags,
  redaction of the comments.

Peak memory is each step's peak resident size in a fresh process (the same modules imported
first), as a ratio to the bare read's.

Targets (DESIGN.md, issue 23): read + draft + clean within 1.5x of the bare read; peak memory
within 2x.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from survey_tools import Codebook, clean, read_export

AGREE = {1: "Strongly disagree", 2: "Disagree", 3: "Neither", 4: "Agree", 5: "Strongly agree"}
ROLES = {1: "Writer", 2: "Voice actor", 3: "Animator", 4: "Editor", 5: "Other"}
N_CHOICE, N_NUMERIC, N_COMMENT = 246, 50, 2  # + 1 ID + 1 date = 300 columns
SENTENCES = (
    "The platform cut the rate again this month.",
    "I lost two dubbing jobs to a synthetic voice.",
    "Outlier paid $40/hr at first, now it is $22 per hour.",
    "Please push the studios on consent for voice clones.",
    "Most of my work since 2023 has been rating model outputs.",
    "The tasks vanish overnight and nobody answers support tickets.",
    "Mercor asked for a 3 hour unpaid assessment.",
    "my agent says the residuals will not cover it",
    "We need a contract clause on training data.",
    "I worked 25 hours last week for about $600.",
    "Honestly the survey is too long.",
    "Thanks for asking about this!",
)
PERSONAL = (
    "Call me on (310) 555-0{k:03d} if you want details.",
    "You can email me at member{k}@example.org.",
    "My member ID is M0{k:06d}.",
    "Ask Dana Whitfield, she saw the whole thing.",
)


def write_survey(path: Path, rows: int, seed: int = 1) -> None:
    """The 200k x 300 file of the target: see the module docstring."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
    ids = rng.choice(letters, (rows, 15)).view("<U15").ravel()
    data = {"resp_ref": np.char.add("R_", ids)}
    start = np.datetime64("2026-03-02T08:00:00")
    data["started"] = start + rng.integers(0, 21 * 86400, rows).astype("timedelta64[s]")
    labels, missing, measures = {}, {}, {}
    for j in range(N_CHOICE):
        name = f"q{j:03d}"
        grid = j % 6 != 5  # five Likert items in six, the rest single choices
        codes = rng.choice([1, 2, 3, 4, 5, 99, -1], rows, p=[0.2, 0.2, 0.2, 0.2, 0.1, 0.05, 0.05])
        data[name] = codes.astype(float)
        labels[name] = {**(AGREE if grid else ROLES), 99: "Prefer not to say", -1: "Not asked"}
        missing[name] = [{"lo": 97, "hi": 99}, -1]
        measures[name] = "ordinal" if grid else "nominal"
    for j in range(N_NUMERIC):
        data[f"n{j:03d}"] = np.round(rng.gamma(2.0, 10.0, rows))
    for j in range(N_COMMENT):
        filled = rng.random(rows) < 0.10
        texts = np.full(rows, "", dtype=object)
        for i in np.flatnonzero(filled):
            picked = rng.choice(len(SENTENCES), rng.integers(1, 4), replace=False)
            parts = [SENTENCES[k] for k in picked]
            if rng.random() < 0.03:
                parts.append(PERSONAL[rng.integers(len(PERSONAL))].format(k=int(i % 1000)))
            texts[i] = " ".join(parts)
        data[f"comment_{j + 1}"] = texts
    questions = {f"comment_{j + 1}": "Anything else you want the guild to know?" for j in (0, 1)}
    pyreadstat.write_sav(
        pd.DataFrame(data),
        path,
        column_labels={**questions, "resp_ref": "Response reference", "started": "Start"},
        variable_value_labels=labels,
        missing_ranges=missing,
        variable_measure=measures,
        row_compress=True,
    )


def read_and_clean(path: Path) -> None:
    export = read_export(path)
    clean(export, Codebook.draft(export))


STEPS = {
    "bare": lambda path: pyreadstat.read_sav(str(path)),
    "ours": read_and_clean,
}


def peak_memory(step: str, path: Path) -> float:
    """The peak resident size (GiB) of a fresh process that runs ``step`` once."""
    code = (
        "import resource, sys; sys.path.insert(0, sys.argv[1]); import ingest; "
        "from pathlib import Path; "
        "ingest.STEPS[sys.argv[2]](Path(sys.argv[3])); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    here = str(Path(__file__).parent)
    out = subprocess.run(
        [sys.executable, "-c", code, here, step, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.split()[-1]) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="profile one read + draft + clean")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "survey.sav"
        write_survey(path, args.rows)
        size = path.stat().st_size / 2**20
        export = read_export(path)
        book = Codebook.draft(export)
        kinds = pd.Series([v.type for v in book.variables.values()]).value_counts().to_dict()
        print(
            f"{args.rows:,} rows x {export.data.shape[1]} columns, {size:.0f} MiB "
            f"(row-compressed .sav); draft: {kinds}"
        )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(read_and_clean, path)
            pstats.Stats(profiler).sort_stats("cumtime").print_stats(30)
            return
        times: dict[str, list[float]] = {k: [] for k in ("bare", "read", "draft", "clean")}
        for _ in range(args.repeat):
            for step, fn in (
                ("bare", lambda: pyreadstat.read_sav(str(path))),
                ("read", lambda: read_export(path)),
                ("draft", lambda: Codebook.draft(export)),
                ("clean", lambda: clean(export, book)),
            ):
                start = time.perf_counter()
                fn()
                times[step].append(time.perf_counter() - start)
        memory = {step: peak_memory(step, path) for step in STEPS}
    best = {k: min(v) for k, v in times.items()}
    bare = best["bare"]
    total = best["read"] + best["draft"] + best["clean"]
    print(f"pyreadstat.read_sav (bare)      {bare:7.2f} s   1.00x")
    print(f"read_export                     {best['read']:7.2f} s   {best['read'] / bare:.2f}x")
    print(f"Codebook.draft                  {best['draft']:7.2f} s   {best['draft'] / bare:.2f}x")
    print(f"clean (the draft as it comes)   {best['clean']:7.2f} s   {best['clean'] / bare:.2f}x")
    print(
        f"read + draft + clean            {total:7.2f} s   {total / bare:.2f}x   (target <= 1.5x)"
    )
    ratio = memory["ours"] / memory["bare"]
    print(
        f"peak memory: bare read {memory['bare']:.2f} GiB, read + draft + clean "
        f"{memory['ours']:.2f} GiB   {ratio:.2f}x   (target <= 2x)"
    )
    if args.json:
        result = {"seconds": best, "ratio": total / bare, "memory_gib": memory}
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
