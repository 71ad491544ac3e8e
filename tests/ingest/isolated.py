"""Run one read_export in a separate, memory-capped Python process.

A read that would crash, hang or exhaust memory must not take the test run (or the shared
machine) with it: the child has an address-space cap and a time limit, and reports what
happened as one line.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap

CHILD = """
import sys, warnings
warnings.simplefilter("ignore")
from survey_tools import ExportReadError, read_export
try:
    export = read_export(sys.argv[1])
except ExportReadError as exc:
    print("ExportReadError:", exc)
except BaseException as exc:
    print("RAW", type(exc).__name__, str(exc)[:300])
else:
    print("read", export.data.shape)
"""


def read_isolated(path, *, memory_gb: float = 3.0, timeout: float = 60.0, setup: str = "") -> str:
    """What ``read_export(path)`` did in a capped child: "read (r, c)", "ExportReadError: ...",
    "RAW <type> ...", "crashed <signal>" or "timed out"."""
    limit = int(memory_gb * 2**30)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    code = textwrap.dedent(setup) + CHILD
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, os.fspath(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=cap,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "timed out"
    if done.returncode < 0:
        return f"crashed {-done.returncode}"
    return done.stdout.strip() or f"no output: {done.stderr.strip()[-300:]}"
