"""Two app servers on one PostgreSQL, one Redis and one file store (scripts/cluster.sh, `make cluster`).

One browser signs in through server A and keeps talking to both in turn (RoundRobinClient): the session is known
to B, a check-in written through A is read through B, its evidence uploaded through A is downloaded through B
(and only by someone in scope), failed sign-ins are counted across both servers, and an export queued through one
server is run by the cluster's worker and downloaded through the other. Files go to moto's S3 server when moto is
installed, else to the MEDIA_ROOT the processes share. Needs PostgreSQL and Redis; skipped when either is missing.

The servers run with DEBUG on so that static files are served from the source tree: collecting and compressing
them for the manifest storage takes minutes on a small machine and is not what this test is about.
"""

import contextlib
import json
import os
import re
import subprocess
import sys
import time
import uuid

import pytest

from wuxing.testing_servers import (
    PROJECT_DIR,
    RoundRobinClient,
    free_port,
    moto_server,
    moto_server_command,
    redis_forget,
    redis_reachable,
    redis_url,
    s3_client,
    s3_env,
    stop,
    wait_for_port,
)

# Marked so that the session creates the test database the scratch database is copied from; the tests themselves
# talk to the servers only.
pytestmark = pytest.mark.django_db

SETUP = """
import json
import django
django.setup()
from django.urls import reverse
from django.utils import timezone
from wuxing.checklists.services import item_create
from wuxing.campaigns.services import campaign_create, campaign_set_status
from wuxing.core.actors import SYSTEM
from wuxing.standards.fileformat import standard_load
from wuxing.standards.models import Star
from wuxing.testing import PASSWORD, build_org, users_for
from pathlib import Path

org = build_org()
users = users_for(org)
example = Path("wuxing/standards/data/example-standard.yaml").read_text(encoding="utf-8")
standard = standard_load(actor=SYSTEM, text=example)
campaign = campaign_create(actor=SYSTEM, office=org.office_a, year=timezone.localdate().year, standard=standard)
campaign_set_status(actor=SYSTEM, campaign=campaign, status="running")
branch = org.branches["a1"]
star = Star.objects.get(standard=standard, star_set=branch.star_set, code="strong_branch")
item = item_create(actor=SYSTEM, branch=branch, campaign=campaign, star=star, title="召开党员大会",
                   kind="quantitative", target_value=4, start_value=0, weight=1)
print(json.dumps({
    "password": PASSWORD,
    "secretary": users.secretary.username,
    "leader": users.leader.username,
    "leader_b": users.leader_b.username,
    "login": reverse("login"),
    "home": reverse("home"),
    "item": reverse("checklists:item_detail", args=[item.pk]),
    "checkin": reverse("checklists:checkin_create", args=[item.pk]),
    "branches": reverse("org:branch_list"),
}))
"""


def _env(url: str, **extra) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(PROJECT_DIR), **extra}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The file store of the cluster: an S3 bucket on moto's server, or a shared local directory."""
    media = tmp_path_factory.mktemp("cluster-media")
    if moto_server_command() is None:
        yield {"MEDIA_ROOT": str(media)}, None
        return
    with moto_server() as endpoint:
        bucket = f"cluster-{uuid.uuid4().hex[:10]}"
        s3_client(endpoint).create_bucket(Bucket=bucket)
        yield {"MEDIA_ROOT": str(media), **s3_env(endpoint, bucket)}, (endpoint, bucket)


@pytest.fixture(scope="module")
def cluster(scratch_database, store):
    why = redis_reachable()
    if why:
        pytest.skip(f"{why}: the cluster shares sessions and the cache in Redis (set REDIS_URL)")
    store_env, bucket = store
    ports = [free_port(), free_port()]
    env = _env(
        scratch_database,
        REDIS_URL=redis_url(),
        WUXING_CACHE_PREFIX=f"cluster-{uuid.uuid4().hex[:8]}",
        CLUSTER_PORTS=" ".join(map(str, ports)),
        CLUSTER_MIGRATE="0",
        CLUSTER_GUNICORN_WORKERS="1",
        DEBUG="1",
        WUXING_SIGN_IN_ADDRESS_LIMIT="3",
        WUXING_SYNC_EXPORT_ROWS="0",
        PY=sys.executable,
        **store_env,
    )
    setup = subprocess.run(
        [sys.executable, "-c", SETUP],
        cwd=PROJECT_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "wuxing.config.settings"},
        capture_output=True,
        text=True,
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    names = json.loads(setup.stdout.strip().splitlines()[-1])
    names["cache_prefix"] = env["WUXING_CACHE_PREFIX"]
    log = open(os.devnull, "w")
    process = subprocess.Popen(
        ["bash", "scripts/cluster.sh"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        for port in ports:
            wait_for_port("127.0.0.1", port, timeout=120, process=process)
        yield [f"http://127.0.0.1:{port}" for port in ports], names, bucket
    finally:
        stop(process, timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 15)  # the servers and the worker the script started (its own process group)
        log.close()
        redis_forget(env["WUXING_CACHE_PREFIX"])


def test_a_session_started_on_one_server_is_known_to_the_other(cluster):
    urls, names, _ = cluster
    client = RoundRobinClient(urls)
    assert client.sign_in(names["login"], names["secretary"], names["password"], via=0).status_code == 302
    for via in (1, 0, 1):
        response = client.get(names["item"], via=via)
        assert response.status_code == 200, (via, response.status_code, response.headers.get("Location"))
    assert client.served[-4:] == [urls[0], urls[1], urls[0], urls[1]]
    # Signing out through B ends the session on A too.
    client.post("/accounts/logout/", via=1)
    signed_out = client.get(names["item"], via=0)
    assert signed_out.status_code == 302 and signed_out.headers["Location"].startswith(names["login"])


def test_a_check_in_and_its_evidence_written_through_one_server_are_read_through_the_other(cluster):
    from wuxing.core.uploads import sample_jpeg

    urls, names, bucket = cluster
    client = RoundRobinClient(urls)
    assert client.sign_in(names["login"], names["secretary"], names["password"], via=0).status_code == 302
    client.get(names["item"], via=0)
    photo = sample_jpeg("集群")
    note = f"two servers {uuid.uuid4().hex[:6]}"
    response = client.post(
        names["checkin"], {"value": "2", "note": note}, via=0, files={"evidence": ("会议.jpg", photo, "image/jpeg")}
    )
    assert response.status_code == 302, response.text[:500]
    page = client.get(names["item"], via=1)
    assert page.status_code == 200 and note in page.text
    evidence = re.search(r'href="(/[^"]*/evidence/(\d+)/)"', page.text)
    assert evidence, "the item page links the evidence"
    download = client.get(evidence.group(1), via=1)
    assert download.status_code == 200 and download.headers["Content-Type"] == "image/jpeg"
    assert download.content[:3] == b"\xff\xd8\xff"
    if bucket is not None:
        endpoint, name = bucket
        s3 = s3_client(endpoint)
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=name).get("Contents", [])]
        stored = [s3.get_object(Bucket=name, Key=key)["Body"].read() for key in keys]
        assert download.content in stored, "the file B served is the object A stored in the bucket"
    # Someone of another office is refused on either server.
    outsider = RoundRobinClient(urls)
    assert outsider.sign_in(names["login"], names["leader_b"], names["password"], via=1).status_code == 302
    assert outsider.get(evidence.group(1), via=0).status_code == 404
    assert outsider.get(evidence.group(1), via=1).status_code == 404


def test_an_export_queued_through_one_server_is_run_by_the_worker_and_downloaded_through_the_other(cluster):
    urls, names, _ = cluster
    client = RoundRobinClient(urls)
    assert client.sign_in(names["login"], names["secretary"], names["password"], via=0).status_code == 302
    queued = client.get(names["branches"] + "?export=xlsx", via=0)
    assert queued.status_code == 302, queued.status_code
    status_path = queued.headers["Location"]
    deadline = time.monotonic() + 120
    while True:
        page = client.get(status_path, via=1)
        link = re.search(r'href="(/[^"]*/download/)"', page.text)
        if link:
            break
        assert time.monotonic() < deadline, "the worker did not run the export"
        time.sleep(0.5)
    download = client.get(link.group(1), via=0)
    assert download.status_code == 200 and download.content[:2] == b"PK"


def test_failed_sign_ins_are_counted_across_both_servers(cluster):
    """Last in the module: it uses up the sign-in limit of 127.0.0.1."""
    urls, names, _ = cluster
    client = RoundRobinClient(urls)
    # Three failures (the address limit here), alternating servers, for an account that exists but is not locked.
    for via in (0, 1, 0):
        assert client.sign_in(names["login"], names["leader"], "wrong-password", via=via).status_code == 200
    refused = client.sign_in(names["login"], names["leader"], names["password"], via=1)
    assert refused.status_code == 200, "the right password is refused once the address has failed too often"
    assert client.get(names["item"], via=0).headers["Location"].startswith(names["login"])
    # The limit is kept in the shared cache for its window (10 minutes): clear it for whatever runs next.
    redis_forget(names["cache_prefix"])
