"""The public board kept whole in the cache under the office's figures version (org.figures.cached_page): read
again it costs two queries; every change of what it shows, made through the services, shows on the board read
right after it, equal to the board rendered afresh; a search, an unknown or repeated parameter and an
out-of-range page are rendered afresh and never kept."""

import pytest
from django.conf import settings
from django.urls import reverse

from wuxing.campaigns import services as campaign_services
from wuxing.checklists import services
from wuxing.core.actors import SYSTEM
from wuxing.org import services as org_services
from wuxing.org.figures import release_tag
from wuxing.org.models import Assignment
from wuxing.targets import services as target_services
from wuxing.testing import clear_caches

pytestmark = pytest.mark.django_db


def _url(world):
    return reverse("checklists_public:board", args=[world.org.office_a.code])


def _board(client, world, **params) -> str:
    response = client.get(_url(world), params)
    assert response.status_code == 200
    return response.content.decode()


def _checkin(world, items):
    services.checkin_record(actor=SYSTEM, item=items["a1"], value=7)


def _branch_renamed(world, items):
    org_services.branch_update(actor=SYSTEM, branch=world.org.branches["a2"], name="甲二新社区")


def _office_renamed(world, items):
    org_services.orgunit_update(actor=SYSTEM, unit=world.org.office_a, name="甲新街道")


def _secretary_renamed(world, items):
    org_services.person_update(actor=SYSTEM, person=world.org.branches["a1"].secretary, name="甲一新书记")


def _department_renamed(world, items):
    org_services.department_update(actor=SYSTEM, department=world.org.dept_a1, name="组织办")


def _department_retired(world, items):
    org_services.department_set_retired(actor=SYSTEM, department=world.org.dept_a2, retired=True)


def _leader_retired(world, items):
    leader = Assignment.objects.get(branch=world.org.branches["a3"], leader__isnull=False).leader
    org_services.person_set_retired(actor=SYSTEM, person=leader, retired=True)


def _assignment_added(world, items):
    leader = Assignment.objects.get(branch=world.org.branches["a3"], leader__isnull=False).leader
    org_services.assignment_create(actor=SYSTEM, branch=world.org.branches["a2"], leader=leader)


def _assignment_ended(world, items):
    assignment = Assignment.objects.get(branch=world.org.branches["a3"], department=world.org.dept_a2)
    org_services.assignment_end(actor=SYSTEM, assignment=assignment)


def _branch_retired(world, items):
    org_services.branch_set_retired(actor=SYSTEM, branch=world.org.branches["a2"], retired=True)


def _campaign_renamed(world, items):
    campaign_services.campaign_update(actor=SYSTEM, campaign=world.campaign, name="2026年度创建")


def _campaign_back_in_preparation(world, items):
    campaign_services.campaign_set_status(actor=SYSTEM, campaign=world.campaign, status="preparing")


def _target_submitted(world, items):
    target_services.target_submit(
        actor=SYSTEM,
        campaign=world.campaign,
        branch=world.org.branches["a2"],
        stars=["strong_branch", "business_friendly"],
        reason="基础较好",
    )


def _target_draft_saved(world, items):
    target_services.target_save_draft(
        actor=SYSTEM, campaign=world.campaign, branch=world.org.branches["a2"], stars=["strong_branch"]
    )


CHANGES = {
    "target submitted": _target_submitted,
    "target draft saved": _target_draft_saved,
    "check-in": _checkin,
    "branch renamed": _branch_renamed,
    "office renamed": _office_renamed,
    "secretary renamed": _secretary_renamed,
    "department renamed": _department_renamed,
    "department retired": _department_retired,
    "leader retired": _leader_retired,
    "assignment added": _assignment_added,
    "assignment ended": _assignment_ended,
    "branch retired": _branch_retired,
    "campaign renamed": _campaign_renamed,
    "campaign back in preparation": _campaign_back_in_preparation,
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_shows_on_the_board_read_next_and_equals_the_board_rendered_afresh(client, world, board_items, change):
    before = _board(client, world)
    assert _board(client, world) == before  # kept, and read from the cache (below)
    CHANGES[change](world, board_items)
    after = _board(client, world)
    assert after != before, change
    clear_caches()
    assert _board(client, world) == after, change


def test_read_again_the_board_comes_from_the_cache(client, world, board_items, django_assert_num_queries):
    first = _board(client, world)
    # The office (its code in the address) and its figures version; nothing else is read.
    with django_assert_num_queries(2) as queries:
        assert _board(client, world) == first
    assert "campaigns_campaign" not in " ".join(q["sql"] for q in queries.captured_queries)


def test_read_again_as_it_first_opens_the_board_builds_no_filter(client, world, board_items, monkeypatch):
    from wuxing.checklists import filtersets

    built = []
    original = filtersets.PublicBoardFilterSet.__init__
    monkeypatch.setattr(
        filtersets.PublicBoardFilterSet, "__init__", lambda self, *a, **k: (built.append(1), original(self, *a, **k))[1]
    )
    first = _board(client, world)
    assert _board(client, world) == first
    assert len(built) == 1  # the miss only


def test_without_the_version_moved_on_the_board_would_be_stale(client, world, board_items, monkeypatch):
    """What the version bump protects against: the cache is really read, so a rename that did not move the
    version would leave the board showing the old name."""
    before = _board(client, world)
    monkeypatch.setattr(org_services, "office_figures_changed", lambda *ids: None)
    _branch_renamed(world, board_items)
    assert _board(client, world) == before
    clear_caches()
    assert "甲二新社区" in _board(client, world)


def test_each_filter_sort_and_page_is_kept_apart(client, world, board_items):
    for params in ({}, {"kind": "urban_community"}, {"sort": "name"}, {"per_page": "50"}, {"page": "1"}):
        shown = _board(client, world, **params)
        assert _board(client, world, **params) == shown
        clear_caches()
        assert _board(client, world, **params) == shown, params
    assert "甲二社区" in _board(client, world, kind="urban_community")
    assert "甲一村" not in _board(client, world, kind="urban_community")
    assert "甲一村" in _board(client, world)


def test_each_language_is_kept_apart(client, world, board_items):
    chinese = _board(client, world)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switcher's choice
    english = _board(client, world)
    assert "Progress table" in english and "进度表" in chinese
    assert _board(client, world) == english
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert _board(client, world) == chinese


@pytest.mark.parametrize(
    "params",
    [
        {"q": "甲一"},  # free text: every value would be an entry of its own
        {"utm": "x"},  # unknown
        {"kind": "nonsense"},  # not a valid value
        {"page": "123456"},  # a page number too long to be a page of a board
        {"sort": " name"},  # valid once cleaned, but not as written
    ],
)
def test_searches_and_odd_parameters_are_rendered_afresh_and_not_kept(
    client, world, board_items, params, django_assert_max_num_queries
):
    _board(client, world, **params)
    # Read again, the page is rendered again: more than the two reads of a kept page (the campaign, the rows).
    with django_assert_max_num_queries(30) as queries:
        _board(client, world, **params)
    assert len(queries.captured_queries) > 2, params
    assert any("campaigns_campaign" in q["sql"] for q in queries.captured_queries), params


def test_a_repeated_parameter_is_rendered_afresh(client, world, board_items, django_assert_max_num_queries):
    url = _url(world) + "?kind=urban_community&kind=rural_village"
    client.get(url)
    with django_assert_max_num_queries(30) as queries:
        assert client.get(url).status_code == 200
    assert any("campaigns_campaign" in q["sql"] for q in queries.captured_queries)


def test_the_release_tag_is_stable_and_short():
    assert release_tag() == release_tag()
    assert len(release_tag()) == 10
