"""Recording a check-in through the API: a fixed number of queries however long the item's history, an answer
equal to what the list shows for the row, and the item's cached figure equal to what its whole history says."""

from datetime import timedelta
from unittest import mock

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
# savepoint): the token with its user, the user's roles and scope, then the service: the item with its campaign and
# its office's path, locked (the serializer takes only its id; the scope is checked on that row), the recorder's
# name, the check-in with the item's cached figure and the office's figures version moved on (so the summaries'
# cache is not read stale): on PostgreSQL one statement (core.querysets.insert_with), on SQLite the insert, one
# UPDATE and one upsert; the audit row: on PostgreSQL the head's lock, the row and the head's move in one statement,
# on SQLite the head's read, the row and the head's update. No re-read of the history or the answer.
def checkin_post_queries() -> int:
    return 9 if connection.vendor == "postgresql" else 13


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


def test_the_service_takes_the_items_the_restricted_list_holds(world, make_item):
    """The check-in's item is read by a statement of its own and its scope checked on the row
    (`admits_branch_row`, `Scope.covers_branch`): for every user, the items a check-in may be recorded on are those
    `ChecklistItem.objects.restrict(user)` holds, and any other (or a missing one) is refused as out of scope."""
    from wuxing.checklists.services import ItemOutOfScope
    from wuxing.org.models import User
    from wuxing.org.querysets import admits_branch_row

    items = [make_item(code, target=10) for code in ("a1", "a2", "a3", "b1")]
    superuser = User.objects.create_superuser(username="t-super", password="x-Super-123")
    users = [*vars(world.users).values(), superuser]
    recorded = set()
    for user in users:
        visible = set(ChecklistItem.objects.restrict(user).values_list("pk", flat=True))
        for item in ChecklistItem.objects.select_related("branch__office").filter(pk__in=[i.pk for i in items]):
            admitted = admits_branch_row(
                user, ChecklistItem, "view", branch_id=item.branch_id, office_path=item.branch.office.path
            )
            assert admitted == (item.pk in visible), (user.username, item.branch.code)
            if not user.has_perm("checklists.add_checkin"):
                continue
            try:
                checkin_record(actor=user, item=ChecklistItem(pk=item.pk), value=1)
            except ItemOutOfScope:
                assert item.pk not in visible, (user.username, item.branch.code)
            else:
                assert item.pk in visible, (user.username, item.branch.code)
                recorded.add((user.username, item.branch.code.removeprefix("T-")))
        with pytest.raises(ItemOutOfScope):  # no such item
            checkin_record(actor=SYSTEM, item=ChecklistItem(pk=0))
    assert ("t-secretary", "a1") in recorded and ("t-secretary", "a2") not in recorded
    assert ("t-district", "b1") in recorded and ("t-super", "b1") in recorded
    assert all(admits_branch_row(SYSTEM, ChecklistItem, "view", branch_id=i.branch_id, office_path="") for i in items)


def test_the_locked_read_is_the_orm_row(world, make_item):
    """The item and its campaign as the check-in reads them (a statement written out, values converted as the ORM
    converts them: SQLite gives dates and decimals as text) equal the ORM's `select_related("campaign")` row."""
    from wuxing.checklists.services import _item_for_checkin

    item = make_item(target=12, start=2, weight="1.5", unit="次")

    def fields(obj):
        return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}

    for _attempt in range(2):  # the statement built, then reused
        read = _item_for_checkin(world.users.secretary, ChecklistItem(pk=item.pk), "refused")
        orm = ChecklistItem.objects.select_related("campaign").get(pk=item.pk)
        assert fields(read) == fields(orm) and fields(read.campaign) == fields(orm.campaign)
        assert [type(v) for v in fields(read).values()] == [type(v) for v in fields(orm).values()]
        assert read._state.db == "default" and not read._state.adding


def test_the_statements_kept_are_the_orms(world, make_item):
    """`update_write` and `insert_with` keep the SQL the ORM compiled for plain values and prepare the next values
    as it does: the kept statement and its parameters equal a fresh compilation, with values set and with None."""
    from django.db.models.sql import InsertQuery, UpdateQuery

    from wuxing.core import querysets
    from wuxing.core.querysets import _insert_statement, update_write

    item = make_item(target=10)
    fields = ["current_value", "done", "last_checkin_on"]

    def orm_update(obj):
        query = UpdateQuery(ChecklistItem)
        query.add_update_fields([(f, None, f.pre_save(obj, False)) for f in map(ChecklistItem._meta.get_field, fields)])
        query.add_filter("pk", obj.pk)
        sql, params = query.get_compiler("default").as_sql()
        return sql, tuple(params)

    def orm_insert(obj, insert_fields, returning):
        query = InsertQuery(CheckIn)
        query.insert_values(insert_fields, [obj], raw=False)
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = returning
        [(sql, params)] = compiler.as_sql()
        return sql, list(params)

    querysets._COMPILED.clear()
    for value, done, day in [(3, False, timezone.localdate()), (None, True, None), ("2.50", False, None)]:
        item.current_value, item.done, item.last_checkin_on = value, done, day
        write = update_write(item, fields)
        assert (write.sql, write.params) == orm_update(item)
        checkin = CheckIn(item=item, value=value, done=None, note="备注 ' \" %s", effective_on=timezone.localdate())
        meta = CheckIn._meta
        insert_fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
        with mock.patch("django.db.models.fields.timezone.now", return_value=timezone.now()):  # auto_now_add
            sql, params, _compiler = _insert_statement(checkin, insert_fields, meta.db_returning_fields, connection)
            assert (sql, list(params)) == orm_insert(checkin, insert_fields, meta.db_returning_fields)
    assert any(key[0] == "update" for key in querysets._COMPILED)
    assert any(key[0] == "insert" for key in querysets._COMPILED) == connection.features.can_return_columns_from_insert
