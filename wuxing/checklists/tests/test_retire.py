"""An item is never deleted: it is retired with a reason, leaves the progress, keeps its page and history, and the
retirement can be undone for 10 seconds."""

import datetime
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from wuxing.checklists import selectors, services
from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog


class Clock:
    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    frozen = Clock()
    with mock.patch("django.utils.timezone.now", frozen):
        yield frozen


@pytest.fixture
def two_items(world, make_item):
    done = make_item("a1", title="党员大会", target=4)
    services.checkin_record(actor=SYSTEM, item=done, value=4)
    behind = make_item("a1", title="重复录入的事项", target=10)
    return done, behind


def test_a_retired_item_leaves_the_progress_but_keeps_its_page_and_history(client, world, two_items, clock):
    done, behind = two_items
    a1 = world.org.branches["a1"]
    before = selectors.branch_progress(branch=a1, campaign=world.campaign)
    client.force_login(world.users.secretary)
    client.post(reverse("checklists:item_retire", args=[behind.pk]), {"reason": ""}, HTTP_REFERER="/")
    behind.refresh_from_db()
    assert behind.retired_at is None  # a reason is needed
    response = client.post(reverse("checklists:item_retire", args=[behind.pk]), {"reason": "与党员大会事项重复"})
    assert response.status_code == 302
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert reverse("checklists:item_unretire", args=[behind.pk]) in text and "撤销" in text
    after = selectors.branch_progress(branch=a1, campaign=world.campaign)
    assert after.items == before.items - 1 and after.overall > before.overall
    page = client.get(reverse("checklists:branch_checklist", args=[a1.pk])).content.decode()
    listed = page.split('id="retired"')
    link = f'href="{reverse("checklists:item_detail", args=[behind.pk])}"'
    assert len(listed) == 2 and link in listed[1] and link not in listed[0]
    detail = client.get(reverse("checklists:item_detail", args=[behind.pk])).content.decode()
    assert "已停用" in detail or "停用" in detail
    assert "与党员大会事项重复" in detail and "修改记录" in detail
    assert reverse("checklists:checkin_create", args=[behind.pk]) not in detail
    with pytest.raises(ValidationError):
        services.checkin_record(actor=world.users.secretary, item=behind, value=3)
    row = AuditLog.objects.get(action="checklist.item_retire")
    assert row.note == "与党员大会事项重复"


def test_a_retirement_is_undone_within_ten_seconds_and_not_after(client, world, two_items, clock):
    _done, behind = two_items
    client.force_login(world.users.secretary)
    client.post(reverse("checklists:item_retire", args=[behind.pk]), {"reason": "录错了"})
    clock.now += datetime.timedelta(seconds=8)
    client.post(reverse("checklists:item_unretire", args=[behind.pk]))
    behind.refresh_from_db()
    assert behind.retired_at is None
    client.post(reverse("checklists:item_retire", args=[behind.pk]), {"reason": "确实重复"})
    clock.now += datetime.timedelta(seconds=11)
    response = client.post(reverse("checklists:item_unretire", args=[behind.pk]), HTTP_REFERER="/")
    assert "10 秒" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    behind.refresh_from_db()
    assert behind.retired_at is not None
    assert AuditLog.objects.filter(action="checklist.item_unretire").count() == 1


def test_only_who_may_change_the_list_retires_in_scope(client, world, two_items):
    _done, behind = two_items
    for user, expected in ((world.users.cadre, 403), (world.users.leader_b, 404)):
        client.force_login(user)
        assert client.post(reverse("checklists:item_retire", args=[behind.pk]), {"reason": "x"}).status_code == (
            expected
        )
    behind.refresh_from_db()
    assert behind.retired_at is None


def test_the_api_retires_and_unretires_through_the_same_services(api_client, world, two_items, clock):
    _done, behind = two_items
    api_client.force_authenticate(world.users.secretary)
    url = f"/api/v1/checklist-items/{behind.pk}/"
    assert api_client.post(f"{url}retire/", {}, format="json").status_code == 400
    response = api_client.post(f"{url}retire/", {"reason": "重复"}, format="json")
    assert response.status_code == 200 and response.json()["retired_at"]
    clock.now += datetime.timedelta(seconds=3)
    response = api_client.post(f"{url}unretire/", format="json")
    assert response.status_code == 200 and response.json()["retired_at"] is None
    api_client.force_authenticate(world.users.cadre)
    assert api_client.post(f"{url}retire/", {"reason": "x"}, format="json").status_code in (403, 404)
