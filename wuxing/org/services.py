"""Writes to the organisation: accounts, roles (三员分立), branches, assignments, revealing personal data."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.core.actors import is_system, user_or_none
from wuxing.core.audit import audit_record, snapshot
from wuxing.core.roles import ADMIN_ROLES, ASSIGNED_ROLES, BRANCH_ROLES, SUBTREE_ROLES, Role
from wuxing.core.rules import conflicting_admin_role
from wuxing.core.tokens import tokens_revoke_all

from .access import ensure_allowed, ensure_in_scope
from .choices import GrantStatus
from .models import Assignment, Branch, Department, OrgUnit, Person, RoleAssignment, RoleGrant, User
from .rules import can_approve_grant, can_be_child, default_star_set, grant_approver_role, unit_path


@transaction.atomic
def orgunit_create(*, actor, code: str, name: str, level: str, parent: OrgUnit | None = None) -> OrgUnit:
    ensure_allowed(actor, "org.change_branch", message=_("You may not change the organisation tree."))
    if not can_be_child(parent.level if parent else None, level):
        raise ValidationError({"level": _("A unit of this level cannot sit under the chosen parent.")})
    unit = OrgUnit(
        code=code, name=name, level=level, parent=parent, path=unit_path(parent.path if parent else None, code)
    )
    unit.full_clean()
    unit.save()
    ensure_in_scope(unit, actor=actor, action="view")
    audit_record(actor=actor, action="orgunit.create", obj=unit, after=snapshot(unit))
    return unit


@transaction.atomic
def branch_create(*, actor, office: OrgUnit, code: str, name: str, kind: str, **fields) -> Branch:
    ensure_allowed(
        actor, "org.change_branch", office, action="view", message=_("You may not change the organisation tree.")
    )
    branch = Branch(office=office, code=code, name=name, kind=kind, **fields)
    branch.full_clean()
    branch.save()
    ensure_in_scope(branch, actor=actor, action="view")
    audit_record(actor=actor, action="branch.create", obj=branch, after=snapshot(branch))
    return branch


@transaction.atomic
def department_create(*, actor, office: OrgUnit, code: str, name: str, duties: str = "") -> Department:
    ensure_allowed(
        actor, "org.change_branch", office, action="view", message=_("You may not change the organisation tree.")
    )
    department = Department(office=office, code=code, name=name, duties=duties)
    department.full_clean()
    department.save()
    ensure_in_scope(department, actor=actor, action="view")
    audit_record(actor=actor, action="department.create", obj=department, after=snapshot(department))
    return department


@transaction.atomic
def person_create(*, actor, office: OrgUnit, name: str, **fields) -> Person:
    ensure_allowed(
        actor, "org.change_branch", office, action="view", message=_("You may not change the organisation tree.")
    )
    person = Person(office=office, name=name, **fields)
    person.full_clean()
    person.save()
    ensure_in_scope(person, actor=actor, action="view")
    audit_record(actor=actor, action="person.create", obj=person, after=snapshot(person))
    return person


@transaction.atomic
def branch_update(*, actor, branch: Branch, **fields) -> Branch:
    """Edit a branch's details; the edit is re-checked against the actor's scope before it commits."""
    branch = Branch.objects.restrict(actor, "change").select_for_update(of=("self",)).filter(pk=branch.pk).first()
    if branch is None:
        raise PermissionDenied(_("You do not have permission to change this branch."))
    before = snapshot(branch)
    allowed = {
        "name",
        "kind",
        "star_set",
        "party_members",
        "representatives",
        "households",
        "adult_population",
        "secretary_chairs_committee",
        "secretary",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    secretary = fields.get("secretary")
    if secretary is not None and secretary.office_id != branch.office_id:
        raise ValidationError({"secretary": _("The secretary must be a person of the branch's office.")})
    kind_changed = "kind" in fields and fields["kind"] != branch.kind
    for key, value in fields.items():
        setattr(branch, key, value)
    if kind_changed and "star_set" not in fields:
        branch.star_set = default_star_set(branch.kind)
    branch.full_clean()
    branch.save()
    ensure_in_scope(branch, actor=actor)
    audit_record(actor=actor, action="branch.update", obj=branch, before=before, after=snapshot(branch))
    return branch


def _ensure_assignable(*, user: User, role: str, unit: OrgUnit | None, branch: Branch | None) -> None:
    """The checks every grant passes, when it is asked for and again when it takes effect."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    # Lock the account row so two concurrent grants cannot both pass the separation check.
    User.objects.select_for_update().filter(pk=user.pk).first()
    held = list(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    conflict = conflicting_admin_role(held, role)
    if conflict:
        raise ValidationError(
            _(
                "%(user)s already holds the role “%(held)s”; the auditor, security administrator and system administrator roles must be held by different accounts."
            )
            % {"user": user.username, "held": Role(conflict).label}
        )
    if role in ADMIN_ROLES and any(r not in ADMIN_ROLES for r in held):
        raise ValidationError(_("An administrator account may not also hold a business role."))
    if role not in ADMIN_ROLES and any(r in ADMIN_ROLES for r in held):
        raise ValidationError(_("An administrator account may not also hold a business role."))
    if role in SUBTREE_ROLES and unit is None:
        raise ValidationError({"unit": _("This role needs the unit whose data it covers.")})
    if role in BRANCH_ROLES and branch is None:
        raise ValidationError({"branch": _("This role needs the branch it belongs to.")})
    if role in ASSIGNED_ROLES and not (user.person_id and user.person.department_id):
        raise ValidationError(
            _(
                "A department cadre's account must be linked to a person of a department: the department decides the scope."
            )
        )


def _assignment_create(*, actor, user: User, role: str, unit, branch) -> RoleAssignment:
    ra, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        unit=unit if role in SUBTREE_ROLES else None,
        branch=branch if role in BRANCH_ROLES else None,
    )
    if created:
        audit_record(
            actor=actor,
            action="role.assign",
            obj=user,
            after={"role": role, "unit": unit.code if unit else None, "branch": branch.code if branch else None},
        )
        tokens_revoke_all(actor=actor, user=user, reason="role.assign")
    return ra


@transaction.atomic
def role_assign(
    *, actor, user: User, role: str, unit: OrgUnit | None = None, branch: Branch | None = None
) -> RoleAssignment:
    """Give `user` a role at once: only the system itself does this (setting up, the demo office).

    A person asks with `role_grant_request`, and a second person approves (`role_grant_approve`).
    """
    if not is_system(actor):
        raise PermissionDenied(_("A role is given only when a second person approves the request."))
    _ensure_assignable(user=user, role=role, unit=unit, branch=branch)
    return _assignment_create(actor=actor, user=user, role=role, unit=unit, branch=branch)


@transaction.atomic
def role_grant_request(
    *, actor, user: User, role: str, unit: OrgUnit | None = None, branch: Branch | None = None
) -> RoleGrant:
    """The security administrator asks to give `user` a role; it takes effect when the approver agrees.

    The three administrator roles are never held by one account (三员分立), and no administrator can give an
    account powers alone: business roles wait for the office leader, administrator roles for the system
    administrator.
    """
    ensure_allowed(actor, "org.assign_role", message=_("Only the security administrator assigns roles."))
    if getattr(actor, "pk", None) is not None and actor.pk == user.pk:
        raise PermissionDenied(_("You may not change your own roles."))
    _ensure_assignable(user=user, role=role, unit=unit, branch=branch)
    unit = unit if role in SUBTREE_ROLES else None
    branch = branch if role in BRANCH_ROLES else None
    if RoleAssignment.objects.filter(user=user, role=role, unit=unit, branch=branch).exists():
        raise ValidationError(_("%(user)s already holds this role.") % {"user": user.username})
    if RoleGrant.objects.filter(user=user, role=role, unit=unit, branch=branch, status=GrantStatus.PENDING).exists():
        raise ValidationError(_("This role is already awaiting approval for %(user)s.") % {"user": user.username})
    grant = RoleGrant.objects.create(user=user, role=role, unit=unit, branch=branch, requested_by=user_or_none(actor))
    audit_record(
        actor=actor,
        action="role_grant.request",
        obj=user,
        after={
            "grant": grant.pk,
            "role": role,
            "unit": unit.code if unit else None,
            "branch": branch.code if branch else None,
            "approver": grant_approver_role(role),
        },
    )
    return grant


def _ensure_may_decide(actor, grant: RoleGrant) -> None:
    ensure_allowed(actor, "org.approve_rolegrant", message=_("You may not approve role grants."))
    roles = [(ra.role, ra.unit.path if ra.unit_id else None) for ra in actor.cached_role_assignments()]
    if not can_approve_grant(
        approver_id=actor.pk,
        approver_roles=roles,
        requester_id=grant.requested_by_id,
        grantee_id=grant.user_id,
        role=grant.role,
        target_path=grant.target_path(),
    ):
        if actor.pk in (grant.requested_by_id, grant.user_id):
            raise PermissionDenied(
                _("A role grant is approved by a second person, not by the one who asked or receives it.")
            )
        raise PermissionDenied(
            _("This grant is approved by the %(approver)s responsible for it.")
            % {"approver": Role(grant_approver_role(grant.role)).label}
        )


def _locked_pending(grant: RoleGrant) -> RoleGrant:
    grant = (
        RoleGrant.objects.select_for_update()
        .select_related("user__person__office", "unit", "branch__office")
        .get(pk=grant.pk)
    )
    if grant.status != GrantStatus.PENDING:
        raise ValidationError(
            _("This request has already been decided (%(status)s).") % {"status": grant.get_status_display()}
        )
    return grant


@transaction.atomic
def role_grant_approve(*, actor, grant: RoleGrant) -> RoleAssignment:
    """The second person agrees: the role takes effect, with every check run again."""
    grant = _locked_pending(grant)
    _ensure_may_decide(actor, grant)
    _ensure_assignable(user=grant.user, role=grant.role, unit=grant.unit, branch=grant.branch)
    grant.status = GrantStatus.APPROVED
    grant.decided_by = actor
    grant.decided_at = timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="role_grant.approve",
        obj=grant.user,
        after={"grant": grant.pk, "role": grant.role, "asked_by": grant.requested_by_id},
    )
    return _assignment_create(actor=actor, user=grant.user, role=grant.role, unit=grant.unit, branch=grant.branch)


@transaction.atomic
def role_grant_reject(*, actor, grant: RoleGrant, note: str = "") -> RoleGrant:
    grant = _locked_pending(grant)
    _ensure_may_decide(actor, grant)
    grant.status = GrantStatus.REJECTED
    grant.decided_by = actor
    grant.decided_at = timezone.now()
    grant.note = note[:500]
    grant.save(update_fields=["status", "decided_by", "decided_at", "note"])
    audit_record(
        actor=actor,
        action="role_grant.reject",
        obj=grant.user,
        after={"grant": grant.pk, "role": grant.role, "note": grant.note},
    )
    return grant


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    ensure_allowed(actor, "org.assign_role", message=_("Only the security administrator assigns roles."))
    if actor.pk == assignment.user_id:
        raise PermissionDenied(_("You may not change your own roles."))
    audit_record(actor=actor, action="role.revoke", obj=assignment.user, before={"role": assignment.role})
    assignment.delete()
    tokens_revoke_all(actor=actor, user=assignment.user, reason="role.revoke")


@transaction.atomic
def user_create(*, actor, username: str, password: str, person: Person | None = None, email: str = "") -> User:
    ensure_allowed(actor, "org.change_user", message=_("Only the security administrator manages accounts."))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    # A person's choice is an initial password the new user replaces at first sign-in; the system's are final.
    user = User(username=username, person=person, email=email, must_change_password=not is_system(actor))
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=actor, action="user.create", obj=user, after=snapshot(user))
    return user


@transaction.atomic
def user_unlock(*, actor, user: User) -> User:
    ensure_allowed(actor, "org.change_user", message=_("Only the security administrator unlocks accounts."))
    before = snapshot(user, ["failed_logins", "locked_until"])
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    user.refresh_from_db()
    audit_record(
        actor=actor,
        action="user.unlock",
        obj=user,
        before=before,
        after=snapshot(user, ["failed_logins", "locked_until"]),
    )
    return user


@transaction.atomic
def person_reveal(*, actor, person: Person, field: str) -> str:
    """The unmasked phone or ID number, for holders of the reveal permission; every reveal is logged (R16)."""
    if field not in {"phone", "id_number"}:
        raise ValidationError(_("Only phone and ID numbers can be revealed."))
    ensure_allowed(actor, "org.reveal_personal", message=_("You may not reveal personal data."))
    ensure_in_scope(person, actor=actor, action="view", message=_("This person is outside your scope."))
    audit_record(actor=actor, action=f"person.reveal_{field}", obj=person)
    return getattr(person, field)


@transaction.atomic
def assignment_create(*, actor, branch: Branch, department=None, leader: Person | None = None) -> Assignment:
    ensure_allowed(actor, "org.change_assignment", branch, action="change", message=_("You may not assign branches."))
    if (department is None) == (leader is None):
        raise ValidationError(_("Assign a branch either to a department or to a leader."))
    if department is not None and department.office_id != branch.office_id:
        raise ValidationError(_("The department belongs to another office."))
    if leader is not None and (leader.office_id != branch.office_id or not leader.is_leader):
        raise ValidationError(_("Only a leadership member of the branch's office can be assigned."))
    assignment, created = Assignment.objects.get_or_create(
        branch=branch, department=department, leader=leader, defaults={"active": True}
    )
    if not created and not assignment.active:
        assignment.active = True
        assignment.save(update_fields=["active"])
    ensure_in_scope(assignment, actor=actor, action="view")
    audit_record(actor=actor, action="assignment.create", obj=assignment, after=snapshot(assignment))
    return assignment


@transaction.atomic
def assignment_end(*, actor, assignment: Assignment) -> Assignment:
    """End an assignment (联系分包); it stays on record, inactive."""
    ensure_allowed(actor, "org.change_assignment", message=_("You may not assign branches."))
    assignment = (
        Assignment.objects.restrict(actor, "change").select_for_update(of=("self",)).filter(pk=assignment.pk).first()
    )
    if assignment is None:
        raise PermissionDenied(_("This assignment is outside your scope."))
    before = snapshot(assignment)
    assignment.active = False
    assignment.save(update_fields=["active"])
    audit_record(actor=actor, action="assignment.end", obj=assignment, before=before, after=snapshot(assignment))
    return assignment


@transaction.atomic
def password_change(*, actor: User, old_password: str, new_password: str) -> User:
    """The signed-in user changes their own password; every API token of the account is revoked."""
    if not actor.check_password(old_password or ""):
        raise ValidationError({"old_password": _("The current password is wrong.")})
    if old_password == new_password:
        raise ValidationError({"new_password": _("Choose a password different from the current one.")})
    validate_password(new_password, actor)
    actor.set_password(new_password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "must_change_password"])
    audit_record(actor=actor, action="user.password_change", obj=actor)
    tokens_revoke_all(actor=actor, user=actor, reason="password_change")
    return actor


@transaction.atomic
def account_sign_out_everywhere(*, actor: User) -> int:
    """End every API token of the actor's account (the page signs the browser out too)."""
    audit_record(actor=actor, action="user.sign_out_everywhere", obj=actor)
    return tokens_revoke_all(actor=actor, user=actor, reason="sign_out_everywhere")
