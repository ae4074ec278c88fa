"""Writes to the organisation: units, branches, departments, people (created, edited, retired — never deleted),
accounts, roles (三员分立), assignments, revealing personal data."""

import json
import secrets
from decimal import Decimal

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from wuxing.core.actors import SystemActor, is_system, user_or_none
from wuxing.core.audit import audit_record, snapshot
from wuxing.core.roles import ADMIN_ROLES, ASSIGNED_ROLES, BRANCH_ROLES, SUBTREE_ROLES, Role
from wuxing.core.rules import conflicting_admin_role, mask_phone
from wuxing.core.tokens import tokens_revoke_all

from .access import ensure_allowed, ensure_in_scope
from .choices import BoundaryKind, BranchKind, Crs, GrantStatus, StarSet, UnitLevel
from .figures import office_figures_changed
from .models import (
    Assignment,
    Boundary,
    Branch,
    Department,
    Grid,
    KioskToken,
    OrgUnit,
    Person,
    RoleAssignment,
    RoleGrant,
    User,
    UserSession,
)
from .rules import (
    can_approve_grant,
    can_be_child,
    check_boundaries,
    default_star_set,
    grant_approver_role,
    grid_code_problem,
    id_number_valid,
    kiosk_digest,
    phone_valid,
    point_problem,
    star_set_allowed,
    unit_can_retire,
    unit_path,
)

_TREE_MESSAGE = _lazy("You may not change the organisation tree.")


def _clean_text(value) -> str:
    return str(value or "").strip()


def _check_person_fields(*, office: OrgUnit, fields: dict) -> None:
    """Phone and ID number well formed (R16 masks them, it does not check them); department and branch of the
    person's own office and still active."""
    errors = {}
    if "phone" in fields and not phone_valid(fields["phone"]):
        errors["phone"] = _("“%(value)s” is not a phone number (an 11-digit mobile or 0371-12345678).") % {
            "value": mask_phone(fields["phone"])
        }
    if "id_number" in fields:
        fields["id_number"] = _clean_text(fields["id_number"]).upper()
        if not id_number_valid(fields["id_number"]):
            errors["id_number"] = _("The ID number is not a valid 18-character resident ID number.")
    for key in ("department", "branch"):
        other = fields.get(key)
        if other is not None and (other.office_id != office.pk or other.retired_at is not None):
            errors[key] = _("Choose an active department or branch of the person's own office.")
    if errors:
        raise ValidationError(errors)


def _check_star_set(kind: str, star_set: str) -> None:
    if star_set and not star_set_allowed(kind, star_set):
        raise ValidationError(
            {
                "star_set": _("The star set “%(set)s” does not fit a branch of the kind “%(kind)s”.")
                % {"set": StarSet(star_set).label, "kind": BranchKind(kind).label}
            }
        )


def _check_active_office(office: OrgUnit) -> None:
    if office.level != UnitLevel.OFFICE:
        raise ValidationError({"office": _("Choose a township or sub-district office.")})
    if office.retired_at is not None:
        raise ValidationError({"office": _("The office %(name)s is retired.") % {"name": office.name}})


def _locked(model, actor, obj, message):
    """The row, locked, if the actor may change it (permission and scope); else PermissionDenied."""
    row = model.objects.restrict(actor, "change").select_for_update(of=("self",)).filter(pk=obj.pk).first()
    if row is None:
        raise PermissionDenied(message)
    return row


@transaction.atomic
def orgunit_create(*, actor, code: str, name: str, level: str, parent: OrgUnit | None = None) -> OrgUnit:
    """A unit under `parent`; a leader creates units below their own (a root unit only the system creates)."""
    if parent is None:
        if not is_system(actor) and not getattr(actor, "is_superuser", False):
            raise PermissionDenied(_("Only the bootstrap command creates a top-level unit."))
    else:
        ensure_allowed(actor, "org.change_orgunit", parent, action="view", message=_TREE_MESSAGE)
        if parent.retired_at is not None:
            raise ValidationError({"parent": _("The unit %(name)s is retired.") % {"name": parent.name}})
    if not can_be_child(parent.level if parent else None, level):
        raise ValidationError({"level": _("A unit of this level cannot sit under the chosen parent.")})
    code = _clean_text(code)
    if OrgUnit.objects.filter(code=code).exists():
        raise ValidationError({"code": _("The code %(code)s is already used.") % {"code": code}})
    unit = OrgUnit(
        code=code,
        name=_clean_text(name),
        level=level,
        parent=parent,
        path=unit_path(parent.path if parent else None, code),
    )
    unit.full_clean()
    unit.save()
    ensure_in_scope(unit, actor=actor, action="view")
    audit_record(actor=actor, action="orgunit.create", obj=unit, after=snapshot(unit))
    return unit


def _ensure_below(actor, unit: OrgUnit) -> None:
    """A unit is edited by the leaders of the unit above it (a leader edits below, not their own unit)."""
    if unit.parent_id is None:
        if not is_system(actor) and not getattr(actor, "is_superuser", False):
            raise PermissionDenied(_("Only the bootstrap command changes a top-level unit."))
        return
    ensure_allowed(actor, "org.change_orgunit", unit.parent, action="view", message=_TREE_MESSAGE)


@transaction.atomic
def orgunit_update(*, actor, unit: OrgUnit, name: str) -> OrgUnit:
    """Rename a unit. Its code is its identity (the path of everything below it) and does not change."""
    _ensure_below(actor, unit)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit)
    unit.name = _clean_text(name)
    unit.full_clean()
    unit.save(update_fields=["name"])
    office_figures_changed(unit.pk)  # the public board shows the office's name
    audit_record(actor=actor, action="orgunit.update", obj=unit, before=before, after=snapshot(unit))
    return unit


@transaction.atomic
def orgunit_set_retired(*, actor, unit: OrgUnit, retired: bool) -> OrgUnit:
    """Retire a unit (hidden from pickers, kept in history) or bring it back; never deleted."""
    _ensure_below(actor, unit)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit, ["retired_at"])
    if retired:
        children = OrgUnit.objects.filter(parent=unit, retired_at__isnull=True).count()
        branches = Branch.objects.filter(office=unit, retired_at__isnull=True).count()
        if not unit_can_retire(children, branches):
            raise ValidationError(
                _("%(name)s still has %(units)d active units and %(branches)d active branches; retire them first.")
                % {"name": unit.name, "units": children, "branches": branches}
            )
    elif unit.parent_id and unit.parent.retired_at is not None:
        raise ValidationError(_("Bring back the unit above it first."))
    unit.retired_at = (unit.retired_at or timezone.now()) if retired else None
    unit.save(update_fields=["retired_at"])
    audit_record(
        actor=actor,
        action="orgunit.retire" if retired else "orgunit.reinstate",
        obj=unit,
        before=before,
        after=snapshot(unit, ["retired_at"]),
    )
    return unit


BRANCH_FIELDS = (
    "name",
    "kind",
    "star_set",
    "party_members",
    "representatives",
    "households",
    "adult_population",
    "secretary_chairs_committee",
    "secretary",
    "sort_order",
)


@transaction.atomic
def branch_create(*, actor, office: OrgUnit, code: str, name: str, kind: str, **fields) -> Branch:
    ensure_allowed(actor, "org.change_branch", office, action="view", message=_TREE_MESSAGE)
    _check_active_office(office)
    unknown = set(fields) - set(BRANCH_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    _check_star_set(kind, fields.get("star_set") or "")
    secretary = fields.get("secretary")
    if secretary is not None and secretary.office_id != office.pk:
        raise ValidationError({"secretary": _("The secretary must be a person of the branch's office.")})
    branch = Branch(office=office, code=_clean_text(code), name=_clean_text(name), kind=kind, **fields)
    branch.full_clean()
    branch.save()
    ensure_in_scope(branch, actor=actor, action="view")
    office_figures_changed(office.pk)  # the summaries across offices count the branches
    audit_record(actor=actor, action="branch.create", obj=branch, after=snapshot(branch))
    return branch


@transaction.atomic
def branch_update(*, actor, branch: Branch, **fields) -> Branch:
    """Edit a branch's details; the edit is re-checked against the actor's scope before it commits."""
    branch = _locked(Branch, actor, branch, _("You do not have permission to change this branch."))
    before = snapshot(branch)
    unknown = set(fields) - set(BRANCH_FIELDS)
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
    _check_star_set(branch.kind, branch.star_set)
    branch.full_clean()
    branch.save()
    ensure_in_scope(branch, actor=actor)
    office_figures_changed(branch.office_id)  # names, kind, order and secretary on the boards
    audit_record(actor=actor, action="branch.update", obj=branch, before=before, after=snapshot(branch))
    return branch


@transaction.atomic
def branch_move(*, actor, branch: Branch, office: OrgUnit) -> Branch:
    """Move a branch to another office. Its history (results, targets, plans, check-ins) stays with it; its
    assignments to the old office's departments and leaders end, since they belong to the old office."""
    branch = _locked(Branch, actor, branch, _("You do not have permission to change this branch."))
    ensure_allowed(actor, "org.change_branch", office, action="view", message=_TREE_MESSAGE)
    _check_active_office(office)
    if office.pk == branch.office_id:
        raise ValidationError({"office": _("The branch already belongs to this office.")})
    before = {"office": branch.office.code, "secretary": branch.secretary_id}
    office_figures_changed(branch.office_id, office.pk)
    ended = list(Assignment.objects.filter(branch=branch, active=True).values_list("pk", flat=True))
    Assignment.objects.filter(pk__in=ended).update(active=False)
    branch.office = office
    if branch.secretary_id and branch.secretary.office_id != office.pk:
        branch.secretary = None
    branch.save(update_fields=["office", "secretary"])
    ensure_in_scope(branch, actor=actor)
    audit_record(
        actor=actor,
        action="branch.move",
        obj=branch,
        before=before,
        after={"office": office.code, "secretary": branch.secretary_id, "assignments_ended": ended},
    )
    return branch


def _set_retired(*, actor, model, obj, retired: bool, action: str, message: str):
    obj = _locked(model, actor, obj, message)
    before = snapshot(obj, ["retired_at"])
    obj.retired_at = (obj.retired_at or timezone.now()) if retired else None
    obj.save(update_fields=["retired_at"])
    ensure_in_scope(obj, actor=actor)
    # A retired branch, department or person leaves the boards (their rows, who answers for a branch).
    office_figures_changed(obj.pk if isinstance(obj, OrgUnit) else obj.office_id)
    audit_record(
        actor=actor,
        action=f"{action}.retire" if retired else f"{action}.reinstate",
        obj=obj,
        before=before,
        after=snapshot(obj, ["retired_at"]),
    )
    return obj


@transaction.atomic
def branch_set_retired(*, actor, branch: Branch, retired: bool) -> Branch:
    """Retire a branch (it takes no part in new campaigns and leaves the pickers; its history stays)."""
    if not retired and branch.office.retired_at is not None:
        raise ValidationError(_("Bring back the office first."))
    branch = _set_retired(
        actor=actor,
        model=Branch,
        obj=branch,
        retired=retired,
        action="branch",
        message=_("You do not have permission to change this branch."),
    )
    office_figures_changed(branch.office_id)
    if retired:
        Assignment.objects.filter(branch=branch, active=True).update(active=False)
    return branch


@transaction.atomic
def department_create(*, actor, office: OrgUnit, code: str, name: str, duties: str = "") -> Department:
    ensure_allowed(actor, "org.change_department", office, action="view", message=_TREE_MESSAGE)
    _check_active_office(office)
    code = _clean_text(code)
    if Department.objects.filter(office=office, code=code).exists():
        raise ValidationError({"code": _("The code %(code)s is already used in this office.") % {"code": code}})
    department = Department(office=office, code=code, name=_clean_text(name), duties=duties)
    department.full_clean()
    department.save()
    ensure_in_scope(department, actor=actor, action="view")
    office_figures_changed(office.pk)  # the filters and the branch page's picker list the departments
    audit_record(actor=actor, action="department.create", obj=department, after=snapshot(department))
    return department


@transaction.atomic
def department_update(*, actor, department: Department, **fields) -> Department:
    department = _locked(Department, actor, department, _("You do not have permission to change this department."))
    unknown = set(fields) - {"name", "duties"}
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    before = snapshot(department)
    for key, value in fields.items():
        setattr(department, key, value)
    department.full_clean()
    department.save()
    ensure_in_scope(department, actor=actor)
    office_figures_changed(department.office_id)  # the boards name the departments answering for a branch
    audit_record(actor=actor, action="department.update", obj=department, before=before, after=snapshot(department))
    return department


@transaction.atomic
def department_set_retired(*, actor, department: Department, retired: bool) -> Department:
    department = _set_retired(
        actor=actor,
        model=Department,
        obj=department,
        retired=retired,
        action="department",
        message=_("You do not have permission to change this department."),
    )
    if retired:
        Assignment.objects.filter(department=department, active=True).update(active=False)
    return department


PERSON_FIELDS = ("name", "position", "phone", "id_number", "department", "branch", "is_leader", "party_member")


@transaction.atomic
def person_create(*, actor, office: OrgUnit, name: str, **fields) -> Person:
    ensure_allowed(actor, "org.change_person", office, action="view", message=_TREE_MESSAGE)
    _check_active_office(office)
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    _check_person_fields(office=office, fields=fields)
    person = Person(office=office, name=_clean_text(name), **fields)
    person.full_clean()
    person.save()
    ensure_in_scope(person, actor=actor, action="view")
    office_figures_changed(office.pk)  # the branch page's picker lists the office's leaders
    audit_record(actor=actor, action="person.create", obj=person, after=snapshot(person))
    return person


@transaction.atomic
def person_update(*, actor, person: Person, **fields) -> Person:
    """Edit a person; phone and ID number change only when given (the form never shows them unmasked)."""
    person = _locked(Person, actor, person, _("You do not have permission to change this person."))
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    _check_person_fields(office=person.office, fields=fields)
    before = snapshot(person)
    for key, value in fields.items():
        setattr(person, key, value)
    person.full_clean()
    person.save()
    ensure_in_scope(person, actor=actor)
    office_figures_changed(person.office_id)  # the boards name secretaries and leaders
    audit_record(actor=actor, action="person.update", obj=person, before=before, after=snapshot(person))
    return person


@transaction.atomic
def person_set_retired(*, actor, person: Person, retired: bool) -> Person:
    person = _set_retired(
        actor=actor,
        model=Person,
        obj=person,
        retired=retired,
        action="person",
        message=_("You do not have permission to change this person."),
    )
    if retired:
        Assignment.objects.filter(leader=person, active=True).update(active=False)
    return person


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
        RoleGrant.objects.select_for_update(of=("self",))
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
    office_figures_changed(branch.office_id)  # the boards name who answers for a branch
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
    office_figures_changed(assignment.branch.office_id)
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
    """End every API token and every other signed-in browser of the actor's account (the page signs the browser
    out too)."""
    audit_record(actor=actor, action="user.sign_out_everywhere", obj=actor)
    _end_sessions(UserSession.objects.filter(user=actor))
    return tokens_revoke_all(actor=actor, user=actor, reason="sign_out_everywhere")


def _end_sessions(rows) -> int:
    from .selectors import session_store

    store = session_store()
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    rows.delete()
    return len(keys)


def session_renamed(*, old_key: str | None, new_key: str | None) -> None:
    """The browser kept its sign-in under a new session key (after a password change)."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


@transaction.atomic
def sessions_end(*, actor: User, current_key: str | None, pk: int | None = None) -> int:
    """Sign the actor's account out of its other browsers (all, or the one `pk` names); never the current one,
    never another account's."""
    if is_system(actor) or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Only a signed-in user ends their own sessions."))
    rows = UserSession.objects.filter(user=actor).exclude(session_key=current_key or "")
    if pk is not None:
        rows = rows.filter(pk=pk)
        if not rows.exists():
            raise ValidationError(_("That session is not one of your other sessions."))
    ended = _end_sessions(rows)
    if ended:
        audit_record(actor=actor, action="user.sessions_end", obj=actor, after={"count": ended})
    return ended


# ---------------------------------------------------------------------------------------------------------
# Maps (boundaries) and display passes for the command screen
# ---------------------------------------------------------------------------------------------------------


def _map_codes(unit: OrgUnit) -> dict[str, tuple[str, int]]:
    """code → (kind, id) of what a map of `unit` may outline: an office's branches and grids, any other unit's
    children."""
    if unit.level == UnitLevel.OFFICE:
        rows = Branch.objects.filter(office=unit, retired_at__isnull=True).values_list("code", "pk")
        codes = {code: (BoundaryKind.BRANCH, pk) for code, pk in rows}
        for code, pk in Grid.objects.filter(office=unit).values_list("code", "pk"):
            codes.setdefault(code, (BoundaryKind.GRID, pk))
        return codes
    rows = OrgUnit.objects.filter(parent=unit, retired_at__isnull=True).values_list("code", "pk")
    return {code: (BoundaryKind.UNIT, pk) for code, pk in rows}


def map_point_kinds() -> dict[str, dict]:
    """What the apps above put on an office's map as points (`AppConfig.map_point_kinds()` → {kind: {"label",
    "codes": f(office) → set of codes, "place": f(actor=, office=, places={code: (lon, lat)}) → count}}): the
    demonstration sites, the residents' issues. org names no app above it."""
    kinds: dict[str, dict] = {}
    for config in django_apps.get_app_configs():
        method = getattr(config, "map_point_kinds", None)
        if method is not None:
            kinds.update(method())
    return kinds


@transaction.atomic
def boundaries_upload(*, actor, unit: OrgUnit, upload, crs: str = Crs.WGS84) -> list[Boundary]:
    """Replace the map of `unit` with the shapes of an uploaded GeoJSON file, all or nothing (R: every feature a
    closed Polygon or MultiPolygon, tied by its `code` to a branch, grid or unit of `unit`, inside the range of
    the declared coordinate system; the file at most WUXING_BOUNDARY_MAX_MB). Point features of an office's map
    place its demonstration sites and residents' issues (`kind` "site" with the site's branch code, "issue" with
    the issue's tracking code): they are handed to the app that keeps them, not stored as shapes."""
    ensure_allowed(actor, "org.change_boundary", unit, action="view")
    if crs not in Crs.values:
        raise ValidationError(_("Choose WGS-84 or GCJ-02."))
    limit = settings.WUXING_BOUNDARY_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(max)s MB; simplify the shapes and try again.")
            % {"max": settings.WUXING_BOUNDARY_MAX_MB}
        )
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise ValidationError(
            _("The file is larger than %(max)s MB; simplify the shapes and try again.")
            % {"max": settings.WUXING_BOUNDARY_MAX_MB}
        )
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValidationError(_("The file is not valid JSON (GeoJSON, UTF-8).")) from None
    codes = _map_codes(unit)
    point_kinds = map_point_kinds() if unit.level == UnitLevel.OFFICE else {}
    point_codes = {kind: set(spec["codes"](unit)) for kind, spec in point_kinds.items()}
    checked, problems = check_boundaries(
        data, crs=crs, known={code: kind for code, (kind, _pk) in codes.items()}, points=point_codes
    )
    if problems:
        raise ValidationError(
            problems[:20] + ([_("… and %(n)s more.") % {"n": len(problems) - 20}] if len(problems) > 20 else [])
        )
    shapes = [f for f in checked if f.geometry["type"] != "Point"]
    if not shapes:
        raise ValidationError(_("The file holds no shapes (Polygon or MultiPolygon), only points."))
    grids = {g.pk: g for g in Grid.objects.filter(office=unit)} if unit.level == UnitLevel.OFFICE else {}
    before = {"features": unit.boundaries.count()}
    unit.boundaries.all().delete()
    rows = []
    for feature in shapes:
        kind, pk = codes[feature.code]
        branch_id = pk if kind == BoundaryKind.BRANCH else grids[pk].branch_id if kind == BoundaryKind.GRID else None
        rows.append(
            Boundary(
                unit=unit,
                kind=kind,
                code=feature.code,
                name=feature.name,
                branch_id=branch_id,
                grid_id=pk if kind == BoundaryKind.GRID else None,
                child_id=pk if kind == BoundaryKind.UNIT else None,
                geometry=feature.geometry,
                crs=crs,
                uploaded_by=user_or_none(actor),
            )
        )
    created = Boundary.objects.bulk_create(rows)
    placed = 0
    for kind, spec in point_kinds.items():
        places = {f.code: tuple(f.geometry["coordinates"]) for f in checked if f.kind == kind}
        if places:
            placed += spec["place"](actor=actor, office=unit, places=places)
    ensure_in_scope(unit, actor=actor, action="view")
    audit_record(
        actor=actor,
        action="boundary.upload",
        obj=unit,
        before=before,
        after={
            "features": len(created),
            "points": placed,
            "crs": crs,
            "file": str(getattr(upload, "name", ""))[:100],
        },
    )
    return created


@transaction.atomic
def grid_create(*, actor, branch: Branch, code: str, name: str, order: int = 0) -> Grid:
    """A new grid of `branch` (R: its code unique in the office; letters, digits and hyphens)."""
    office = branch.office
    ensure_allowed(actor, "org.add_grid", office, action="view", message=_TREE_MESSAGE)
    if branch.retired_at is not None:
        raise ValidationError({"branch": _("This branch is retired.")})
    code, name = _clean_text(code), _clean_text(name)
    errors = {}
    problem = grid_code_problem(code)
    if problem:
        errors["code"] = problem
    elif Grid.objects.filter(office=office, code=code).exists() or Branch.objects.filter(code=code).exists():
        errors["code"] = _("The code %(code)s is already used in this office.") % {"code": code}
    if not name:
        errors["name"] = _("Give the grid a name.")
    if errors:
        raise ValidationError(errors)
    grid = Grid(office=office, branch=branch, code=code, name=name[:100], order=max(0, int(order or 0)))
    grid.full_clean()
    grid.save()
    ensure_in_scope(grid, actor=actor, action="view")
    audit_record(actor=actor, action="grid.create", obj=grid, after=snapshot(grid))
    return grid


@transaction.atomic
def kiosk_token_issue(*, actor, unit: OrgUnit, label: str) -> tuple[KioskToken, str]:
    """A new display pass for the command screen of `unit`; the returned text is shown once."""
    ensure_allowed(actor, "org.add_kiosktoken", unit, action="view")
    label = _clean_text(label)[:100]
    if not label:
        raise ValidationError({"label": _("Name the display (e.g. the meeting room).")})
    text = secrets.token_urlsafe(32)
    token = KioskToken.objects.create(
        unit=unit, label=label, key=text[:8], digest=kiosk_digest(text), created_by=user_or_none(actor)
    )
    ensure_in_scope(token, actor=actor, action="view")
    audit_record(
        actor=actor, action="kiosk.issue", obj=token, after={"unit": unit.code, "label": label, "key": token.key}
    )
    return token, text


@transaction.atomic
def kiosk_token_revoke(*, actor, token: KioskToken) -> KioskToken:
    ensure_allowed(actor, "org.change_kiosktoken", token, action="change")
    token = KioskToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="kiosk.revoke", obj=token, after={"key": token.key})
    return token


def kiosk_token_opened(*, token: KioskToken, address: str = "") -> None:
    """A display opened the screen with its pass: remembered on the pass and in the audit log (the fragments
    it polls afterwards are not recorded one by one)."""
    now = timezone.now()
    KioskToken.objects.filter(pk=token.pk).update(last_used_at=now)
    audit_record(
        actor=SystemActor(f"kiosk:{token.key}"), action="kiosk.open", obj=token, after={"unit": token.unit.code}
    )


def place_check(*, office: OrgUnit, lon, lat) -> tuple[Decimal | None, Decimal | None]:
    """A place (longitude, latitude) given for something of `office` (a demonstration site, a resident's issue),
    checked against the coordinate system its map declares: both or neither, numbers in range, six decimals.
    Returns (None, None) when neither is given; refuses (ValidationError on "lon") otherwise."""
    if lon in (None, "") and lat in (None, ""):
        return None, None
    if lon in (None, "") or lat in (None, ""):
        raise ValidationError({"lon": _("Give both the longitude and the latitude, or neither.")})
    try:
        position = [float(lon), float(lat)]
    except (TypeError, ValueError):
        raise ValidationError({"lon": _("The longitude and latitude must be numbers.")}) from None
    crs = Boundary.objects.filter(unit=office).values_list("crs", flat=True).first() or Crs.WGS84
    problem = point_problem(position, crs)
    if problem:
        raise ValidationError({"lon": _("The place: %(problem)s.") % {"problem": problem}})
    step = Decimal("0.000001")
    return Decimal(str(position[0])).quantize(step), Decimal(str(position[1])).quantize(step)
