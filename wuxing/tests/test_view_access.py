"""Every page, tried as anonymous, as a user without the permission or outside the scope, and in scope.

A new page must be added to PAGES (or, for POST-only actions, to POST_ONLY with the test that covers it),
or the last test fails.
"""

from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from wuxing.campaigns.services import campaign_create
from wuxing.core.actors import SYSTEM
from wuxing.core.models import ExportJob
from wuxing.org.imports import import_upload
from wuxing.portal.registry import domain_apps
from wuxing.standards.fileformat import standard_draft_create, standard_load
from wuxing.testing import users_for, xlsx_of

EXAMPLE = Path(__file__).resolve().parents[1] / "standards" / "data" / "example-standard.yaml"

# url name, args (from the world), in-scope user, [(outsider, expected status)]
PAGES = [
    ("home", lambda w: [], "leader", [("nobody", 403)]),
    ("org:branch_list", lambda w: [], "cadre", [("auditor", 403), ("security", 403)]),
    ("portal:branch_detail", lambda w: [w.org.branches["a1"].pk], "secretary", [("leader_b", 404), ("auditor", 403)]),
    ("org:branch_edit", lambda w: [w.org.branches["a1"].pk], "staff", [("leader_b", 404), ("secretary", 403)]),
    ("org:department_list", lambda w: [], "leader", [("auditor", 403)]),
    ("org:import_upload", lambda w: [], "leader", [("secretary", 403), ("security", 403)]),
    ("org:import_template", lambda w: [], "staff", [("cadre", 403), ("auditor", 403)]),
    ("org:import_preview", lambda w: [w.org_import.pk], "leader", [("leader_b", 404), ("secretary", 403)]),
    ("org:unit_list", lambda w: [], "leader", [("auditor", 403), ("security", 403)]),
    ("org:unit_create", lambda w: [], "district", [("staff", 403), ("auditor", 403)]),
    ("org:unit_edit", lambda w: [w.org.office_a.pk], "district", [("leader", 404), ("staff", 403)]),
    ("org:branch_create", lambda w: [], "staff", [("secretary", 403), ("security", 403)]),
    ("org:branch_move", lambda w: [w.org.branches["a1"].pk], "leader", [("leader_b", 404), ("secretary", 403)]),
    ("org:department_create", lambda w: [], "staff", [("cadre", 403), ("auditor", 403)]),
    ("org:department_edit", lambda w: [w.org.dept_a1.pk], "staff", [("leader_b", 404), ("cadre", 403)]),
    ("org:person_create", lambda w: [], "staff", [("secretary", 403), ("security", 403)]),
    ("org:person_edit", lambda w: [w.org.cadre_a1.pk], "leader", [("leader_b", 404), ("secretary", 403)]),
    ("org:person_list", lambda w: [], "leader", [("auditor", 403), ("sysadmin", 403)]),
    ("org:user_list", lambda w: [], "security", [("leader", 403), ("auditor", 403), ("sysadmin", 403)]),
    ("org:user_create", lambda w: [], "security", [("leader", 403), ("auditor", 403)]),
    ("org:role_grant_list", lambda w: [], "leader", [("secretary", 403), ("auditor", 403)]),
    ("org:my_account", lambda w: [], "secretary", []),
    ("password_change", lambda w: [], "cadre", []),
    ("portal:todos", lambda w: [], "secretary", []),
    ("portal:todo_badge", lambda w: [], "leader", []),
    ("standards:standard_list", lambda w: [], "secretary", [("auditor", 403)]),
    ("standards:standard_detail", lambda w: [w.standard.pk], "secretary", [("auditor", 403)]),
    ("standards:standard_download", lambda w: [w.standard.pk], "secretary", [("auditor", 403)]),
    ("standards:standard_download_xlsx", lambda w: [w.standard.pk], "secretary", [("auditor", 403)]),
    ("standards:draft_detail", lambda w: [w.draft.pk], "staff", [("leader", 404), ("secretary", 403)]),
    ("campaigns:campaign_list", lambda w: [], "secretary", [("auditor", 403)]),
    ("campaigns:campaign_detail", lambda w: [w.campaign.pk], "secretary", [("leader_b", 404), ("auditor", 403)]),
    ("campaigns:campaign_quotas", lambda w: [w.campaign.pk], "leader", [("leader_b", 404), ("secretary", 403)]),
    ("campaigns:campaign_create", lambda w: [], "staff", [("secretary", 403), ("security", 403)]),
    ("campaigns:campaign_edit", lambda w: [w.campaign.pk], "leader", [("leader_b", 404), ("secretary", 403)]),
    ("campaigns:campaign_groups", lambda w: [w.campaign.pk], "staff", [("leader_b", 404), ("cadre", 403)]),
    ("campaigns:campaign_prepare_next", lambda w: [w.campaign.pk], "leader", [("leader_b", 404), ("secretary", 403)]),
    ("core:audit_list", lambda w: [], "auditor", [("leader", 403), ("security", 403), ("sysadmin", 403)]),
    ("core:policy", lambda w: [], "sysadmin", [("auditor", 403), ("security", 403), ("leader", 403)]),
    ("core:export_detail", lambda w: [w.job.pk], "leader", [("staff", 404)]),
    ("portal:screen", lambda w: [], "leader", [("secretary", 403), ("cadre", 403), ("auditor", 403)]),
    ("portal:screen_part", lambda w: ["data"], "staff", [("secretary", 403), ("auditor", 403)]),
    ("portal:summary", lambda w: [], "district", [("leader", 403), ("secretary", 403), ("auditor", 403)]),
    ("org:unit_map", lambda w: [w.org.office_a.pk], "staff", [("leader_b", 404), ("auditor", 403)]),
    ("org:unit_map_geojson", lambda w: [w.org.office_a.pk], "secretary", [("leader_b", 404), ("auditor", 403)]),
    ("org:unit_displays", lambda w: [w.org.office_a.pk], "leader", [("leader_b", 404), ("secretary", 403)]),
    ("org:unit_grids", lambda w: [w.org.office_a.pk], "staff", [("leader_b", 404), ("auditor", 403)]),
]

# Pages a meeting-room display opens with a display pass instead of a sign-in, and where their access is tested.
PASS_PAGES = {
    name: "portal/tests/test_screen.py::test_a_display_pass_opens_the_screen_only_read_only_revocable_and_audited"
    for name in ("portal:screen_kiosk", "portal:screen_kiosk_part", "portal:screen_kiosk_map")
}

# POST-only actions and where their access is tested.
POST_ONLY = {
    "logout": "core/tests/test_accounts.py",
    "org:person_reveal": "org/tests/test_views.py::test_reveal_phone_is_logged_and_only_for_the_permission",
    "org:user_role_assign": "core/tests/test_accounts.py::test_role_assign_page_shows_the_refusal",
    "org:user_role_revoke": "core/tests/test_accounts.py::test_only_the_security_admin_revokes_roles",
    "org:role_grant_approve": "org/tests/test_role_grants.py::test_pages_ask_list_and_decide",
    "org:role_grant_reject": "org/tests/test_role_grants.py::test_reject_page_records_the_reason",
    "org:user_unlock": "core/tests/test_accounts.py::test_security_admin_unlocks",
    "org:my_token_revoke": "org/tests/test_my_account.py::test_user_sees_and_revokes_only_their_own_tokens",
    "org:my_sign_out_everywhere": "org/tests/test_my_account.py::test_sign_out_everywhere_revokes_every_token",
    "org:my_sessions_end": "org/tests/test_my_account.py::test_user_sees_their_sessions_and_signs_out_the_others_only",
    "campaigns:campaign_status": "campaigns/tests/test_campaign_setup.py::test_the_course_is_checked_step_by_step",
    "campaigns:group_member_remove": "campaigns/tests/test_campaign_setup.py::test_work_plan_attachments_and_groups",
    "campaigns:attachment_download": "campaigns/tests/test_campaign_setup.py::test_work_plan_attachments_and_groups",
    "org:import_confirm": "org/tests/test_imports.py::test_pages_upload_preview_and_confirm",
    "org:unit_retire": "org/tests/test_org_setup.py::test_retire_posts_need_scope",
    "org:branch_retire": "org/tests/test_org_setup.py::test_retire_posts_need_scope",
    "org:department_retire": "org/tests/test_org_setup.py::test_retire_posts_need_scope",
    "org:person_retire": "org/tests/test_org_setup.py::test_retire_posts_need_scope",
    "org:branch_assign": "org/tests/test_views.py::test_assignments_are_managed_from_the_branch_page",
    "org:assignment_end": "org/tests/test_views.py::test_assignments_are_managed_from_the_branch_page",
    "core:export_download": "core/tests/test_exports.py::test_large_list_runs_as_a_task_with_progress",
    "core:export_retry": "core/tests/test_export_worker.py::test_a_stuck_job_shows_a_chinese_failure_and_its_owner_retries_it",
    "org:display_revoke": "portal/tests/test_screen.py::test_a_pass_is_revoked_from_its_page_within_scope",
}
# Not pages of the product: the sign-in page, Django's language switch, and the API (tested in api/tests).
NOT_PAGES = {"login", "set_language", "api-schema", "api-docs"}


class World:
    def __init__(self, org):
        self.org = org
        self.users = users_for(org)
        self.standard = standard_load(actor=SYSTEM, text=EXAMPLE.read_text(encoding="utf-8"))
        self.campaign = campaign_create(actor=SYSTEM, office=org.office_a, year=2026, standard=self.standard)
        self.draft = standard_draft_create(
            actor=self.users.staff, text=EXAMPLE.read_text(encoding="utf-8").replace('"2026.1"', '"2099.1"')
        )
        self.org_import, _plan = import_upload(
            actor=self.users.leader,
            data=xlsx_of({"部门": [["所属办事处编码"], [org.office_a.code, "Z1", "新部门", ""]]}),
            name="org.xlsx",
        )
        self.job = ExportJob.objects.create(
            user=self.users.leader, exporter="wuxing.org.exports.branches_export", params={}
        )


@pytest.fixture
def world(org):
    return World(org)


@pytest.mark.parametrize("name,args,insider,outsiders", PAGES, ids=[p[0] for p in PAGES])
def test_page_access(client, world, name, args, insider, outsiders):
    url = reverse(name, args=args(world))
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login")), "anonymous"
    for username, expected in outsiders:
        client.force_login(getattr(world.users, username))
        assert client.get(url).status_code == expected, username
    client.force_login(getattr(world.users, insider))
    assert client.get(url).status_code == 200, insider


def _names(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace is None and str(entry.pattern).startswith("api/"):
                continue
            yield from _names(entry, f"{prefix}{entry.namespace}:" if entry.namespace else prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name


# The domain apps keep their own access tables in <app>/tests/test_access.py, each listing the url names it
# covers (pages, POST-only actions and public pages) in a set named COVERED.
def _app_covered() -> set[str]:
    covered = set()
    for config in domain_apps():
        assert find_spec(f"{config.name}.tests.test_access"), f"{config.label} has no tests/test_access.py"
        covered |= set(import_module(f"{config.name}.tests.test_access").COVERED)
    return covered


def test_every_page_is_in_the_access_table():
    covered = {p[0] for p in PAGES} | set(POST_ONLY) | set(PASS_PAGES) | NOT_PAGES | _app_covered()
    assert set(_names(get_resolver())) - covered == set()
