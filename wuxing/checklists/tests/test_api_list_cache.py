"""The API's branch and check-in lists kept in the cache under the versions of the offices in the caller's scope
(api.views.ValuesListMixin with org.figures.scoped_key): every change of what a row shows, made through the
services, shows on the list read right after it, equal to the list read afresh; callers who may see different
rows never share an entry; only a plain page (a short limit and offset) is kept."""

import pytest
from django.core.cache import cache

from wuxing.checklists import services
from wuxing.checklists.models import CheckInEvidence
from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.org import services as org_services
from wuxing.testing import clear_caches

from .test_api import auth
from .test_public_board_cache import CHANGES as BOARD_CHANGES

pytestmark = pytest.mark.django_db

BRANCHES = "/api/v1/branches/"
CHECKINS = "/api/v1/checkins/"


def _correction(world, items):
    first = items["a1"].checkins.order_by("id").first()
    services.checkin_record(actor=SYSTEM, item=items["a1"], value=5, corrects=first, reason="填错了")


def _evidence_shown(world, items):
    evidence = CheckInEvidence.objects.get(checkin__item=items["a1"])
    services.evidence_set_published(actor=SYSTEM, evidence=evidence, published=True)


def _branch_added(world, items):
    org_services.branch_create(actor=SYSTEM, office=world.org.office_a, code="a9", name="甲九村", kind="rural_village")


CHANGES = {
    **BOARD_CHANGES,
    "correction": _correction,
    "evidence shown": _evidence_shown,
    "branch added": _branch_added,
}
# What each list shows, so that a change it shows must change it.
SHOWN = {
    BRANCHES: {
        "branch renamed",
        "office renamed",
        "secretary renamed",
        "department renamed",
        "department retired",
        "assignment added",
        "assignment ended",
        "branch added",
    },
    CHECKINS: {"check-in", "correction", "evidence shown"},
}


@pytest.fixture
def items(board_items):
    """The boards' items, the first check-in carrying an evidence file not yet shown."""
    services.checkin_record(
        actor=SYSTEM,
        item=board_items["a1"],
        value=5,
        evidence=[as_upload(sample_jpeg("会议"), "m.jpg", "image/jpeg")],
    )
    return board_items


def _read(api_client, url):
    response = api_client.get(url)
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("url", [BRANCHES, CHECKINS])
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_shows_on_the_list_read_next_and_equals_the_list_read_afresh(api_client, world, items, url, change):
    auth(api_client, world.users.district)  # both offices
    before = _read(api_client, url)
    assert _read(api_client, url) == before
    CHANGES[change](world, items)
    after = _read(api_client, url)
    if change in SHOWN[url]:
        assert after != before, change
    clear_caches()
    assert _read(api_client, url) == after, change


def test_a_plain_page_read_again_comes_from_the_cache(api_client, world, items, django_assert_max_num_queries):
    auth(api_client, world.users.leader)
    for url in (BRANCHES, CHECKINS, f"{CHECKINS}?limit=1&offset=1"):
        first = _read(api_client, url)
        with django_assert_max_num_queries(5) as queries:
            assert _read(api_client, url) == first
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert "org_branch" not in sql and "checklists_checkin" not in sql, url


@pytest.mark.parametrize(
    "query",
    ["?q=甲", "?limit=01", "?offset=00", "?limit=1&limit=2", "?offset=10000", "?limit=1&format=json", "?x=1"],
)
def test_any_other_query_is_read_afresh(api_client, world, items, query):
    auth(api_client, world.users.leader)
    _read(api_client, BRANCHES + query)
    keys_before = _kept_keys()
    _read(api_client, BRANCHES + query)
    assert _kept_keys() == keys_before == set()


def _kept_keys() -> set:
    # The local-memory cache of the tests: the keys of the lists kept.
    return {key for key in cache._cache if "wx:scoped:" in key}


def test_callers_who_see_different_rows_never_share_an_entry(api_client, world, items):
    auth(api_client, world.users.leader)  # office A
    leader = {row["code"] for row in _read(api_client, BRANCHES)["results"]}
    auth(api_client, world.users.leader_b)  # office B
    leader_b = {row["code"] for row in _read(api_client, BRANCHES)["results"]}
    auth(api_client, world.users.secretary)  # branch a1
    secretary = {row["code"] for row in _read(api_client, BRANCHES)["results"]}
    assert leader and leader_b and not leader & leader_b
    assert secretary == {world.org.branches["a1"].code}
    auth(api_client, world.users.nobody)  # no role: refused, before any cache is asked
    assert api_client.get(BRANCHES).status_code == 403
    # Read again, in another order, each still sees its own.
    auth(api_client, world.users.secretary)
    assert {row["code"] for row in _read(api_client, BRANCHES)["results"]} == secretary
    auth(api_client, world.users.leader)
    assert {row["code"] for row in _read(api_client, BRANCHES)["results"]} == leader


def test_a_page_of_the_cache_keeps_its_links_and_count(api_client, world, items):
    services.checkin_record(actor=SYSTEM, item=items["a1"], value=6)
    auth(api_client, world.users.district)
    url = f"{CHECKINS}?limit=1&offset=1"
    first = _read(api_client, url)
    again = _read(api_client, url)
    assert again == first
    assert again["count"] == 3 and len(again["results"]) == 1
    assert again["next"].endswith("limit=1&offset=2") and again["previous"].endswith("limit=1")
