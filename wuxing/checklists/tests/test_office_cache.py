"""The office pages' progress figures, cached under the office's figures version (checklists.figures): every kind of
change made through the services shows on the pages read right after it, the cached figures equal the figures
computed afresh, and nothing computed inside an uncommitted write is kept."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wuxing.checklists import figures, selectors, services
from wuxing.checklists.models import ChecklistItem
from wuxing.core.actors import SYSTEM
from wuxing.org.figures import figures_version
from wuxing.testing import clear_caches

pytestmark = pytest.mark.django_db


def _figures(world, today=None):
    """What the office pages show, read through the selectors they use (cached when an entry is there)."""
    today = today or timezone.localdate()
    leader = world.users.leader
    board = selectors.dashboard(user=leader, campaign=world.campaign, today=today)
    a1 = world.org.branches["a1"]
    branch = selectors.branch_progress(branch=a1, campaign=world.campaign, today=today)
    return {
        "rows": [
            (
                r.branch.pk,
                r.rank,
                r.progress.overall,
                r.progress.expected,
                r.progress.items,
                r.progress.done,
                r.progress.behind,
                r.progress.overdue,
                [(s.code, v) for s, v in r.stars],
                r.target_level,
                r.weight,
            )
            for r in board.rows
        ],
        "flagged": [(b.pk, row.item.pk, row.status.behind, row.status.overdue) for b, row in board.flagged],
        "trend": board.trend,
        "tolerance": board.tolerance,
        "branch": (branch.overall, branch.expected, branch.by_star, branch.items, branch.behind, branch.overdue),
    }


def _fresh(world, today=None):
    clear_caches()
    return _figures(world, today)


def _warm(world):
    """Read twice: the second read comes from the cache (tested below), as a page read before the change would."""
    _figures(world)
    return _figures(world)


@pytest.fixture
def items(world, make_item):
    a1 = make_item("a1", target=10)
    make_item("a1", star="industry", target=4, weight=2)
    a2 = make_item("a2", target=5, start_date=date(world.campaign.year, 1, 1), due_date=timezone.localdate())
    services.checkin_record(actor=SYSTEM, item=a1, value=4)
    return {"a1": a1, "a2": a2}


def _checkin(world, items):
    services.checkin_record(actor=SYSTEM, item=items["a1"], value=7)


def _correction(world, items):
    first = items["a1"].checkins.order_by("id").first()
    services.checkin_record(actor=SYSTEM, item=items["a1"], value=9, corrects=first, reason="口径更正")


def _item_added(world, items):
    services.item_create(
        actor=SYSTEM,
        branch=world.org.branches["a3"],
        campaign=world.campaign,
        star=world.stars[(world.org.branches["a3"].star_set, "strong_branch")],
        title="新增事项",
        target_value=2,
    )


def _item_edited(world, items):
    services.item_update(actor=SYSTEM, item=items["a1"], target_value=Decimal("5"))


def _item_retired(world, items):
    services.item_retire(actor=SYSTEM, item=items["a2"], reason="不再适用")


def _item_unretired(world, items):
    item = services.item_retire(actor=SYSTEM, item=items["a2"], reason="不再适用")
    retired = _warm(world)
    services.item_unretire(actor=SYSTEM, item=item)
    return retired  # the figures to differ from: the retired item's


def _items_saved(world, items):
    branch = world.org.branches["a2"]
    today = timezone.localdate()
    item = ChecklistItem(
        campaign=world.campaign,
        branch=branch,
        star=world.stars[(branch.star_set, "strong_branch")],
        title="导入事项",
        kind="yes_no",
        weight=Decimal("3"),
        start_date=date(today.year, 1, 1),
        due_date=today - timedelta(days=1) if today.month > 1 or today.day > 1 else today,
    )
    services.items_save(actor=SYSTEM, branch=branch, items=[item], action="checklist.items_import")


def _tolerance(world, items):
    services.policy_set(actor=SYSTEM, office=world.org.office_a, behind_tolerance=Decimal("0.9"))


CHANGES = {
    "check-in": _checkin,
    "correction": _correction,
    "item added": _item_added,
    "item edited": _item_edited,
    "item retired": _item_retired,
    "item brought back": _item_unretired,
    "items imported or generated": _items_saved,
    "tolerance": _tolerance,
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_shows_at_once_and_equals_the_figures_computed_afresh(world, items, change):
    before = _warm(world)
    before = CHANGES[change](world, items) or before
    after = _figures(world)
    assert after != before, change
    assert after == _fresh(world), change


def test_the_cached_figures_equal_the_uncached_ones_and_are_read_from_the_cache(
    world, items, django_assert_max_num_queries
):
    cold = _fresh(world)
    with django_assert_max_num_queries(20) as warm:
        assert _figures(world) == cold
    # Warm, nothing sums the items or reads their check-ins (the trend's history) again.
    sql = " ".join(q["sql"] for q in warm.captured_queries)
    assert "SUM(" not in sql.upper() and "checklists_checkin" not in sql


def test_each_day_has_its_own_figures(world, items):
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    _figures(world, today)
    assert _figures(world, tomorrow) == _fresh(world, tomorrow)
    assert _figures(world, today) == _fresh(world, today)


def test_without_the_version_moved_on_the_pages_would_show_a_stale_figure(world, items, monkeypatch):
    """What the version bumps protect against: the cache is really read, so a write that did not move the version
    would leave the pages stale."""
    before = _warm(world)
    monkeypatch.setattr(services, "office_figures_changed", lambda *ids: None)
    monkeypatch.setattr(services, "figures_changed_write", lambda *ids, **kw: None)  # the check-in's, in its statement
    _checkin(world, items)
    assert _figures(world) == before
    assert _fresh(world) != before


def test_nothing_computed_inside_an_uncommitted_write_is_kept(world, items):
    """A service's transaction moves the version on before it commits; figures read inside it must not be stored,
    or a rollback would leave them under the version the next write takes."""
    today = timezone.localdate()
    version = figures_version(world.org.office_a.pk)
    with transaction.atomic():
        services.checkin_record(actor=SYSTEM, item=items["a1"], value=9)
        inside = _figures(world)
        key = figures.entry_key(campaign_id=world.campaign.pk, version=version + 1, today=today, kind=figures.SUMS)
        assert cache.get(key) is None
        transaction.set_rollback(True)
    assert figures_version(world.org.office_a.pk) == version
    _checkin(world, items)  # the next write takes the same version number
    after = _figures(world)
    assert after == _fresh(world) and after != inside


# ---------------------------------------------------------------------------------------------------------
# Through the pages: a check-in posted, then each office page read in the next request
# ---------------------------------------------------------------------------------------------------------


def _page(client, world, name):
    if name == "board":
        url = reverse("checklists_public:board", args=[world.org.office_a.code])
    elif name == "branch":
        url = reverse("portal:branch_detail", args=[world.org.branches["a1"].pk])
    else:
        url = reverse(name)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


PAGES = ["home", "checklists:progress_table", "checklists:dashboard", "branch", "board"]


@pytest.mark.parametrize("name", PAGES)
def test_a_check_in_posted_shows_on_the_office_page_read_next(client, world, make_item, name):
    item = make_item("a1", target=10)
    services.checkin_record(actor=SYSTEM, item=item, value=4)
    client.force_login(world.users.leader)

    def shown():
        html = _page(client, world, name)
        if name == "checklists:dashboard":
            # The chart's figures (0..1) of the branch and its star.
            return ("0.4," in html or "0.4]" in html, "0.7," in html or "0.7]" in html)
        return ("40%" in html, "70%" in html)

    _page(client, world, name)
    assert shown() == (True, False)
    response = client.post(
        reverse("checklists:checkin_create", args=[item.pk]), {"value": "7", "effective_on": timezone.localdate()}
    )
    assert response.status_code == 302
    assert shown() == (False, True)


def test_a_check_in_through_the_api_shows_on_the_progress_table(client, api_client, world, make_item):
    item = make_item("a1", target=10)
    services.checkin_record(actor=SYSTEM, item=item, value=4)
    client.force_login(world.users.leader)
    api_client.force_authenticate(world.users.leader)
    assert "40%" in _page(client, world, "checklists:progress_table")
    response = api_client.post("/api/v1/checkins/", {"item": item.pk, "value": "6"}, format="json")
    assert response.status_code == 201, response.content
    html = _page(client, world, "checklists:progress_table")
    assert "60%" in html and "40%" not in html


def test_the_branch_page_shows_the_target_and_its_stars_from_the_shared_reads(client, world, make_item):
    """The targets panel and the check-in panel read the branch's target and the campaign's stars once for the page
    (targets.selectors.target_summary_of, campaigns.selectors.campaign_stars): both show the target just sent."""
    from wuxing.targets.services import target_submit

    a1 = world.org.branches["a1"]
    make_item("a1", target=10)
    client.force_login(world.users.leader)
    url = reverse("portal:branch_detail", args=[a1.pk])
    industry = world.stars[(a1.star_set, "industry")]
    assert (
        industry.name not in client.get(url).content.decode().split('id="targets-panel"')[1].split("</div>\n</div>")[0]
    )
    target = target_submit(
        actor=world.users.secretary,
        campaign=world.campaign,
        branch=a1,
        stars=["strong_branch", "industry"],
        reason="基础较好",
    )
    html = client.get(url).content.decode()
    targets_panel = html.split('id="targets-panel"')[1].split("</div>\n</div>")[0]
    assert reverse("targets:target_detail", args=[target.pk]) in targets_panel
    assert industry.name in targets_panel and world.stars[(a1.star_set, "strong_branch")].name in targets_panel
    checklist_panel = html.split('id="checklists-panel"')[1].split("</div>\n</div>")[0]
    assert industry.name in checklist_panel  # a targeted star without items is shown, with no figure yet
