"""Human coding: a stratified coding sheet out, staff codes in, agreement with the rules out.

Staff code a sample of comments by hand to check the theme codebook where it matters:

- :func:`coding_sheet` draws a sample stratified by group (every group gets its share, and at
  least ``min_per_group`` comments where it has them) and lays it out for coding: the comment,
  its group, one empty column per theme and ``coded_by``; the rules' own codes are not shown.
  :func:`write_coding_sheet` writes it as ``.xlsx`` with the themes' labels and instructions
  (cells are text, never formulas).
- :func:`read_coding_sheet` reads the sheet back: ``1``, ``x`` or ``yes`` mark a theme; rows
  without ``coded_by`` are not yet coded and are left out.
- :func:`agreement` compares two codings of the same comments (staff against the rules, or two
  staff members), per theme: Cohen's kappa, Krippendorff's alpha (nominal), and the second
  coding's precision and recall taking the first as right.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CodebookError
from ..files import write_xlsx
from .code import commented
from .themes import Themes, read_themes

__all__ = [
    "agreement",
    "coding_sheet",
    "cohen_kappa",
    "krippendorff_alpha",
    "read_coding_sheet",
    "write_coding_sheet",
]

YES = {"1", "x", "yes", "y", "true"}
NO = {"", "0", "no", "n", "false", "nan", "none"}
INSTRUCTIONS = (
    "Read each comment and put 1 in every theme column the comment raises (leave the others "
    'blank or 0). A theme mentioned only to deny it ("I never signed an NDA") is not raised. '
    "Write your initials in coded_by on every row you have coded; rows without them are not "
    "counted. Do not add, remove or reorder rows or columns."
)


def coding_sheet(
    texts: pd.Series,
    *,
    groups: pd.Series | None = None,
    themes: Themes | None = None,
    n: int = 200,
    min_per_group: int = 10,
    seed: int = 0,
) -> pd.DataFrame:
    """A sample of comments stratified by group, laid out for coding by hand.

    Parameters
    ----------
    texts
        Redacted comments (blank and missing ones are never drawn).
    groups
        Each comment's group (e.g. role group), aligned with ``texts``; None: one group.
    themes
        The theme codebook whose themes are coded (default: the standard one).
    n
        Comments to draw in all (fewer if fewer were written).
    min_per_group
        Every group gets at least this many comments where it has them (fewer when ``n``
        cannot give every group as many); the rest of ``n`` is shared in proportion to the
        groups' comments.
    seed
        Seed of the draw: the same seed draws the same sheet.

    Returns
    -------
    DataFrame
        ``comment_id`` (the texts' index label), ``group``, ``comment``, one empty column per
        theme, ``coded_by`` and ``notes``; in random order, so groups are not coded in blocks.
    """
    themes = themes or read_themes()
    wrote = commented(texts)
    pool = pd.DataFrame(
        {
            "comment_id": texts.index[wrote.to_numpy()],
            "group": (groups[wrote] if groups is not None else pd.Series("all", texts.index)[wrote])
            .astype(str)
            .to_numpy(),
            "comment": texts[wrote].astype(str).to_numpy(),
        }
    )
    rng = np.random.default_rng(seed)
    n = min(n, len(pool))
    sizes = pool["group"].value_counts().sort_index()
    take = np.minimum(sizes, min(min_per_group, n // max(len(sizes), 1)))
    rest = n - int(take.sum())
    if rest > 0:
        extra = np.floor((sizes - take) / max(int((sizes - take).sum()), 1) * rest).astype(int)
        take = take + extra
        short = n - int(take.sum())
        room = (sizes - take).sort_values(ascending=False)
        for g in room.index[:short]:
            take[g] += 1
    drawn = [
        pool[pool["group"] == g].sample(n=int(k), random_state=rng.integers(2**31))
        for g, k in take.items()
        if k > 0
    ]
    sheet = pd.concat(drawn).sample(frac=1, random_state=rng.integers(2**31))
    sheet = sheet.reset_index(drop=True)
    for ident in themes.ids:
        sheet[ident] = ""
    sheet["coded_by"] = ""
    sheet["notes"] = ""
    return sheet


def write_coding_sheet(
    sheet: pd.DataFrame, path: str | os.PathLike, *, themes: Themes | None = None
) -> Path:
    """Write a :func:`coding_sheet` to ``.xlsx``: sheets ``Coding``, ``Themes``, ``How to code``."""
    themes = themes or read_themes()
    return write_xlsx(
        {
            "Coding": sheet,
            "Themes": themes.to_frame()[["theme", "label", "parent"]],
            "How to code": pd.DataFrame({"instructions": [INSTRUCTIONS]}),
        },
        path,
    )


def read_coding_sheet(path: str | os.PathLike, *, themes: Themes | None = None) -> pd.DataFrame:
    """The staff's codes from a filled coding sheet: one boolean column per theme, indexed by
    ``comment_id``, with ``coded_by``; rows not yet coded (no ``coded_by``) are left out.

    Raises :class:`~survey_tools.CodebookError` naming the cell when a mark is unreadable or a
    theme column is missing.
    """
    themes = themes or read_themes()
    try:
        sheet = pd.read_excel(path, sheet_name="Coding", dtype=object)
    except (OSError, ValueError, KeyError) as exc:
        raise CodebookError(
            f"Cannot read the coding sheet {path}: {exc}",
            hint="give the .xlsx written by write_coding_sheet, with its Coding sheet",
        ) from exc
    missing = [c for c in ["comment_id", "coded_by", *themes.ids] if c not in sheet.columns]
    if missing:
        raise CodebookError(
            f"The coding sheet {path} lacks the column(s) {', '.join(missing)}.",
            hint="code in the sheet as written; do not rename or delete columns",
        )
    coder = sheet["coded_by"].map(lambda v: "" if pd.isna(v) else str(v).strip())
    done = sheet[coder.ne("")]
    out = pd.DataFrame(index=pd.Index(done["comment_id"].tolist(), name="comment_id"))
    for ident in themes.ids:
        marks = done[ident].map(lambda v: "" if pd.isna(v) else str(v))
        marks = marks.str.strip().str.lower().str.removesuffix(".0")
        bad = ~marks.isin(YES | NO)
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise CodebookError(
                f"The coding sheet {path}: {done[ident].iloc[row]!r} in column {ident}, row "
                f"{done.index[row] + 2}, is no mark.",
                hint="write 1 where the comment raises the theme, leave it blank otherwise",
            )
        out[ident] = marks.isin(YES).to_numpy()
    out["coded_by"] = coder[coder.ne("")].to_numpy()
    return out


def cohen_kappa(a, b) -> float:
    """Cohen's kappa of two codings of the same items (any labels); NaN when chance agreement
    is perfect (both coders gave one and the same label throughout)."""
    a, b = np.asarray(a), np.asarray(b)
    labels = np.unique(np.concatenate([a, b]))
    observed = float(np.mean(a == b))
    expected = float(sum(np.mean(a == k) * np.mean(b == k) for k in labels))
    return (observed - expected) / (1 - expected) if expected < 1 else float("nan")


def krippendorff_alpha(*codings) -> float:
    """Krippendorff's alpha (nominal) of two or more complete codings of the same items."""
    values = np.column_stack([np.asarray(c) for c in codings])  # items x coders
    labels = np.unique(values)
    m = values.shape[1]
    counts = np.column_stack([(values == k).sum(axis=1) for k in labels])  # items x labels
    coincidence = counts.T @ counts - np.diag(counts.sum(axis=0))  # pairs of values per item
    coincidence = coincidence / (m - 1)
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    observed = coincidence.sum() - np.trace(coincidence)
    expected = (n_c.sum() ** 2 - (n_c**2).sum()) / (n - 1)
    return 1 - observed / expected if expected > 0 else float("nan")


def agreement(reference: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Agreement of two codings of the same comments, per theme.

    ``reference`` (e.g. the staff's codes from :func:`read_coding_sheet`) and ``other`` (e.g.
    :func:`~survey_tools.code_comments` on the same comments) are boolean frames; rows are
    matched by index label and themes by column. Columns: ``theme``, ``n`` (comments coded by
    both), ``reference`` and ``other`` (how many each coded with the theme), ``agree`` (share
    of comments coded alike), ``kappa``, ``alpha``, ``precision`` and ``recall`` of ``other``
    taking ``reference`` as right (NaN where undefined).
    """
    rows = reference.index.intersection(other.index)
    themes = [c for c in reference.columns if c in other.columns and c != "coded_by"]
    if not len(rows) or not themes:
        raise CodebookError(
            "The two codings share no comments or no themes.",
            hint="compare the staff's sheet with code_comments() of the same comments",
        )
    out = []
    for t in themes:
        a = reference.loc[rows, t].to_numpy(dtype=bool)
        b = other.loc[rows, t].to_numpy(dtype=bool)
        both = int((a & b).sum())
        out.append(
            {
                "theme": t,
                "n": len(rows),
                "reference": int(a.sum()),
                "other": int(b.sum()),
                "agree": float(np.mean(a == b)),
                "kappa": cohen_kappa(a, b),
                "alpha": krippendorff_alpha(a, b),
                "precision": both / b.sum() if b.sum() else float("nan"),
                "recall": both / a.sum() if a.sum() else float("nan"),
            }
        )
    return pd.DataFrame(out)
