"""Hostile files, generated at test time (never committed as blobs).

Each generator returns `(name, bytes)`; `hostile_files()` gives them all, keyed by a short id, with
the error text the user must see (a substring) or None where the file is read as a (non-)report
without an error. The web-upload version of the hostile-file test imports this module too.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Hostile:
    name: str
    data: bytes
    expect: tuple[str, ...] | None  # `nianbao parse`: one of these in the error; None: no error


class Repeated:
    """A member made of `head`, `block` repeated `count` times, then `tail`: deflated once per
    distinct piece (a full flush makes every repetition compress to the same bytes), so a member
    inflating to gigabytes costs a fraction of a second to make."""

    def __init__(self, head: bytes, block: bytes, count: int, tail: bytes) -> None:
        self.head, self.block, self.count, self.tail = head, block, count, tail

    def deflated(self) -> tuple[bytes, int, int]:
        """(raw deflate stream, CRC-32, uncompressed size)."""
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        first = c.compress(self.head) + c.flush(zlib.Z_FULL_FLUSH)
        rep = c.compress(self.block) + c.flush(zlib.Z_FULL_FLUSH)
        again = c.compress(self.block) + c.flush(zlib.Z_FULL_FLUSH)
        assert again == rep  # after a full flush nothing refers back
        last = c.compress(self.tail) + c.flush()
        crc = zlib.crc32(self.head)
        for _ in range(self.count):
            crc = zlib.crc32(self.block, crc)
        crc = zlib.crc32(self.tail, crc)
        size = len(self.head) + len(self.block) * self.count + len(self.tail)
        return first + rep * (self.count - 1) + again + last, crc, size


def _zip(members: dict[str, bytes | Repeated]) -> bytes:
    """A ZIP (deflated members, no ZIP64: every member under 4 GB)."""
    out = io.BytesIO()
    central = []
    for name, member in members.items():
        if isinstance(member, Repeated):
            packed, crc, size = member.deflated()
        else:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            packed, crc, size = c.compress(member) + c.flush(), zlib.crc32(member), len(member)
        raw = name.encode()
        flags = 0x800 if not raw.isascii() else 0
        offset = out.tell()
        out.write(
            struct.pack(
                "<4sHHHHHIIIHH", b"PK\x03\x04", 20, flags, 8, 0, 0x21, crc, len(packed), size, len(raw), 0
            )
        )
        out.write(raw)
        out.write(packed)
        central.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                flags,
                8,
                0,
                0x21,
                crc,
                len(packed),
                size,
                len(raw),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + raw
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    end = out.tell()
    out.write(
        struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), end - start, start, 0)
    )
    return out.getvalue()


_CT = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    b'Target="worksheets/sheet1.xml"/></Relationships>'
)


def xlsx_with_sheet(sheet_xml: bytes | Repeated) -> bytes:
    """A minimal XLSX whose only sheet is `sheet_xml` (the <worksheet> document)."""
    return _zip(
        {
            "[Content_Types].xml": _CT,
            "_rels/.rels": _RELS,
            "xl/workbook.xml": _WB,
            "xl/_rels/workbook.xml.rels": _WB_RELS,
            "xl/worksheets/sheet1.xml": sheet_xml,
        }
    )


def _sheet(rows: bytes, dimension: bytes = b"A1") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="' + dimension + b'"/><sheetData>' + rows + b"</sheetData></worksheet>"
    )


def xlsx_far_corners() -> bytes:
    """Cells at A1 and XFD1048576: a dense range of 17 billion cells (SIGABRT in calamine)."""
    rows = (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>b</t></is></c></row>'
    )
    return xlsx_with_sheet(_sheet(rows, b"A1:XFD1048576"))


def xlsx_inflating(target: int = 1024**3) -> bytes:
    """About 1 MB that inflates to `target` bytes of sheet XML (a sheet padded with whitespace)."""
    whole = _sheet(b'<row r="1"><c r="A1"><v>1</v></c></row>')
    # whitespace between elements is legal XML and compresses ~1000:1
    cut = whole.index(b"</sheetData>")
    block = b" " * (1024 * 1024)
    return xlsx_with_sheet(Repeated(whole[:cut], block, target // len(block), whole[cut:]))


def ods_repeated(rows: int = 4000, cols: int = 4000) -> bytes:
    """An ODS of 2 KB whose one content cell is repeated `cols` times in a row repeated `rows`
    times: 16 million cells, 1.6 GB once the spreadsheet library has expanded them."""
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        b'<office:body><office:spreadsheet><table:table table:name="S">'
        b'<table:table-row table:number-rows-repeated="%d">'
        b'<table:table-cell table:number-columns-repeated="%d" office:value-type="float" '
        b'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>'
        b"</table:table></office:spreadsheet></office:body></office:document-content>"
    ) % (rows, cols)
    manifest = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        b'<manifest:file-entry manifest:full-path="/" '
        b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        b"</manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", b"application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def png(width: int, height: int) -> bytes:
    """A white RGB PNG of any size, written row by row so that making it needs no big buffer."""
    comp = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * (3 * width)
    chunks = [comp.compress(row) for _ in range(height)]
    idat = b"".join(chunks) + comp.flush()

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def lines_of_ones(size: int = 50 * 1024 * 1024) -> bytes:
    return b"1\n" * (size // 2)


def long_digit_run(crawl_text: bytes, digits: int) -> bytes:
    """A crawled report (tables flattened to digit runs) whose longest run (a table's cells run
    together) has `digits` digits: past 308 digits a float overflows, past 4,300 int() refuses."""
    text = crawl_text.decode("utf-8")
    m = max(re.finditer(r"\d+", text), key=lambda m: len(m.group()))
    return (text[: m.start()] + "9" * digits + text[m.end() :]).encode("utf-8")


def long_number_cell(table_text: bytes, digits: int) -> bytes:
    """A tab-separated report whose first 表三 value cell holds a number of `digits` digits."""
    text = table_text.decode("utf-8")
    m = re.search(r"(本年新收[^\n]*?\t)(\d+)", text)
    assert m, "the report has a 本年新收 row"
    return (text[: m.start(2)] + "9" * digits + text[m.end(2) :]).encode("utf-8")


def zip_bomb(size: int = 2 * 1024**3) -> bytes:
    """One member of `size` bytes of zeros."""
    block = b"\0" * (1024 * 1024)
    return _zip({"zeros.txt": Repeated(b"", block, size // len(block), b"")})


def docx_bomb() -> bytes:
    """A DOCX whose document.xml inflates to 300 MB."""
    head = b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body>'
    body = Repeated(head, b" " * (1024 * 1024), 300, b"</w:body></w:document>")
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": body})


def _docx_with_body_xml(prolog: bytes, text: bytes) -> bytes:
    """A real DOCX (python-docx) whose document.xml gets `prolog` (a DOCTYPE) and `text` as the
    text of its one paragraph."""
    import docx

    d = docx.Document()
    d.add_paragraph("PLACEHOLDER")
    buf = io.BytesIO()
    d.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    members: dict[str, bytes | Repeated] = {}
    for info in src.infolist():
        data = src.read(info)
        if info.filename == "word/document.xml":
            head, rest = data.split(b"?>", 1)
            data = head + b"?>" + prolog + rest.replace(b"PLACEHOLDER", text)
        members[info.filename] = data
    return _zip(members)


def xxe_docx() -> bytes:
    """A DOCX whose text is an external entity reading /etc/passwd: must never be expanded."""
    return _docx_with_body_xml(b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>', b"&x;")


def billion_laughs_docx() -> bytes:
    ents = b'<!ENTITY a0 "lol">' + b"".join(
        b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 10)
    )
    return _docx_with_body_xml(b"<!DOCTYPE d [" + ents + b"]>", b"&a9;")


def scanned_pdf(good_pdf: bytes, pages: int = 1, dpi: int = 150) -> bytes:
    """The first pages of a text PDF as images only, as a scanner makes them (read by OCR)."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(good_pdf)
    pdf = pdfium.PdfDocument.new()
    for i in range(min(pages, len(src))):
        page = src[i]
        w, h = page.get_size()
        bitmap = page.render(scale=dpi / 72)
        out_page = pdf.new_page(w, h)
        img = pdfium.PdfImage.new(pdf)
        img.set_bitmap(bitmap)
        img.set_matrix(pdfium.PdfMatrix().scale(w, h))
        out_page.insert_obj(img)
        out_page.gen_content()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def billion_laughs_html() -> bytes:
    ents = ['<!ENTITY a0 "lol">'] + [
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    return (
        f'<?xml version="1.0"?><!DOCTYPE html [{"".join(ents)}]><html><body><p>&a9;</p></body></html>'
    ).encode()


def deep_html(depth: int = 100_000) -> bytes:
    return b"<html><body>" + b"<div>" * depth + b"x" + b"</div>" * depth + b"</body></html>"


def truncated_pdf(good_pdf: bytes) -> bytes:
    return good_pdf[: len(good_pdf) // 3]


def encrypted_pdf(good_pdf: bytes) -> bytes:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(good_pdf))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def many_pages_pdf(pages: int = 500) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(595, 842)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def traversal_zip(report: bytes) -> bytes:
    """A ZIP whose members try to escape the folder they are unpacked to (three distinct files:
    the same bytes would be stored once)."""
    names = ("../../etc/evil.txt", "/abs/path.txt", "ok/../../up.txt")
    return _zip({name: report + b"\n" * i for i, name in enumerate(names)})


def dotted_zip(report: bytes) -> bytes:
    """Members whose names start with a dot: skipped, but each with an error row, never silently."""
    return _zip({".hidden-report.txt": report, "sub/.also-hidden.txt": report})


def non_report() -> bytes:
    return "会议纪要\n\n本次会议讨论了食堂菜单的调整事项，与政府信息公开无关。\n".encode()


GOOD_PDF_NAME = "huaian-hongze-2024.pdf"


def hostile_files(corpus: Path) -> dict[str, Hostile]:
    """Every hostile file of issue 10 plus the classics, made from the corpus at `corpus`."""
    good_pdf = (corpus / "pdf" / GOOD_PDF_NAME).read_bytes()
    crawl = (corpus / "crawl" / "pingtan-2021.txt").read_bytes()
    table = (corpus / "seeds" / "003_9062bfdbeadefa61.txt").read_bytes()
    made: dict[str, Callable[[], Hostile]] = {
        "xlsx_far_corners": lambda: Hostile("far-corners.xlsx", xlsx_far_corners(), ("范围过大",)),
        "xlsx_inflating": lambda: Hostile("inflating.xlsx", xlsx_inflating(), ("压缩炸弹",)),
        "ods_repeated": lambda: Hostile("repeated.ods", ods_repeated(), ("范围过大",)),
        "png_huge": lambda: Hostile("huge.png", png(12000, 12000), ("像素过多",)),
        "ones": lambda: Hostile("ones.txt", lines_of_ones(), ("行数过多",)),
        "run_400": lambda: Hostile("run-400.txt", long_digit_run(crawl, 400), None),
        "run_5000": lambda: Hostile("run-5000.txt", long_digit_run(crawl, 5000), None),
        "cell_400": lambda: Hostile("cell-400.txt", long_number_cell(table, 400), None),
        "cell_5000": lambda: Hostile("cell-5000.txt", long_number_cell(table, 5000), None),
        "zip_bomb": lambda: Hostile("bomb.zip", zip_bomb(), None),  # a ZIP: its member has the error
        "docx_bomb": lambda: Hostile("bomb.docx", docx_bomb(), ("压缩炸弹",)),
        "xxe": lambda: Hostile("xxe.docx", xxe_docx(), None),
        "billion_laughs_docx": lambda: Hostile("laughs.docx", billion_laughs_docx(), ("已损坏",)),
        "billion_laughs": lambda: Hostile("laughs.html", billion_laughs_html(), None),
        "deep_html": lambda: Hostile("deep.html", deep_html(), None),
        "truncated_pdf": lambda: Hostile("truncated.pdf", truncated_pdf(good_pdf), ("已损坏",)),
        "encrypted_pdf": lambda: Hostile("encrypted.pdf", encrypted_pdf(good_pdf), ("加密",)),
        "many_pages_pdf": lambda: Hostile("500-pages.pdf", many_pages_pdf(), ("页",)),
        "scanned_pdf": lambda: Hostile("scanned.pdf", scanned_pdf(good_pdf), None),
        "traversal_zip": lambda: Hostile("traversal.zip", traversal_zip(crawl), None),
        "dotted_zip": lambda: Hostile("dotted.zip", dotted_zip(table), None),
        "non_report": lambda: Hostile("minutes.txt", non_report(), None),
    }
    return {key: make() for key, make in made.items()}
