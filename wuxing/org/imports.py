"""Importing the organisation of an office or a district from one workbook (units, branches, departments, people).

`import_upload` keeps the file and plans the import without writing anything: each row is to be created, changed
or left unchanged, or is wrong (sheet, row, column and what is wrong). `import_apply` plans the kept file again
(the database may have changed since) and, only if no row is wrong, writes everything in one transaction with one
audit row for the whole import. Rows are matched by code (units, branches; departments within their office) and
people by name within their office, so importing the same workbook twice changes nothing the second time.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from wuxing.core.actors import is_system, user_or_none
from wuxing.core.audit import audit_record
from wuxing.core.xlsx_import import read_sheets

from .choices import LEVEL_ORDER, BranchKind, StarSet, UnitLevel
from .figures import office_figures_changed
from .models import Branch, Department, OrgImport, OrgUnit, Person
from .rules import can_be_child, default_star_set, id_number_valid, phone_valid, star_set_allowed, unit_path

# One workbook holds at most this many data rows in all sheets (a district of 20 offices × 25 branches with their
# departments and people fits); the file itself at most IMPORT_MAX_BYTES.
IMPORT_MAX_ROWS = 2000
IMPORT_MAX_BYTES = 5 * 1024 * 1024
# The template's example rows start with this; the import skips them.
EXAMPLE_PREFIX = "示例"
MAX_COUNT = 10_000_000

# Sheet key → (names it may have, columns as (key, header)). Headers are Chinese: they are what offices fill in.
SHEETS: dict[str, tuple[tuple[str, ...], list[tuple[str, str]]]] = {
    "units": (
        ("单位", "units"),
        [("code", "单位编码"), ("name", "单位名称"), ("level", "层级"), ("parent", "上级单位编码")],
    ),
    "branches": (
        ("支部", "branches"),
        [
            ("code", "支部编码"),
            ("name", "支部名称"),
            ("office", "所属办事处编码"),
            ("kind", "类型"),
            ("star_set", "星级类别"),
            ("party_members", "党员数"),
            ("representatives", "村（居）民代表数"),
            ("adult_population", "成年村（居）民数"),
            ("households", "户数"),
            ("secretary_chairs_committee", "书记兼任村（居）委会主任"),
        ],
    ),
    "departments": (
        ("部门", "departments"),
        [("office", "所属办事处编码"), ("code", "部门编码"), ("name", "部门名称"), ("duties", "职责")],
    ),
    "people": (
        ("人员", "people"),
        [
            ("office", "所属办事处编码"),
            ("name", "姓名"),
            ("position", "职务"),
            ("department", "部门编码"),
            ("branch", "支部编码"),
            ("phone", "电话"),
            ("id_number", "身份证号"),
            ("party_member", "是否党员"),
            ("is_leader", "是否班子成员"),
            ("secretary", "是否支部书记"),
        ],
    ),
}
SHEET_TITLES = {key: names[0] for key, (names, _columns) in SHEETS.items()}
YES, NO = "是", "否"

SHEET_LABELS = {
    "units": gettext_lazy("Units"),
    "branches": gettext_lazy("Branches"),
    "departments": gettext_lazy("Departments"),
    "people": gettext_lazy("People"),
}


def _choice_map(choices) -> dict[str, str]:
    """Value or label (in Chinese or the current language) → value."""
    mapping = {}
    for value, label in choices:
        mapping[str(value).lower()] = value
        mapping[str(label).lower()] = value
        with override("zh-hans"):
            mapping[str(label).lower()] = value
    return mapping


def choice_labels(choices) -> list[str]:
    with override("zh-hans"):
        return [str(label) for _value, label in choices]


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self):
        return _("Sheet “%(sheet)s”, row %(row)d, column “%(column)s”: %(message)s") % {
            "sheet": SHEET_TITLES[self.sheet],
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class RowPlan:
    sheet: str
    row: int
    key: str
    name: str
    action: str  # create / change / unchanged
    values: dict
    changes: list[str] = field(default_factory=list)
    existing: object = None


@dataclass
class ImportPlan:
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        counts = {key: {"create": 0, "change": 0, "unchanged": 0} for key in SHEETS}
        for r in self.rows:
            counts[r.sheet][r.action] += 1
        return counts

    @property
    def changes_anything(self) -> bool:
        return any(r.action != "unchanged" for r in self.rows)


# ---------------------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------------------


def _text(value) -> str:
    """A cell as text: whole numbers without ".0" (a code or a phone typed as a number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _count(value) -> int:
    text = _text(value)
    if not text:
        return 0
    try:
        number = int(text)
    except ValueError:
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text}) from None
    if not 0 <= number <= MAX_COUNT:
        raise ValueError(_("%(value)d is out of range (0 to %(max)d).") % {"value": number, "max": MAX_COUNT})
    return number


def _yes_no(value) -> bool:
    text = _text(value).lower()
    if text in ("", NO, "n", "no", "false", "0", "f"):
        return False
    if text in (YES, "y", "yes", "true", "1", "t"):
        return True
    raise ValueError(_("write 是 or 否, not “%(value)s”.") % {"value": text})


class _Sheet:
    """Reads one sheet's rows into dicts and collects its errors with the column's header."""

    def __init__(self, key, rows, errors):
        self.key = key
        self.headers = dict(SHEETS[key][1])
        self.columns = [c for c, _h in SHEETS[key][1]]
        self.rows = [(number, dict(zip(self.columns, values))) for number, values in rows]
        self.errors = errors

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(self.key, row, self.headers[column], str(message)))

    def parse(self, row, values, column, parse):
        try:
            return parse(values[column])
        except ValueError as exc:
            self.error(row, column, str(exc))
            return None

    def required(self, row, values, column) -> str:
        text = _text(values[column])
        if not text:
            self.error(row, column, _("this value is required."))
        return text


# ---------------------------------------------------------------------------------------------------------
# Planning: nothing is written
# ---------------------------------------------------------------------------------------------------------


def read_workbook(data: bytes) -> dict[str, list[tuple[int, tuple]]]:
    return read_sheets(
        data,
        {key: (names, len(columns)) for key, (names, columns) in SHEETS.items()},
        max_rows=IMPORT_MAX_ROWS,
        skip_prefix=EXAMPLE_PREFIX,
    )


def _scope_unit_ids(actor) -> set[int] | None:
    """The units the actor's scope covers (None: all, for a system actor)."""
    if is_system(actor):
        return None
    return set(OrgUnit.objects.restrict(actor, "view").values_list("pk", flat=True))


def _check_permissions(actor, sheets) -> None:
    needed = {
        "units": "org.change_orgunit",
        "branches": "org.change_branch",
        "departments": "org.change_department",
        "people": "org.change_person",
    }
    for key, perm in needed.items():
        if sheets[key] and not actor.has_perm(perm):
            raise PermissionDenied(_("You may not import the sheet “%(sheet)s”.") % {"sheet": SHEET_TITLES[key]})


def plan_import(*, actor, data: bytes) -> ImportPlan:
    """What importing `data` would do, row by row, and every wrong row; reads only."""
    sheets = read_workbook(data)
    if not any(sheets.values()):
        raise ValidationError(_("The workbook has no rows to import; fill in the template's sheets."))
    _check_permissions(actor, sheets)
    plan = ImportPlan()
    in_scope = _scope_unit_ids(actor)
    offices = _plan_units(actor, _Sheet("units", sheets["units"], plan.errors), plan, in_scope)
    branches = _plan_branches(_Sheet("branches", sheets["branches"], plan.errors), plan, offices, in_scope)
    departments = _plan_departments(_Sheet("departments", sheets["departments"], plan.errors), plan, offices, in_scope)
    _plan_people(_Sheet("people", sheets["people"], plan.errors), plan, offices, branches, departments, in_scope)
    plan.errors.sort(key=lambda e: (list(SHEETS).index(e.sheet), e.row))
    return plan


class _Office:
    """An office rows may name: one in the database or one the units sheet creates."""

    def __init__(self, code, unit=None):
        self.code = code
        self.unit = unit


def _plan_units(actor, sheet, plan, in_scope) -> dict:
    """Plan the units sheet; returns {code: _Office | error message} for the offices the other sheets may name."""
    levels = _choice_map(UnitLevel.choices)
    codes = {_text(v["code"]) for _n, v in sheet.rows} | {_text(v["parent"]) for _n, v in sheet.rows}
    existing = {u.code: u for u in OrgUnit.objects.filter(code__in=codes - {""})}
    seen: dict[str, int] = {}
    parsed = []
    for number, values in sheet.rows:
        code = sheet.required(number, values, "code")
        name = sheet.required(number, values, "name")
        level = levels.get(_text(values["level"]).lower())
        if level is None:
            sheet.error(number, "level", _("unknown level “%(value)s”.") % {"value": _text(values["level"])})
        if code and code in seen:
            sheet.error(
                number, "code", _("duplicate code %(code)s (also row %(row)d).") % {"code": code, "row": seen[code]}
            )
            continue
        seen[code] = number
        if code and name and level:
            parsed.append((number, code, name, level, _text(values["parent"])))
    # Parents first, whatever the order of the rows.
    parsed.sort(key=lambda p: LEVEL_ORDER.index(p[3]))
    new_levels: dict[str, str] = {}
    for number, code, name, level, parent_code in parsed:
        unit = existing.get(code)
        parent = existing.get(parent_code) if parent_code else None
        parent_level = parent.level if parent else new_levels.get(parent_code)
        if parent_code and parent is None and parent_code not in new_levels:
            sheet.error(number, "parent", _("unknown unit %(code)s.") % {"code": parent_code})
            continue
        if unit is not None:
            if unit.level != level or (unit.parent.code if unit.parent_id else "") != parent_code:
                sheet.error(
                    number,
                    "code",
                    _("%(code)s exists with another level or parent; the import does not move units.") % {"code": code},
                )
                continue
            if unit.retired_at is not None:
                sheet.error(number, "code", _("%(code)s is retired; bring it back first.") % {"code": code})
                continue
            if in_scope is not None and unit.parent_id not in in_scope:
                sheet.error(number, "code", _("%(code)s is outside your scope.") % {"code": code})
                continue
            action = "change" if unit.name != name else "unchanged"
            plan.rows.append(
                RowPlan(
                    "units", number, code, name, action, {"name": name}, ["name"] if action == "change" else [], unit
                )
            )
            continue
        if not parent_code:
            sheet.error(number, "parent", _("a new unit needs its parent unit's code."))
            continue
        if not can_be_child(parent_level, level):
            sheet.error(number, "level", _("a unit of this level cannot sit under %(code)s.") % {"code": parent_code})
            continue
        if parent is not None and in_scope is not None and parent.pk not in in_scope:
            sheet.error(number, "parent", _("%(code)s is outside your scope.") % {"code": parent_code})
            continue
        if parent is not None and parent.retired_at is not None:
            sheet.error(number, "parent", _("%(code)s is retired.") % {"code": parent_code})
            continue
        new_levels[code] = level
        plan.rows.append(
            RowPlan("units", number, code, name, "create", {"name": name, "level": level, "parent": parent_code})
        )
    return {code: _Office(code) for code, level in new_levels.items() if level == UnitLevel.OFFICE}


def _office_for(sheet, number, values, offices, cache, in_scope):
    """The office a row names, or None (with the row's error)."""
    code = _text(values["office"])
    if not code:
        sheet.error(number, "office", _("this value is required."))
        return None
    if code in offices:
        return offices[code]
    if code not in cache:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            cache[code] = _("unknown office %(code)s.") % {"code": code}
        elif unit.level != UnitLevel.OFFICE:
            cache[code] = _("%(code)s is not a township or sub-district office.") % {"code": code}
        elif unit.retired_at is not None:
            cache[code] = _("%(code)s is retired.") % {"code": code}
        elif in_scope is not None and unit.pk not in in_scope:
            cache[code] = _("%(code)s is outside your scope.") % {"code": code}
        else:
            cache[code] = _Office(code, unit)
    found = cache[code]
    if isinstance(found, str):
        sheet.error(number, "office", found)
        return None
    return found


def _plan_branches(sheet, plan, offices, in_scope) -> dict:
    """Returns {branch code: office code} for the branches people may name."""
    kinds = _choice_map(BranchKind.choices)
    star_sets = _choice_map(StarSet.choices)
    codes = [_text(v["code"]) for _n, v in sheet.rows]
    existing = {b.code: b for b in Branch.objects.filter(code__in=codes).select_related("office")}
    cache: dict = {}
    seen: dict[str, int] = {}
    known: dict[str, str] = {}
    for number, values in sheet.rows:
        errors_before = len(plan.errors)
        code = sheet.required(number, values, "code")
        name = sheet.required(number, values, "name")
        if code and code in seen:
            sheet.error(
                number, "code", _("duplicate code %(code)s (also row %(row)d).") % {"code": code, "row": seen[code]}
            )
        seen.setdefault(code, number)
        office = _office_for(sheet, number, values, offices, cache, in_scope)
        kind = kinds.get(_text(values["kind"]).lower())
        if kind is None:
            sheet.error(number, "kind", _("unknown kind “%(value)s”.") % {"value": _text(values["kind"])})
        star_text = _text(values["star_set"])
        star_set = star_sets.get(star_text.lower()) if star_text else (default_star_set(kind) if kind else None)
        if star_text and star_set is None:
            sheet.error(number, "star_set", _("unknown star set “%(value)s”.") % {"value": star_text})
        elif kind and star_set and not star_set_allowed(kind, star_set):
            sheet.error(
                number,
                "star_set",
                _("the star set “%(set)s” does not fit a branch of the kind “%(kind)s”.")
                % {"set": StarSet(star_set).label, "kind": BranchKind(kind).label},
            )
        counts = {
            key: sheet.parse(number, values, key, _count)
            for key in ("party_members", "representatives", "adult_population", "households")
        }
        chairs = sheet.parse(number, values, "secretary_chairs_committee", _yes_no)
        branch = existing.get(code)
        if branch is not None and office is not None and branch.office.code != office.code:
            sheet.error(
                number,
                "office",
                _("branch %(code)s belongs to %(office)s; move it on its page, not by import.")
                % {"code": code, "office": branch.office.name},
            )
        if len(plan.errors) != errors_before:
            continue
        known[code] = office.code
        fields = {"name": name, "kind": kind, "star_set": star_set, "secretary_chairs_committee": chairs, **counts}
        if branch is None:
            plan.rows.append(RowPlan("branches", number, code, name, "create", {**fields, "office": office.code}))
            continue
        changes = [k for k, v in fields.items() if getattr(branch, k) != v]
        if branch.retired_at is not None:
            changes.append("retired_at")
        plan.rows.append(
            RowPlan("branches", number, code, name, "change" if changes else "unchanged", fields, changes, branch)
        )
    return known


def _plan_departments(sheet, plan, offices, in_scope) -> set:
    """Returns {(office code, department code)} known after the import."""
    cache: dict = {}
    seen: dict[tuple, int] = {}
    known = set()
    rows = []
    for number, values in sheet.rows:
        errors_before = len(plan.errors)
        office = _office_for(sheet, number, values, offices, cache, in_scope)
        code = sheet.required(number, values, "code")
        name = sheet.required(number, values, "name")
        key = (office.code if office else "", code)
        if office and code and key in seen:
            sheet.error(
                number, "code", _("duplicate code %(code)s (also row %(row)d).") % {"code": code, "row": seen[key]}
            )
        seen.setdefault(key, number)
        if len(plan.errors) == errors_before:
            rows.append((number, office, code, name, _text(values["duties"])))
    existing = {
        (d.office.code, d.code): d
        for d in Department.objects.filter(office__code__in={o.code for _n, o, *_r in rows}).select_related("office")
    }
    for number, office, code, name, duties in rows:
        known.add((office.code, code))
        department = existing.get((office.code, code))
        fields = {"name": name, "duties": duties}
        if department is None:
            plan.rows.append(RowPlan("departments", number, code, name, "create", {**fields, "office": office.code}))
            continue
        changes = [k for k, v in fields.items() if getattr(department, k) != v]
        if department.retired_at is not None:
            changes.append("retired_at")
        plan.rows.append(
            RowPlan(
                "departments", number, code, name, "change" if changes else "unchanged", fields, changes, department
            )
        )
    return known


def _plan_people(sheet, plan, offices, branches, departments, in_scope) -> None:
    cache: dict = {}
    seen: dict[tuple, int] = {}
    parsed = []
    office_codes = set()
    for number, values in sheet.rows:
        errors_before = len(plan.errors)
        office = _office_for(sheet, number, values, offices, cache, in_scope)
        name = sheet.required(number, values, "name")
        key = (office.code if office else "", name)
        if office and name and key in seen:
            sheet.error(
                number,
                "name",
                _("%(name)s appears twice in the office (also row %(row)d).") % {"name": name, "row": seen[key]},
            )
        seen.setdefault(key, number)
        phone = _text(values["phone"])
        if not phone_valid(phone):
            sheet.error(number, "phone", _("“%(value)s” is not a phone number.") % {"value": phone})
        id_number = _text(values["id_number"]).upper()
        if not id_number_valid(id_number):
            sheet.error(number, "id_number", _("not a valid 18-character resident ID number."))
        department = _text(values["department"])
        branch = _text(values["branch"])
        if office and department and (office.code, department) not in departments:
            if not Department.objects.filter(
                office__code=office.code, code=department, retired_at__isnull=True
            ).exists():
                sheet.error(
                    number, "department", _("unknown department %(code)s in this office.") % {"code": department}
                )
        if office and branch:
            branch_office = branches.get(branch) or (
                Branch.objects.filter(code=branch, retired_at__isnull=True)
                .values_list("office__code", flat=True)
                .first()
            )
            if branch_office != office.code:
                sheet.error(number, "branch", _("unknown branch %(code)s in this office.") % {"code": branch})
        flags = {key: sheet.parse(number, values, key, _yes_no) for key in ("party_member", "is_leader", "secretary")}
        if flags["secretary"] and not branch:
            sheet.error(number, "secretary", _("a branch secretary needs the branch's code."))
        if len(plan.errors) != errors_before:
            continue
        office_codes.add(office.code)
        parsed.append(
            (
                number,
                office,
                name,
                {
                    "position": _text(values["position"]),
                    "department": department,
                    "branch": branch,
                    "phone": phone,
                    "id_number": id_number,
                    "party_member": flags["party_member"],
                    "is_leader": flags["is_leader"],
                    "secretary": flags["secretary"],
                },
            )
        )
    existing: dict[tuple, list] = {}
    for p in Person.objects.filter(office__code__in=office_codes).select_related("office", "department", "branch"):
        existing.setdefault((p.office.code, p.name), []).append(p)
    secretaries = dict(
        Branch.objects.filter(code__in={v["branch"] for *_r, v in parsed if v["branch"]}).values_list(
            "code", "secretary_id"
        )
    )
    for number, office, name, fields in parsed:
        matches = existing.get((office.code, name), [])
        if len(matches) > 1:
            sheet.error(
                number, "name", _("%(name)s is recorded twice in the office; edit them on the page.") % {"name": name}
            )
            continue
        if not matches:
            plan.rows.append(RowPlan("people", number, name, name, "create", {**fields, "office": office.code}))
            continue
        person = matches[0]
        current = {
            "position": person.position,
            "department": person.department.code if person.department_id else "",
            "branch": person.branch.code if person.branch_id else "",
            "phone": person.phone,
            "id_number": person.id_number,
            "party_member": person.party_member,
            "is_leader": person.is_leader,
            "secretary": bool(fields["branch"]) and secretaries.get(fields["branch"]) == person.pk,
        }
        changes = [k for k, v in fields.items() if current[k] != v]
        if person.retired_at is not None:
            changes.append("retired_at")
        plan.rows.append(
            RowPlan("people", number, name, name, "change" if changes else "unchanged", fields, changes, person)
        )


# ---------------------------------------------------------------------------------------------------------
# Writing: the upload (kept, nothing else written) and the confirmed import (all or nothing)
# ---------------------------------------------------------------------------------------------------------


def import_upload(*, actor, data: bytes, name: str) -> tuple[OrgImport, ImportPlan]:
    """Keep the uploaded workbook as an import to confirm, with its preview; the organisation is not touched.

    A file that is not a workbook, too large, or has too many rows is refused and not kept."""
    if len(data) > IMPORT_MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."))
    plan = plan_import(actor=actor, data=data)
    record = OrgImport(
        original_name=(name or "organisation.xlsx")[:200],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user_or_none(actor),
        summary={"counts": plan.counts(), "errors": len(plan.errors)},
    )
    record.file.save("upload.xlsx", ContentFile(data), save=False)
    record.save()
    return record, plan


def import_plan_for(*, actor, record: OrgImport) -> ImportPlan:
    with record.file.open("rb") as fh:
        return plan_import(actor=actor, data=fh.read())


@transaction.atomic
def import_apply(*, actor, record: OrgImport) -> ImportPlan:
    """Write a previewed import: planned again on the kept file, refused whole if any row is wrong."""
    record = OrgImport.objects.select_for_update().get(pk=record.pk)
    if record.status == OrgImport.Status.APPLIED:
        raise ValidationError(_("This import has been applied already."))
    if not is_system(actor) and record.uploaded_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded an import confirms it."))
    plan = import_plan_for(actor=actor, record=record)
    if plan.errors:
        raise ValidationError([str(e) for e in plan.errors[:50]])
    _write(plan)
    record.status = OrgImport.Status.APPLIED
    record.applied_at = timezone.now()
    record.summary = {"counts": plan.counts(), "errors": 0}
    record.save(update_fields=["status", "applied_at", "summary"])
    audit_record(
        actor=actor,
        action="org.import",
        obj=record,
        after={
            "file": record.original_name,
            "sha256": record.sha256,
            "counts": plan.counts(),
            "created": {k: [r.key for r in plan.rows if r.sheet == k and r.action == "create"][:500] for k in SHEETS},
            "changed": {k: [r.key for r in plan.rows if r.sheet == k and r.action == "change"][:500] for k in SHEETS},
        },
    )
    return plan


def _write(plan: ImportPlan) -> None:
    rows = {key: [r for r in plan.rows if r.sheet == key and r.action != "unchanged"] for key in SHEETS}
    units = {}
    renamed = set()
    for r in rows["units"]:  # planned parents first
        if r.action == "create":
            parent = units.get(r.values["parent"]) or OrgUnit.objects.get(code=r.values["parent"])
            unit = OrgUnit(
                code=r.key,
                name=r.values["name"],
                level=r.values["level"],
                parent=parent,
                path=unit_path(parent.path, r.key),
            )
            unit.full_clean()
            unit.save()
            units[r.key] = unit
        else:
            OrgUnit.objects.filter(pk=r.existing.pk).update(name=r.values["name"])
            renamed.add(r.existing.pk)

    def office(code):
        if code not in units:
            units[code] = OrgUnit.objects.get(code=code)
        return units[code]

    changed_offices = set()
    for r in rows["branches"]:
        if r.action == "create":
            values = {k: v for k, v in r.values.items() if k != "office"}
            changed_offices.add(
                Branch.objects.create(office=office(r.values["office"]), code=r.key, **values).office_id
            )
        else:
            Branch.objects.filter(pk=r.existing.pk).update(retired_at=None, **r.values)
            changed_offices.add(r.existing.office_id)
    for r in rows["departments"]:
        if r.action == "create":
            Department.objects.create(
                office=office(r.values["office"]), code=r.key, name=r.values["name"], duties=r.values["duties"]
            )
        else:
            Department.objects.filter(pk=r.existing.pk).update(retired_at=None, **r.values)
            changed_offices.add(r.existing.office_id)
    departments = {}
    branches = {}
    for r in rows["people"]:
        values = dict(r.values)
        office_code = values.pop("office", None) or r.existing.office.code
        secretary = values.pop("secretary")
        dept_code, branch_code = values.pop("department"), values.pop("branch")
        if dept_code and (office_code, dept_code) not in departments:
            departments[(office_code, dept_code)] = Department.objects.get(office__code=office_code, code=dept_code)
        if branch_code and branch_code not in branches:
            branches[branch_code] = Branch.objects.get(code=branch_code)
        values["department"] = departments.get((office_code, dept_code)) if dept_code else None
        values["branch"] = branches.get(branch_code) if branch_code else None
        if r.action == "create":
            person = Person.objects.create(office=office(office_code), name=r.key, **values)
        else:
            person = r.existing
            Person.objects.filter(pk=person.pk).update(retired_at=None, **values)
        changed_offices.add(person.office_id)
        if secretary:
            Branch.objects.filter(code=branch_code).update(secretary=person)
        elif "secretary" in r.changes and branch_code:
            Branch.objects.filter(code=branch_code, secretary=person).update(secretary=None)
    # The summaries across offices count the branches; the boards show the names of offices, branches,
    # departments and people.
    office_figures_changed(*changed_offices, *renamed)


# ---------------------------------------------------------------------------------------------------------
# The template: Chinese headers, drop-down lists where a column takes fixed values, one example row per sheet
# ---------------------------------------------------------------------------------------------------------


def template_bytes() -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    with override("zh-hans"):
        levels = choice_labels(UnitLevel.choices)
        kinds = choice_labels(BranchKind.choices)
        star_sets = choice_labels(StarSet.choices)
        office_level = str(UnitLevel.OFFICE.label)
        examples = {
            "units": [f"{EXAMPLE_PREFIX}41019901", "示例街道办事处", office_level, "410199"],
            "branches": [
                f"{EXAMPLE_PREFIX}4101990101",
                "示例村",
                "41019901",
                str(BranchKind.RURAL_VILLAGE.label),
                str(StarSet.RURAL.label),
                45,
                30,
                1800,
                520,
                YES,
            ],
            "departments": [f"{EXAMPLE_PREFIX}41019901", "D01", "党建办", "负责基层党建、组织建设"],
            "people": [
                f"{EXAMPLE_PREFIX}41019901",
                "张三",
                "村党支部书记",
                "",
                "4101990101",
                "13800001111",
                "",
                YES,
                NO,
                YES,
            ],
        }
    lists = {
        ("units", "level"): levels,
        ("branches", "kind"): kinds,
        ("branches", "star_set"): star_sets,
        ("branches", "secretary_chairs_committee"): [YES, NO],
        ("people", "party_member"): [YES, NO],
        ("people", "is_leader"): [YES, NO],
        ("people", "secretary"): [YES, NO],
    }
    wb = Workbook()
    wb.remove(wb.active)
    for key, (names, columns) in SHEETS.items():
        ws = wb.create_sheet(names[0])
        ws.append([header for _c, header in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.append(examples[key])
        for cell in ws[2]:
            cell.font = Font(italic=True, color="808080")
        for index, (column, _header) in enumerate(columns, start=1):
            letter = ws.cell(row=1, column=index).column_letter
            ws.column_dimensions[letter].width = 18
            values = lists.get((key, column))
            if values:
                validation = DataValidation(
                    type="list", formula1='"' + ",".join(values) + '"', allow_blank=True, showErrorMessage=True
                )
                validation.error = "请从下拉列表中选择"
                ws.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}{IMPORT_MAX_ROWS + 1}")
            if column in ("code", "office", "parent", "department", "branch", "phone", "id_number"):
                # Codes and numbers as text, so Excel keeps leading zeros and all 18 digits.
                for row in range(2, 200):
                    ws.cell(row=row, column=index).number_format = "@"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
