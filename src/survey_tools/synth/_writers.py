"""Write the fieldwork rows as the files analysts receive: SPSS, Qualtrics CSV, SurveyMonkey CSV.

All three carry the same responses in their platform's own layout (see the export-formats
notes): SPSS keeps integer codes with value labels and user-defined missing values; Qualtrics
writes three header rows and labels as values; SurveyMonkey writes two header rows with the
question text above the first sub-column only. Every writer is byte-deterministic.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from ._fieldwork import DISPOSITIONS, FIELD_CLOSE, TIME_ZONE
from ._questionnaire import GRID_TEXT, ITEMS, NOT_ASKED, SPECIAL_LABELS, Item, user_missing

PARADATA_LABELS = {
    "resp_id": "Response ID",
    "member_id": "Member ID (roll)",
    "email": "Invitation email address",
    "ip_address": "IP address",
    "start_ts": "Start time (America/Los_Angeles)",
    "end_ts": "End time (America/Los_Angeles)",
    "duration_sec": "Duration (seconds)",
    "progress": "Progress (% of pages)",
    "finished": "Finished",
    "last_page": "Last page reached",
    "disposition": "AAPOR final disposition",
    "mode": "Invitation mode",
    "device": "Device",
}
PARADATA_CODES = {
    "finished": {0: "No", 1: "Yes"},
    "disposition": {
        float(code): label for code, (label, _) in DISPOSITIONS.items() if not code.startswith("3.")
    },
    "mode": {1: "Email link", 2: "SMS link"},
    "device": {1: "Desktop", 2: "Mobile", 3: "Tablet"},
}
ORDINAL = {
    "pct_income_craft",
    "earn_craft_band",
    "earn_change_2022",
    "ai_use_work",
    "rlhf_disturbing",
    "rlhf_income_share",
    "age_band",
}


# --- SPSS ---------------------------------------------------------------------------------------


def _sav_labels(item: Item) -> dict[str, tuple[str, dict, list, str]]:
    """column -> (variable label, value labels, user-missing definition, measure)."""
    out = {}
    special = {NOT_ASKED: SPECIAL_LABELS[NOT_ASKED]}
    if item.kind == "multi":
        for col, label in item.options:
            out[col] = (
                f"{item.text} - {label}",
                {1: label, 0: "Not selected", **special},
                [NOT_ASKED],
                "nominal",
            )
    elif item.kind == "text":
        out[item.name] = (item.text, {}, [], "nominal")
    else:
        measure = {"numeric": "scale", "likert": "ordinal"}.get(
            item.kind, "ordinal" if item.name in ORDINAL else "nominal"
        )
        out[item.name] = (item.text, {**item.codes, **special}, user_missing(item), measure)
    if item.other:
        out[item.other] = (f"{item.text} - Other (please specify)", {}, [], "nominal")
    return out


def write_sav(rows: pd.DataFrame, path: Path) -> None:
    """SPSS .sav with variable and value labels and user-missing codes, stamped at field close."""
    data = rows[list(PARADATA_LABELS) + [c for it in ITEMS for c in it.columns]].copy()
    data["disposition"] = data["disposition"].astype(float)
    labels = {
        col: (text, PARADATA_CODES.get(col, {}), [], "nominal")
        for col, text in PARADATA_LABELS.items()
    }
    for col in ("duration_sec", "progress", "start_ts", "end_ts"):
        labels[col] = (labels[col][0], {}, [], "scale")
    for item in ITEMS:
        labels.update(_sav_labels(item))
    pyreadstat.write_sav(
        data,
        path,
        file_label="Guild member survey on AI, 2026 (synthetic demo)",  # 64 bytes at most
        note=[
            "Synthetic data from survey_tools.synth: no real members.",  # 80 chars a line
            f"Times are {TIME_ZONE} local time.",
            "Codes: -1 not asked, 97 other, 98 don't know, 99 prefer not to say.",
        ],
        column_labels={col: lab[0] for col, lab in labels.items()},
        variable_value_labels={col: lab[1] for col, lab in labels.items() if lab[1]},
        missing_ranges={col: lab[2] for col, lab in labels.items() if lab[2]},
        variable_measure={col: lab[3] for col, lab in labels.items()},
        row_compress=True,
    )
    # ReadStat stamps the header with the wall clock (bytes 92-108 hold "dd Mon yy" then
    # "hh:mm:ss"); stamp the survey's close instead so the file is byte-identical per seed.
    stamp = FIELD_CLOSE.strftime("%d %b %y%H:%M:%S").encode("ascii")
    with open(path, "r+b") as fh:
        fh.seek(92)
        fh.write(stamp)


# --- Web platforms ------------------------------------------------------------------------------


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _renderer(item: Item, option: str | None = None) -> Callable[[object], str]:
    """Turn a stored code into the text a web platform writes in a "labels" export."""
    if item.kind == "text" or (option is not None and option == item.other):
        return lambda v: "" if v is None or v != v else str(v)
    if option is not None:  # one checkbox of a multi-select: the choice text when ticked
        label = dict(item.options)[option]
        return lambda v: label if v == 1 else ""

    def render(v: object) -> str:
        if v is None or v != v or v == NOT_ASKED:
            return ""
        if item.kind == "numeric" and v not in item.codes:
            return _number(float(v))
        return item.codes[int(v)]

    return render


def _grid_position(item: Item) -> tuple[int, int]:
    grid = [it for it in ITEMS if it.grid == item.grid]
    return grid[0].number, grid.index(item) + 1


def _write_csv(path: Path, header: list[list[str]], body: list[list[str]], encoding: str) -> None:
    # Characters the encoding lacks become "?", as in a legacy Windows re-save.
    with open(path, "w", newline="", encoding=encoding, errors="replace") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerows(header)
        writer.writerows(body)


def _render_body(rows: pd.DataFrame, columns: list[tuple[str, Callable[[object], str]]]) -> list:
    rendered = [[fn(v) for v in rows[src].tolist()] for src, fn in columns]
    return [list(r) for r in zip(*rendered)]


def qualtrics_column(item: Item, col: str) -> tuple[str, str, str]:
    """(export tag, ImportId, question text) of one column of ``item`` in a Qualtrics export."""
    if item.grid:
        number, row_no = _grid_position(item)
        return f"Q{number}_{row_no}", f"QID{number}_{row_no}", f"{GRID_TEXT} - {item.text}"
    if col == item.other:
        suffix = len(item.options) if item.kind == "multi" else 97
        return (
            f"Q{item.number}_{suffix}_TEXT",
            f"QID{item.number}_{suffix}_TEXT",
            f"{item.text} - Other - Text",
        )
    if item.kind == "multi":
        pos = [c for c, _ in item.options].index(col) + 1
        if item.name == "roles_all":  # recode values = craft codes
            pos = int(col.split("_")[1])
        tag = f"Q{item.number}_{pos}"
        return tag, f"QID{item.number}_{pos}", f"{item.text} - {dict(item.options)[col]}"
    text_entry = item.kind in ("numeric", "text")
    return f"Q{item.number}", f"QID{item.number}" + ("_TEXT" if text_entry else ""), item.text


def write_qualtrics_csv(rows: pd.DataFrame, path: Path) -> None:
    """A current (2017+) Qualtrics CSV: tags, question text, ImportId JSON; labels as values."""
    tz = {"timeZone": TIME_ZONE}
    ts = "%Y-%m-%d %H:%M:%S"
    meta = [
        (
            "StartDate",
            "Start Date",
            {"ImportId": "startDate", **tz},
            "start_ts",
            lambda v: v.strftime(ts),
        ),
        ("EndDate", "End Date", {"ImportId": "endDate", **tz}, "end_ts", lambda v: v.strftime(ts)),
        ("Status", "Response Type", {"ImportId": "status"}, "resp_id", lambda v: "IP Address"),
        ("IPAddress", "IP Address", {"ImportId": "ipAddress"}, "ip_address", str),
        ("Progress", "Progress", {"ImportId": "progress"}, "progress", str),
        (
            "Duration (in seconds)",
            "Duration (in seconds)",
            {"ImportId": "duration"},
            "duration_sec",
            str,
        ),
        ("Finished", "Finished", {"ImportId": "finished"}, "finished", lambda v: str(bool(v))),
        (
            "RecordedDate",
            "Recorded Date",
            {"ImportId": "recordedDate", **tz},
            "end_ts",
            lambda v: v.strftime(ts),
        ),
        ("ResponseId", "Response ID", {"ImportId": "_recordId"}, "resp_id", str),
        (
            "RecipientLastName",
            "Recipient Last Name",
            {"ImportId": "recipientLastName"},
            "last_name",
            str,
        ),
        (
            "RecipientFirstName",
            "Recipient First Name",
            {"ImportId": "recipientFirstName"},
            "first_name",
            str,
        ),
        ("RecipientEmail", "Recipient Email", {"ImportId": "recipientEmail"}, "email", str),
        (
            "ExternalReference",
            "External Data Reference",
            {"ImportId": "externalDataReference"},
            "member_id",
            str,
        ),
        (
            "DistributionChannel",
            "Distribution Channel",
            {"ImportId": "distributionChannel"},
            "mode",
            lambda v: "email" if v == 1 else "sms",
        ),
        ("UserLanguage", "User Language", {"ImportId": "userLanguage"}, "resp_id", lambda v: "EN"),
    ]
    header: list[list[str]] = [[], [], []]
    columns = []
    for tag, text, import_id, src, fn in meta:
        for row, value in zip(header, (tag, text, json.dumps(import_id, separators=(",", ":")))):
            row.append(value)
        columns.append((src, fn))
    for item in ITEMS:
        for col in item.columns:
            tag, qid, text = qualtrics_column(item, col)
            for row, value in zip(
                header, (tag, text, json.dumps({"ImportId": qid}, separators=(",", ":")))
            ):
                row.append(value)
            columns.append(
                (col, _renderer(item, col if (item.kind == "multi" or col == item.other) else None))
            )
    _write_csv(path, header, _render_body(rows, columns), "utf-8")


def write_surveymonkey_csv(rows: pd.DataFrame, path: Path) -> None:
    """A SurveyMonkey "expanded" CSV: two header rows, Windows-1252 text, US dates."""
    ts = "%m/%d/%Y %I:%M:%S %p"
    numeric_id = (
        rows["resp_id"].map(lambda r: int.from_bytes(r.encode()[2:10], "big") % 10**11) + 10**11
    ).astype(str)
    frame = pd.concat([rows, numeric_id.rename("_sm_id")], axis=1)
    meta = [
        ("Respondent ID", "_sm_id", str),
        ("Collector ID", "mode", lambda v: "431877502" if v == 1 else "431877519"),
        ("Start Date", "start_ts", lambda v: v.strftime(ts)),
        ("End Date", "end_ts", lambda v: v.strftime(ts)),
        ("IP Address", "ip_address", str),
        ("Email Address", "email", str),
        ("First Name", "first_name", str),
        ("Last Name", "last_name", str),
        ("Custom Data 1", "member_id", str),
    ]
    header: list[list[str]] = [[m[0] for m in meta], [""] * len(meta)]
    columns = [(src, fn) for _, src, fn in meta]
    seen_grid = False
    for item in ITEMS:
        first = True
        for col in item.columns:
            top = item.text if first else ""
            if item.grid:
                top, sub = (GRID_TEXT if not seen_grid else ""), item.text
                seen_grid = True
            elif col == item.other:
                sub = "Other (please specify)"
            elif item.kind == "multi":
                sub = dict(item.options)[col]
            else:
                sub = "Open-Ended Response" if item.kind in ("numeric", "text") else "Response"
            header[0].append(top)
            header[1].append(sub)
            columns.append(
                (col, _renderer(item, col if (item.kind == "multi" or col == item.other) else None))
            )
            first = False
    _write_csv(path, header, _render_body(frame, columns), "cp1252")


# --- The roll and its published margins --------------------------------------------------------


def write_roll(roll: pd.DataFrame, path: Path, labels: dict[str, dict]) -> None:
    """The membership roll as the guild office exports it (labels, one row per member)."""
    out = roll.copy()
    for col, mapping in labels.items():
        out[col] = out[col].map(mapping)
    out.to_csv(path, index=False, lineterminator="\n")


def margins_frame(roll: pd.DataFrame, labels: dict[str, dict]) -> pd.DataFrame:
    """Published one-way margins: members by role group, region, age band and class."""
    parts = []
    for margin, source in (
        ("role_group", "role_group"),
        ("region", "region"),
        ("age_band", "age_band"),
        ("member_status", "member_class"),
    ):
        mapping = labels.get(source)
        levels = (
            list(mapping.values())
            if mapping
            else list(dict.fromkeys(np.sort(roll[source].unique()).tolist()))
        )
        values = roll[source].map(mapping) if mapping else roll[source]
        counts = values.value_counts().reindex(levels, fill_value=0)
        parts.append(
            pd.DataFrame({"margin": margin, "level": counts.index, "members": counts.values})
        )
    return pd.concat(parts, ignore_index=True)
