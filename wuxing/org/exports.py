"""Excel exports of the organisation's lists; each reads through the same selectors and FilterSet as its page."""

from django.utils.translation import gettext as _

from wuxing.core.exports import ExportSpec, exporter
from wuxing.core.rules import mask_id_number, mask_phone

from . import selectors
from .filtersets import AccountFilterSet, BranchFilterSet, DepartmentFilterSet, PersonFilterSet


@exporter
def branches_export(user, params) -> ExportSpec:
    rows = selectors.branch_rows(BranchFilterSet(params, selectors.branch_list(user=user), user=user).qs)
    return ExportSpec(
        filename="branches.xlsx",
        title=_("Branches"),
        headers=[
            _("Code"),
            _("Name"),
            _("Office"),
            _("Kind"),
            _("Star set"),
            _("Secretary"),
            _("Phone"),
            _("Departments"),
            _("Leaders"),
            _("Party members"),
        ],
        rows=(
            (
                r["branch"].code,
                r["branch"].name,
                r["branch"].office.name,
                r["branch"].get_kind_display(),
                r["branch"].get_star_set_display(),
                r["branch"].secretary.name if r["branch"].secretary else "",
                mask_phone(r["branch"].secretary.phone) if r["branch"].secretary else "",
                r["departments"],
                r["leaders"],
                r["branch"].party_members,
            )
            for r in rows
        ),
        total=len(rows),
    )


@exporter
def departments_export(user, params) -> ExportSpec:
    filterset = DepartmentFilterSet(params, selectors.department_list(user=user), user=user)
    rows = selectors.department_rows(user=user, departments=filterset.qs if filterset.is_valid() else [])
    return ExportSpec(
        filename="departments.xlsx",
        title=_("Departments"),
        headers=[_("Code"), _("Name"), _("Office"), _("Assigned branches")],
        rows=((d.code, d.name, d.office.name, "、".join(b.name for b in bs)) for d, bs in rows),
        total=len(rows),
    )


@exporter
def people_export(user, params) -> ExportSpec:
    people = list(PersonFilterSet(params, selectors.person_list(user=user), user=user).qs.select_related("office"))
    return ExportSpec(
        filename="people.xlsx",
        title=_("People"),
        headers=[_("Full name"), _("Position"), _("Office"), _("Department"), _("Branch"), _("Phone"), _("ID number")],
        rows=(
            (
                p.name,
                p.position,
                p.office.name,
                p.department.name if p.department else "",
                p.branch.name if p.branch else "",
                mask_phone(p.phone),
                mask_id_number(p.id_number),
            )
            for p in people
        ),
        total=len(people),
    )


@exporter
def accounts_export(user, params) -> ExportSpec:
    filterset = AccountFilterSet(params, selectors.user_list(user=user), user=user)
    users = list(filterset.qs) if filterset.is_valid() else []
    return ExportSpec(
        filename="accounts.xlsx",
        title=_("Accounts"),
        headers=[_("User name"), _("Full name"), _("Roles"), _("Active"), _("Locked until")],
        rows=(
            (
                u.username,
                u.display_name,
                "、".join(ra.get_role_display() for ra in u.role_assignments.all()),
                u.is_active,
                u.locked_until,
            )
            for u in users
        ),
        total=len(users),
    )
