"""Hostile uploads from issue 9, built by code (no binary fixtures): zip bombs, forged Excel
workbooks, giant cells, too many rows.

A bomb's member is made of one deflated megabyte repeated: each copy is flushed so that its
compressed bytes are the same every time, so a gigabyte is written in milliseconds. The CRC of
a member over 64 MB is not computed (0): a reader that gets as far as checking it has already
decompressed the whole bomb, which is what must never happen.
"""

from __future__ import annotations

import csv
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

MB = 1024 * 1024
CRC_LIMIT = 64 * MB


@dataclass(frozen=True)
class Member:
    name: str
    compressed: bytes
    size: int  # the size the zip's headers declare
    crc: int
    method: int = zipfile.ZIP_DEFLATED


def deflated(name: str, data: bytes) -> Member:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = compressor.compress(data) + compressor.flush()
    return Member(name, packed, len(data), zlib.crc32(data))


def repeated(
    name: str, chunk: bytes, times: int, *, head: bytes = b"", tail: bytes = b""
) -> Member:
    """``head`` + ``chunk`` × ``times`` + ``tail``, deflated without ever building it."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert block == again  # a full flush resets the window: every copy compresses the same
    rest = b"".join(block for _ in range(times - 2))
    last = compressor.compress(tail) + compressor.flush()
    size = len(head) + len(chunk) * times + len(tail)
    crc = 0
    if size <= CRC_LIMIT:
        crc = zlib.crc32(head)
        for _ in range(times):
            crc = zlib.crc32(chunk, crc)
        crc = zlib.crc32(tail, crc)
    return Member(name, first + block + again + rest + last, size, crc)


def lying(member: Member, declared_size: int) -> Member:
    """The member with headers that claim ``declared_size`` bytes."""
    return Member(member.name, member.compressed, declared_size, member.crc, member.method)


def raw_zip(members: list[Member], *, declared_count: int | None = None) -> bytes:
    """A zip of ``members`` exactly as given (sizes and CRCs as declared; the end record may
    declare another number of entries)."""
    out = io.BytesIO()
    central = []
    for member in members:
        name = member.name.encode()
        offset = out.tell()
        out.write(
            struct.pack(
                "<4s5H3L2H",
                b"PK\x03\x04",
                20,
                0,
                member.method,
                0,
                0x21,
                member.crc,
                len(member.compressed),
                member.size,
                len(name),
                0,
            )
        )
        out.write(name)
        out.write(member.compressed)
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                member.method,
                0,
                0x21,
                member.crc,
                len(member.compressed),
                member.size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(
        struct.pack(
            "<4s4H2LH",
            b"PK\x05\x06",
            0,
            0,
            count := len(members) if declared_count is None else declared_count,
            count,
            len(directory),
            start,
            0,
        )
    )
    return out.getvalue()


# ---- Excel workbooks ---------------------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Students" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _column(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_xml(rows: list[list[str]], *, dimension: str = "", shared: bool = False) -> bytes:
    """A sheet of text cells: inline strings, or (``shared``) indexes into the shared strings
    0, 1, 2... in row order."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">']
    if dimension:
        parts.append(f'<dimension ref="{dimension}"/>')
    parts.append("<sheetData>")
    index = 0
    for r, row in enumerate(rows, start=1):
        parts.append(f'<row r="{r}">')
        for c, value in enumerate(row, start=1):
            ref = f"{_column(c)}{r}"
            if shared:
                parts.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
                index += 1
            else:
                parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        parts.append("</row>")
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode()


def workbook(sheet: bytes, shared_strings: Member | None = None) -> bytes:
    """A minimal .xlsx (no styles, no theme) as Excel and openpyxl read it."""
    members = [
        deflated("[Content_Types].xml", _CONTENT_TYPES.encode()),
        deflated("_rels/.rels", _RELS.encode()),
        deflated("xl/workbook.xml", _WORKBOOK.encode()),
        deflated("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.encode()),
        deflated("xl/worksheets/sheet1.xml", sheet),
        shared_strings
        or deflated(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}"/>'.encode(),
        ),
    ]
    return raw_zip(members)


def forged_dimension_xlsx(rows: list[list[str]]) -> bytes:
    """A small workbook whose sheet claims A1:XFD1048576 (17 billion cells) and ends with an
    empty last row, as a sheet whose rows were all formatted does."""
    sheet = sheet_xml(rows, dimension="A1:XFD1048576")
    sheet = sheet.replace(b"</sheetData>", b'<row r="1048576" spans="1:16384"/></sheetData>')
    return workbook(sheet)


def shared_strings_xlsx(header: list[str], *, strings: int = 2200, each: int = MB) -> bytes:
    """A ~2 MB workbook whose shared strings are ``strings`` texts of ``each`` characters
    (2.2 GB once unzipped); the sheet's second row uses them."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}">'.encode()
    head += b"".join(f"<si><t>{h}</t></si>".encode() for h in header)
    chunk = b"<si><t>" + b"A" * each + b"</t></si>"
    member = repeated("xl/sharedStrings.xml", chunk, strings, head=head, tail=b"</sst>")
    rows = [header, ["x"] * min(strings, len(header))]
    return workbook(sheet_xml(rows, shared=True), member)


def xlsx(rows: list[list[str]]) -> bytes:
    """An ordinary small workbook of text cells."""
    return workbook(sheet_xml(rows))


# ---- OneRoster sets ----------------------------------------------------------------------------

ORGS = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\r\nsch-1,,,North,school,N1,\r\n"
USERS_HEADER = "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,givenName,familyName\r\n"
USER = "usr-1,,,true,sch-1,student,ana,Ana,Lopez\r\n"
ENROLLMENT = "enr-{n},,,cls-1,sch-1,usr-1,student,false,,\r\n"


def oneroster_members(users: str = USERS_HEADER + USER) -> list[Member]:
    return [
        deflated("manifest.csv", b"propertyName,value\r\noneroster.version,1.1\r\n"),
        deflated("orgs.csv", ORGS.encode()),
        deflated("users.csv", users.encode()),
    ]


def _enrollment_chunk() -> bytes:
    """A megabyte of enrollments.csv: one record, then blank lines (which compress best)."""
    line = b"enr-1,,,cls-1,sch-1,usr-1,student,false,,\r\n"
    return line + b"\r\n" * ((MB - len(line)) // 2)


ENROLLMENTS_HEADER = (
    b"sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
    b"primary,beginDate,endDate\r\n"
)


def oneroster_expanding_zip(gigabytes: float = 1) -> bytes:
    """A ~1 MB OneRoster zip that is ``gigabytes`` GB once unzipped: enrollments.csv and
    demographics.csv, each under the 512 MB a member could hold before issue 9."""
    chunk = _enrollment_chunk()
    times = int(gigabytes * 512 * MB / len(chunk)) - 1
    return raw_zip(
        [
            *oneroster_members(),
            repeated("enrollments.csv", chunk, times, head=ENROLLMENTS_HEADER),
            repeated("demographics.csv", chunk, times, head=b"sourcedId,birthDate,sex\r\n"),
        ]
    )


def zip_bomb(members: int = 20, megabytes_each: int = 500) -> bytes:
    """A ~10 MB zip of ``members`` CSV files of 500 MB each (10 GB once unzipped)."""
    bomb = repeated("x.csv", b"A" * MB, megabytes_each)
    names = ["users.csv", "orgs.csv", "classes.csv", "enrollments.csv", "courses.csv"]
    names += [f"extra{n}.csv" for n in range(members)]
    return raw_zip([Member(name, bomb.compressed, bomb.size, bomb.crc) for name in names[:members]])


def many_members_zip(count: int = 60_000, *, declared_count: int | None = None) -> bytes:
    """A zip of ``count`` empty CSV files (its directory alone is megabytes); its end record
    may understate the count."""
    empty = deflated("x", b"")
    members = [Member(f"f{n}.csv", empty.compressed, 0, 0) for n in range(count)]
    return raw_zip(members, declared_count=declared_count)


def oneroster_lying_zip() -> bytes:
    """enrollments.csv says 1 KB in the headers but holds 64 MB."""
    chunk = _enrollment_chunk()
    member = repeated("enrollments.csv", chunk, 64)
    return raw_zip([*oneroster_members(), lying(member, 1024)])


# ---- CSV ---------------------------------------------------------------------------------------


def csv_file(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
