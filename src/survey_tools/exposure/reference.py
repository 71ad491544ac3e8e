"""Occupational AI-exposure indices and the role-to-SOC map: the shipped files and the user's own.

The shipped reference data live in ``data/reference/ai-exposure/`` (licences and citations in
its ``LICENSES.md`` and ``README.md``): Eloundou et al.'s GPTs-are-GPTs task shares, Microsoft's
AI applicability score and Anthropic's observed exposure, by SOC 2018 code, each with its
percentile within its own source. Indices whose licence forbids redistribution are read from the
user's copy with :func:`read_exposure_index`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ExposureError

__all__ = [
    "REFERENCE_DIR",
    "normalise_soc",
    "read_exposure_index",
    "read_exposure_indices",
    "read_role_map",
]

REFERENCE_DIR = Path(__file__).resolve().parents[3] / "data" / "reference" / "ai-exposure"
INDEX_COLUMNS = ["soc_code", "soc_title", "index", "value", "percentile", "source"]
_SOC = re.compile(r"^\s*(\d{2})-?(\d{4})(?:\.\d{2})?\s*$")


def _folder(reference_dir) -> Path:
    folder = Path(reference_dir) if reference_dir is not None else REFERENCE_DIR
    if not folder.is_dir():
        raise ExposureError(
            f"The AI-exposure reference folder {folder} does not exist.",
            hint="run from a checkout of survey_tools (data/reference/ai-exposure/ ships with "
            "it) or pass reference_dir= to a copy of that folder.",
        )
    return folder


def normalise_soc(codes) -> pd.Series:
    """SOC 2018 codes as ``NN-NNNN``: accepts ``273043``, ``27-3043`` and O*NET ``27-3043.00``.

    Examples
    --------
    >>> from survey_tools.exposure import normalise_soc
    >>> normalise_soc(["273043", "27-3043.05", " 27-2011 ", None]).tolist()
    ['27-3043', '27-3043', '27-2011', nan]
    """
    s = pd.Series(codes, dtype=object)
    out = s.astype(str).str.extract(_SOC)
    return (out[0] + "-" + out[1]).where(out[0].notna(), np.nan)


def read_exposure_indices(reference_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """The shipped indices in long form: one row per SOC occupation and index.

    Returns
    -------
    pandas.DataFrame
        ``soc_code``, ``soc_title``, ``index`` (e.g. ``eloundou_human_beta``,
        ``msft_ai_applicability``, ``anthropic_observed_exposure``), ``value`` (on the index's
        own scale), ``percentile`` (unweighted, within the index's full source distribution) and
        ``source``.

    Examples
    --------
    >>> from survey_tools.exposure import read_exposure_indices
    >>> idx = read_exposure_indices()
    >>> sorted(idx["index"].unique())[:2]
    ['anthropic_observed_exposure', 'eloundou_gpt4_alpha']
    >>> writers = idx[(idx["soc_code"] == "27-3043") & (idx["index"] == "eloundou_human_beta")]
    >>> float(writers["value"].iloc[0])
    0.8077
    """
    path = _folder(reference_dir) / "occupation_exposure_long.csv"
    if not path.exists():
        raise ExposureError(f"{path} is missing.", hint="restore it from the project's git.")
    raw = pd.read_csv(path, dtype={"soc_code": str})
    out = raw.rename(columns={"measure": "index", "pctile_unweighted": "percentile"})
    return out[INDEX_COLUMNS].dropna(subset=["value"]).reset_index(drop=True)


def read_role_map(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The role-to-SOC map: survey role label -> SOC code, certainty and alternate codes.

    Parameters
    ----------
    path
        A CSV with ``role`` and ``soc_code`` (optionally ``certainty``, ``alt_soc_codes``
        separated by ``;``, ``note``). By default the shipped maps: the demo questionnaire's
        roles (``role_to_soc_guild.csv``) then the general one (``role_to_soc.csv``).

    Returns
    -------
    pandas.DataFrame
        ``role``, ``soc_code`` (NaN where no SOC applies, e.g. AI-training gigs), ``certainty``
        (``high``/``medium``/``low``/``none``), ``alt_soc_codes`` (a tuple), ``note``.

    Examples
    --------
    >>> from survey_tools.exposure import read_role_map
    >>> roles = read_role_map().set_index("role")
    >>> roles.loc["Voice actor", ["soc_code", "certainty", "alt_soc_codes"]].tolist()
    ['27-2011', 'high', ('27-3011',)]
    """
    if path is None:
        folder = _folder(None)
        paths = [folder / "role_to_soc_guild.csv", folder / "role_to_soc.csv"]
    else:
        paths = [Path(path)]
    frames = []
    for p in paths:
        if not p.exists():
            raise ExposureError(
                f"Role-to-SOC map {p} not found.",
                hint="write a CSV with columns role,soc_code[,certainty,alt_soc_codes].",
            )
        frame = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""])
        missing = {"role", "soc_code"} - set(frame.columns)
        if missing:
            raise ExposureError(
                f"Role-to-SOC map {p} lacks the column(s) {sorted(missing)}.",
                hint="name the columns role and soc_code (one row per survey role label).",
            )
        frames.append(frame)
    roles = pd.concat(frames, ignore_index=True).drop_duplicates("role", keep="first")
    roles["soc_code"] = normalise_soc(roles["soc_code"])
    if "certainty" not in roles:
        roles["certainty"] = np.where(roles["soc_code"].notna(), "high", "none")
    roles["certainty"] = roles["certainty"].fillna("none")
    alts = roles["alt_soc_codes"] if "alt_soc_codes" in roles else pd.Series("", index=roles.index)
    roles["alt_soc_codes"] = [
        tuple(normalise_soc(str(a).split(";")).dropna()) if isinstance(a, str) and a else ()
        for a in alts
    ]
    if "note" not in roles:
        roles["note"] = ""
    cols = ["role", "soc_code", "certainty", "alt_soc_codes", "note"]
    return roles[cols].reset_index(drop=True)


def read_exposure_index(
    path: str | os.PathLike,
    *,
    soc: str,
    value: str,
    name: str | None = None,
    sheet: str | int = 0,
) -> pd.DataFrame:
    """Read an index from your own file (e.g. one whose licence forbids redistribution).

    Parameters
    ----------
    path
        A CSV or Excel file with one row per occupation (or per O*NET sub-occupation).
    soc, value
        The columns holding the SOC 2018 code (``27-3043``, ``273043`` or O*NET
        ``27-3043.00``) and the index value.
    name
        The index's name in tables (default: the file's stem and the value column).
    sheet
        Excel sheet, when ``path`` is a workbook.

    Returns
    -------
    pandas.DataFrame
        The long layout of :func:`read_exposure_indices`; several rows of one SOC code (O*NET
        sub-occupations) are averaged; ``percentile`` is computed within the file, as the
        shipped files do: ``100 * (#below + 0.5 * #equal) / N``. Concatenate it with
        ``read_exposure_indices()`` and pass it as ``indices=`` to the joins.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> from survey_tools.exposure import read_exposure_index
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "aioe.csv"
    >>> pd.DataFrame({"SOC": ["27-3043.00", "27-2011.00", "15-1252.00"],
    ...               "AIOE": [1.2, -0.4, 1.5]}).to_csv(path, index=False)
    >>> aioe = read_exposure_index(path, soc="SOC", value="AIOE", name="felten_aioe")
    >>> aioe[["soc_code", "index", "value"]].values.tolist()[0]
    ['15-1252', 'felten_aioe', 1.5]
    >>> aioe["percentile"].round(1).tolist()
    [83.3, 16.7, 50.0]
    """
    path = Path(path)
    if not path.exists():
        raise ExposureError(f"Index file {path} not found.", hint="check the path.")
    if path.suffix.lower() in (".xlsx", ".xls"):
        raw = pd.read_excel(path, sheet_name=sheet)
    else:
        raw = pd.read_csv(path)
    missing = [c for c in (soc, value) if c not in raw.columns]
    if missing:
        raise ExposureError(
            f"{path.name} has no column(s) {missing}; its columns are {list(raw.columns)}.",
            hint="pass soc= and value= as the file names its SOC-code and index columns.",
        )
    codes = normalise_soc(raw[soc])
    values = pd.to_numeric(raw[value], errors="coerce")
    if codes.isna().all():
        raise ExposureError(
            f"No value of {path.name}:{soc} reads as a SOC code (e.g. 27-3043).",
            hint="name the column with SOC 2018 or O*NET-SOC codes in soc=.",
        )
    frame = pd.DataFrame({"soc_code": codes, "value": values}).dropna()
    frame = frame.groupby("soc_code", as_index=False)["value"].mean()
    v = frame["value"].to_numpy()
    below = (v[None, :] < v[:, None]).sum(1)
    equal = (v[None, :] == v[:, None]).sum(1)
    frame["percentile"] = 100 * (below + 0.5 * equal) / len(v)
    frame["index"] = name or f"{path.stem}_{value}"
    frame["soc_title"] = np.nan
    frame["source"] = f"{path.name}:{value} (user file)"
    return frame[INDEX_COLUMNS]
