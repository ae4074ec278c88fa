"""三员分立 across accounts: the security administrator asks for a role, a second person approves it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wuxing.core.models import AuditLog
from wuxing.core.roles import Role
from wuxing.org.choices import GrantStatus
from wuxing.org.models import RoleAssignment, RoleGrant
from wuxing.org.rules import can_approve_grant, grant_approver_role
from wuxing.org.services import role_assign, role_grant_approve, role_grant_reject, role_grant_request
from wuxing.testing import make_user, users_for


def test_approver_role_rules():
    assert grant_approver_role(Role.OFFICE_LEADER) == Role.OFFICE_LEADER
    assert grant_approver_role(Role.BRANCH_SECRETARY) == Role.OFFICE_LEADER
    for admin in (Role.AUDITOR, Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN):
        assert grant_approver_role(admin) == Role.SYSTEM_ADMIN
    leader = [(Role.OFFICE_LEADER, "/d/a/")]
    common = {"requester_id": 1, "grantee_id": 2, "role": Role.CAMPAIGN_STAFF}
    assert can_approve_grant(approver_id=3, approver_roles=leader, target_path="/d/a/", **common)
    assert not can_approve_grant(approver_id=3, approver_roles=leader, target_path="/d/b/", **common)
    assert not can_approve_grant(approver_id=1, approver_roles=leader, target_path="/d/a/", **common)
    assert not can_approve_grant(approver_id=2, approver_roles=leader, target_path="/d/a/", **common)
    assert not can_approve_grant(approver_id=3, approver_roles=leader, target_path=None, **common)
    admin = {"requester_id": 1, "grantee_id": 2, "role": Role.AUDITOR, "target_path": None}
    assert not can_approve_grant(approver_id=3, approver_roles=leader, **admin)
    assert can_approve_grant(approver_id=3, approver_roles=[(Role.SYSTEM_ADMIN, None)], **admin)


def test_a_second_account_gets_no_power_from_the_security_admin_alone(org, client):
    """The probe's path: create an account, give it 党工委领导, sign in as it, reveal phone numbers."""
    u = users_for(org)
    second = make_user("second-me")
    grant = role_grant_request(actor=u.security, user=second, role=Role.OFFICE_LEADER, unit=org.office_a)
    assert grant.status == GrantStatus.PENDING
    assert not RoleAssignment.objects.filter(user=second).exists()
    client.force_login(second)
    assert client.get(reverse("org:person_list")).status_code == 403
    # The security administrator cannot approve their own request, nor can the grantee.
    for actor in (u.security, second):
        with pytest.raises(PermissionDenied):
            role_grant_approve(actor=actor, grant=grant)
    # Neither can an office leader of another office, nor the system administrator (it is a business role).
    for actor in (u.leader_b, u.sysadmin):
        with pytest.raises(PermissionDenied):
            role_grant_approve(actor=actor, grant=grant)
    assert not RoleAssignment.objects.filter(user=second).exists()
    # Direct assignment is the system's alone.
    with pytest.raises(PermissionDenied):
        role_assign(actor=u.security, user=second, role=Role.OFFICE_LEADER, unit=org.office_a)
    ra = role_grant_approve(actor=u.leader, grant=grant)
    assert ra.role == Role.OFFICE_LEADER and ra.unit == org.office_a
    grant.refresh_from_db()
    assert (grant.status, grant.decided_by) == (GrantStatus.APPROVED, u.leader)
    client.force_login(second)
    assert client.get(reverse("org:person_list")).status_code == 200
    actions = list(AuditLog.objects.filter(object_id=str(second.pk)).values_list("action", flat=True))
    assert {"role_grant.request", "role_grant.approve", "role.assign"} <= set(actions)
    with pytest.raises(ValidationError):
        role_grant_approve(actor=u.leader, grant=grant)  # decided once


def test_administrator_roles_wait_for_the_system_administrator(org):
    u = users_for(org)
    second = make_user("second-auditor")
    grant = role_grant_request(actor=u.security, user=second, role=Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        role_grant_approve(actor=u.leader, grant=grant)
    role_grant_approve(actor=u.sysadmin, grant=grant)
    assert list(second.role_assignments.values_list("role", flat=True)) == [Role.AUDITOR]


def test_checks_run_again_at_approval(org):
    """Two requests that are each fine alone cannot together put two administrator roles on one account."""
    u = users_for(org)
    target = make_user("double")
    first = role_grant_request(actor=u.security, user=target, role=Role.AUDITOR)
    second = role_grant_request(actor=u.security, user=target, role=Role.SYSTEM_ADMIN)
    role_grant_approve(actor=u.sysadmin, grant=first)
    with pytest.raises(ValidationError):
        role_grant_approve(actor=u.sysadmin, grant=second)
    assert list(target.role_assignments.values_list("role", flat=True)) == [Role.AUDITOR]


def test_a_request_is_not_asked_twice_and_can_be_rejected(org):
    u = users_for(org)
    target = make_user("twice")
    grant = role_grant_request(actor=u.security, user=target, role=Role.CAMPAIGN_STAFF, unit=org.office_a)
    with pytest.raises(ValidationError):
        role_grant_request(actor=u.security, user=target, role=Role.CAMPAIGN_STAFF, unit=org.office_a)
    role_grant_reject(actor=u.leader, grant=grant, note="不认识此人")
    grant.refresh_from_db()
    assert grant.status == GrantStatus.REJECTED and grant.note == "不认识此人"
    assert not target.role_assignments.exists()
    assert AuditLog.objects.filter(action="role_grant.reject", object_id=str(target.pk)).exists()


def test_pages_ask_list_and_decide(org, client):
    u = users_for(org)
    target = make_user("via-page")
    client.force_login(u.security)
    response = client.post(
        reverse("org:user_role_assign", args=[target.pk]),
        {"role": Role.BRANCH_SECRETARY, "branch": org.branches["a2"].pk},
        follow=True,
    )
    page = response.content.decode()
    assert "党工委领导审批后生效" in page and "待审批" in page
    grant = RoleGrant.objects.get(user=target)
    assert not target.role_assignments.exists()
    # The security administrator sees the list but has no buttons; an approver elsewhere sees nothing.
    listing = client.get(reverse("org:role_grant_list")).content.decode()
    assert "via-page" in listing and reverse("org:role_grant_approve", args=[grant.pk]) not in listing
    assert client.post(reverse("org:role_grant_approve", args=[grant.pk])).status_code == 403
    client.force_login(u.leader_b)
    assert "via-page" not in client.get(reverse("org:role_grant_list")).content.decode()
    assert client.post(reverse("org:role_grant_approve", args=[grant.pk])).status_code == 404
    client.force_login(u.secretary)
    assert client.get(reverse("org:role_grant_list")).status_code == 403
    client.force_login(u.leader)
    listing = client.get(reverse("org:role_grant_list")).content.decode()
    assert reverse("org:role_grant_approve", args=[grant.pk]) in listing
    assert client.post(reverse("org:role_grant_approve", args=[grant.pk])).status_code == 302
    assert target.role_assignments.get().branch == org.branches["a2"]


def test_department_cadre_needs_a_department(org):
    u = users_for(org)
    loose = make_user("loose")
    with pytest.raises(ValidationError):
        role_grant_request(actor=u.security, user=loose, role=Role.DEPARTMENT_CADRE)


def test_reject_page_records_the_reason(org, client):
    u = users_for(org)
    target = make_user("reject-me")
    grant = role_grant_request(actor=u.security, user=target, role=Role.REVIEWER, unit=org.office_a)
    url = reverse("org:role_grant_reject", args=[grant.pk])
    client.force_login(u.security)
    assert client.post(url, {"note": "x"}).status_code == 403
    client.force_login(u.leader)
    assert client.post(url, {"note": "无需此角色"}).status_code == 302
    grant.refresh_from_db()
    assert (grant.status, grant.note) == (GrantStatus.REJECTED, "无需此角色")
