"""Output files written safely: whole sets at once, inert spreadsheet cells, names kept inside.

Every stage that writes files uses these helpers; this module imports only ``errors``.

Output sets
    :func:`staged_folder` yields an empty staging folder beside the outputs. Write every file of
    the set into it; when the ``with`` block ends without an error the set is committed with one
    folder rename and then moved into place, a manifest (``<name>.manifest.json``: every file
    with its size and sha256) replaced last. An interrupted run leaves the complete old set or
    the complete new set (the committed folder, which :func:`read_set` reads and the next run
    finishes moving), never a mix, a 0-byte or a truncated file. A lock file holding the
    process id makes a second run into the same folder wait, then fail with a clear message.
    :func:`read_set` returns the bytes of a set whose files all match its manifest, and refuses
    a set whose files do not belong together.
Spreadsheet cells
    :func:`write_csv` writes a DataFrame as CSV with every text cell (and header) that a
    spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
    carriage return) prefixed with a single quote; plain numbers such as ``-3.5`` stay
    numbers. :func:`restore_text` undoes it after :func:`pandas.read_csv`. :func:`write_xlsx`
    writes tables to an Excel workbook with typed cells (text is never a formula).
Names
    :func:`safe_name` refuses names from inputs (a codebook's ``survey:``, a wave label) that
    would become paths outside the output folder; :func:`inside` joins a relative path to a
    folder and refuses one that leaves it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import socket
import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import OutputError

__all__ = [
    "atomic_file",
    "inside",
    "neutralise",
    "read_set",
    "restore_text",
    "safe_name",
    "staged_folder",
    "write_csv",
    "write_xlsx",
]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?%?")
_NAME = re.compile(r"\w[\w.\- ]{0,119}")


# --- names ---------------------------------------------------------------------------------------


def safe_name(name, *, what: str = "name") -> str:
    """``name`` as a plain file name, or :class:`OutputError` if it could leave its folder.

    Letters, digits, ``_``, ``-``, ``.`` and spaces; it starts with a letter, digit or ``_`` (no
    leading dot, no ``..``), holds no ``/`` or ``\\`` and is at most 120 characters.

    >>> safe_name("guild_ai_survey_2026")
    'guild_ai_survey_2026'
    >>> safe_name("../../escaped")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    survey_tools.errors.OutputError: The name '../../escaped' would put files outside ...
    """
    text = str(name)
    if not _NAME.fullmatch(text) or ".." in text:
        raise OutputError(
            f"The {what} {text!r} would put files outside the output folder or is no plain "
            "file name.",
            hint="use letters, digits, '_', '-' and '.' only (no '/', '\\', '..' or leading dot),"
            " e.g. guild_ai_survey_2026",
        )
    return text


def inside(folder: str | os.PathLike, relative: str | os.PathLike) -> Path:
    """``folder / relative``, refusing an absolute path or one that climbs out of ``folder``."""
    base = Path(folder).resolve()
    target = (base / relative).resolve()
    if Path(relative).is_absolute() or not target.is_relative_to(base):
        raise OutputError(
            f"The path {str(relative)!r} points outside the output folder {folder}.",
            hint="name files relative to the output folder, without '..' or a leading '/'",
        )
    return target


# --- output sets ---------------------------------------------------------------------------------


def _names(folder: Path, name: str) -> dict[str, Path]:
    stem = f"{name}." if name else ""
    return {
        "manifest": folder / f"{stem}manifest.json",
        "lock": folder / f".{stem}lock",
        "commit": folder / f".{stem}commit",
        "staging": folder / f".{stem}staging-{os.getpid()}-{uuid.uuid4().hex[:8]}",
    }


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (on Windows, os.kill would end it: assume it runs)."""
    if os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lock(lock: Path, folder: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    me = f"{os.getpid()} {socket.gethostname()}\n"
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                pid, host = lock.read_text(encoding="utf-8").split()
                holder = int(pid)
            except (OSError, ValueError):
                holder, host = None, None  # being written this instant, or unreadable
            if holder is not None and host == socket.gethostname() and not _alive(holder):
                stale = lock.with_name(f"{lock.name}.stale-{uuid.uuid4().hex[:8]}")
                with contextlib.suppress(OSError):
                    os.replace(lock, stale)
                    stale.unlink()
                continue
            if time.monotonic() >= deadline:
                raise OutputError(
                    f"Another survey-tools run (process {holder or '?'} on {host or '?'}) is "
                    f"writing to {folder}.",
                    hint=f"wait for it to finish; if no run is going, delete {lock}",
                ) from None
            time.sleep(0.05)
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(me)
        return


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):  # folders cannot be fsynced on every platform
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _manifest(staging: Path, name: str, manifest_name: str) -> dict:
    files = {}
    for path in sorted(p for p in staging.rglob("*") if p.is_file() or p.is_symlink()):
        rel = path.relative_to(staging).as_posix()
        if path.is_symlink():
            raise OutputError(f"The output {rel} is a symbolic link.", hint="write a real file")
        size = path.stat().st_size
        if size == 0:
            raise OutputError(
                f"The output {rel} is empty (0 bytes): the set is not written.",
                hint="this is a bug in the step that wrote it; report it",
            )
        _fsync(path)
        files[rel] = {"bytes": size, "sha256": _sha256(path)}
    if manifest_name in files:
        raise OutputError(f"An output is named {manifest_name}, the set's manifest.")
    return {"set": name, "files": files}


def _place(source: Path, target: Path, spare: Path) -> None:
    """Put ``source`` at ``target`` with one rename, keeping ``source`` (hard link or copy).

    The link or copy is made in the folder ``spare`` (the committed set's), so an interruption
    leaves nothing beside the outputs."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = spare / f".place-{uuid.uuid4().hex[:8]}.tmp"
    try:
        try:
            os.link(source, tmp)
        except OSError:
            shutil.copyfile(source, tmp)
            _fsync(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _load_manifest(path: Path) -> dict | None:
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
        return spec if isinstance(spec.get("files"), dict) else None
    except (OSError, ValueError, AttributeError):
        return None


def _roll_forward(folder: Path, names: dict[str, Path]) -> None:
    """Move a committed set into place (again, after an interruption), manifest last."""
    commit = names["commit"]
    new = _load_manifest(commit / names["manifest"].name)
    if new is None:  # never happens: a commit folder is complete by construction
        shutil.rmtree(commit, ignore_errors=True)
        return
    old = _load_manifest(names["manifest"]) or {"files": {}}
    for rel in new["files"]:
        _place(commit / rel, folder / rel, commit)
    _place(commit / names["manifest"].name, names["manifest"], commit)
    _fsync(folder)
    for rel in sorted(set(old["files"]) - set(new["files"])):
        with contextlib.suppress(OSError):
            (folder / rel).unlink(missing_ok=True)
            for parent in Path(rel).parents[:-1]:  # folders the old set alone used
                (folder / parent).rmdir()
    shutil.rmtree(commit, ignore_errors=True)


@contextlib.contextmanager
def staged_folder(
    folder: str | os.PathLike, *, name: str = "", wait: float = 30.0
) -> Iterator[Path]:
    """Write a set of files into ``folder`` all at once (see the module docstring).

    Parameters
    ----------
    folder
        Where the set goes; created if absent. Other files in it are left alone, except those
        the previous set of the same ``name`` listed and this one does not (they are removed).
    name
        The set's name: its manifest is ``<name>.manifest.json`` (``manifest.json`` without a
        name), so several sets can share a folder (``data/clean/``).
    wait
        Seconds to wait for another run writing the same set before failing.

    Yields
    ------
    Path
        An empty staging folder beside ``folder``: write the set's files there (subfolders
        allowed), under the names they take in ``folder``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "wave1"
    >>> with staged_folder(out, name="memo") as tmp:
    ...     _ = (tmp / "memo.html").write_text("<p>hi</p>")
    >>> sorted(p.name for p in out.iterdir())
    ['memo.html', 'memo.manifest.json']
    >>> read_set(out, name="memo")["memo.html"]
    b'<p>hi</p>'
    """
    folder = Path(folder)
    if name:
        safe_name(name, what="output set name")
    if folder.exists() and not folder.is_dir():
        raise OutputError(
            f"The output folder {folder} is a file.", hint="give a folder for --out / the outputs"
        )
    folder.mkdir(parents=True, exist_ok=True)
    names = _names(folder, name)
    _lock(names["lock"], folder, wait)
    try:
        if names["commit"].exists():  # an earlier run was stopped while moving its set in
            _roll_forward(folder, names)
        prefix = names["staging"].name.rsplit("-", 2)[0] + "-"
        for left in folder.glob(f"{prefix}*"):
            shutil.rmtree(left, ignore_errors=True)
        staging = names["staging"]
        staging.mkdir()
        try:
            yield staging
            spec = _manifest(staging, name, names["manifest"].name)
            text = json.dumps(spec, indent=1, sort_keys=True) + "\n"
            (staging / names["manifest"].name).write_text(text, encoding="utf-8")
            _fsync(staging / names["manifest"].name)
            _fsync(staging)
            os.rename(staging, names["commit"])  # the one swap: from here the new set stands
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _roll_forward(folder, names)
    finally:
        names["lock"].unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike) -> Iterator[Path]:
    r"""Write one file atomically: yields a temporary path beside ``path``, moved onto it with one
    rename when the block ends without an error (removed otherwise). An empty result is
    refused, like in :func:`staged_folder`.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "table.csv"
    >>> with atomic_file(target) as tmp:
    ...     _ = tmp.write_text("a,b\n1,2\n")
    >>> target.read_text()
    'a,b\n1,2\n'
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"The output {path} is a folder.", hint="give a file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    try:
        yield tmp
        if not tmp.exists() or tmp.stat().st_size == 0:
            raise OutputError(f"The output {path.name} came out empty (0 bytes): not written.")
        _fsync(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_set(folder: str | os.PathLike, *, name: str = "") -> dict[str, bytes]:
    """The files of the set ``name`` in ``folder``, each checked against the manifest.

    Reads the committed set of a run that was stopped while moving it in, if there is one.
    Raises :class:`OutputError` naming the files that do not match (a mixed or edited set) or
    when there is no manifest.
    """
    folder = Path(folder)
    names = _names(folder, name)
    wrong: list[str] = []
    for attempt in range(4):  # a run moving its set in may change files under our feet
        if attempt:
            time.sleep(0.05 * attempt)
        for where in (names["commit"], folder):
            spec = _load_manifest(where / names["manifest"].name)
            if spec is None:
                continue
            data: dict[str, bytes] = {}
            for rel in spec["files"]:
                with contextlib.suppress(OSError):
                    data[rel] = (where / rel).read_bytes()
            wrong = sorted(
                rel
                for rel, meta in spec["files"].items()
                if rel not in data or hashlib.sha256(data[rel]).hexdigest() != meta.get("sha256")
            )
            if not wrong:
                return data
        if not names["manifest"].exists() and not names["commit"].exists():
            raise OutputError(
                f"{folder} has no {names['manifest'].name}: the set was not written by this "
                "version of survey_tools, or is incomplete.",
                hint="write it again (e.g. survey-tools clean)",
            )
    raise OutputError(
        f"The files in {folder} do not belong together: {', '.join(wrong)} changed or missing "
        f"since {names['manifest'].name} was written.",
        hint="write the set again (e.g. survey-tools clean); never mix files of different runs",
    )


# --- spreadsheet cells ---------------------------------------------------------------------------


def _neutral(value):
    if isinstance(value, str) and value and (value[0] == "'" or value[0] in FORMULA_START):
        if value[0] in "+-" and _NUMBER.fullmatch(value):
            return value  # a plain signed number stays a number
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and header that could start a formula prefixed by ``'``.

    A text that already starts with ``'`` gets one more, so :func:`restore_text` gives back
    exactly what was written. Numbers, and texts that are plain numbers (``-3.5``), are kept.

    >>> neutralise(pd.DataFrame({"id": ["=1+1", "-3.5", "ok"], "x": [-1.0, 2.0, 3.0]}))
          id    x
    0  '=1+1 -1.0
    1   -3.5  2.0
    2     ok  3.0
    """
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if not (
            pd.api.types.is_object_dtype(values)
            or pd.api.types.is_string_dtype(values)
            or isinstance(values.dtype, pd.CategoricalDtype)
        ):
            continue
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        if pd.api.types.is_object_dtype(values):  # kept as they are: 3823 stays 3823, not 3823.0
            out[col] = pd.Series([_neutral(v) for v in values], index=values.index, dtype=object)
        else:
            out[col] = values.map(_neutral, na_action="ignore")
    out.columns = [_neutral(c) if isinstance(c, str) else c for c in out.columns]
    if out.index.dtype == object:
        out.index = out.index.map(_neutral)
    return out


def restore_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`neutralise` on a table read back with :func:`pandas.read_csv`."""
    out = frame.copy()

    def back(value):
        return value[1:] if isinstance(value, str) and value.startswith("'") else value

    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(back, na_action="ignore").astype(out[col].dtype)
    out.columns = [back(c) for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: str | os.PathLike, *, index: bool = False) -> Path:
    """Write ``frame`` as UTF-8 CSV (CRLF line ends) with formula-starting cells neutralised.

    The one CSV writer of the toolkit. It writes ``path`` directly: put it in a
    :func:`staged_folder` (or write beside and rename) to make it atomic.
    """
    path = Path(path)
    # CRLF, as RFC 4180: the csv module then quotes a cell holding a carriage return, which
    # with LF line ends it would leave bare (and a reader would split the row there).
    neutralise(frame).to_csv(path, index=index, lineterminator="\r\n")
    return path


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    return _ILLEGAL.sub("\N{REPLACEMENT CHARACTER}", str(value))


def write_xlsx(
    tables: pd.DataFrame | Mapping[str, pd.DataFrame],
    path: str | os.PathLike,
    *,
    index: bool = False,
) -> Path:
    """Write one table, or ``{sheet name: table}``, to an ``.xlsx`` workbook with typed cells.

    Numbers and booleans are numeric and boolean cells; every other value is a text cell (a
    value such as ``=HYPERLINK(...)`` shows as written and never runs as a formula); missing
    values are empty cells. Headers are bold. Sheet names are cut to Excel's 31 characters.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if isinstance(tables, pd.DataFrame):
        tables = {"Table": tables}
    book = Workbook()
    book.remove(book.active)
    for sheet_name, table in tables.items():
        title = re.sub(r"[\[\]:*?/\\]", "_", str(sheet_name))[:31] or "Table"
        sheet = book.create_sheet(title)
        frame = table.reset_index() if index else table
        rows = [list(frame.columns), *frame.itertuples(index=False, name=None)]
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c)
                cell.value = _cell(value)
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula
                if r == 1:
                    cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    path = Path(path)
    path.write_bytes(buffer.getvalue())
    return path
