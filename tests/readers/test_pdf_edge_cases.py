"""The PDF reader on small PDFs drawn for each edge case."""

from __future__ import annotations

import io

import pytest

from nianbao.document import Paragraph, Table
from nianbao.errors import ReadError
from nianbao.readers import read_document
from nianbao.readers.pdf import PAGE_NUMBER, read

from ._pdf_maker import PageDrawer, corpus_page, make_pdf, rotated_copy, scanned_copy, searchable_copy

XS = [72.0, 200.0, 300.0, 400.0]


def small_table(d: PageDrawer) -> None:
    d.text(72, 72, "Heading")
    # first row is one merged cell: no inner verticals in row 0
    d.grid(XS, [120, 140, 160, 180], skip={("v", 1, 0), ("v", 2, 0)})
    d.text(75, 123, "Merged title")
    d.text(75, 143, "Label A")
    d.text(205, 143, "12")
    d.text(305, 143, "7")
    d.text(75, 163, "Label B")
    d.text(305, 163, "3")  # the middle cell of this row stays blank
    d.text(72, 200, "After the table")
    d.text(290, 800, "- 1 -")


def test_grid_with_span_and_blank_cell() -> None:
    doc = read(make_pdf(small_table), "t.pdf")
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Table", "Paragraph"]
    (table,) = doc.tables
    assert table.to_text_rows() == [["Merged title"], ["Label A", "12", "7"], ["Label B", "", "3"]]
    merged = table.rows()[0][0]
    assert (merged.colspan, merged.rowspan) == (3, 1)
    blank = table.grid()[2][1]
    assert blank is not None and blank.text == "" and blank.prov.bbox == (200.0, 160.0, 300.0, 180.0)
    assert blank.prov.table == 0 and (blank.prov.row, blank.prov.col) == (2, 1)
    assert doc.metadata["page_numbers_removed"] == "1"
    assert "- 1 -" not in doc.text()


def test_invisible_white_boxes_do_not_make_a_table() -> None:
    def page(d: PageDrawer) -> None:
        for k in range(6):  # WPS paints white boxes behind paragraph lines
            d.white_box(72, 100 + 27 * k, 520, 127 + 27 * k)
            d.text(75, 105 + 27 * k, f"Line {k} of body text")

    doc = read(make_pdf(page), "t.pdf")
    assert doc.tables == []
    assert [p.text for p in doc.paragraphs] == [f"Line {k} of body text" for k in range(6)]


def test_running_header_and_page_number_styles_removed() -> None:
    styles = ["- 1 -", "Page 2 of 4", "3/4", "—4—"]

    def page(n: int):
        def draw(d: PageDrawer) -> None:
            d.text(200, 30, "Annual Report 2024")
            d.text(72, 120, f"Body of page {n}")
            d.text(280, 805, styles[n - 1])

        return draw

    doc = read(make_pdf(*(page(n) for n in range(1, 5))), "t.pdf")
    assert [p.text for p in doc.paragraphs] == [f"Body of page {n}" for n in range(1, 5)]
    assert doc.metadata["running_lines_removed"] == "4"
    assert int(doc.metadata["page_numbers_removed"]) == 4


@pytest.mark.parametrize("text", ["- 5 -", "—5—", "－12－", "第 5 页", "第5页 共12页", "5/12", "5", "Page 3"])
def test_page_number_patterns(text: str) -> None:
    assert PAGE_NUMBER.match(text)


@pytest.mark.parametrize("text", ["2023年", "（一）", "5.属于", "第二十条第（六）项", "12345"])
def test_not_page_numbers(text: str) -> None:
    assert not PAGE_NUMBER.match(text)


def test_a_number_in_the_body_is_not_a_page_number() -> None:
    doc = read(make_pdf(lambda d: d.text(72, 400, "42")), "t.pdf")
    assert [p.text for p in doc.paragraphs] == ["42"]


def test_table_over_a_page_break_becomes_one_table() -> None:
    def first(d: PageDrawer) -> None:
        d.text(72, 60, "Table heading")
        ys = [700, 730, 760, 790]
        # a label column spanning rows 1-2 and running off the page: no closing ruling below
        d.grid(XS, ys, skip={("h", 2, 0), ("h", 3, 0), ("h", 3, 1), ("h", 3, 2)})
        d.text(75, 703, "Item")
        d.text(205, 703, "A")
        d.text(305, 703, "B")
        d.text(75, 733, "Group")
        d.text(205, 733, "1")
        d.text(305, 733, "2")
        d.text(205, 763, "3")

    def second(d: PageDrawer) -> None:
        ys = [60, 90, 120]
        d.grid(XS, ys, skip={("h", 0, 0), ("h", 0, 1), ("h", 0, 2)})
        d.text(205, 63, "5")
        d.text(305, 63, "6")
        d.text(75, 93, "Total")
        d.text(205, 93, "9")
        d.text(305, 93, "8")
        d.text(72, 200, "After")

    doc = read(make_pdf(first, second), "t.pdf")
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Table", "Paragraph"]
    (table,) = doc.tables
    group = next(c for c in table.cells if c.text == "Group")
    assert group.rowspan == 3  # two rows on page 1, one on page 2: one physical cell
    assert table.to_text_rows() == [
        ["Item", "A", "B"],
        ["Group", "1", "2"],
        ["3", ""],
        ["5", "6"],
        ["Total", "9", "8"],
    ]
    assert {c.prov.page for c in table.cells} == {1, 2}


def test_different_tables_on_consecutive_pages_stay_apart() -> None:
    def first(d: PageDrawer) -> None:
        d.grid(XS, [740, 760, 780])
        for r, y in enumerate((743, 763)):
            d.text(75, y, f"A{r}")
            d.text(205, y, "1")

    def second(d: PageDrawer) -> None:
        d.grid([72.0, 150.0, 250.0, 400.0], [60, 80])  # same outer width, other columns
        d.text(75, 63, "B0")
        d.text(155, 63, "2")

    doc = read(make_pdf(first, second), "t.pdf")
    assert [t.to_text_rows() for t in doc.tables] == [[["A0", "1", ""], ["A1", "1", ""]], [["B0", "2", ""]]]


def test_scanned_page_warns_when_ocr_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_PDF_OCR", "0")
    data = make_pdf(small_table, lambda d: d.image(50, 50, 495, 700), lambda d: None)
    doc = read(data, "scan.pdf")
    assert doc.warnings == ["第2页没有文字层（可能是扫描件），需要 OCR 识别"]
    assert doc.metadata["scanned_pages"] == "2"  # the blank page 3 is not a scan
    assert len(doc.tables) == 1


def test_scanned_only_document_does_not_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_PDF_OCR", "0")
    data = make_pdf(lambda d: d.image(0, 0, 595, 842), lambda d: d.image(0, 0, 595, 842))
    doc = read(data, "scan.pdf")
    assert doc.blocks == []
    assert doc.metadata["scanned_pages"] == "1,2"
    assert len(doc.warnings) == 2


@pytest.mark.slow
def test_scanned_page_is_read_by_ocr_when_installed() -> None:
    from nianbao.readers import ocr

    if not ocr.available():
        pytest.skip("OCR extra not installed")

    def page(d: PageDrawer) -> None:
        d.text(72, 100, "Annual Report 2024", size=28)
        d.text(72, 160, "Total 3119", size=28)

    doc = read(scanned_copy(make_pdf(small_table, page)), "scan.pdf")
    assert doc.metadata["scanned_pages"] == "1,2" and doc.metadata["ocr_pages"] == "1,2"
    assert doc.warnings == [f"第{n}页没有文字层，内容由 OCR 识别，请核对" for n in (1, 2)]
    text = doc.text().replace(" ", "")
    assert "3119" in text and "2024" in text
    assert all(b.prov.method == "ocr" and b.prov.page in (1, 2) for b in doc.blocks)
    assert [t.prov.table for t in doc.tables] == list(range(len(doc.tables)))


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_page_reads_as_displayed(rotation: int) -> None:
    pytest.importorskip("pypdf")
    upright = read(make_pdf(small_table), "a.pdf")
    turned = read(rotated_copy(make_pdf(small_table), rotation), "b.pdf")
    assert turned.text() == upright.text()
    assert [b.prov.bbox for b in turned.blocks] == [b.prov.bbox for b in upright.blocks]
    assert turned.metadata["page_numbers_removed"] == "1"


def test_sniffed_by_content_whatever_the_extension() -> None:
    doc = read_document(make_pdf(small_table), "report.htm")
    assert doc.format == "pdf" and len(doc.tables) == 1
    # a few bytes of junk before the header, as some download scripts leave
    doc = read_document(b"\xef\xbb\xbf\r\n" + make_pdf(small_table), "download.aspx")
    assert doc.format == "pdf" and len(doc.tables) == 1


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%garbage that is not a PDF at all\n",
        make_pdf(small_table)[:300],  # truncated
    ],
    ids=["garbage", "truncated"],
)
def test_corrupt_pdf_is_a_read_error(data: bytes) -> None:
    with pytest.raises(ReadError, match="PDF 文件已损坏"):
        read(data, "bad.pdf")


def _encrypt(data: bytes, user_password: str) -> bytes:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_encrypted_pdf_is_refused_in_chinese() -> None:
    with pytest.raises(ReadError, match="PDF 已加密，无法读取"):
        read(_encrypt(make_pdf(small_table), "secret"), "locked.pdf")


def test_pdf_encrypted_with_empty_user_password_opens() -> None:
    doc = read(_encrypt(make_pdf(small_table), ""), "owner-only.pdf")
    assert len(doc.tables) == 1


def test_page_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_MAX_PDF_PAGES", "2")
    data = make_pdf(*([small_table] * 3))
    with pytest.raises(ReadError, match="超过上限 2 页"):
        read(data, "long.pdf")
    monkeypatch.setenv("NIANBAO_MAX_PDF_PAGES", "3")
    assert len(read(data, "long.pdf").tables) == 3


def test_blocks_are_paragraphs_or_tables_with_provenance() -> None:
    doc = read(make_pdf(small_table, small_table), "t.pdf")
    for b in doc.blocks:
        assert isinstance(b, Paragraph | Table)
        assert b.prov.page in (1, 2) and b.prov.bbox is not None
    assert [t.prov.table for t in doc.tables] == [0, 1]  # same columns, but not adjacent: not joined


def test_a_scan_with_an_invisible_text_layer_is_recognised_again(monkeypatch) -> None:
    # a "searchable" PDF of a scan (scanners, ocrmypdf, `tesseract … pdf`): the page is a picture,
    # its text an invisible recognition result without the ruling lines — 表三 read at 40 % from
    # tesseract's layer of the 洪泽 report. The reader treats the page as a scan; without OCR it
    # falls back to the layer
    import pypdfium2 as pdfium

    from nianbao.readers import ocr
    from nianbao.readers import pdf as pdf_reader

    scan = searchable_copy(make_pdf(small_table), "Label A 1Z 7\nLabel B S")
    doc = pdfium.PdfDocument(scan)
    assert pdf_reader._hidden_text_layer(doc[0])
    assert not pdf_reader._hidden_text_layer(pdfium.PdfDocument(make_pdf(small_table))[0])  # printed text
    assert not pdf_reader._hidden_text_layer(pdfium.PdfDocument(scanned_copy(make_pdf(small_table)))[0])
    seen: list[int] = []
    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(ocr, "ocr_page_image", lambda image, page_no, scale: seen.append(page_no) or [])
    read_document(scan, "scan.pdf")
    assert seen == [1]  # recognised, not its layer read
    monkeypatch.setattr(ocr, "available", lambda: False)
    layer = read_document(scan, "scan.pdf")
    assert "Label A 1Z 7" in " ".join(p.text for p in layer.paragraphs)


@pytest.mark.slow
def test_a_searchable_scan_of_a_real_report_reads_like_its_source() -> None:
    # the 洪泽 2023 report as a scanner's searchable PDF, its hidden layer wrong (洪译区, 0 for 6):
    # read from the layer, 17 of 179 cells; recognised again, every cell as the source
    pytest.importorskip("rapidocr")
    import pypdfium2 as pdfium

    import nianbao

    src, t4 = corpus_page("huaian-hongze-2023", "复议后起诉")
    one = pdfium.PdfDocument.new()
    one.import_pages(src, [t4])
    buf = io.BytesIO()
    one.save(buf)
    scan = searchable_copy(buf.getvalue(), "洪译区人民政府 行政复议 1O 1 O O O", scale=200 / 72)
    original = nianbao.parse(buf.getvalue(), "page.pdf")
    again = nianbao.parse(scan, "scan.pdf")
    keys = [k for k in original.cells if k.startswith("t4.")]
    assert keys and {k: again.value(k) for k in keys} == {k: original.value(k) for k in keys}
