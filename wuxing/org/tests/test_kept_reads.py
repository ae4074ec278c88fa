"""The branch and the campaign every page asks for are read through statements kept compiled for each viewer's
scope (`core.querysets.PreparedFor`, keyed by `org.scopes.read_key`). Whatever order viewers of different scopes
read in, each gets exactly what the ORM's `restrict` gives them; a change of scope (a role taken away, a branch moved
to another office) is seen at the next request; and a viewer's second read compiles nothing."""

import pytest
from django.db.models.sql.compiler import SQLCompiler
from django.http import Http404

from wuxing.campaigns import selectors as campaign_selectors
from wuxing.campaigns.choices import CampaignStatus
from wuxing.campaigns.models import Campaign
from wuxing.campaigns.selectors import campaign_current, campaign_for
from wuxing.core.querysets import _PerConnection
from wuxing.core.roles import Role
from wuxing.org import selectors as org_selectors
from wuxing.org.models import Branch, RoleAssignment, User
from wuxing.org.scopes import read_key
from wuxing.org.selectors import branch_get
from wuxing.standards.models import Standard
from wuxing.testing import users_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    standard = Standard.objects.create(code="T", version="1", name="测试标准")
    campaigns = {
        "a": Campaign.objects.create(office=org.office_a, year=2026, name="甲", standard=standard, status="running"),
        "b": Campaign.objects.create(office=org.office_b, year=2026, name="乙", standard=standard, status="running"),
        "a_next": Campaign.objects.create(
            office=org.office_a, year=2027, name="甲明年", standard=standard, status=CampaignStatus.PREPARING
        ),
    }
    return org, users_for(org), campaigns


def _fresh(user) -> User:
    """The account as the next request reads it (scope and permissions are memoised on the object)."""
    return User.objects.get(pk=user.pk)


def _orm_branch(user, pk):
    return Branch.objects.restrict(user, "view").filter(pk=pk).first()


def _orm_current(user, office=None):
    qs = Campaign.objects.restrict(user, "view").order_by("-year", "office__path")
    if office is not None:
        qs = qs.filter(office=office)
    return qs.exclude(status=CampaignStatus.PREPARING).first() or qs.first()


def _kept_branch(user, pk):
    try:
        return branch_get(user=user, pk=pk, assignments=False)
    except Http404:
        return None


def test_viewers_of_every_scope_in_turn_read_what_restrict_gives_them(world):
    org, users, campaigns = world
    viewers = [
        users.leader,
        users.leader_b,
        users.district,
        users.secretary,
        users.cadre,
        users.staff,
        users.nobody,
        users.sysadmin,
    ]
    branches = list(org.branches.values())
    seen = set()
    for _round in range(2):  # the second round runs on the statements the first one kept
        for viewer in viewers:
            viewer = _fresh(viewer)
            for branch in branches:
                expected = _orm_branch(viewer, branch.pk)
                got = _kept_branch(viewer, branch.pk)
                assert (got and got.pk) == (expected and expected.pk), (viewer.username, branch.code)
                if got:
                    assert got.office.name == branch.office.name  # its office came with it
                seen.add((viewer.username, bool(got)))
            for office in (None, org.office_a, org.office_b):
                assert campaign_current(user=viewer, office=office) == _orm_current(viewer, office), (
                    viewer.username,
                    office,
                )
            for campaign in campaigns.values():
                try:
                    found = campaign_for(user=viewer, params={"campaign": str(campaign.pk)})
                except Http404:
                    found = None
                expected = Campaign.objects.restrict(viewer, "view").filter(pk=campaign.pk).first()
                assert found == expected, (viewer.username, campaign.name)
    # Each viewer found some branches and was refused others (the sysadmin sees none: no branch permission).
    assert ("t-leader", True) in seen and ("t-leader", False) in seen
    assert ("t-secretary", True) in seen and ("t-leader-b", True) in seen
    assert campaign_current(user=_fresh(users.leader_b)) == campaigns["b"]
    assert campaign_current(user=_fresh(users.leader)) == campaigns["a"]  # started before the one in preparation


def test_a_branch_moved_to_another_office_moves_its_secretarys_campaign(world):
    org, users, campaigns = world
    assert campaign_current(user=_fresh(users.secretary)) == campaigns["a"]
    Branch.objects.filter(pk=org.branches["a1"].pk).update(office=org.office_b)
    secretary = _fresh(users.secretary)
    assert campaign_current(user=secretary) == campaigns["b"]
    assert _kept_branch(secretary, org.branches["a1"].pk).office == org.office_b


def test_a_role_taken_away_is_seen_at_the_next_request(world):
    org, users, _ = world
    pk = org.branches["b1"].pk
    assert _kept_branch(_fresh(users.leader_b), pk) is not None
    RoleAssignment.objects.filter(user=users.leader_b).delete()
    assert _kept_branch(_fresh(users.leader_b), pk) is None
    RoleAssignment.objects.create(user=users.leader_b, role=Role.OFFICE_LEADER, unit=org.office_a)
    assert _kept_branch(_fresh(users.leader_b), pk) is None
    assert _kept_branch(_fresh(users.leader_b), org.branches["a1"].pk) is not None


def test_a_viewers_second_read_compiles_nothing(world, monkeypatch, django_assert_num_queries):
    org, users, _ = world
    # Nothing kept yet (the statements are kept per connection for the process, across tests).
    for read in (org_selectors._BRANCH, campaign_selectors._STARTED, campaign_selectors._LATEST):
        monkeypatch.setattr(read, "_kept", _PerConnection())
    leader = _fresh(users.leader)
    again = _fresh(users.leader)  # the next request of the same account
    for viewer in (leader, again):
        read_key(viewer)  # its roles, read with the account by for_request
    compiled = []
    original = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    pk = org.branches["a2"].pk
    branch_get(user=leader, pk=pk, assignments=False)
    campaign_current(user=leader, office=org.office_a)
    assert set(compiled) == {Branch, Campaign}  # the first read of the key builds and compiles its statements
    compiled.clear()
    for viewer in (leader, again):
        with django_assert_num_queries(2):
            assert branch_get(user=viewer, pk=pk, assignments=False).pk == pk
            assert campaign_current(user=viewer, office=org.office_a).office_id == org.office_a.pk
    assert compiled == []


def test_a_number_beyond_any_id_is_not_found(world):
    _, users, _ = world
    for pk in (0, -3, 2**63, 10**30):
        with pytest.raises(Http404):
            branch_get(user=_fresh(users.leader), pk=pk)
