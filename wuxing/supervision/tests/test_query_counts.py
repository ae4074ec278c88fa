"""The ranking, the overdue board and the behind/overdue planning list cost the same number of queries however
many rows they show (the benchmark measures them at district scale)."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wuxing.core.actors import SYSTEM
from wuxing.supervision import services
from wuxing.supervision.models import Rectification

from .conftest import card_of, full_marks

TODAY = timezone.localdate()


def _queries(client, url) -> int:
    # Read once first: the office's progress figures are cached (checklists.figures) and every change here moves
    # them on, so both sizes are measured on a second read, each with its figures in the cache.
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(world, n: int):
    """n more overdue rectifications, n more behind checklist items, and every observer's cards submitted."""
    from wuxing.checklists.services import item_create
    from wuxing.standards.models import Star

    for i in range(n):
        code = ("a1", "a2", "a3")[i % 3]
        branch = world.org.branches[code]
        finding = services.finding_record(
            actor=SYSTEM,
            inspection=world.inspection,
            branch=world.org.branches[("a1", "a2")[i % 2]],
            category="progress",
            severity="low",
            description=f"问题{i}",
        )
        row = services.rectification_create(actor=SYSTEM, finding=finding, task=f"整改{i}", due_on=TODAY)
        Rectification.objects.filter(pk=row.pk).update(due_on=TODAY - datetime.timedelta(days=i + 1))
        star = Star.objects.filter(standard=world.campaign.standard, star_set=branch.star_set).first()
        item_create(
            actor=SYSTEM,
            branch=branch,
            campaign=world.campaign,
            star=star,
            title=f"事项{i}",
            kind="quantitative",
            target_value=10,
            start_value=0,
            start_date=TODAY - datetime.timedelta(days=40),
            due_date=TODAY - datetime.timedelta(days=1) if i % 2 else TODAY + datetime.timedelta(days=40),
        )
    for user in (world.users.leader, world.users.staff, world.users.secretary):
        for code in ("a1", "a2"):
            if user == world.users.secretary and code == "a1":
                continue
            card = card_of(world.observation, user, world.org.branches[code])
            if not card.locked:
                services.card_save(actor=user, card=card, points=full_marks(card), submit=True)


def test_ranking_overdue_board_and_planning_list_do_not_grow_with_their_rows(client, world):
    client.force_login(world.users.leader)
    pages = [
        reverse("supervision:observation_detail", args=[world.observation.pk]),
        reverse("supervision:overdue_board"),
        reverse("supervision:inspection_plan"),
        reverse("supervision:finding_detail", args=[world.finding.pk]),
    ]
    _grow(world, 2)
    for url in pages:
        _queries(client, url)  # warm the per-process caches (permissions, translations)
    small = [_queries(client, url) for url in pages]
    _grow(world, 9)
    services.finding_update(
        actor=world.users.staff, finding=world.finding, category="responsibility", severity="low", description="改"
    )
    large = [_queries(client, url) for url in pages]
    assert large == small
    page = client.get(reverse("supervision:overdue_board")).content.decode()
    assert page.count("data-rectification=") == 11
