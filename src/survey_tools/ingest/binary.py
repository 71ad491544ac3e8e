"""SPSS, Stata and SAS files through pyreadstat, with a crash of the C reader contained.

Each file's structure is walked first (:mod:`survey_tools.ingest.headers`). A file cut short is
refused as truncated; a file whose structure does not add up is read in a separate Python
process, so that if ReadStat crashes on it the analyst's kernel survives and gets an
:class:`~survey_tools.ExportReadError`; every other file is read directly.

May import: ``survey_tools.errors`` and the ingest modules before it.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyreadstat

from ..errors import ExportReadError
from .headers import check_header, sav_cut_short
from .limits import LIMITS
from .platforms import looks_like_identifier

__all__ = ["BINARY", "read_binary"]

BINARY = {  # format -> (extensions, description)
    "spss": ((".sav", ".zsav"), "an SPSS .sav file"),
    "spss_por": ((".por",), "an SPSS portable .por file"),
    "stata": ((".dta",), "a Stata .dta file"),
    "sas": ((".sas7bdat",), "a SAS .sas7bdat file"),
    "sas_xpt": ((".xpt",), "a SAS transport .xpt file"),
}
READERS = {
    "spss": "read_sav",
    "spss_por": "read_por",
    "stata": "read_dta",
    "sas": "read_sas7bdat",
    "sas_xpt": "read_xport",
}
# Where each format counts its dates from, and in what unit (used only to recover from a date
# that pyreadstat cannot convert).
EPOCH = {"spss": ("1582-10-14", "s"), "stata": ("1960-01-01", "D"), "sas": ("1960-01-01", "D")}
# The separate process: read with pyreadstat, send back the result or the exception, pickled.
CHILD = """
import pickle, sys
import pyreadstat
job = pickle.load(sys.stdin.buffer)
try:
    out = ("ok", getattr(pyreadstat, job["reader"])(job["path"], **job["kwargs"]))
except Exception as exc:
    out = ("error", exc)
pickle.dump(out, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
"""


def _kwargs(kind: str, encoding: str | None, options: dict) -> dict:
    kwargs = dict(options)
    if kind in ("spss", "stata", "sas"):
        kwargs["user_missing"] = True
    if encoding and kind != "spss_por":
        kwargs["encoding"] = encoding
    return kwargs


def _isolated(path: Path, kind: str, kwargs: dict, why: str):
    """pyreadstat's answer from a separate process; a crash there is an ExportReadError."""
    job = {"reader": READERS[kind], "path": os.fspath(path), "kwargs": kwargs}
    what = BINARY[kind][1]
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD],
            input=pickle.dumps(job),
            capture_output=True,
            timeout=LIMITS.binary_timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ExportReadError(
            path,
            f"reading it as {what} took longer than {LIMITS.binary_timeout:g} seconds "
            f"(survey_tools.ingest.limits.LIMITS.binary_timeout) and was stopped; {why}",
            hint="export the file again; if it is genuine and large, raise the limit",
        ) from None
    if done.returncode < 0:
        number = -done.returncode
        name = signal.Signals(number).name if number in signal.valid_signals() else number
        if number == signal.SIGKILL:
            cause = f"reading it was stopped ({name}), most often because memory ran out"
            hint = "free memory (close other notebooks) and try again"
        else:
            cause = f"the {what[3:]} reader (ReadStat) crashed on it ({name}): it is damaged; {why}"
            hint = "export the file again from its program"
        raise ExportReadError(path, cause, hint=hint)
    try:
        status, result = pickle.loads(done.stdout)
    except Exception:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise ExportReadError(
            path,
            f"it could not be read as {what} in a separate process "
            f"({' '.join(tail) or 'no output'})",
            hint="export the file again from its program",
        ) from None
    if status == "error":
        raise result
    return result


def _pyreadstat(path: Path, kind: str, encoding: str | None, why: str, **options):
    kwargs = _kwargs(kind, encoding, options)
    if why:
        return _isolated(path, kind, kwargs, why)
    return getattr(pyreadstat, READERS[kind])(os.fspath(path), **kwargs)


def _readstat_cause(message: str, what: str) -> str:
    """Plain words for ReadStat's error (a file it could not read is not "truncated" unless
    its length says so: that was checked before the reader ran)."""
    if "Unable to read" in message or "Unable to seek" in message:
        return "the file is damaged: its structure points past the end of the file"
    if "Unable to allocate" in message:
        return "the file is damaged: its header asks for an impossible amount of memory"
    if "unsupported" in message or "Invalid file" in message:
        return f"the file is corrupt or uses features that cannot be read as {what}"
    return f"it cannot be read as {what}"


def read_binary(path: Path, kind: str, raw: bytes, encoding: str | None):
    """``(data, ExportMeta fields)`` of an SPSS, Stata or SAS file whose bytes are ``raw``."""
    what = BINARY[kind][1]
    check = check_header(raw, kind)
    if check.truncated:
        raise ExportReadError(
            path,
            f"the file is truncated (a partial or corrupt copy): {check.truncated}",
            hint="download or export the file again; the copy you have was cut off",
        )
    why = check.suspect
    notes: list[str] = []
    try:
        try:
            data, meta = _pyreadstat(path, kind, encoding, why)
        except OverflowError:
            options = {"disable_datetime_conversion": True}
            data, meta = _pyreadstat(path, kind, encoding, why, **options)
            notes.append(_convert_dates(data, meta, kind))
    except UnicodeDecodeError as exc:
        declared = exc.encoding.upper()
        raise ExportReadError(
            path,
            f"text in the file is not valid {declared} as the file declares "
            f"(byte 0x{exc.object[exc.start]:02x} at offset {exc.start} of the value "
            f"{exc.object[:40]!r})",
            hint="pass encoding='latin1' (or 'cp1252') to read_export",
        ) from None
    except pyreadstat.ReadstatError as exc:
        message = str(exc)
        short = sav_cut_short(raw, check)
        if not short and "expected number of rows" in message:
            short = "it holds fewer responses than its header declares"
        if short:
            raise ExportReadError(
                path,
                f"the file is truncated (a partial or corrupt copy): {short} (ReadStat: {message})",
                hint="download or export the file again; the copy you have was cut off",
            ) from None
        raise ExportReadError(
            path,
            f"{_readstat_cause(message, what)} (ReadStat: {message})",
            hint="export the file again from its program",
        ) from None
    except MemoryError:
        raise ExportReadError(
            path,
            f"there is not enough memory to read it as {what}",
            hint="free memory (close other notebooks) and try again",
        ) from None
    except (OSError, ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise ExportReadError(
            path,
            f"it cannot be read as {what} ({type(exc).__name__}: {exc})",
            hint="export the file again from its program",
        ) from None
    if data.shape[1] == 0:
        raise ExportReadError(path, "the file holds no variables", hint="export it again")
    declared = getattr(meta, "number_rows", None)
    if isinstance(declared, int) and declared > len(data):
        raise ExportReadError(
            path,
            f"the file is truncated (a partial or corrupt copy): its header declares "
            f"{declared:,} responses but only {len(data):,} could be read",
            hint="download or export the file again; the copy you have was cut off",
        )
    return data, _fields(data, meta, kind, encoding, notes)


def _fields(data: pd.DataFrame, meta, kind: str, encoding: str | None, notes: list) -> dict:
    labels = {k: v for k, v in meta.column_names_to_labels.items() if v}
    missing = {
        col: [r["lo"] if r["lo"] == r["hi"] else (r["lo"], r["hi"]) for r in ranges]
        for col, ranges in (getattr(meta, "missing_ranges", None) or {}).items()
    }
    for col, letters in (getattr(meta, "missing_user_values", None) or {}).items():
        missing.setdefault(col, []).extend(letters)
    multi = {
        name: list(spec["variable_list"])
        for name, spec in (getattr(meta, "mr_sets", None) or {}).items()
        if spec.get("is_dichotomy")
    }
    return {
        "platform": kind.split("_")[0],
        "variable_labels": labels,
        "value_labels": dict(meta.variable_value_labels),
        "missing_values": missing,
        "questions": dict(labels),
        "multi_select": multi,
        "identifiers": tuple(c for c in data.columns if looks_like_identifier(c)),
        "layout": kind,
        "encoding": getattr(meta, "file_encoding", None) or encoding,
        "file_label": getattr(meta, "file_label", None) or None,
        "notes": tuple(getattr(meta, "notes", None) or ()) + tuple(notes),
        "measures": {
            col: level
            for col, level in (getattr(meta, "variable_measure", None) or {}).items()
            if level in ("nominal", "ordinal", "scale")
        },
    }


def _convert_dates(data: pd.DataFrame, meta, kind: str) -> str:
    """Convert date columns after pyreadstat gave up; out-of-range values become missing."""
    origin, unit = EPOCH[kind.split("_")[0]]
    bad = []
    for col, fmt in meta.original_variable_types.items():
        fmt = (fmt or "").upper().lstrip("%")
        if not any(tag in fmt for tag in ("DATE", "TD", "TC", "DATETIME", "YMD", "MDY", "DMY")):
            continue
        if "TIME" in fmt and "DATE" not in fmt:
            continue
        values = pd.to_numeric(data[col], errors="coerce")
        seconds = kind == "spss" or "DATETIME" in fmt or fmt.startswith("TC")
        scale = 1000 if fmt.startswith("TC") else 1
        converted = pd.to_datetime(
            values / scale,
            unit="s" if seconds else unit,
            origin=pd.Timestamp(origin),
            errors="coerce",
        )
        lost = int((values.notna() & converted.isna()).sum())
        if lost:
            bad.append(f"{col} ({lost})")
        data[col] = converted
    return "Some dates lie outside the range the reader converts; survey_tools converted them" + (
        f" and set unrepresentable ones missing: {', '.join(bad)}." if bad else "."
    )
