"""Seeded mutations of real exports, read one by one; run as a child process by test_fuzz.py.

Each mutant is written to a scratch folder and read with ``read_export``; a sample of those
that read are drafted a codebook and cleaned. One JSON line per mutant goes to stdout, and a
"start" line before each read, so that the parent can name the input that hung or crashed the
process.

    python tests/ingest/fuzzing.py SEED COUNT SCRATCH_DIR
"""

from __future__ import annotations

import json
import random
import sys
import time
import traceback
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXT = ROOT.parent / "shared" / "fixtures" / "external"
DEMO = ROOT / "data" / "raw" / "demo"
TEXT_EXT = (".csv", ".tsv")
BINARY_EXT = (".sav", ".zsav", ".dta", ".sas7bdat", ".xpt", ".por")
TEXT_SHARE = 0.6  # of the mutants; a damaged binary file may cost a separate process
DEMO_ROWS = 120  # rows of each large demo export kept, so that a read takes milliseconds


def corpus() -> list[tuple[str, bytes]]:
    """(name, bytes) of every readable text and binary fixture, and the demo exports' heads."""
    files = []
    for path in sorted(EXT.rglob("*")):
        if "malformed" in path.parts or path.suffix.lower() not in TEXT_EXT + BINARY_EXT:
            continue
        if path.parent.parent.name == "redcap" and path.name != "data.csv":
            continue
        files.append((path.relative_to(EXT).as_posix(), path.read_bytes()))
    for name in ("guild_ai_survey_2026_qualtrics.csv", "guild_ai_survey_2026_surveymonkey.csv"):
        lines = (DEMO / name).read_bytes().splitlines(keepends=True)
        files.append((f"demo/{name}", b"".join(lines[: DEMO_ROWS + 3])))
    sav = DEMO / "guild_ai_survey_2026.sav"
    files.append((f"demo/{sav.name}", sav.read_bytes()))
    return files


# --- Mutations: each returns (new bytes, new extension or None, description) ----------------


def truncate(rng: random.Random, raw: bytes, ext: str):
    at = rng.randrange(1, len(raw))
    return raw[:at], None, f"cut at byte {at} of {len(raw)}"


def flip(rng: random.Random, raw: bytes, ext: str):
    out = bytearray(raw)
    span = min(len(raw), rng.choice([512, 4096, len(raw)]))
    at = rng.randrange(0, span)
    n = rng.choice([1, 2, 4])
    for k in range(n):
        if at + k < len(out):
            out[at + k] = rng.randrange(256)
    return bytes(out), None, f"{n} byte(s) flipped at {at}"


def _header_cells(raw: bytes) -> tuple[list[bytes], bytes, bytes]:
    end = raw.find(b"\n")
    end = len(raw) if end < 0 else end + 1
    line, rest = raw[:end], raw[end:]
    body = line.rstrip(b"\r\n")
    sep = b"\t" if body.count(b"\t") > body.count(b",") else b","
    return body.split(sep), line[len(body) :] + rest, sep


def header_edit(rng: random.Random, raw: bytes, ext: str):
    cells, rest, sep = _header_cells(raw)
    i, j = rng.randrange(len(cells)), rng.randrange(len(cells))
    how = rng.choice(["duplicate", "blank", "unnamed", "delete", "legacy", "qualtrics id"])
    if how == "duplicate":
        cells[i] = cells[j]
    elif how == "blank":
        cells[i] = b""
    elif how == "unnamed":
        cells[i] = rng.choice([b"unnamed", b"unnamed (2)", cells[j] + b" (2)"])
    elif how == "delete" and len(cells) > 1:
        del cells[i]
    elif how == "legacy":
        cells[:2] = [b"V1", b"V2"]
    else:
        literal = b"{'ImportId': [" + b"1," * rng.randrange(10, 400) + b"]}"
        cells[i] = rng.choice([literal, b'"' + literal + b'"'])
    return sep.join(cells) + rest, None, f"header {how} at column {i}"


def delimiter_swap(rng: random.Random, raw: bytes, ext: str):
    old = b"\t" if raw[:2000].count(b"\t") > raw[:2000].count(b",") else b","
    new = rng.choice([b";", b"\t", b"|", b","])
    where = rng.choice(["all", "header", "one row"])
    if where == "all":
        out = raw.replace(old, new)
    else:
        lines = raw.splitlines(keepends=True)
        k = 0 if where == "header" or len(lines) < 2 else rng.randrange(1, len(lines))
        lines[k] = lines[k].replace(old, new)
        out = b"".join(lines)
    ext_new = rng.choice([None, ".tsv", ".csv"])
    return out, ext_new, f"delimiter {old!r}->{new!r} in {where}, named {ext_new or ext}"


def row_edit(rng: random.Random, raw: bytes, ext: str):
    lines = raw.splitlines(keepends=True)
    if len(lines) < 3:
        return truncate(rng, raw, ext)
    k = rng.randrange(1, len(lines))
    how = rng.choice(["short", "long", "stray byte", "stray quote", "blank line", "no newline"])
    line = lines[k]
    if how == "short" and b"," in line:
        lines[k] = line[: line.rfind(b",")] + b"\n"
    elif how == "long":
        lines[k] = line.rstrip(b"\r\n") + b",extra\n"
    elif how == "stray byte":
        at = rng.randrange(len(line))
        lines[k] = line[:at] + bytes([rng.choice([0xE9, 0x80, 0xFF, 0xC3])]) + line[at:]
    elif how == "stray quote":
        at = rng.randrange(len(line))
        lines[k] = line[:at] + b'"' + line[at:]
    elif how == "blank line":
        lines.insert(k, b"\n")
    else:
        lines[-1] = lines[-1].rstrip(b"\r\n")
    return b"".join(lines), None, f"row {how} at line {k + 1}"


TEXT_MUTATIONS = [truncate, flip, header_edit, header_edit, delimiter_swap, row_edit, row_edit]
BINARY_MUTATIONS = [truncate, flip, flip]


def mutate(rng: random.Random, name: str, raw: bytes):
    ext = Path(name).suffix.lower()
    mutation = rng.choice(TEXT_MUTATIONS if ext in TEXT_EXT else BINARY_MUTATIONS)
    data, new_ext, what = mutation(rng, raw, ext)
    return data, new_ext or ext, f"{mutation.__name__}: {what}"


def _silently_short(export, raw: bytes, data: bytes, ext: str, baseline) -> str:
    """Why a read that lost rows without saying so is wrong, or ""."""
    if ext in TEXT_EXT:
        cut_mid_line = not data.endswith((b"\n", b"\r")) and raw.startswith(data)
        if cut_mid_line and not export.meta.possibly_truncated:
            return "a text file cut mid-line read without possibly_truncated"
        return ""
    if baseline is not None and raw.startswith(data) and len(export.data) < baseline:
        return f"{len(export.data)} of {baseline} rows read without an error"
    return ""


def main(seed: int, count: int, scratch: Path, clean_every: int = 6) -> None:
    from survey_tools import Codebook, ExportReadError, SurveyToolsError, clean, read_export

    warnings.simplefilter("ignore")
    rng = random.Random(seed)
    files = corpus()
    baselines = {}
    for name, raw in files:
        if Path(name).suffix.lower() in BINARY_EXT:
            path = scratch / f"base{Path(name).suffix}"
            path.write_bytes(raw)
            baselines[name] = len(read_export(path).data)
    text = [f for f in files if Path(f[0]).suffix.lower() in TEXT_EXT]
    binary = [f for f in files if Path(f[0]).suffix.lower() in BINARY_EXT]
    for i in range(count):
        name, raw = rng.choice(text if rng.random() < TEXT_SHARE else binary)
        data, ext, what = mutate(rng, name, raw)
        path = scratch / f"m{i:04d}{ext}"
        path.write_bytes(data)
        record = {"i": i, "source": name, "mutation": what}
        print(json.dumps({**record, "start": True}), flush=True)
        started = time.perf_counter()
        try:
            export = read_export(path, platform="auto")
        except ExportReadError as exc:
            record["outcome"] = "ExportReadError"
            record["named"] = path.name in str(exc)
        except Exception as exc:
            record["outcome"] = f"RAW {type(exc).__name__}: {exc}"
            record["trace"] = traceback.format_exc()[-1500:]
        else:
            record["outcome"] = "read"
            record["silent"] = _silently_short(export, raw, data, ext, baselines.get(name))
            record["unique"] = bool(export.data.columns.is_unique)
            if i % clean_every == 0 and len(export.data) <= 500:
                try:
                    clean(export, Codebook.draft(export))
                    record["clean"] = "ok"
                except SurveyToolsError as exc:
                    record["clean"] = f"{type(exc).__name__}"
                except Exception as exc:
                    record["clean"] = f"RAW {type(exc).__name__}: {exc}"
                    record["clean_trace"] = traceback.format_exc()[-1500:]
        record["seconds"] = round(time.perf_counter() - started, 3)
        print(json.dumps(record), flush=True)
        path.unlink()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
