"""Reading an uploaded workbook of several sheets, bounded before anything is parsed.

The same limits as the check-in list import (checklists.services.read_import_rows), for workbooks of several named
sheets: the parts may unpack to at most `max_unpacked` bytes, each sheet is streamed read-only (values only) and
the reading stops past `max_rows` data rows in all, or a row wider than `max_columns`. openpyxl is used directly
rather than tablib / django-import-export: those load whole sheets into memory without a row or size bound, and
cannot write the data-validation lists the templates carry.
"""

import io
import zipfile
from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_UNPACKED_BYTES = 20 * 1024 * 1024


def read_sheets(
    data: bytes,
    sheets: Mapping[str, tuple[Sequence[str], int]],
    *,
    max_rows: int,
    max_columns: int = 30,
    skip_prefix: str = "",
    max_unpacked: int = MAX_UNPACKED_BYTES,
) -> dict[str, list[tuple[int, tuple]]]:
    """{sheet key: [(row number, values padded to the sheet's width)]} for the sheets named in `sheets`
    ({key: (the names a sheet may have, its number of columns)}); header rows, blank rows and rows whose first cell starts with
    `skip_prefix` (the template's example) are left out. A missing sheet reads as empty.
    """
    not_xlsx = ValidationError(
        _("The file is not an Excel workbook (.xlsx); download the template and fill it in."), code="not_xlsx"
    )
    too_many_rows = ValidationError(
        _("The workbook has more than %(limit)d rows in all; import at most %(limit)d rows at a time.")
        % {"limit": max_rows},
        code="too_many_rows",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise not_xlsx from None
    if unpacked > max_unpacked:
        raise ValidationError(
            _("The workbook is too large; import at most %(limit)d rows at a time.") % {"limit": max_rows},
            code="too_large",
        )
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - a broken or hostile workbook fails in many ways; each means "not a workbook"
        raise not_xlsx from None
    result: dict[str, list[tuple[int, tuple]]] = {key: [] for key in sheets}
    total = 0
    try:
        by_name = {ws.title.strip(): ws for ws in wb.worksheets}
        for key, (names, width) in sheets.items():
            ws = next((by_name[n] for n in names if n in by_name), None)
            if ws is None:
                continue
            for number, row in enumerate(
                ws.iter_rows(max_row=5 * max_rows + 1, max_col=max_columns + 1, values_only=True), start=1
            ):
                if number > 5 * max_rows:
                    raise too_many_rows
                if len(row) > max_columns and any(v not in (None, "") for v in row[max_columns:]):
                    raise ValidationError(
                        _("Sheet %(sheet)s, row %(row)d has more than %(limit)d columns; use the template's columns.")
                        % {"sheet": ws.title, "row": number, "limit": max_columns},
                        code="too_many_columns",
                    )
                if number == 1 or all(v in (None, "") for v in row):
                    continue
                if skip_prefix and str(row[0] or "").strip().startswith(skip_prefix):
                    continue
                total += 1
                if total > max_rows:
                    raise too_many_rows
                row = tuple(row[:width])
                result[key].append((number, row + (None,) * (width - len(row))))
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - malformed sheet XML surfaces only while streaming
        raise not_xlsx from None
    finally:
        wb.close()
    return result
