"""How much :func:`~survey_tools.read_export` will read before it refuses, and the checks.

A survey export is small: a few thousand responses, a few hundred columns. A file far beyond
that is a damaged or hostile file (a zip bomb, a workbook whose one cell sits at ``XFD1048576``,
a 4 MB "header"), and reading it would exhaust the analyst's memory or hang the notebook, so
``read_export`` refuses it with an :class:`~survey_tools.ExportReadError` naming the limit and
how to raise it. The limits are module-level settings; raise one for a genuine large export::

    import survey_tools.ingest.limits as limits
    limits.LIMITS.max_file_bytes = 4 * 2**30   # read exports of up to 4 GiB

``LIMITS`` fields
-----------------
max_file_bytes
    Size of the export file, and of what a ``.zip`` or an ``.xlsx`` unpacks to (1 GiB).
max_cells
    Rows times columns of a CSV or an Excel sheet (100 million cells).
max_columns
    Columns of a text or Excel export (50,000).
max_cell_chars
    Characters in one cell of a text or Excel export (1,000,000; Excel itself stops at 32,767).
binary_timeout
    Seconds a damaged SPSS/Stata/SAS file may take when it is read in a separate process
    (300).

May import: ``survey_tools.errors`` only.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import ExportReadError

__all__ = ["LIMITS", "Limits", "check_regular_file", "refuse"]


@dataclass
class Limits:
    """Upper bounds on what one export may hold; see the module docstring."""

    max_file_bytes: int = 2**30
    max_cells: int = 100_000_000
    max_columns: int = 50_000
    max_cell_chars: int = 1_000_000
    binary_timeout: float = 300.0


LIMITS = Limits()


def refuse(path: Path, what: str, value: int, setting: str) -> ExportReadError:
    """The error for an export beyond ``LIMITS.<setting>``: names the file, limit and remedy."""
    limit = getattr(LIMITS, setting)
    return ExportReadError(
        path,
        f"{what} ({value:,}) is beyond the limit of {limit:,} that read_export reads "
        f"(survey_tools.ingest.limits.LIMITS.{setting}); the file may be damaged",
        hint=f"if the export is genuine, raise the limit first: "
        f"`import survey_tools.ingest.limits as limits; limits.LIMITS.{setting} = {2 * limit:_}`",
    )


def check_regular_file(path: Path) -> int:
    """The size of ``path`` after checking it is an ordinary file within ``max_file_bytes``.

    Pipes, sockets and devices (``/dev/zero``) never end, so they are refused before they are
    opened; a folder or a missing file gets its own plain message.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ExportReadError(path, "no such file", hint="check the path and name") from None
    except OSError as exc:
        raise ExportReadError(path, exc.strerror or str(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise ExportReadError(path, "it is a folder", hint="give the path of the export file")
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "a pipe (FIFO)"
            if stat.S_ISFIFO(info.st_mode)
            else "a device"
            if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
            else "a socket"
            if stat.S_ISSOCK(info.st_mode)
            else "not an ordinary file"
        )
        raise ExportReadError(
            path,
            f"it is {kind}, not a file: reading it might never end",
            hint="save the export to an ordinary file and read that",
        )
    if info.st_size > LIMITS.max_file_bytes:
        raise refuse(path, "the file's size in bytes", info.st_size, "max_file_bytes")
    return info.st_size
