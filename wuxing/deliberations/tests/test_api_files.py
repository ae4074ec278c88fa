"""API files: a deliberation step's attachments, uploaded as multipart through the same service as the page, refused
whole when one file is refused, served back only within scope."""

import pytest
from django.utils import translation

from wuxing.core.uploads import as_upload, sample_jpeg, sample_pdf
from wuxing.deliberations.models import DeliberationStep, StepAttachment
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


def consult(**extra):
    return {"step": "committees_consult", "held_on": "2026-11-03", "chair": "甲一书记", **extra}


# ---------------------------------------------------------------------------------------------------------
# Deliberation steps
# ---------------------------------------------------------------------------------------------------------


def test_secretary_records_a_step_with_attachments(api_client, world, media):
    client = api_as(api_client, world.tc.users.secretary)
    photo = as_upload(sample_jpeg("签到表", exif_gps=True), "签到表.jpg", "image/jpeg")
    minutes = as_upload(sample_pdf("Minutes"), "minutes.pdf", "application/pdf")
    response = client.post(
        f"{API}/deliberations/{world.deliberation.pk}/steps/", consult(attachments=[photo, minutes]), format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["step"] == "committees_consult"
    files = body["attachments"]
    assert [(f["name"], f["content_type"]) for f in files] == [
        ("签到表.jpg", "image/jpeg"),
        ("minutes.pdf", "application/pdf"),
    ]
    assert all(f["size"] > 0 and f["url"].startswith("http") for f in files)
    step = DeliberationStep.objects.get(pk=body["id"])
    stored = list(step.attachments.order_by("uploaded_at", "id"))
    assert [a.original_name for a in stored] == ["签到表.jpg", "minutes.pdf"] and stored[
        0
    ].uploaded_by == world.tc.users.secretary
    assert_no_exif(stored[0].file)

    download = client.get(files[0]["url"])
    assert (
        download.status_code == 200
        and download["Content-Type"] == "image/jpeg"
        and download["X-Content-Type-Options"] == "nosniff"
    )
    assert b"WuxingCam" not in b"".join(download.streaming_content)
    assert client.get(files[0]["url"] + "?thumb=1").status_code == 200

    # listed with the deliberation and under its steps, the fixture's earlier attachment too
    detail = client.get(f"{API}/deliberations/{world.deliberation.pk}/").json()
    by_step = {s["step"]: s["attachments"] for s in detail["steps"]}
    assert [f["name"] for f in by_step["propose"]] == ["minutes.jpg"] and len(by_step["committees_consult"]) == 2
    listed = client.get(f"{API}/deliberations/{world.deliberation.pk}/steps/").json()
    assert [len(s["attachments"]) for s in listed] == [1, 2]


def test_a_step_without_files_still_records_as_json(api_client, world, media):
    client = api_as(api_client, world.tc.users.secretary)
    response = client.post(f"{API}/deliberations/{world.deliberation.pk}/steps/", consult(), format="json")
    assert response.status_code == 201 and response.json()["attachments"] == []


def test_out_of_scope_or_without_permission_nothing_is_recorded(api_client, world, media):
    url = f"{API}/deliberations/{world.deliberation.pk}/steps/"
    before = stored_files(media)
    outsider = api_as(api_client, world.tc.users.leader_b)
    response = outsider.post(
        url, consult(attachments=[as_upload(sample_jpeg(), "a.jpg", "image/jpeg")]), format="multipart"
    )
    assert response.status_code == 404
    leader = api_as(api_client, world.tc.users.leader)  # sees the branch but does not record its deliberations
    response = leader.post(
        url, consult(attachments=[as_upload(sample_jpeg(), "a.jpg", "image/jpeg")]), format="multipart"
    )
    assert response.status_code == 403
    assert DeliberationStep.objects.filter(deliberation=world.deliberation).count() == 1
    assert StepAttachment.objects.count() == 1 and stored_files(media) == before


@pytest.mark.parametrize(
    ("name", "data", "content_type", "expected"),
    [
        ("notice.svg", SVG, "image/svg+xml", "不接受"),
        ("minutes.pdf", sample_jpeg("会议"), "application/pdf", "与文件名不符"),
    ],
)
def test_a_refused_file_refuses_the_step(api_client, world, media, name, data, content_type, expected):
    before = stored_files(media)
    client = api_as(api_client, world.tc.users.secretary)
    good = as_upload(sample_jpeg("好"), "ok.jpg", "image/jpeg")
    response = client.post(
        f"{API}/deliberations/{world.deliberation.pk}/steps/",
        consult(attachments=[good, as_upload(data, name, content_type)]),
        format="multipart",
    )
    assert response.status_code == 400
    message = response.json()["attachments"][0]
    assert expected in message and name in message
    assert DeliberationStep.objects.filter(deliberation=world.deliberation).count() == 1
    assert StepAttachment.objects.count() == 1
    assert stored_files(media) == before


def test_step_attachment_download_only_within_scope(api_client, world):
    url = f"{API}/deliberation-attachments/{world.attachment.pk}/"
    assert api_client.get(url).status_code == 401
    for user in (world.tc.users.secretary, world.tc.users.leader, world.tc.users.cadre):
        response = api_as(api_client, user).get(url)
        assert response.status_code == 200, user
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    for user in (world.tc.users.leader_b, world.tc.users.auditor, world.tc.users.reviewer):
        assert api_as(api_client, user).get(url).status_code == 404, user
    # the address listed with the step is this route
    client = api_as(api_client, world.tc.users.secretary)
    listed = client.get(f"{API}/deliberations/{world.deliberation.pk}/").json()["steps"][0]["attachments"]
    assert listed[0]["url"].endswith(url)


def test_the_attachment_address_listed_downloads_with_the_token_alone(world):
    """The address the API lists is an /api/v1/ path that serves the file to the token's holder (issue 9)."""
    client = api_with_token(world.tc.users.secretary)
    steps = client.get(f"{API}/deliberations/{world.deliberation.pk}/steps/").json()
    url = steps[0]["attachments"][0]["url"]
    assert f"/api/v1/deliberation-attachments/{world.attachment.pk}/" in url
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert api_with_token(world.tc.users.leader).get(url).status_code == 200
    assert api_with_token(world.tc.users.leader_b).get(url).status_code == 404
