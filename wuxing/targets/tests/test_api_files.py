"""API files: a baseline entry's evidence, uploaded as multipart through the same service as the page, refused whole
when one file is refused, served back only within scope."""

import pytest
from django.utils import translation

from wuxing.core.uploads import as_upload, sample_jpeg, sample_pdf
from wuxing.targets.models import BaselineEvidence
from wuxing.testing import api_as, api_with_token, assert_no_exif, stored_files

API = "/api/v1"
SVG = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


# ---------------------------------------------------------------------------------------------------------
# Baseline evidence
# ---------------------------------------------------------------------------------------------------------


def test_secretary_adds_baseline_evidence(api_client, world, media):
    entry = world.evidence.entry
    url = f"{API}/baseline-entries/{entry.pk}/evidence/"
    client = api_as(api_client, world.tc.users.secretary)
    shown = client.get(url).json()
    assert shown["branch"] == world.tc.a1.code and [f["name"] for f in shown["evidence"]] == ["ledger.jpg"]
    photos = [
        as_upload(sample_jpeg("台账", exif_gps=True), "台账1.jpg", "image/jpeg"),
        as_upload(sample_pdf(), "记录.pdf", "application/pdf"),
    ]
    response = client.post(url, {"evidence": photos}, format="multipart")
    assert response.status_code == 201, response.content
    files = response.json()["evidence"]
    assert [f["name"] for f in files] == ["ledger.jpg", "台账1.jpg", "记录.pdf"]
    assert files[1]["content_type"] == "image/jpeg" and files[1]["size"] > 0
    added = BaselineEvidence.objects.get(entry=entry, original_name="台账1.jpg")
    assert_no_exif(added.file)
    download = client.get(files[1]["url"])
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert api_as(api_client, world.tc.users.leader).get(files[1]["url"]).status_code == 200
    assert api_as(api_client, world.tc.users.leader_b).get(files[1]["url"]).status_code == 404


def test_baseline_evidence_scope_and_refusals(api_client, world, media):
    entry = world.evidence.entry
    url = f"{API}/baseline-entries/{entry.pk}/evidence/"
    before = stored_files(media)
    outsider = api_as(api_client, world.tc.users.leader_b)
    assert outsider.get(url).status_code == 404
    assert (
        outsider.post(
            url, {"evidence": [as_upload(sample_jpeg(), "a.jpg", "image/jpeg")]}, format="multipart"
        ).status_code
        == 404
    )
    cadre = api_as(api_client, world.tc.users.cadre)  # sees the baseline, does not record it
    assert (
        cadre.post(url, {"evidence": [as_upload(sample_jpeg(), "a.jpg", "image/jpeg")]}, format="multipart").status_code
        == 403
    )
    client = api_as(api_client, world.tc.users.secretary)
    response = client.post(url, {}, format="multipart")
    assert response.status_code == 400 and response.json()["evidence"] == ["请至少选择一个文件。"]
    for bad in (as_upload(SVG, "x.svg", "image/svg+xml"), as_upload(sample_jpeg(), "ledger.pdf", "application/pdf")):
        response = client.post(
            url, {"evidence": [as_upload(sample_jpeg(), "ok.jpg", "image/jpeg"), bad]}, format="multipart"
        )
        assert response.status_code == 400 and bad.name in response.json()["evidence"][0]
    assert BaselineEvidence.objects.count() == 1 and stored_files(media) == before


def test_baseline_evidence_download_only_within_scope(api_client, world):
    url = f"{API}/baseline-evidence/{world.evidence.pk}/"
    assert api_client.get(url).status_code == 401
    assert api_as(api_client, world.tc.users.secretary).get(url).status_code == 200
    for user in (world.tc.users.leader_b, world.tc.users.reviewer, world.tc.users.auditor):
        assert api_as(api_client, user).get(url).status_code == 404, user


def test_the_evidence_address_listed_downloads_with_the_token_alone(world):
    """The address the API lists is an /api/v1/ path that serves the file to the token's holder (issue 9)."""
    client = api_with_token(world.tc.users.secretary)
    listed = client.get(f"{API}/baseline-entries/{world.evidence.entry_id}/evidence/").json()["evidence"]
    url = listed[0]["url"]
    assert f"/api/v1/baseline-evidence/{world.evidence.pk}/" in url
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert api_with_token(world.tc.users.leader_b).get(url).status_code == 404
