"""Evidence and exports on S3-compatible object storage (django-storages), against moto's standalone server.

Downloads stay behind the scope check: streamed through the app by default, or a redirect to a URL signed for
a minute (WUXING_S3_PRESIGNED) issued only after the check.
"""

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse

from wuxing.checklists import services
from wuxing.core.actors import SYSTEM
from wuxing.core.exports import export_run
from wuxing.core.models import ExportJob
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.testing_servers import moto_server, moto_server_command, s3_client, s3_settings


@pytest.fixture(scope="module")
def s3_endpoint():
    if moto_server_command() is None:
        pytest.skip("moto[server] is not installed (pip install 'moto[server]'); CI installs it with the test extras")
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def bucket(s3_endpoint, settings, tmp_path):
    name = f"wuxing-{uuid.uuid4().hex[:12]}"
    s3_client(s3_endpoint).create_bucket(Bucket=name)
    settings.MEDIA_ROOT = tmp_path
    for key, value in s3_settings(s3_endpoint, name).items():
        setattr(settings, key, value)
    return name


def _objects(endpoint, bucket):
    listing = s3_client(endpoint).list_objects_v2(Bucket=bucket)
    return {o["Key"] for o in listing.get("Contents", [])}


def _object(endpoint, bucket, key) -> bytes:
    return s3_client(endpoint).get_object(Bucket=bucket, Key=key)["Body"].read()


@pytest.fixture
def evidence(world, make_item, bucket):
    item = make_item("a1", target=4)
    checkin = services.checkin_record(
        actor=SYSTEM, item=item, value=1, evidence=[as_upload(sample_jpeg("会议"), "会议.jpg", "image/jpeg")]
    )
    return checkin.evidence.get()


def test_evidence_is_stored_in_the_bucket_not_on_the_local_disk(evidence, s3_endpoint, bucket, tmp_path):
    keys = _objects(s3_endpoint, bucket)
    assert evidence.file.name in keys and evidence.thumbnail.name in keys
    assert _object(s3_endpoint, bucket, evidence.file.name)[:3] == b"\xff\xd8\xff"
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_evidence_is_streamed_from_the_bucket_after_the_scope_check(client, world, evidence, s3_endpoint, bucket):
    url = reverse("checklists:evidence_file", args=[evidence.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    client.force_login(world.users.leader_b)
    assert client.get(url).status_code == 404
    client.force_login(world.users.cadre)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == _object(s3_endpoint, bucket, evidence.file.name)
    assert response["Content-Type"] == "image/jpeg" and response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_presigned_url_is_issued_only_after_the_scope_check_and_expires_in_a_minute(
    client, world, evidence, s3_endpoint, bucket, settings
):
    settings.WUXING_S3_PRESIGNED = True
    url = reverse("checklists:evidence_file", args=[evidence.pk])
    client.force_login(world.users.leader_b)
    refused = client.get(url)
    assert refused.status_code == 404 and "Location" not in refused
    client.force_login(world.users.cadre)
    response = client.get(url)
    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    location = response["Location"]
    assert location.startswith(f"{s3_endpoint}/{bucket}/")
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Expires"] == ["60"] and "X-Amz-Signature" in query
    fetched = requests.get(location, timeout=10)
    assert fetched.status_code == 200 and fetched.headers["Content-Type"] == "image/jpeg"
    assert fetched.content == _object(s3_endpoint, bucket, evidence.file.name)
    assert fetched.headers["Cache-Control"] == "private, no-store"
    # Without the signature the object store refuses: the bucket is not public.
    assert requests.get(location.split("?")[0], timeout=10).status_code == 403
    thumb = client.get(reverse("checklists:evidence_thumb", args=[evidence.pk]))
    assert thumb.status_code == 302
    assert requests.get(thumb["Location"], timeout=10).content == _object(s3_endpoint, bucket, evidence.thumbnail.name)


def test_an_export_written_by_the_worker_is_stored_in_the_bucket_and_served_to_its_owner(
    client, world, s3_endpoint, bucket
):
    job = ExportJob.objects.create(user=world.users.secretary, exporter="wuxing.org.exports.branches_export", params={})
    export_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.file_path in _objects(s3_endpoint, bucket)
    url = reverse("core:export_download", args=[job.pk])
    client.force_login(world.users.staff)
    assert client.get(url).status_code == 404
    client.force_login(world.users.secretary)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == _object(s3_endpoint, bucket, job.file_path)
