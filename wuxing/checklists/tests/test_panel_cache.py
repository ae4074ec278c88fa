"""The apps' panels on the branch page and the office overview, and the overview's branch table, kept in the cache
under the office's figures version (org.figures.cached_fragment / cached_value). What the panels show is changed by
services of many apps: those of the checklists, the organisation and the targets move the version on by their own
calls, every audited change of the other apps' objects moves on the office it belongs to (org.figures.audit_hook,
its chain of foreign keys from org.figures.office_paths). Each change shows on the pages read right after it,
equal to the pages rendered afresh; accounts share a panel only when they may see the same."""

from datetime import date

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from wuxing.checklists import services
from wuxing.core.actors import SYSTEM
from wuxing.org.figures import HOOKED_APPS, figures_version, office_of, office_paths
from wuxing.testing import clear_caches, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(client, world, make_item):
    item = make_item("a1", target=10)
    services.checkin_record(actor=SYSTEM, item=item, value=4)
    client.force_login(world.users.leader)
    a1 = world.org.branches["a1"]

    def read():
        shown = {}
        for name, url in (("overview", reverse("home")), ("branch", reverse("portal:branch_detail", args=[a1.pk]))):
            response = client.get(url)
            assert response.status_code == 200
            html = page_text(response)  # the form tokens aside
            shown[name] = html[html.index("<main") : html.index("</main>")]
        return shown

    return read


def _site_claimed(world):
    from wuxing.showcase.services import site_claim

    site_claim(
        actor=SYSTEM,
        campaign=world.campaign,
        branch=world.org.branches["a1"],
        leader=world.org.leader_a,
        feature="红色物业·邻里共治",
    )


def _deliberation_started(world):
    from wuxing.deliberations.services import deliberation_create

    deliberation_create(actor=SYSTEM, branch=world.org.branches["a1"], subject="年度目标", campaign=world.campaign)


def _finding_recorded(world):
    from wuxing.supervision import services as supervision

    inspection = supervision.inspection_create(
        actor=SYSTEM,
        campaign=world.campaign,
        mode="field_check",
        held_on=timezone.localdate(),
        title="实地查验",
        inspectors=[world.org.leader_a],
        branches=[world.org.branches["a1"]],
    )
    finding = supervision.finding_record(
        actor=SYSTEM,
        inspection=inspection,
        branch=world.org.branches["a1"],
        category="responsibility",
        severity="high",
        description="台账不全，责任人不明确",
        responsible_person="张某",
        responsible_department=world.org.dept_a1,
    )
    supervision.rectification_create(
        actor=SYSTEM, finding=finding, task="补齐台账", due_on=date(world.campaign.year, 12, 31)
    )


def _checkin(world):
    from wuxing.checklists.models import ChecklistItem

    services.checkin_record(actor=SYSTEM, item=ChecklistItem.objects.get(branch=world.org.branches["a1"]), value=7)


def _secretary_renamed(world):
    from wuxing.org.services import person_update

    person_update(actor=SYSTEM, person=world.org.branches["a1"].secretary, name="甲一新书记")


def _tolerance_set(world):
    services.policy_set(actor=SYSTEM, office=world.org.office_a, behind_tolerance="1")


CHANGES = {
    "tolerance set (checklists)": _tolerance_set,
    "demonstration site claimed (showcase)": _site_claimed,
    "deliberation started (deliberations)": _deliberation_started,
    "finding and rectification recorded (supervision)": _finding_recorded,
    "check-in (checklists)": _checkin,
    "secretary renamed (organisation)": _secretary_renamed,
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_shows_on_the_pages_read_next_and_equals_the_pages_rendered_afresh(world, pages, change):
    before = pages()
    assert pages() == before  # kept, and read from the cache
    CHANGES[change](world)
    after = pages()
    assert after != before, change
    clear_caches()
    assert pages() == after, change


def test_the_panels_are_read_from_the_cache(world, pages, django_assert_max_num_queries):
    pages()
    with django_assert_max_num_queries(40) as queries:
        pages()
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    # Nothing only the panels read: the targets, the supervision's findings, the demonstration sites, the 五个一.
    for table in ("targets_target", "supervision_", "showcase_", "liaison_", "deliberations_", "rating_", "plans_"):
        assert table not in sql, table


def test_accounts_share_a_panel_only_with_the_same_permissions_and_scope(
    client, world, pages, django_assert_max_num_queries
):
    from wuxing.core.roles import Role
    from wuxing.testing import make_user

    def panel_reads():
        with django_assert_max_num_queries(80) as queries:
            shown = pages()
        return shown, any("targets_target" in q["sql"] for q in queries.captured_queries)

    leader, _ = panel_reads()  # the leader's, kept
    # Another office leader of office A: the same permissions and scope, the same entry.
    client.force_login(make_user("t-leader-2", Role.OFFICE_LEADER, unit=world.org.office_a))
    assert panel_reads() == (leader, False)
    # The campaign staff (other permissions) and the district's leader (another scope) each get their own.
    for user in (world.users.staff, world.users.district):
        client.force_login(user)
        assert panel_reads()[1], user


def test_every_model_of_the_hooked_apps_leads_to_an_office():
    for label in HOOKED_APPS:
        for model in apps.get_app_config(label).get_models():
            assert office_paths(model), model._meta.label


def test_an_audited_change_of_a_hooked_app_moves_its_own_office_on(world):
    a, b = world.org.office_a.pk, world.org.office_b.pk
    before = figures_version(a), figures_version(b)
    _deliberation_started(world)
    assert figures_version(a) == before[0] + 1
    assert figures_version(b) == before[1]


def test_an_object_belongs_to_its_campaigns_or_branchs_office_before_any_other_unit(world):
    """A rectification's path through its finding (the campaign's office) comes before its responsible department's
    (which is another unit's when a district department answers for it)."""
    from wuxing.supervision.models import Rectification

    _finding_recorded(world)
    rectification = Rectification.objects.get()
    assert office_paths(Rectification)[0][0] == "finding"
    assert office_of(rectification) == world.org.office_a.pk


def test_a_kept_branch_page_carries_the_requests_own_form_token(world, pages):
    """The branch page's content is kept with a slot where its forms' token goes (core.fragments): read from the
    cache, its forms post with the reading request's token, and the slot never reaches the browser."""
    import re

    from django.test import Client

    from wuxing.core.fragments import CSRF_SLOT

    pages()  # kept
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users.leader)
    url = reverse("portal:branch_detail", args=[world.org.branches["a1"].pk])
    html = client.get(url).content.decode()
    assert CSRF_SLOT not in html
    action = re.findall(r'<form method="post" action="([^"]+)"', html)[-1]
    token = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[-1]
    assert client.post(action, {"csrfmiddlewaretoken": token}).status_code == 302  # the assign form, redisplayed
    assert client.post(action, {"csrfmiddlewaretoken": CSRF_SLOT}).status_code == 403


def test_a_department_created_shows_in_the_branch_pages_picker(world, pages):
    from wuxing.org.services import department_create

    assert "宣传办" not in pages()["branch"]
    department_create(actor=SYSTEM, office=world.org.office_a, code="A9", name="宣传办")
    assert "宣传办" in pages()["branch"]


def test_within_office():
    from types import SimpleNamespace

    from wuxing.org.scopes import Scope

    office = SimpleNamespace(pk=7, path="/T41/T4101/T410101/T41010101/")
    assert Scope(unit_paths=("/T41/T4101/T410101/T41010101/",)).within_office(office)
    assert Scope(branch_ids=frozenset({3}), office_ids=frozenset({7})).within_office(office)
    assert not Scope(unit_paths=("/T41/T4101/T410101/",)).within_office(office)  # the district
    assert not Scope(branch_ids=frozenset({3, 9}), office_ids=frozenset({7, 8})).within_office(office)
    assert not Scope(everything=True).within_office(office)


# --- the panels kept across check-ins (AppConfig.checkin_free_panels, org.figures.OfficePanels) --------------


def _panel_calls(monkeypatch) -> dict:
    """How many times each app's panels of each hook are computed from now on."""
    calls = {}
    for config in apps.get_app_configs():
        for hook in ("branch_panels", "overview_panels"):
            method = getattr(config, hook, None)
            if method is None:
                continue
            calls[(config.label, hook)] = 0

            def counted(*args, method=method, key=(config.label, hook), **kwargs):
                calls[key] += 1
                return method(*args, **kwargs)

            monkeypatch.setattr(config, hook, counted)
    return calls


def test_after_a_check_in_only_the_check_in_panels_are_computed_again(world, pages, monkeypatch):
    _site_claimed(world)
    before = pages()
    calls = _panel_calls(monkeypatch)
    _checkin(world)
    after = pages()
    assert after != before  # the new figure shows at once
    assert not any("<!--wx-panels:" in html for html in after.values())  # every slot filled
    again = {key for key, n in calls.items() if n}
    assert again == {("checklists", "branch_panels"), ("checklists", "overview_panels")}
    clear_caches()
    assert pages() == after  # and equals the pages rendered afresh

    for key in calls:
        calls[key] = 0
    _finding_recorded(world)  # any other change: every panel is computed again
    pages()
    assert all(calls.values()), calls


def _panels_now(world, user, branch) -> dict:
    """Each app's panels of each hook, computed afresh for `user` (no cache)."""
    from django.test import RequestFactory

    from wuxing.campaigns.selectors import campaign_for
    from wuxing.org.selectors import office_branches

    clear_caches()
    request = RequestFactory().get("/")
    request.user = type(user).objects.get(pk=user.pk)
    campaign = campaign_for(user=request.user, request=request, params={}, office=branch.office)
    branches = office_branches(user=request.user, office_id=campaign.office_id)
    shown = {}
    for config in apps.get_app_configs():
        if hasattr(config, "branch_panels"):
            shown[(config.label, "branch_panels")] = config.branch_panels(request, branch=branch, campaign=campaign)
        if hasattr(config, "overview_panels"):
            shown[(config.label, "overview_panels")] = config.overview_panels(
                request, campaign=campaign, branches=branches
            )
    return shown


def test_the_panels_kept_across_check_ins_show_nothing_a_check_in_changes(world, make_item):
    """What an app declares in `checkin_free_panels` is the same before and after check-ins that move every
    figure (done, behind, overdue, a correction); the check-in list's own panels, not declared, change."""
    from wuxing.checklists.models import CheckIn

    a1 = world.org.branches["a1"]
    items = [
        make_item("a1", target=10),
        make_item("a1", star="strong_branch", title="整改问题", target=3, due_date=timezone.localdate()),
        make_item("a1", kind="yes_no", title="建立台账"),
        make_item("a2", target=5),
    ]
    _site_claimed(world)
    _deliberation_started(world)
    _finding_recorded(world)
    services.checkin_record(actor=SYSTEM, item=items[0], value=2)
    user = world.users.leader
    before = _panels_now(world, user, a1)
    services.checkin_record(actor=SYSTEM, item=items[0], value=10)
    services.checkin_record(actor=SYSTEM, item=items[1], value=3)
    services.checkin_record(actor=SYSTEM, item=items[2], done=True)
    services.checkin_record(actor=SYSTEM, item=items[3], value=5)
    first = CheckIn.objects.filter(item=items[0]).order_by("id").first()
    services.checkin_record(actor=SYSTEM, item=items[0], value=1, corrects=first, reason="录入有误")
    after = _panels_now(world, user, a1)
    declared = {
        (config.label, hook) for config in apps.get_app_configs() for hook in getattr(config, "checkin_free_panels", ())
    }
    assert {label for label, _hook in declared} == {
        "targets", "deliberations", "plans", "liaison", "showcase", "supervision", "rating",
    }  # fmt: skip
    for key in before:
        if key in declared:
            assert after[key] == before[key], key
        else:
            assert after[key] != before[key], key


def test_a_check_in_moves_the_figures_version_on_and_leaves_the_records_version(world, make_item):
    from wuxing.org.figures import figures_changed_write, figures_versions, office_figures_changed

    item = make_item("a1", target=10)
    office = world.org.office_a.pk
    version, records = figures_versions(office)
    services.checkin_record(actor=SYSTEM, item=item, value=3)
    assert figures_versions(office) == (version + 1, records)
    office_figures_changed(office)
    assert figures_versions(office) == (version + 2, records + 1)
    # An office's first change a check-in: its row starts at (1, 0).
    other = world.org.office_b.pk
    from wuxing.org.models import FiguresVersion

    FiguresVersion.objects.filter(office_id=other).delete()
    assert figures_versions(other) == (0, 0)
    figures_changed_write(other, checkin=True).run()
    assert figures_versions(other) == (1, 0)


def test_after_a_check_in_the_pages_read_the_figures_and_nothing_a_check_in_leaves(world, pages):
    """The tolerance, the branch's target, the standard's stars and the office's branches are kept under the
    records version (or, the stars, per standard): after a check-in the branch page and the overview read the
    viewer, the branch or campaign, the versions and the office's sums, and nothing else."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pages()
    _checkin(world)
    with CaptureQueriesContext(connection) as queries:
        after = pages()
    sql = [q["sql"] for q in queries.captured_queries]
    for table in ("checklists_progresspolicy", "standards_star", "targets_target", 'org_branch" WHERE'):
        assert not [q for q in sql if f'FROM "{table}' in q], table
    # The overview reads the versions alone, the branch page with the branch (a subquery of its statement).
    assert len([q for q in sql if q.startswith('SELECT "org_figuresversion"')]) == 1
    assert len([q for q in sql if 'FROM "org_figuresversion"' in q]) == 2
    assert len([q for q in sql if "SUM(" in q]) == 1, "the office's sums, computed once for both pages"
    clear_caches()
    assert pages() == after
