"""Seeded fuzzing of read_export on mutated real exports: no raw exception, hang, crash or
silent truncation.

A few hundred mutants of the external fixtures and the demo exports (truncations, byte flips,
header edits, delimiter swaps, repeated and blank headers, short and long rows, stray bytes and
quotes) are read in a child process (``fuzzing.py``), so that a crash or a hang is reported
with the input that caused it instead of ending the test run. Every read either returns an
Export or raises an ExportReadError naming the file; a text file cut mid-line is flagged
``possibly_truncated``; a binary file cut short never reads as fewer rows without an error.
A sample of what reads is drafted a codebook and cleaned.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

SEED, COUNT = 20261206, 250
BUDGET = 150  # seconds before the child is taken for hung (the run takes ~45 s)


def test_read_export_survives_mutated_exports(tmp_path):
    script = Path(__file__).with_name("fuzzing.py")
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, str(script), str(SEED), str(COUNT), str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=BUDGET,
            check=False,
        )
        out, err, code = done.stdout, done.stderr, done.returncode
    except subprocess.TimeoutExpired as exc:
        out, err, code = exc.stdout or "", "", None
        out = out.decode() if isinstance(out, bytes) else out
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    finished = [r for r in lines if "start" not in r]
    last = lines[-1] if lines else {}
    assert code == 0, (
        f"the fuzz run {'hung' if code is None else f'ended with {code}'} on mutant "
        f"{last.get('i')} ({last.get('source')}: {last.get('mutation')}); "
        f"stderr: {err[-2000:]}"
    )
    assert len(finished) == COUNT
    raw = [r for r in finished if r["outcome"].startswith("RAW")]
    assert not raw, "\n\n".join(f"{r['source']} / {r['mutation']}:\n{r['trace']}" for r in raw)
    unnamed = [r for r in finished if r["outcome"] == "ExportReadError" and not r["named"]]
    assert not unnamed, unnamed
    silent = [r for r in finished if r.get("silent")]
    assert not silent, silent
    assert all(r["unique"] for r in finished if r["outcome"] == "read")
    slow = [r for r in finished if r["seconds"] > 30]
    assert not slow, slow
    cleaned = [r for r in finished if "clean" in r]
    broken = [r for r in cleaned if r["clean"].startswith("RAW")]
    assert not broken, "\n\n".join(f"{r['mutation']}:\n{r['clean_trace']}" for r in broken)
    reads = sum(r["outcome"] == "read" for r in finished)
    assert 0.3 * COUNT < reads < COUNT and len(cleaned) >= 15  # the mutants are neither all
    # harmless nor all fatal, so the run tests both paths
    assert time.perf_counter() - started < BUDGET
