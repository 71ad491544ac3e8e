"""One cleaning shared by the report series: ``clean()``'s result cached on its inputs' hashes.

Every report notebook opens the survey with :func:`~survey_tools.report.run.prepare_survey`,
which cleans the export. :func:`cached_clean` does that cleaning once: the
:class:`~survey_tools.cleaning.clean.CleanSurvey` is kept in a ``.cache/`` folder beside where
cleaned data goes (``data/clean/<survey>/.cache/`` for an export in ``data/raw/<survey>/``),
keyed on the sha256 of the export, the codebook and the roll, the number invited and the
cleaning code itself. Any change to one of them cleans again and replaces the cached set. The
set is written atomically (:func:`~survey_tools.files.staged_folder`) and checked against its
manifest when read (:func:`~survey_tools.files.read_set`): a damaged, edited or half-written
cache is never used, the export is cleaned instead. An export outside a ``raw/`` folder is
cleaned every time, as before (``cache=`` names a folder to use instead).

What enters: the paths ``prepare_survey`` was given. What leaves: the ``CleanSurvey`` that
``clean(read_export(export), Codebook.from_yaml(codebook), roll=roll, invited=invited)``
returns, equal in every frame and field.

:func:`cached_result` keeps a later step's result (tables and plain values) in the same folder,
keyed on a hash of what it was computed from (the data itself, the plan's settings) and of the
whole package's code and data files, so that the notebooks of a series, and the next run,
compute it once. A result is cached only when its tables come back from Parquet exactly as
they were and its values from JSON.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..cleaning.clean import CleanSurvey, clean
from ..cleaning.codebook import Codebook
from ..errors import SurveyToolsError
from ..files import read_set, safe_name, staged_folder
from ..ingest.read import read_export

__all__ = ["cache_folder", "cache_location", "cached_clean", "cached_result"]

CACHE_FORMAT = 1
_CODE = ("cleaning", "ingest")  # the code whose change makes a cached cleaning stale


def cache_folder(export: str | os.PathLike) -> Path | None:
    """Where the cleaning of ``export`` is cached: ``<root>/clean/<sub>/.cache`` for an export
    in ``<root>/raw/<sub>/``, None for an export outside a ``raw/`` folder.

    Examples
    --------
    >>> cache_folder("data/raw/demo/guild_ai_survey_2026.sav").as_posix()
    'data/clean/demo/.cache'
    >>> cache_folder("/tmp/export.sav") is None
    True
    """
    path = Path(export)
    parents = list(path.parents)
    for i, folder in enumerate(parents):
        if folder.name == "raw":
            sub = path.parent.relative_to(folder) if i else Path()
            return folder.parent / "clean" / sub / ".cache"
    return None


def cache_location(export, cache) -> Path | None:
    """The cache folder ``cache=`` names for ``export`` (see :func:`cached_clean`)."""
    return cache_folder(export) if cache is True else (Path(cache) if cache else None)


def _digest(*parts) -> str:
    h = hashlib.sha256(f"survey_tools clean cache {CACHE_FORMAT}".encode())
    for part in parts:
        if isinstance(part, str | os.PathLike) and part and Path(part).is_file():
            h.update(hashlib.sha256(Path(part).read_bytes()).digest())
        else:
            h.update(repr(part).encode())
        h.update(b"\0")
    package = Path(__file__).resolve().parents[1]
    for stage in _CODE:
        for source in sorted((package / stage).glob("*.py")):
            h.update(source.name.encode() + hashlib.sha256(source.read_bytes()).digest())
    return h.hexdigest()


def _to_bytes(frame: pd.DataFrame) -> bytes:
    out = io.BytesIO()
    frame.to_parquet(out, index=True)
    return out.getvalue()


def _read(folder: Path, name: str, key: str) -> CleanSurvey | None:
    try:
        files = read_set(folder, name=name)
        meta = json.loads(files[f"{name}.meta.json"])
        if meta.get("key") != key:
            return None
        frames = {
            part: _frame(files[f"{name}.{part}.parquet"]) for part in ("data", "flags", "log")
        }
    except (SurveyToolsError, OSError, KeyError, ValueError):
        return None
    return CleanSurvey(
        name=meta["name"],
        data=frames["data"],
        flags=frames["flags"],
        log=frames["log"],
        summary=meta["summary"],
        codebook=meta["codebook"],
        source=meta["source"],
    )


def _write(folder: Path, name: str, key: str, cleaned: CleanSurvey) -> None:
    meta = {
        "key": key,
        "name": cleaned.name,
        "summary": cleaned.summary,
        "codebook": cleaned.codebook,
        "source": cleaned.source,
    }
    text = json.dumps(meta, ensure_ascii=False)
    if json.loads(text) != meta:  # a value JSON cannot give back as it was: do not cache
        return
    try:
        with staged_folder(folder, name=name, wait=5.0) as tmp:
            for part in ("data", "flags", "log"):
                (tmp / f"{name}.{part}.parquet").write_bytes(_to_bytes(getattr(cleaned, part)))
            (tmp / f"{name}.meta.json").write_text(text, encoding="utf-8")
    except (SurveyToolsError, OSError):
        pass  # another notebook is writing the same set, or the folder is read-only


def cached_clean(
    export: str | os.PathLike,
    codebook: str | os.PathLike,
    *,
    roll: str | os.PathLike | None = None,
    invited: int | None = None,
    book: Codebook | None = None,
    cache: str | os.PathLike | bool = True,
    encoding: str | None = None,
    dictionary: str | os.PathLike | None = None,
) -> CleanSurvey:
    """``clean(read_export(export), codebook, roll=roll, invited=invited)``, done once.

    ``cache``: True for the folder :func:`cache_folder` gives (none outside a ``raw/``
    folder), a folder, or False to clean every time. ``book`` is the codebook already read
    from ``codebook``; ``encoding`` and ``dictionary`` go to :func:`read_export`.
    """
    book = book if book is not None else Codebook.from_yaml(codebook)

    def read():
        return read_export(export, encoding=encoding, data_dictionary=dictionary)

    folder = cache_location(export, cache)
    if folder is None:
        return clean(read(), book, roll=roll, invited=invited)
    name = re.sub(r"[^\w.-]+", "_", Path(export).stem).strip("._")[:100] or "export"
    name = safe_name(f"{name}.clean")
    key = _digest(export, codebook, roll, invited, encoding, dictionary)
    found = _read(folder, name, key)
    if found is not None:
        return found
    cleaned = clean(read(), book, roll=roll, invited=invited)
    _write(folder, name, key, cleaned)
    return cleaned


@functools.cache
def _package_digest() -> bytes:
    """sha256 of every code and data file of the package (any change makes results stale)."""
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for source in sorted(package.rglob("*")):
        if source.suffix in {".py", ".yaml", ".yml", ".json", ".csv", ".txt"}:
            h.update(source.relative_to(package).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(source.read_bytes()).digest())
    return h.digest()


def _part_bytes(part) -> bytes:
    if isinstance(part, pd.DataFrame):
        hashed = pd.util.hash_pandas_object(part, index=True).to_numpy()
        return repr((list(part.columns), [str(t) for t in part.dtypes])).encode() + hashed.tobytes()
    if isinstance(part, np.ndarray):
        return repr((part.dtype.str, part.shape)).encode() + np.ascontiguousarray(part).tobytes()
    if isinstance(part, str | os.PathLike) and part:
        try:
            if Path(part).is_file():
                return hashlib.sha256(Path(part).read_bytes()).digest()
        except OSError:  # a text too long to be a path: a value
            pass
    return repr(part).encode()


def _result_key(name: str, parts) -> str:
    h = hashlib.sha256(f"survey_tools result cache {CACHE_FORMAT} {name}".encode())
    h.update(_package_digest())
    for part in parts:
        h.update(hashlib.sha256(_part_bytes(part)).digest())
    return h.hexdigest()


def _parquet(frame: pd.DataFrame) -> bytes:
    out = io.BytesIO()
    frame.to_parquet(out, index=None)  # a RangeIndex is kept as one (as metadata)
    return out.getvalue()


def _frame(data: bytes) -> pd.DataFrame:
    """A stored table read back on this thread: Arrow's reader threads can still be alive at
    interpreter exit and abort the process after its work is done (apache/arrow#34314)."""
    return pd.read_parquet(io.BytesIO(data), use_threads=False)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    try:
        pd.testing.assert_frame_equal(a, b, check_exact=True, check_index_type=True)
    except AssertionError:
        return False
    return type(a.index) is type(b.index)


def cached_result(
    folder: str | os.PathLike | None,
    name: str,
    parts,
    compute: Callable[[], tuple[dict, dict]],
) -> tuple[dict, dict]:
    """``compute()`` (``({name: DataFrame}, {name: JSON value})``), once per ``parts``.

    ``parts`` are what the result is computed from: DataFrames and arrays (hashed by content),
    paths of files (hashed by their bytes) and other values (by ``repr``). The result is kept
    in ``folder`` (the series' cache folder; None computes every time) as the set ``name``
    (one per survey and step, e.g. ``<export>.comments``: a new key replaces the old result),
    written atomically and read back only when its manifest and key match; a result whose
    tables do not come back from Parquet exactly (values, dtypes, index) or whose values do
    not come back from JSON is not kept.
    """
    if folder is None:
        return compute()
    name = re.sub(r"[^\w.-]+", "_", name).strip("._")[:120] or "result"
    folder, name = Path(folder), safe_name(f"{name}.result")
    try:
        key = _result_key(name, parts)
    except (TypeError, ValueError):  # a part that cannot be hashed: no caching
        return compute()
    try:
        files = read_set(folder, name=name)
        meta = json.loads(files[f"{name}.meta.json"])
        if meta.get("key") == key:
            frames = {part: _frame(files[f"{name}.{part}.parquet"]) for part in meta["frames"]}
            return frames, meta["values"]
    except (SurveyToolsError, OSError, KeyError, ValueError):
        pass
    frames, values = compute()
    try:
        stored = {part: _parquet(frame) for part, frame in frames.items()}
        if not all(_same(_frame(stored[p]), f) for p, f in frames.items()):
            return frames, values
        text = json.dumps({"key": key, "frames": list(frames), "values": values})
    except (TypeError, ValueError, NotImplementedError, ImportError, OSError):
        return frames, values
    if json.dumps(json.loads(text)["values"]) != json.dumps(values):  # NaN stays NaN
        return frames, values
    try:
        with staged_folder(folder, name=name, wait=5.0) as tmp:
            for part, data in stored.items():
                (tmp / f"{name}.{part}.parquet").write_bytes(data)
            (tmp / f"{name}.meta.json").write_text(text, encoding="utf-8")
    except (SurveyToolsError, OSError):
        pass  # another notebook is writing the same set, or the folder is read-only
    return frames, values
