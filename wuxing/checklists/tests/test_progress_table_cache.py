"""The progress table's card kept in the cache under the office's figures version (org.figures.cached_fragment), for
each viewer's permissions and scope: every change of what it shows, made through the services, shows on the table
read right after it, equal to the table rendered afresh; two viewers who may see different rows never share an
entry; the rest of the page (the user's menu, the form tokens, messages) is rendered for each request; a search
is rendered afresh."""

import pytest
from django.urls import reverse

from wuxing.checklists import services
from wuxing.core.actors import SYSTEM
from wuxing.testing import clear_caches

from .test_public_board_cache import CHANGES  # the changes the public board shows

pytestmark = pytest.mark.django_db

URL = "checklists:progress_table"


def _table(client, **params) -> str:
    response = client.get(reverse(URL), params)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<div class="card">') : html.index("</main>")]


@pytest.mark.parametrize("change", sorted(set(CHANGES) - {"campaign back in preparation"}))
def test_a_change_shows_on_the_table_read_next_and_equals_the_table_rendered_afresh(
    client,
    world,
    board_items,
    change,
):
    client.force_login(world.users.leader)
    before = _table(client)
    assert _table(client) == before
    CHANGES[change](world, board_items)
    after = _table(client)
    if change not in {"office renamed", "campaign renamed"}:  # shown in the page's heading, not in the card
        assert after != before, change
    clear_caches()
    assert _table(client) == after, change


def test_read_again_the_rows_are_not_computed_again(client, world, board_items, django_assert_max_num_queries):
    client.force_login(world.users.leader)
    first = _table(client)
    with django_assert_max_num_queries(20) as queries:
        assert _table(client) == first
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "targets_target" not in sql and "org_assignment" not in sql


def test_read_again_as_it_first_opens_no_filter_is_built(client, world, board_items, monkeypatch):
    """The filters (their form, their choices) are built for a table rendered afresh or asked with parameters;
    the table as it first opens, read again from the cache, needs none of them."""
    from wuxing.checklists import filtersets

    built = []
    original = filtersets.ProgressFilterSet.__init__

    def counting(self, *args, **kwargs):
        built.append(args[0].urlencode() if args else "")
        original(self, *args, **kwargs)

    monkeypatch.setattr(filtersets.ProgressFilterSet, "__init__", counting)
    client.force_login(world.users.leader)
    first = _table(client)
    assert built == [""]  # the miss renders the filters' form
    assert _table(client) == first
    assert built == [""]
    _table(client, sort="name")
    _table(client, sort="name")
    assert built == ["", "sort=name", "sort=name"]  # a parameter is checked against the filters each time


def test_viewers_with_another_scope_never_share_an_entry(client, world, board_items):
    client.force_login(world.users.leader)
    leader = _table(client)
    assert "甲三安置村" in leader and "甲一村" in leader
    client.force_login(world.users.secretary)  # branch a1 only
    secretary = _table(client)
    assert "甲一村" in secretary and "甲三安置村" not in secretary
    client.force_login(world.users.cadre)  # department A-1: a1 and a2
    cadre = _table(client)
    assert "甲二社区" in cadre and "甲三安置村" not in cadre
    client.force_login(world.users.leader)
    assert _table(client) == leader


def test_the_page_around_the_card_is_the_users_own(client, world, board_items):
    client.force_login(world.users.leader)
    first = client.get(reverse(URL)).content.decode()
    client.force_login(world.users.staff)  # same office, another account
    second = client.get(reverse(URL)).content.decode()
    leader, staff = world.users.leader.display_name, world.users.staff.display_name
    assert leader in first.split("<main")[0] and staff not in first.split("<main")[0]
    assert staff in second.split("<main")[0] and leader not in second.split("<main")[0]


def test_a_search_is_rendered_afresh(client, world, board_items, django_assert_max_num_queries):
    client.force_login(world.users.leader)
    assert "甲一村" in _table(client, q="甲一")
    services.checkin_record(actor=SYSTEM, item=board_items["a1"], value=7)
    with django_assert_max_num_queries(30) as queries:
        shown = _table(client, q="甲一")
    assert "70%" in shown
    assert any("targets_target" in q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize("params", [{"sort": " name"}, {"kind": "nonsense"}, {"utm": "1"}, {"department": "0001"}])
def test_odd_parameters_are_rendered_afresh(client, world, board_items, params, django_assert_max_num_queries):
    client.force_login(world.users.leader)
    _table(client, **params)
    with django_assert_max_num_queries(30) as queries:
        _table(client, **params)
    assert any("targets_target" in q["sql"] for q in queries.captured_queries), params


def test_a_district_leader_sees_another_offices_new_campaign_at_once(client, world, board_items):
    """For a viewer whose scope spans offices only the table's card is kept (its rows are the campaign office's):
    the campaigns to switch to are read for each request, so another office's new campaign shows at once."""
    from wuxing.campaigns.services import campaign_create, campaign_set_status

    client.force_login(world.users.district)
    url = reverse(URL) + f"?campaign={world.campaign.pk}"
    first = client.get(url).content.decode()
    assert "下一年度创建" not in first
    created = campaign_create(
        actor=SYSTEM,
        office=world.org.office_b,
        year=world.campaign.year + 1,
        standard=world.campaign.standard,
        name="下一年度创建",
    )
    campaign_set_status(actor=SYSTEM, campaign=created, status="running")  # the switch lists campaigns begun
    assert "下一年度创建" in client.get(url).content.decode()
