"""Check a binary export's structure before a C reader sees it.

ReadStat (under pyreadstat) trusts what a file says about itself; a damaged SPSS file can make
it crash the Python process, taking the analyst's notebook kernel with it. These checks walk
what each format declares (record lengths, counts, offsets, the text in its dictionary) with
plain Python. They answer with a :class:`Check`:

- ``truncated``: the file is shorter than its own header says, so it was cut off;
- ``suspect``: something does not add up, so the file is read in a separate process where a
  crash becomes an :class:`~survey_tools.ExportReadError`;
- neither: the file is read directly (the common, fast path).

May import: ``survey_tools.errors`` only (it imports nothing of the package).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

__all__ = ["Check", "check_header", "sav_cut_short"]


@dataclass(frozen=True)
class Check:
    """What the header walk found: ``truncated`` and ``suspect`` hold a reason, or ""."""

    truncated: str = ""
    suspect: str = ""
    data_start: int = 0  # SPSS bytecode-compressed data: where it starts,
    cases: int = 0  # how many responses the header declares
    slots: int = 0  # and how many 8-byte values each holds


class _Bad(Exception):
    """A structural inconsistency (the message says which)."""


class _Reader:
    def __init__(self, raw: bytes, pos: int, endian: str) -> None:
        self.raw, self.pos, self.endian = raw, pos, endian

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.raw):
            raise _Bad(f"a record at byte {self.pos} runs past the end of the file")
        out = self.raw[self.pos : self.pos + n]
        self.pos += n
        return out

    def int32(self) -> int:
        return struct.unpack(self.endian + "i", self.take(4))[0]


def _utf8(text: bytes, what: str) -> None:
    try:
        text.decode("utf-8")
    except UnicodeDecodeError:
        raise _Bad(f"{what} is not valid UTF-8 as the file declares") from None


def _long_string_labels(body: bytes, endian: str) -> list[tuple[bytes, str]]:
    """The values and labels of long string variables (extension record 21)."""
    r, out = _Reader(body, 0, endian), []
    while r.pos < len(body):
        r.take(r.int32())  # the variable's name
        r.int32()  # its width
        for _ in range(r.int32()):
            out.append((r.take(r.int32()), "a long string value with a label"))
            out.append((r.take(r.int32()), "a value label"))
    return out


def _sav(raw: bytes, size: int) -> Check:
    """Walk an SPSS ``.sav``/``.zsav`` dictionary: header, variables, labels, extensions."""
    if len(raw) < 176:
        return Check(truncated=f"the file is {size} bytes, shorter than an SPSS header")
    endian = "<" if struct.unpack("<i", raw[64:68])[0] in (2, 3) else ">"
    if struct.unpack(endian + "i", raw[64:68])[0] not in (2, 3):
        return Check(suspect="the SPSS header's layout code is not 2 or 3")
    _case_size, compression, _weight, ncases = struct.unpack(endian + "4i", raw[68:84])
    if compression not in (0, 1, 2) or (raw[:4] == b"$FL3") != (compression == 2):
        return Check(suspect=f"the SPSS header names an unknown compression ({compression})")
    r = _Reader(raw, 176, endian)
    types: list[int] = []
    strings: list[tuple[bytes, str]] = []  # (text, what) to check against the file's encoding
    pending_values: list[bytes] = []
    encoding, codepage = None, None
    try:
        while True:
            rec = r.int32()
            if rec == 2:
                kind, has_label, n_missing = r.int32(), r.int32(), r.int32()
                r.take(16)  # print and write formats, name
                if not -1 <= kind <= 32767 or has_label not in (0, 1):
                    raise _Bad(f"variable record {len(types) + 1} has impossible values")
                if n_missing not in (-3, -2, 0, 1, 2, 3):
                    raise _Bad(f"variable record {len(types) + 1} has {n_missing} missing values")
                if has_label:
                    n = r.int32()
                    strings.append((r.take(n), "a variable label"))
                    r.take(-n % 4)
                r.take(abs(n_missing) * 8)
                types.append(kind)
            elif rec == 3:
                count = r.int32()
                if count < 0:
                    raise _Bad("a value-label record has a negative count")
                pending_values = []
                for _ in range(count):
                    pending_values.append(r.take(8))
                    n = r.take(1)[0]
                    strings.append((r.take(n), "a value label"))
                    r.take(-(n + 1) % 8)
                if r.int32() != 4:
                    raise _Bad("a value-label record is not followed by its variable list")
                count = r.int32()
                if not 0 <= count <= len(types):
                    raise _Bad("a value-label record applies to more variables than exist")
                indexes = [r.int32() for _ in range(count)]
                if any(not 1 <= i <= len(types) or types[i - 1] < 0 for i in indexes):
                    raise _Bad("a value-label record points at a variable that does not exist")
                if any(types[i - 1] > 0 for i in indexes):
                    strings.extend((v, "a string value with a label") for v in pending_values)
            elif rec == 6:
                r.take(max(r.int32(), -1) * 80)
            elif rec == 7:
                subtype, width, count = r.int32(), r.int32(), r.int32()
                if width < 0 or count < 0:
                    raise _Bad(f"extension record {subtype} has a negative size")
                body = r.take(width * count)
                if subtype == 20:
                    encoding = body.decode("ascii", "replace").strip().lower()
                elif subtype == 3 and len(body) >= 32:
                    codepage = struct.unpack(endian + "i", body[28:32])[0]
                elif subtype == 21:
                    strings.extend(_long_string_labels(body, endian))
            elif rec == 999:
                r.int32()
                break
            else:
                raise _Bad(f"an unknown record type {rec} at byte {r.pos - 4}")
    except _Bad as exc:
        if r.pos >= size - 8:
            return Check(truncated="the file ends inside its dictionary of variables")
        return Check(suspect=str(exc))
    utf8 = encoding in ("utf-8", "utf8") or (encoding is None and codepage == 65001)
    if utf8:
        try:
            for text, what in strings:
                _utf8(text, what)
        except _Bad as exc:
            return Check(suspect=str(exc))
    data = size - r.pos
    if compression == 0 and ncases >= 0 and data < ncases * len(types) * 8:
        return Check(
            truncated=f"its header declares {ncases:,} responses ({ncases * len(types) * 8:,} "
            f"bytes of data) but only {data:,} bytes follow"
        )
    if compression == 1 and ncases > 0:
        return Check(data_start=r.pos, cases=ncases, slots=len(types))
    if compression == 2 and data >= 24:
        _, trailer, trailer_len = struct.unpack(endian + "3q", raw[r.pos : r.pos + 24])
        if trailer + trailer_len > size:
            return Check(truncated=f"its index says it ends at byte {trailer + trailer_len:,}")
    return Check()


def _dta(raw: bytes, size: int) -> Check:
    """Stata 117+ states where each section starts; the last entry is the end of the file."""
    if not raw.startswith(b"<stata_dta>"):
        return Check()
    start = raw.find(b"<map>")
    if start < 0 or start + 5 + 14 * 8 > len(raw):
        return Check(truncated="the file ends before its map of sections")
    endian = "<" if b"<byteorder>LSF" in raw[:start] else ">"
    offsets = struct.unpack(endian + "14q", raw[start + 5 : start + 5 + 14 * 8])
    placed = [o for o in offsets if o]
    if placed != sorted(placed) or offsets[0] != 0:
        return Check(suspect="its map of sections is out of order")
    if offsets[-1] > size:
        return Check(truncated=f"its map says it ends at byte {offsets[-1]:,}")
    return Check()


def _sas(raw: bytes, size: int) -> Check:
    """A sas7bdat file is its header then ``page_count`` pages of ``page_size`` bytes."""
    if len(raw) < 240:
        return Check(truncated="the file is shorter than a SAS header")
    a1 = 4 if raw[35] == 0x33 else 0
    u64 = raw[32] == 0x33
    endian = "<" if raw[37] == 1 else ">"
    header_len, page_size = struct.unpack(endian + "2i", raw[196 + a1 : 204 + a1])
    fmt = endian + ("q" if u64 else "i")
    page_count = struct.unpack(fmt, raw[204 + a1 : 204 + a1 + struct.calcsize(fmt)])[0]
    if header_len < 0 or page_size <= 0 or page_count < 0:
        return Check(suspect="its header gives an impossible page layout")
    if header_len + page_size * page_count > size:
        return Check(
            truncated=f"its header declares {page_count:,} pages of {page_size:,} bytes but "
            f"the file holds {max(size - header_len, 0) // page_size:,}"
        )
    return Check()


XPT_RECORD = re.compile(rb"HEADER RECORD\*{7}(\w+)\s*HEADER RECORD!{7}")


def _xpt(raw: bytes, size: int) -> Check:
    """SAS transport files are 80-byte records; the last row must be whole."""
    records = {
        m[1].decode(): m.start()
        for m in XPT_RECORD.finditer(raw)
        if m.start() % 80 == 0 and m[1] in (b"NAMESTR", b"NAMSTV8", b"OBS", b"OBSV8", b"MEMBER")
    }
    names, obs = records.get("NAMESTR", records.get("NAMSTV8")), records.get("OBS")
    obs = records.get("OBSV8") if obs is None else obs
    if names is None or obs is None:
        return Check(truncated="the file ends before its first data set's rows")
    try:
        nvars = int(raw[names + 54 : names + 58])
        start = names + 80
        row = max(
            struct.unpack(">h", raw[start + i * 140 + 4 : start + i * 140 + 6])[0]
            + struct.unpack(">i", raw[start + i * 140 + 84 : start + i * 140 + 88])[0]
            for i in range(nvars)
        )
    except (ValueError, struct.error):
        return Check(suspect="its list of variables cannot be read")
    end = raw.find(b"HEADER RECORD*******MEMBER", obs + 80)
    body = raw[obs + 80 : size if end < 0 else end]
    if row <= 0:
        return Check(suspect="its variables add up to an empty row")
    rest = len(body) % row
    if rest and body[-rest:].strip(b" "):
        return Check(
            truncated=f"its last row holds {rest} of {row} bytes (after {len(body) // row:,} "
            "whole rows)"
        )
    return Check()


def sav_cut_short(raw: bytes, check: Check) -> str:
    """Why a bytecode-compressed ``.sav`` holds fewer responses than it declares, or "".

    Walks the compression codes (0 padding, 1-251 a small number, 252 end of data, 253 eight
    bytes follow, 254 spaces, 255 system-missing); run only after the reader failed.
    """
    if not (check.cases and check.slots):
        return ""
    wanted, pos, n = check.cases * check.slots, check.data_start, 0
    while n < wanted:
        if pos + 8 > len(raw):
            break
        block, pos = raw[pos : pos + 8], pos + 8
        for code in block:
            if code == 0:
                continue
            if code == 252:
                wanted = -1
                break
            if code == 253:
                pos += 8
                if pos > len(raw):
                    break
            n += 1
            if n == wanted:
                return ""
        else:
            continue
        break
    return (
        f"its header declares {check.cases:,} responses but its data stops after "
        f"{n // check.slots:,}"
    )


CHECKS = {"spss": _sav, "stata": _dta, "sas": _sas, "sas_xpt": _xpt}


def check_header(raw: bytes, kind: str) -> Check:
    """Walk the structure of ``raw`` (the whole file) as format ``kind``."""
    check = CHECKS.get(kind)
    if check is None:
        return Check()
    try:
        return check(raw, len(raw))
    except (struct.error, IndexError, ValueError, OverflowError) as exc:
        return Check(suspect=f"its header cannot be walked ({exc})")
