"""Excel export of any list. Small lists download at once; large ones run as a task with a status page.

An exporter is a function `(user, params) -> ExportSpec`, marked with `@exporter`, that reads through the
app's scoped selectors, so an export never shows more than the page it came from.
"""

import io
import re
import tempfile
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS_EVERY = 200


# Rows read before the columns' widths are set (a write-only sheet takes them before its first row).
WIDTH_SAMPLE = 200
MIN_WIDTH, MAX_WIDTH = 6, 60
# A figure a list shows as text ("89%", "12.5"): written as a number so that Excel sums, sorts and charts it.
# Not "008" (a code keeps its zeros) nor a long digit string (an account or phone number stays text).
PERCENT_TEXT = re.compile(r"^-?(0|[1-9]\d{0,8})(\.\d+)?[%％]$")
NUMBER_TEXT = re.compile(r"^-?(0|[1-9]\d{0,8})(\.\d+)?$")


@dataclass
class ExportSpec:
    filename: str
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    total: int
    # What the list is of, for the file's name: e.g. the office and the year → 进度表-明湖街道-2026.xlsx
    context: Sequence = ()

    @property
    def download_name(self) -> str:
        return download_name(self.title, self.context)


def download_name(title, context: Sequence = ()) -> str:
    """The name the file is saved under: the list's (translated) title and what it is of, in the user's words."""
    parts = [str(p).strip() for p in (title, *context) if p not in (None, "")]
    name = "-".join(parts) or "export"
    name = "".join(c for c in unicodedata.normalize("NFC", name) if c.isprintable() and c not in '\\/:*?"<>|')
    return name[:120] + ".xlsx"


def content_disposition(filename: str) -> str:
    """An attachment header that every browser reads: an ASCII fallback and the UTF-8 name (RFC 6266 / 5987)."""
    stem, _dot, suffix = filename.rpartition(".")
    fallback = "".join(c for c in stem if c.isascii() and (c.isalnum() or c in "-_")).strip("-_")
    fallback = f"{fallback or 'export'}.{suffix or 'xlsx'}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def exporter(func: Callable) -> Callable:
    """Mark a function as an exporter; only marked functions can be run by an export job."""
    func.is_wuxing_exporter = True
    return func


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str):
        text = value.strip()
        if PERCENT_TEXT.match(text):
            return Percent(float(text[:-1]) / 100)
        if NUMBER_TEXT.match(text):
            return float(text) if "." in text else int(text)
        # Neutralise spreadsheet formulas coming from user input.
        return "'" + value if value[:1] in ("=", "+", "-", "@") else value
    if isinstance(value, (int, float)) or hasattr(value, "isoformat"):
        return value
    return str(value)


class Percent(float):
    """A share (0.89) written as a number formatted as a percentage (89%)."""


def _width(value) -> float:
    if value is None:
        return 0
    text = value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else str(value)
    longest = max(
        (len(line) + sum(1 for c in line if unicodedata.east_asian_width(c) in "WF")) for line in text.split("\n")
    )
    return longest


def _sheet_cell(ws, value):
    value = _cell(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, Percent):
        cell.value = float(value)
        cell.number_format = "0%" if round(value * 100, 6) == round(value * 100) else "0.0%"
    elif hasattr(value, "hour"):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif hasattr(value, "isoformat"):
        cell.number_format = "yyyy-mm-dd"
    return cell


def write_xlsx(
    out, title: str, headers: Sequence[str], rows: Iterable[Sequence], on_progress: Callable[[int], None] | None = None
) -> int:
    """The sheet: a bold header row that stays in view (frozen), columns as wide as their content, figures as
    numbers, percentages as numbers formatted as percentages, dates as dates."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=(str(title)[:31] or "Sheet1"))
    ws.freeze_panes = "A2"
    rows = iter(rows)
    sample = []
    for row in rows:
        sample.append(row)
        if len(sample) == WIDTH_SAMPLE:
            break
    widths = [_width(h) for h in headers]
    for row in sample:
        for i, value in enumerate(row):
            if i < len(widths):
                widths[i] = max(widths[i], _width(_cell(value)) if not hasattr(value, "strftime") else _width(value))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=str(h))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center")
        header_cells.append(cell)
    ws.append(header_cells)
    count = 0
    for row in _chain(sample, rows):
        ws.append([_sheet_cell(ws, v) for v in row])
        count += 1
        if on_progress and count % PROGRESS_EVERY == 0:
            on_progress(count)
    wb.save(out)
    return count


def _chain(first, rest):
    yield from first
    yield from rest


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buf = io.BytesIO()
    write_xlsx(buf, title, headers, rows)
    return buf.getvalue()


def xlsx_response(filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(title, headers, rows), content_type=XLSX)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def export_response(request, func: Callable, params: dict | None = None):
    """Download at once when the list is small, else queue an export job and show its status page."""
    params = {k: v for k, v in (params if params is not None else request.GET.dict()).items() if k != "export"}
    from .audit import audit_record  # the task imports this module before the app registry is ready

    spec = func(request.user, params)
    exporter_path = f"{func.__module__}.{func.__qualname__}"
    if spec.total <= settings.WUXING_SYNC_EXPORT_ROWS:
        response = xlsx_response(spec.download_name, spec.title, spec.headers, spec.rows)
        # Every export is audited whatever its size; a queued one is audited when the job is created.
        audit_record(
            actor=request.user,
            action="export.download",
            object_type="core.export",
            object_repr=str(spec.title),
            after={"exporter": exporter_path, "params": params, "rows": spec.total},
        )
        return response
    # services → tasks → exports: the task module imports this one, so the service is imported on use.
    from .services import export_enqueue

    job = export_enqueue(actor=request.user, exporter_path=exporter_path, params=params, title=str(spec.title))
    return redirect("core:export_detail", pk=job.pk)


def export_run(job_id: int) -> None:
    """Run one export job: write the file, updating progress as rows are written."""
    from .models import ExportJob  # imported with the task at start-up, before the app registry is ready

    job = ExportJob.objects.select_related("user").get(pk=job_id)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    try:
        func = import_string(job.exporter)
        if not getattr(func, "is_wuxing_exporter", False):
            raise PermissionDenied(f"{job.exporter} is not an exporter")
        spec = func(job.user, job.params)
        ExportJob.objects.filter(pk=job.pk).update(total=spec.total)
        # Written to a temporary file, then into the file storage (MEDIA_ROOT or the S3 bucket), where any app
        # server can serve it: the worker and the server the user asks need not be the same machine.
        with tempfile.TemporaryFile() as out:
            written = write_xlsx(
                out,
                spec.title,
                spec.headers,
                spec.rows,
                on_progress=lambda n: ExportJob.objects.filter(pk=job.pk).update(done=n),
            )
            out.seek(0)
            path = default_storage.save(f"exports/{uuid.uuid4().hex}.xlsx", File(out))
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.DONE,
            done=written,
            total=max(written, spec.total),
            filename=spec.download_name,
            file_path=str(path),
            finished_at=timezone.now(),
        )
    except (
        Exception
    ) as exc:  # recorded for the status page (instead of spinning forever), then re-raised; no transaction is open here
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
