"""From the public: the report form on the office's site, its limits, and the reporter's contact kept private (R16)."""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from wuxing.core.models import AuditLog
from wuxing.core.uploads import as_upload, sample_jpeg, sample_png
from wuxing.supervision.models import Finding, FindingPhoto, PublicReport
from wuxing.testing import stored_files

PHONE = "13912345678"


@pytest.fixture
def form_url(world):
    return reverse("supervision_public:report", args=[world.org.office_a.code])


def _post(client, world, url, text="公示栏半年没更新", **extra):
    return client.post(
        url, {"branch": world.org.branches["a2"].pk, "text": text, "phone": PHONE, "name": "王大妈", **extra}
    )


def test_a_report_becomes_a_finding_to_triage(client, world, form_url):
    photo = as_upload(sample_jpeg("问题"), "p.jpg", "image/jpeg")
    response = _post(client, world, form_url, photo=photo)
    assert response.status_code == 200 and 'id="report-received"' in response.content.decode()
    report = PublicReport.objects.get()
    finding = report.finding
    assert finding.source == "public" and finding.triage == "pending" and finding.category == ""
    assert finding.branch == world.org.branches["a2"] and finding.photos.count() == 1
    assert report.phone == PHONE and report.address_hash and "127.0.0.1" not in report.address_hash
    # the audit row keeps the phone masked
    row = AuditLog.objects.get(action="supervision.public_report")
    assert row.after["phone"] == "139****5678"
    # the office triages it, then assigns a rectification
    client.force_login(world.users.staff)
    triage = reverse("supervision:finding_triage", args=[finding.pk])
    response = client.post(triage, {"accept": "1", "category": "", "severity": "medium"})
    assert response.status_code == 200 and "查进度" in response.content.decode()
    assert client.post(triage, {"accept": "1", "category": "effect", "severity": "medium"}).status_code == 302
    finding.refresh_from_db()
    assert finding.triage == "accepted" and finding.category == "effect"
    assert client.post(triage, {"accept": "0"}).status_code == 200  # triaged already: said on the form
    finding.refresh_from_db()
    assert finding.triage == "accepted"


def test_the_eleventh_report_from_one_address_in_a_day_is_refused(client, world, form_url):
    for i in range(10):
        assert 'id="report-received"' in _post(client, world, form_url, text=f"问题{i}").content.decode()
    response = _post(client, world, form_url, text="第十一条")
    assert "太多" in response.content.decode() and 'id="report-received"' not in response.content.decode()
    assert PublicReport.objects.count() == 10 and Finding.objects.filter(source="public").count() == 10
    # another address is not held back
    response = client.post(form_url, {"branch": world.org.branches["a1"].pk, "text": "另一处"}, REMOTE_ADDR="10.9.9.9")
    assert 'id="report-received"' in response.content.decode()


def test_script_in_the_text_is_shown_escaped(client, world, form_url):
    text = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    page = _post(client, world, form_url, text=text).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page and "<img src=x" not in page
    client.force_login(world.users.staff)
    finding = Finding.objects.get(source="public")
    detail = client.get(reverse("supervision:finding_detail", args=[finding.pk])).content.decode()
    assert "<script>alert" not in detail and "&lt;script&gt;alert" in detail


@pytest.mark.parametrize(
    "upload,message",
    [
        (lambda: as_upload(b"<html><script>alert(1)</script></html>", "photo.jpg", "image/jpeg"), "photo"),
        (lambda: as_upload(sample_png(), "photo.jpg", "image/jpeg"), "photo"),
        (lambda: as_upload(b"MZ" + b"\0" * 200, "report.exe", "application/octet-stream"), "photo"),
    ],
    ids=["html-as-jpeg", "png-named-jpeg", "executable"],
)
def test_disguised_files_are_refused_and_nothing_is_kept(client, world, form_url, settings, upload, message):
    before = stored_files(Path(settings.MEDIA_ROOT))
    response = _post(client, world, form_url, photo=upload())
    assert response.status_code == 200 and 'id="report-received"' not in response.content.decode()
    assert (
        PublicReport.objects.count() == 0
        and FindingPhoto.objects.count() == 0
        and Finding.objects.filter(source="public").count() == 0
    )
    assert stored_files(Path(settings.MEDIA_ROOT)) == before


def test_an_oversized_file_is_refused(client, world, form_url, settings):
    settings.WUXING_UPLOAD_MAX_MB = 1
    big = as_upload(sample_jpeg("大图", size=(1600, 1200)) + b"\0" * (1024 * 1024), "big.jpg", "image/jpeg")
    response = _post(client, world, form_url, photo=big)
    assert 'id="report-received"' not in response.content.decode() and "MB" in response.content.decode()
    assert PublicReport.objects.count() == 0


def test_a_bad_phone_is_refused(client, world, form_url):
    response = client.post(form_url, {"branch": world.org.branches["a2"].pk, "text": "x", "phone": "call me"})
    assert "电话号码" in response.content.decode() and PublicReport.objects.count() == 0


def test_a_branch_of_another_office_cannot_be_chosen(client, world, form_url):
    response = client.post(form_url, {"branch": world.org.branches["b1"].pk, "text": "x"})
    assert 'id="report-received"' not in response.content.decode() and PublicReport.objects.count() == 0


def test_contact_is_masked_and_revealed_only_with_the_permission(client, world, form_url):
    _post(client, world, form_url)
    report = PublicReport.objects.get()
    # public pages never show it
    for name in ("supervision_public:rankings", "supervision_public:report"):
        assert PHONE not in client.get(reverse(name, args=[world.org.office_a.code])).content.decode()
    # staff (no reveal permission): masked in the list, the finding and the export; no reveal
    client.force_login(world.users.staff)
    listing = client.get(reverse("supervision:public_report_list")).content.decode()
    assert PHONE not in listing and "139****5678" in listing and "王大妈" not in listing
    detail = client.get(reverse("supervision:finding_detail", args=[report.finding_id])).content.decode()
    assert PHONE not in detail and "139****5678" in detail
    export = client.get(reverse("supervision:public_report_list"), {"export": "xlsx"})
    cells = [c for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True) for c in row]
    assert PHONE not in cells and "139****5678" in cells and "王**" in cells
    reveal = reverse("supervision:public_report_reveal", args=[report.pk])
    assert client.post(reveal).status_code == 403
    # the findings export and the API carry no contact at all
    findings = client.get(reverse("supervision:finding_list"), {"export": "xlsx"}).content
    assert PHONE.encode() not in findings
    # the leader holds the reveal permission: the export has it, the reveal answers it and is logged
    client.force_login(world.users.leader)
    export = client.get(reverse("supervision:public_report_list"), {"export": "xlsx"})
    cells = [c for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True) for c in row]
    assert PHONE in cells
    response = client.post(reveal)
    assert response.status_code == 200 and PHONE in response.content.decode()
    assert AuditLog.objects.filter(action="supervision.public_report_reveal").count() == 1
    client.force_login(world.users.leader_b)
    assert client.post(reveal).status_code == 404
    client.logout()
    assert client.post(reveal).status_code == 302


def test_the_branch_sees_a_report_about_it_only_once_the_office_accepts_it(client, world, form_url):
    client.post(form_url, {"branch": world.org.branches["a1"].pk, "text": "书记不在岗"})
    finding = Finding.objects.get(source="public")
    detail = reverse("supervision:finding_detail", args=[finding.pk])
    client.force_login(world.users.secretary)
    assert client.get(detail).status_code == 404
    assert "书记不在岗" not in client.get(reverse("supervision:finding_list")).content.decode()
    client.force_login(world.users.staff)
    client.post(
        reverse("supervision:finding_triage", args=[finding.pk]),
        {"accept": "1", "category": "responsibility", "severity": "high"},
    )
    client.force_login(world.users.secretary)
    assert client.get(detail).status_code == 200
