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
    with open(job.file_path, "rb") as f:
        assert [r[1] for r in sheet_rows(f.read())[1:]] == ["甲一村"]


def test_only_marked_exporters_run(org, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    u = users_for(org)
    job = ExportJob.objects.create(user=u.leader, exporter="os.system", params={})
    with pytest.raises(Exception):
        export_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and not job.file_path
