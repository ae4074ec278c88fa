"""Excel exports: small lists download at once, large ones run as a task with a status page, within scope."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from wuxing.core.exports import export_run
from wuxing.core.models import ExportJob
from wuxing.testing import users_for

pytestmark = pytest.mark.django_db


def sheet_rows(content):
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_small_list_downloads_directly(client, org):
    u = users_for(org)
    client.force_login(u.cadre)
    response = client.get(reverse("org:branch_list"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert [r[1] for r in sheet_rows(response.content)[1:]] == ["甲一村", "甲二社区"]


def test_large_list_runs_as_a_task_with_progress(client, org, settings, django_capture_on_commit_callbacks, tmp_path):
    settings.WUXING_SYNC_EXPORT_ROWS = 0
    settings.MEDIA_ROOT = tmp_path
    u = users_for(org)
    client.force_login(u.leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("org:branch_list"), {"export": "xlsx", "kind": "rural_village"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:export_detail", args=[job.pk])
    assert job.status == ExportJob.Status.DONE and job.done == job.total == 1
    status = client.get(reverse("core:export_detail", args=[job.pk]))
    assert reverse("core:export_download", args=[job.pk]) in status.content.decode()
    download = client.get(reverse("core:export_download", args=[job.pk]))
    rows = sheet_rows(b"".join(download.streaming_content))
    assert [r[1] for r in rows[1:]] == ["甲一村"]
    client.force_login(u.staff)
    assert client.get(reverse("core:export_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("core:export_download", args=[job.pk])).status_code == 404


def test_export_job_uses_the_requesting_users_scope(org, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    u = users_for(org)
    job = ExportJob.objects.create(user=u.secretary, exporter="wuxing.org.exports.branches_export", params={})
    export_run(job.pk)
    job.refresh_from_db()
    # The file is in the file storage (here MEDIA_ROOT), where any app server can serve it.
    assert job.file_path.startswith("exports/") and (tmp_path / job.file_path).is_file()
    with open(tmp_path / job.file_path, "rb") as f:
        assert [r[1] for r in sheet_rows(f.read())[1:]] == ["甲一村"]


def test_only_marked_exporters_run(org, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    u = users_for(org)
    job = ExportJob.objects.create(user=u.leader, exporter="os.system", params={})
    with pytest.raises(Exception):
        export_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and not job.file_path


def test_every_sheet_freezes_its_header_sizes_its_columns_and_keeps_figures_as_numbers():
    import datetime

    from wuxing.core.exports import xlsx_bytes

    rows = [
        ("甲一村党支部委员会", "89%", "12.5", "008", "13800138000", datetime.date(2026, 1, 10), "=SUM(A1)", -5),
        ("乙", "7.5%", "3", "0", "a_b", None, "-x", 0),
    ]
    ws = load_workbook(
        io.BytesIO(xlsx_bytes("表", ["支部", "进度", "数值", "编号", "电话", "日期", "备注", "差"], rows))
    ).active
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.b
    # Wide enough for the longest Chinese text (two units per character), a short column stays narrow.
    assert ws.column_dimensions["A"].width >= 18 and ws.column_dimensions["H"].width < ws.column_dimensions["A"].width
    values = list(ws.iter_rows(min_row=2, values_only=True))
    assert values[0][1] == 0.89 and ws["B2"].number_format == "0%" and ws["B3"].number_format == "0.0%"
    assert values[0][2] == 12.5 and values[1][2] == 3 and values[1][3] == 0
    # Codes keep their zeros, long digit strings stay text, formulas stay text.
    assert values[0][3] == "008" and values[0][4] == "13800138000" and values[0][6] == "'=SUM(A1)"
    assert values[0][5] == datetime.datetime(2026, 1, 10) and ws["F2"].number_format == "yyyy-mm-dd"


def test_the_download_is_named_in_the_users_words(client, org):
    from urllib.parse import quote

    from wuxing.core.exports import content_disposition, download_name

    assert download_name("进度表", ["明湖街道", 2026]) == "进度表-明湖街道-2026.xlsx"
    assert download_name("a/b:c", []) == "abc.xlsx"
    header = content_disposition("进度表-明湖街道-2026.xlsx")
    assert (
        header.startswith('attachment; filename="')
        and f"filename*=UTF-8''{quote('进度表-明湖街道-2026.xlsx')}" in header
    )
    u = users_for(org)
    client.force_login(u.cadre)
    response = client.get(reverse("org:branch_list"), {"export": "xlsx"})
    assert "filename*=UTF-8''" + quote("支部.xlsx") in response["Content-Disposition"]
