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
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from pathlib import Path

import pandas as pd

from ..cleaning.clean import CleanSurvey, clean
from ..cleaning.codebook import Codebook
from ..errors import SurveyToolsError
from ..files import read_set, safe_name, staged_folder
from ..ingest.read import read_export

__all__ = ["cache_folder", "cached_clean"]

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
            part: pd.read_parquet(io.BytesIO(files[f"{name}.{part}.parquet"]))
            for part in ("data", "flags", "log")
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

    folder = cache_folder(export) if cache is True else (Path(cache) if cache else None)
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
