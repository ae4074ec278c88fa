"""Excel export of any list. Small lists download at once; large ones run as a task with a status page.

An exporter is a function `(user, params) -> ExportSpec`, marked with `@exporter`, that reads through the
app's scoped selectors, so an export never shows more than the page it came from.
"""

import io
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS_EVERY = 200


@dataclass
class ExportSpec:
    filename: str
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    total: int


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
        # Neutralise spreadsheet formulas coming from user input.
        return "'" + value if value[:1] in ("=", "+", "-", "@") else value
    if isinstance(value, (int, float)) or hasattr(value, "isoformat"):
        return value
    return str(value)


def write_xlsx(
    out, title: str, headers: Sequence[str], rows: Iterable[Sequence], on_progress: Callable[[int], None] | None = None
) -> int:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=(str(title)[:31] or "Sheet1"))
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=str(h))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    ws.append(header_cells)
    count = 0
    for row in rows:
        ws.append([_cell(v) for v in row])
        count += 1
        if on_progress and count % PROGRESS_EVERY == 0:
            on_progress(count)
    wb.save(out)
    return count


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buf = io.BytesIO()
    write_xlsx(buf, title, headers, rows)
    return buf.getvalue()


def xlsx_response(filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(title, headers, rows), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def export_response(request, func: Callable, params: dict | None = None):
    """Download at once when the list is small, else queue an export job and show its status page."""
    params = {k: v for k, v in (params if params is not None else request.GET.dict()).items() if k != "export"}
    from .audit import audit_record  # the task imports this module before the app registry is ready

    spec = func(request.user, params)
    exporter_path = f"{func.__module__}.{func.__qualname__}"
    if spec.total <= settings.WUXING_SYNC_EXPORT_ROWS:
        response = xlsx_response(spec.filename, spec.title, spec.headers, spec.rows)
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
        directory = Path(settings.MEDIA_ROOT) / "exports"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{uuid.uuid4().hex}.xlsx"
        with path.open("wb") as out:
            written = write_xlsx(
                out,
                spec.title,
                spec.headers,
                spec.rows,
                on_progress=lambda n: ExportJob.objects.filter(pk=job.pk).update(done=n),
            )
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.DONE,
            done=written,
            total=max(written, spec.total),
            filename=spec.filename,
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
