"""The Excel import of check-in items is bounded: rows, columns, unpacked size and the length of the error report."""

import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from wuxing.checklists import services
from wuxing.checklists.models import ChecklistItem

GOOD = ["党员大会", "strong_branch", "", "quantitative", 0, 4, "次", 1, "", "", ""]
BAD = ["收入", "industry", "", "quantitative", 0, "二十", "万元", 1, "", "", ""]


def _xlsx(rows, *, header=True):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    if header:
        ws.append(services.import_headers())
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _refusal(world, data) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        services.items_import(actor=world.users.secretary, branch=world.org.branches["a1"], data=data)
    assert not ChecklistItem.objects.exists()
    return caught.value


def test_many_wrong_rows_are_summarised(world):
    data = _xlsx([GOOD] + [BAD] * 500)
    error = _refusal(world, data)
    assert len(error.messages) == services.IMPORT_MAX_ROW_ERRORS + 1
    assert error.messages[0].startswith("第3行")
    assert error.messages[-1] == "另有 480 行有误。"
    assert sum(len(m) for m in error.messages) < 10_000


def test_a_long_value_is_not_echoed_whole(world):
    error = _refusal(world, _xlsx([["标题", "x" * 30_000, "", "", "", "", "", 1, "", "", ""]]))
    assert len(error.messages[0]) <= services.IMPORT_MAX_ROW_ERROR_CHARS


def test_more_rows_than_the_limit_are_refused_before_they_are_checked(world):
    data = _xlsx([GOOD] * (services.IMPORT_MAX_ROWS + 1))
    started = time.perf_counter()
    error = _refusal(world, data)
    assert time.perf_counter() - started < 5
    assert error.messages == ["文件超过 2000 行；每次最多导入 2000 项。"]
    # Exactly at the limit is fine (and all-or-nothing still holds: one wrong row stops all of them).
    assert "第2001行" in _refusal(world, _xlsx([GOOD] * (services.IMPORT_MAX_ROWS - 1) + [BAD])).messages[0]


def _with_sheet_rows(count: int) -> bytes:
    """The template with `count` rows written straight into the sheet's XML (openpyxl takes minutes for 100,000)."""
    with zipfile.ZipFile(io.BytesIO(_xlsx([]))) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = next(name for name in parts if name.startswith("xl/worksheets/"))
    cells = "".join(
        f'<c r="{column}{{row}}" t="inlineStr"><is><t>{value}</t></is></c>' for column, value in zip("ABCDEF", BAD)
    )
    rows = "".join(f'<row r="{n}">' + cells.format(row=n) + "</row>" for n in range(2, count + 2)).encode()
    parts[sheet] = parts[sheet].replace(b"</row>", b"</row>" + rows, 1)
    return _archive(parts)


def test_a_100000_row_workbook_is_refused_quickly(world):
    data = _with_sheet_rows(100_000)
    assert len(data) < 4 * 1024 * 1024
    started = time.perf_counter()
    error = _refusal(world, data)
    assert time.perf_counter() - started < 10
    assert "2000" in error.messages[0]


def test_declared_dimensions_do_not_make_the_reader_pad_rows(world):
    with zipfile.ZipFile(io.BytesIO(_xlsx([GOOD]))) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = next(name for name in parts if name.startswith("xl/worksheets/"))
    body = parts[sheet].replace(b"<dimension ref=", b"<dimension data-old=")
    parts[sheet] = body.replace(b"<sheetData", b'<dimension ref="A1:XFD1048576"/><sheetData', 1)
    started = time.perf_counter()
    created = services.items_import(actor=world.users.secretary, branch=world.org.branches["a1"], data=_archive(parts))
    assert time.perf_counter() - started < 10
    assert len(created) == 1


def test_blank_rows_do_not_let_a_sheet_run_on(world):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(services.import_headers())
    ws.append(GOOD)
    for _ in range(services.IMPORT_MAX_SHEET_ROWS):
        ws.append([None])
    ws.append(GOOD)
    out = io.BytesIO()
    wb.save(out)
    assert "2000" in _refusal(world, out.getvalue()).messages[0]


def test_extra_columns_are_refused(world):
    error = _refusal(world, _xlsx([GOOD + [None] * 19 + ["x"]]))
    assert error.messages == ["第2行超过 30 列；请只使用模板中的列。"]
    # Blank cells past the template's columns are harmless.
    created = services.items_import(
        actor=world.users.secretary, branch=world.org.branches["a1"], data=_xlsx([GOOD + [None] * 40])
    )
    assert len(created) == 1


def _archive(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


def test_a_workbook_that_unpacks_to_too_much_is_refused(world):
    with zipfile.ZipFile(io.BytesIO(_xlsx([GOOD]))) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/sharedStrings.xml"] = b"<sst>" + b" " * (services.IMPORT_MAX_UNPACKED_BYTES + 1) + b"</sst>"
    data = _archive(parts)
    assert len(data) < 1024 * 1024
    assert "工作簿过大" in _refusal(world, data).messages[0]


@pytest.mark.parametrize(
    "data",
    [
        b"name,star\n",
        b"PK\x03\x04" + b"\x00" * 100,
        _archive({"hello.txt": b"not a workbook"}),
        _archive({"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"<workbook"}),
    ],
    ids=["csv", "truncated-zip", "zip", "broken-xml"],
)
def test_a_file_that_is_not_a_valid_workbook_is_refused(world, data):
    assert _refusal(world, data).messages == ["文件不是Excel工作簿（.xlsx），请下载模板填写后上传。"]


def test_a_workbook_with_broken_sheet_xml_is_refused(world):
    with zipfile.ZipFile(io.BytesIO(_xlsx([GOOD]))) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = next(name for name in parts if name.startswith("xl/worksheets/"))
    parts[sheet] = parts[sheet][: len(parts[sheet]) // 2]
    assert "Excel" in _refusal(world, _archive(parts)).messages[0]
