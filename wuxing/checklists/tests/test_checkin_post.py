"""Recording a check-in through the API: a fixed number of queries however long the item's history, an answer
equal to what the list shows for the row, and the item's cached figure equal to what its whole history says."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from wuxing.checklists import rules
from wuxing.checklists.models import CheckIn, ChecklistItem
from wuxing.checklists.services import checkin_record
from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.core.uploads import sample_jpeg
from wuxing.testing import api_token


# The POST of a check-in signed in by token (inside the test's transaction, so the service's transaction shows as a
# savepoint): the token with its user, the user's roles and scope, then the service: the item read through the
# caller's scope and locked (the serializer takes only its id), the recorder's name, the check-in with the item's
# cached figure and the office's figures version moved on (so the summaries' cache is not read stale): on
# PostgreSQL one statement (core.querysets.insert_with), on SQLite the insert, one UPDATE and one upsert; the audit
# row under the chain head (its lock, then on PostgreSQL the row and the head's move in one statement; on SQLite
# the row and the head's update). No re-read of the history or the answer.
def checkin_post_queries() -> int:
    return 10 if connection.vendor == "postgresql" else 13


def _auth(api_client, user):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")


def _cached(item):
    item.refresh_from_db()
    return item.current_value, item.done, item.last_checkin_on


def _from_history(item):
    """The item's figure as rules.current_checkin reads it from every check-in."""
    current = rules.current_checkin(
        [
            rules.CheckInFacts(id=c.pk, effective_on=c.effective_on, corrects=c.corrects_id, value=c.value, done=c.done)
            for c in CheckIn.objects.filter(item=item)
        ]
    )
    if current is None:
        return None, False, None
    return current.value, bool(current.done), current.effective_on


def test_the_post_costs_a_fixed_number_of_queries_whatever_the_history(
    api_client, world, make_item, django_assert_num_queries
):
    item = make_item(target=100)
    _auth(api_client, world.users.secretary)
    # Warm: the token's first use and the audit chain's head row.
    assert api_client.post("/api/v1/checkins/", {"item": item.pk, "value": "1"}, format="json").status_code == 201
    expected = checkin_post_queries()
    with django_assert_num_queries(expected):
        r = api_client.post("/api/v1/checkins/", {"item": item.pk, "value": "2"}, format="json")
    assert r.status_code == 201, r.content
    start = timezone.localdate().replace(month=1, day=1)
    for n in range(40):
        checkin_record(actor=SYSTEM, item=item, value=n, effective_on=start + timedelta(days=n % 20))
    with django_assert_num_queries(expected):
        r = api_client.post("/api/v1/checkins/", {"item": item.pk, "value": "3"}, format="json")
    assert r.status_code == 201
    # Nothing dropped: the check-in, the item's figure and the audit row are there.
    assert _cached(item)[0] == 3 and _cached(item) == _from_history(item)
    assert AuditLog.objects.filter(action="checklist.checkin", object_id=str(r.json()["id"])).exists()


def test_the_answer_is_the_row_as_the_list_shows_it(api_client, world, make_item, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    quantitative, yes_no = make_item(target=10), make_item(kind="yes_no", title="公开")
    _auth(api_client, world.users.secretary)
    posts = [
        ({"item": quantitative.pk, "value": "4.5", "note": "一季度"}, "json"),
        ({"item": yes_no.pk, "done": True}, "json"),
        (
            {"item": quantitative.pk, "value": "6", "evidence": [SimpleUploadedFile("a.jpg", sample_jpeg("会"))]},
            "multipart",
        ),
        ({"item": quantitative.pk, "value": "5", "corrects": "first", "reason": "少记一次"}, "json"),
    ]
    answers = []
    for body, format in posts:
        if body.get("corrects") == "first":
            body["corrects"] = answers[0].json()["id"]
        r = api_client.post("/api/v1/checkins/", body, format=format)
        assert r.status_code == 201, r.content
        # Read back at once: the answer is what the list says of the row at that moment.
        assert r.json() == api_client.get(f"/api/v1/checkins/{r.json()['id']}/").json()
        answers.append(r)
    first = answers[0].json()
    assert answers[0].json()["value"] == "4.50" and answers[0].json()["superseded"] is False
    assert answers[1].json()["done"] is True and answers[1].json()["value"] is None
    assert len(answers[2].json()["evidence"]) == 1
    assert api_client.get(f"/api/v1/checkins/{first['id']}/").json()["superseded"] is True


def test_the_cached_figure_follows_the_history(world, make_item):
    """New figures for today take the fast path; an earlier day or a correction reads the history; every time the
    item's cached figure is what the whole history says."""
    item, yes_no = make_item(target=10), make_item(kind="yes_no", title="公开")
    today = timezone.localdate()
    earlier = today - timedelta(days=1) if today.timetuple().tm_yday > 1 else today
    steps = [
        lambda: checkin_record(actor=SYSTEM, item=item, value=3),
        lambda: checkin_record(actor=SYSTEM, item=item, value=4),  # same day: the later one counts
        lambda: checkin_record(actor=SYSTEM, item=item, value=9, effective_on=earlier),  # an earlier day
    ]
    for step in steps:
        step()
        assert _cached(item) == _from_history(item)
    assert _cached(item)[0] == (4 if earlier != today else 9)
    latest = CheckIn.objects.filter(item=item).order_by("-effective_on", "-id").first()
    checkin_record(actor=SYSTEM, item=item, value=5, corrects=latest, reason="更正")
    assert _cached(item) == _from_history(item) and _cached(item)[0] == 5
    checkin_record(actor=SYSTEM, item=yes_no, done=True)
    assert _cached(yes_no) == _from_history(yes_no) == (None, True, today)
    checkin_record(actor=SYSTEM, item=yes_no, done=False)
    assert _cached(yes_no) == _from_history(yes_no) == (None, False, today)


def test_an_item_outside_the_scope_is_refused_before_anything_is_written(api_client, world, make_item):
    other = make_item("b1", target=10)
    _auth(api_client, world.users.secretary)
    r = api_client.post("/api/v1/checkins/", {"item": other.pk, "value": "1"}, format="json")
    assert r.status_code == 400 and "item" in r.json()
    # The service refuses on its own as well, whoever calls it.
    with pytest.raises(PermissionDenied):
        checkin_record(actor=world.users.secretary, item=ChecklistItem.objects.get(pk=other.pk), value=1)
    assert not CheckIn.objects.filter(item=other).exists()
