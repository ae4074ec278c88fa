"""Writes to the check-in lists: items (by hand, generated, imported), check-ins with evidence, the policy."""

import io
import zipfile
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from wuxing.campaigns.models import Campaign
from wuxing.campaigns.selectors import campaign_for
from wuxing.campaigns.services import ensure_campaign_open
from wuxing.core.actors import user_or_none
from wuxing.core.audit import audit_record, snapshot
from wuxing.core.querysets import Selected, insert_with, update_write, written_per_vendor
from wuxing.core.rules import UNDO_SECONDS, undo_still_open
from wuxing.core.uploads import clean_uploads, store_evidence
from wuxing.org.access import ensure_allowed, ensure_in_scope
from wuxing.org.figures import figures_changed_write, office_figures_changed
from wuxing.org.models import Branch, OrgUnit, Person
from wuxing.org.querysets import admits_branch_row
from wuxing.plans.selectors import plan_milestone_rows
from wuxing.standards.models import Indicator, Star

from . import rules
from .choices import ItemKind, ItemSource
from .models import CheckIn, CheckInEvidence, ChecklistItem, ProgressPolicy
from .selectors import target_stars_by_branch

ITEM_FIELDS = [
    "title",
    "star",
    "indicator",
    "kind",
    "start_value",
    "target_value",
    "unit",
    "weight",
    "owner",
    "start_date",
    "due_date",
]


def _item_messages():
    return {
        "target_missing": ("target_value", _("A quantitative item needs a target value.")),
        "target_equals_start": ("target_value", _("The target value must differ from the start value.")),
        "kind": ("kind", _("Choose quantitative or yes / no.")),
        "weight": ("weight", _("The weight must be greater than 0.")),
        "dates_missing": ("due_date", _("Enter the start and due dates.")),
        "due_before_start": ("due_date", _("The due date cannot be before the start date.")),
    }


def _figures_changed(*items: ChecklistItem) -> None:
    """The summaries across offices cache each office's progress: the items' offices' figures move on."""
    office_figures_changed(*{i.campaign.office_id for i in items if i.campaign_id})


def _ensure_branch_allowed(actor, branch: Branch, perm: str) -> None:
    ensure_allowed(actor, perm, branch, action="view", message=_("You may not change this branch's check-in list."))


def default_campaign(*, actor, branch: Branch):
    """The campaign a write for the branch is about when the caller names none: the one `campaign_for` picks for
    the actor in the branch's office (its current campaign). Pages and the API pass the campaign they show."""
    return campaign_for(user=actor, office=branch.office)


def _validate_item(
    *, branch, campaign, star, indicator, owner, kind, start_value, target_value, weight, start_date, due_date
):
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if campaign is None:
        add("campaign", _("The branch's office has no campaign yet."))
    elif campaign.office_id != branch.office_id:
        add("campaign", _("The campaign belongs to another office."))
    elif not campaign.is_open:
        add("campaign", _("The campaign is closed; its records can no longer change."))
    if star is None:
        add("star", _("Choose a star."))
    elif campaign is not None and (star.standard_id != campaign.standard_id or star.star_set != branch.star_set):
        # R2: only stars of the branch's own star set, in the campaign's standard.
        add("star", _("“%(star)s” is not a star of this branch's star set.") % {"star": star.name})
    if indicator is not None and star is not None and indicator.star_id != star.pk:
        add("indicator", _("The indicator belongs to another star."))
    if owner is not None and owner.office_id != branch.office_id:
        add("owner", _("The owner must be a person of the branch's office."))
    messages = _item_messages()
    for code in rules.item_problems(
        kind=kind, start=start_value, target=target_value, weight=weight, start_date=start_date, due_date=due_date
    ):
        field, message = messages[code]
        add(field, message)
    if errors:
        raise ValidationError(errors)


def item_build(
    *,
    actor,
    branch,
    campaign,
    star,
    title,
    kind=ItemKind.QUANTITATIVE,
    start_value=None,
    target_value=None,
    unit="",
    weight=None,
    owner=None,
    start_date=None,
    due_date=None,
    indicator=None,
    source=ItemSource.MANUAL,
    source_key="",
) -> ChecklistItem:
    """A checked, unsaved item with the defaults filled in; ValidationError (field → Chinese message) if it is wrong."""
    campaign = campaign or default_campaign(actor=actor, branch=branch)
    if campaign is not None:
        start_date = start_date or date(campaign.year, 1, 1)
        due_date = due_date or date(campaign.year, 12, 31)
    start_value = Decimal("0") if start_value in (None, "") else Decimal(start_value)
    weight = Decimal("1") if weight in (None, "") else Decimal(weight)
    if kind == ItemKind.YES_NO:
        start_value, target_value, unit = Decimal("0"), None, ""
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Enter a title.")})
    owner = owner if owner is not None else branch.secretary
    _validate_item(
        branch=branch,
        campaign=campaign,
        star=star,
        indicator=indicator,
        owner=owner,
        kind=kind,
        start_value=start_value,
        target_value=target_value,
        weight=weight,
        start_date=start_date,
        due_date=due_date,
    )
    return ChecklistItem(
        campaign=campaign,
        branch=branch,
        star=star,
        indicator=indicator,
        title=title[:200],
        kind=kind,
        start_value=start_value,
        target_value=target_value,
        unit=unit or "",
        weight=weight,
        owner=owner,
        start_date=start_date,
        due_date=due_date,
        source=source,
        source_key=source_key,
        created_by=user_or_none(actor),
    )


@transaction.atomic
def item_create(*, actor, branch: Branch, star: Star, title: str, campaign=None, **fields) -> ChecklistItem:
    """Add one item to a branch's check-in list (by hand, from the API, from generation or import)."""
    _ensure_branch_allowed(actor, branch, "checklists.add_checklistitem")
    campaign = campaign or default_campaign(actor=actor, branch=branch)
    if campaign is not None and campaign.office_id == branch.office_id:
        ensure_campaign_open(campaign)
    item = item_build(actor=actor, branch=branch, campaign=campaign, star=star, title=title, **fields)
    item.save()
    ensure_in_scope(item, actor=actor, action="change")
    _figures_changed(item)
    audit_record(actor=actor, action="checklist.item_create", obj=item, after=snapshot(item))
    return item


@transaction.atomic
def item_update(*, actor, item: ChecklistItem, **fields) -> ChecklistItem:
    """Change an item's definition; its check-ins stay as they are (R11)."""
    ensure_allowed(
        actor,
        "checklists.change_checklistitem",
        item,
        action="change",
        message=_("You may not change this branch's check-in list."),
    )
    item = ChecklistItem.objects.select_for_update(of=("self",)).select_related("branch", "campaign").get(pk=item.pk)
    ensure_campaign_open(item.campaign)
    _ensure_not_retired(item)
    before = snapshot(item)
    values = {f: getattr(item, f) for f in ITEM_FIELDS}
    values.update({k: v for k, v in fields.items() if k in ITEM_FIELDS})
    built = item_build(
        actor=actor,
        branch=item.branch,
        campaign=item.campaign,
        source=item.source,
        source_key=item.source_key,
        **values,
    )
    for f in ITEM_FIELDS:
        setattr(item, f, getattr(built, f))
    item.save()
    ensure_in_scope(item, actor=actor, action="change")
    _figures_changed(item)
    audit_record(actor=actor, action="checklist.item_update", obj=item, before=before, after=snapshot(item))
    return item


RETIRE_FIELDS = ["retired_at", "retired_by", "retire_reason"]


def _ensure_not_retired(item: ChecklistItem) -> None:
    if item.retired_at is not None:
        raise ValidationError(_("This item is retired: it takes no more check-ins or changes."))


def _item_for_change(actor, item: ChecklistItem) -> ChecklistItem:
    ensure_allowed(
        actor,
        "checklists.change_checklistitem",
        item,
        action="change",
        message=_("You may not change this branch's check-in list."),
    )
    item = ChecklistItem.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=item.pk)
    ensure_campaign_open(item.campaign)
    return item


@transaction.atomic
def item_retire(*, actor, item: ChecklistItem, reason: str) -> ChecklistItem:
    """Take an item off the list (an item is never deleted: its check-ins are the record, R11). It leaves every
    progress figure; its page and history stay."""
    item = _item_for_change(actor, item)
    _ensure_not_retired(item)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the item is retired.")})
    before = snapshot(item, RETIRE_FIELDS)
    item.retired_at, item.retired_by, item.retire_reason = timezone.now(), user_or_none(actor), reason[:300]
    item.save(update_fields=RETIRE_FIELDS)
    ensure_in_scope(item, actor=actor, action="change")
    _figures_changed(item)
    audit_record(
        actor=actor,
        action="checklist.item_retire",
        obj=item,
        before=before,
        after=snapshot(item, RETIRE_FIELDS),
        note=item.retire_reason,
    )
    return item


@transaction.atomic
def item_unretire(*, actor, item: ChecklistItem) -> ChecklistItem:
    """Undo a retirement made moments ago (core.rules.UNDO_SECONDS)."""
    item = _item_for_change(actor, item)
    if item.retired_at is None:
        raise ValidationError(_("This item is not retired."))
    if not undo_still_open(item.retired_at, timezone.now()):
        raise ValidationError(
            _("A retirement can only be undone within %(n)d seconds; this item stays retired.") % {"n": UNDO_SECONDS}
        )
    before = snapshot(item, RETIRE_FIELDS)
    item.retired_at, item.retired_by, item.retire_reason = None, None, ""
    item.save(update_fields=RETIRE_FIELDS)
    ensure_in_scope(item, actor=actor, action="change")
    _figures_changed(item)
    audit_record(
        actor=actor, action="checklist.item_unretire", obj=item, before=before, after=snapshot(item, RETIRE_FIELDS)
    )
    return item


def target_star_codes(branch: Branch, campaign) -> list[str]:
    """The stars a branch works on: its target's stars when it has a target, else every star of its set."""
    targeted = target_stars_by_branch(campaign, [branch.pk]).get(branch.pk)
    if targeted:
        return sorted(targeted)
    return list(
        Star.objects.filter(standard_id=campaign.standard_id, star_set=branch.star_set)
        .order_by("position")
        .values_list("code", flat=True)
    )


def _campaign_for_items(*, actor, branch: Branch, campaign):
    """The campaign items are added to: the one given, else the branch's default; refused once it is closed."""
    campaign = campaign or default_campaign(actor=actor, branch=branch)
    if campaign is None:
        raise ValidationError(_("The branch's office has no campaign yet."))
    if campaign.office_id != branch.office_id:
        raise ValidationError(_("The campaign belongs to another office."))
    ensure_campaign_open(campaign)
    return campaign


@transaction.atomic
def items_generate(*, actor, branch: Branch, campaign=None) -> list[ChecklistItem]:
    """Turn the branch's plan milestones and the standard's indicators of its target stars into items.

    Generating again adds only what is new; items already generated from the same source are kept.
    """
    _ensure_branch_allowed(actor, branch, "checklists.add_checklistitem")
    campaign = _campaign_for_items(actor=actor, branch=branch, campaign=campaign)
    existing = set(
        ChecklistItem.objects.filter(branch=branch, campaign=campaign)
        .exclude(source_key="")
        .values_list("source_key", flat=True)
    )
    codes = target_star_codes(branch, campaign)
    stars = {
        s.code: s
        for s in Star.objects.filter(standard_id=campaign.standard_id, star_set=branch.star_set, code__in=codes)
    }
    created = []
    milestones = plan_milestone_rows(campaign=campaign, branch=branch)
    owners = Person.objects.in_bulk({m.owner_id for m in milestones if m.owner_id})
    for milestone in milestones:
        key = f"milestone:{milestone.pk}"
        if key in existing or milestone.star_code not in stars:
            continue
        target = milestone.target_value
        start = date(campaign.year, 1, 1)
        due = milestone.due_on or date(campaign.year, 12, 31)
        created.append(
            item_build(
                actor=actor,
                branch=branch,
                campaign=campaign,
                star=stars[milestone.star_code],
                title=milestone.title,
                kind=ItemKind.QUANTITATIVE if target not in (None, "", 0) else ItemKind.YES_NO,
                target_value=target or None,
                unit=milestone.unit,
                owner=owners.get(milestone.owner_id),
                start_date=min(start, due),
                due_date=due,
                source=ItemSource.PLAN,
                source_key=key,
            )
        )
    for indicator in (
        Indicator.objects.filter(star__in=stars.values()).select_related("star").order_by("star__position", "position")
    ):
        key = f"indicator:{indicator.code}"
        if key in existing:
            continue
        quantitative = indicator.kind == "quantitative" and indicator.threshold is not None and indicator.threshold != 0
        created.append(
            item_build(
                actor=actor,
                branch=branch,
                campaign=campaign,
                star=indicator.star,
                indicator=indicator,
                title=indicator.text,
                kind=ItemKind.QUANTITATIVE if quantitative else ItemKind.YES_NO,
                target_value=indicator.threshold if quantitative else None,
                unit=indicator.unit,
                weight=indicator.weight,
                source=ItemSource.INDICATOR,
                source_key=key,
            )
        )
    return items_save(actor=actor, branch=branch, items=created, action="checklist.items_generate")


@transaction.atomic
def items_save(
    *, actor, branch: Branch, items: list[ChecklistItem], action: str = "checklist.items_add"
) -> list[ChecklistItem]:
    """Save items made by item_build for one branch in one go, with one audit row listing them."""
    _ensure_branch_allowed(actor, branch, "checklists.add_checklistitem")
    if any(i.branch_id != branch.pk for i in items):
        raise ValueError("items_save saves the items of one branch")
    saved = ChecklistItem.objects.bulk_create(items)
    # The items' scope is their branch's: one re-check covers the batch.
    ensure_in_scope(branch, actor=actor, action="view")
    _figures_changed(*saved)
    audit_record(
        actor=actor, action=action, obj=branch, after={"created": len(saved), "titles": [i.title for i in saved][:50]}
    )
    return saved


# -------------------------------------------------------------------------------------------------------
# Excel import
# -------------------------------------------------------------------------------------------------------

IMPORT_COLUMNS = [
    "title",
    "star",
    "indicator",
    "kind",
    "start_value",
    "target_value",
    "unit",
    "weight",
    "owner",
    "start_date",
    "due_date",
]


def import_headers() -> list[str]:
    return [
        _("Title"),
        _("Star"),
        _("Indicator code"),
        _("Kind"),
        _("Start value"),
        _("Target value"),
        _("Unit"),
        _("Weight"),
        _("Owner"),
        _("Start date"),
        _("Due date"),
    ]


def _parse_decimal(value):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from exc


def _parse_date(value):
    if value in (None, ""):
        return None
    if hasattr(value, "date") and callable(value.date):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError as exc:
        raise ValueError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}) from exc


# An import is read in one request: its size is bounded before anything is parsed, so that a small file cannot
# unpack to gigabytes or hold a worker for long.
IMPORT_MAX_ROWS = 2000
IMPORT_MAX_COLUMNS = 30
# Rows read (blank ones included) before the reading stops: a sheet may have some blank rows between items.
IMPORT_MAX_SHEET_ROWS = 5 * IMPORT_MAX_ROWS
# What the workbook's parts may unpack to, together: the template filled with 2,000 rows unpacks to about 1 MB.
# (openpyxl reads a whole sheet once when it does not declare its dimensions, so this also bounds that read.)
IMPORT_MAX_UNPACKED_BYTES = 10 * 1024 * 1024
# Wrong rows named one by one; the rest are counted.
IMPORT_MAX_ROW_ERRORS = 20
IMPORT_MAX_ROW_ERROR_CHARS = 300


def read_import_rows(data: bytes) -> list[tuple]:
    """The data rows of an uploaded .xlsx file (header row skipped), or a ValidationError if it is not one.

    The workbook is streamed (read-only, values only) and refused past IMPORT_MAX_ROWS rows or
    IMPORT_MAX_COLUMNS columns, or if its parts unpack to more than IMPORT_MAX_UNPACKED_BYTES.
    """
    not_xlsx = ValidationError(
        _("The file is not an Excel workbook (.xlsx); download the template and fill it in."), code="not_xlsx"
    )
    too_many_rows = ValidationError(
        _("The file has more than %(limit)d rows; import at most %(limit)d items at a time.")
        % {"limit": IMPORT_MAX_ROWS},
        code="too_many_rows",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # The sizes the archive declares are enforced while reading: a part that unpacks to more fails its check.
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise not_xlsx from None
    if unpacked > IMPORT_MAX_UNPACKED_BYTES:
        raise ValidationError(
            _("The workbook is too large; import at most %(limit)d items at a time.") % {"limit": IMPORT_MAX_ROWS},
            code="too_large",
        )
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - a broken or hostile workbook fails in many ways; each means "not a workbook"
        raise not_xlsx from None
    rows = []
    try:
        if not wb.worksheets:
            raise not_xlsx
        # Bounded reads: a sheet's declared dimensions (which pad every row and fill every gap) are not trusted.
        sheet_rows = wb.worksheets[0].iter_rows(
            max_row=IMPORT_MAX_SHEET_ROWS + 1, max_col=IMPORT_MAX_COLUMNS + 1, values_only=True
        )
        for number, row in enumerate(sheet_rows, start=1):
            if number > IMPORT_MAX_SHEET_ROWS:
                raise too_many_rows
            if len(row) > IMPORT_MAX_COLUMNS and any(v not in (None, "") for v in row[IMPORT_MAX_COLUMNS:]):
                raise ValidationError(
                    _("Row %(row)d has more than %(limit)d columns; use the template's columns only.")
                    % {"row": number, "limit": IMPORT_MAX_COLUMNS},
                    code="too_many_columns",
                )
            if number == 1 or all(v in (None, "") for v in row):
                continue
            if len(rows) == IMPORT_MAX_ROWS:
                raise too_many_rows
            row = tuple(row[: len(IMPORT_COLUMNS)])
            rows.append((number, row + (None,) * (len(IMPORT_COLUMNS) - len(row))))
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - malformed sheet XML surfaces only while streaming
        raise not_xlsx from None
    finally:
        wb.close()
    return rows


def _import_error_summary(errors: list[str]) -> list[str]:
    """At most IMPORT_MAX_ROW_ERRORS row messages, each shortened, and a count of the other wrong rows."""
    shown = [
        m if len(m) <= IMPORT_MAX_ROW_ERROR_CHARS else m[: IMPORT_MAX_ROW_ERROR_CHARS - 1] + "…"
        for m in errors[:IMPORT_MAX_ROW_ERRORS]
    ]
    if len(errors) > IMPORT_MAX_ROW_ERRORS:
        shown.append(_("%(count)d more rows have errors.") % {"count": len(errors) - IMPORT_MAX_ROW_ERRORS})
    return shown


@transaction.atomic
def items_import(*, actor, branch: Branch, data: bytes, campaign=None) -> list[ChecklistItem]:
    """Import items from the template; if any row is wrong, nothing is imported and the wrong rows are named.

    The first IMPORT_MAX_ROW_ERRORS wrong rows are named with what is wrong; the others are counted.
    """
    _ensure_branch_allowed(actor, branch, "checklists.add_checklistitem")
    campaign = _campaign_for_items(actor=actor, branch=branch, campaign=campaign)
    rows = read_import_rows(data)
    if not rows:
        raise ValidationError(_("The file has no rows to import."))
    stars = {}
    for s in Star.objects.filter(standard_id=campaign.standard_id, star_set=branch.star_set):
        stars[s.code] = s
        stars[s.name] = s
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(star__standard_id=campaign.standard_id, star__star_set=branch.star_set)
    }
    people = {p.name: p for p in Person.objects.filter(office_id=branch.office_id)}
    kinds = {
        ItemKind.QUANTITATIVE.value: ItemKind.QUANTITATIVE,
        str(ItemKind.QUANTITATIVE.label): ItemKind.QUANTITATIVE,
        ItemKind.YES_NO.value: ItemKind.YES_NO,
        str(ItemKind.YES_NO.label): ItemKind.YES_NO,
        "": ItemKind.QUANTITATIVE,
    }
    labels = dict(zip(IMPORT_COLUMNS, import_headers()))
    items, errors = [], []
    for number, row in rows:
        values = dict(zip(IMPORT_COLUMNS, row))
        problems = []
        try:
            star_key = str(values["star"] or "").strip()
            star = stars.get(star_key)
            if star is None:
                problems.append(_("unknown star “%(star)s” for this branch's star set") % {"star": star_key})
            indicator = None
            if values["indicator"]:
                indicator = indicators.get(str(values["indicator"]).strip())
                if indicator is None:
                    problems.append(_("unknown indicator “%(code)s”") % {"code": values["indicator"]})
            owner = None
            if values["owner"]:
                owner = people.get(str(values["owner"]).strip())
                if owner is None:
                    problems.append(_("no person named “%(name)s” in the office") % {"name": values["owner"]})
            kind = kinds.get(str(values["kind"] or "").strip())
            if kind is None:
                problems.append(_("unknown kind “%(kind)s”") % {"kind": values["kind"]})
            parsed = {}
            for key, parse in [
                ("start_value", _parse_decimal),
                ("target_value", _parse_decimal),
                ("weight", _parse_decimal),
                ("start_date", _parse_date),
                ("due_date", _parse_date),
            ]:
                try:
                    parsed[key] = parse(values[key])
                except ValueError as exc:
                    problems.append(f"{labels[key]}：{exc}")
            if not problems:
                items.append(
                    item_build(
                        actor=actor,
                        branch=branch,
                        campaign=campaign,
                        star=star,
                        indicator=indicator,
                        title=str(values["title"] or ""),
                        kind=kind,
                        unit=str(values["unit"] or ""),
                        owner=owner,
                        source=ItemSource.IMPORT,
                        **parsed,
                    )
                )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                problems.extend(
                    f"{labels.get(field, field)}：{m}"
                    for field, errs in exc.error_dict.items()
                    for e in errs
                    for m in e.messages
                )
            else:
                problems.extend(exc.messages)
        if problems:
            errors.append(
                _("Row %(row)d: %(problems)s") % {"row": number, "problems": "；".join(str(p) for p in problems)}
            )
    if errors:
        raise ValidationError(_import_error_summary(errors))
    return items_save(actor=actor, branch=branch, items=items, action="checklist.items_import")


# -------------------------------------------------------------------------------------------------------
# Check-ins (R11)
# -------------------------------------------------------------------------------------------------------


def _checkin_messages():
    return {
        "value_missing": ("value", _("Enter the new value.")),
        "done_missing": ("done", _("Say whether the item is done.")),
        "future": ("effective_on", _("The date of a check-in cannot be in the future.")),
        "outside_campaign": ("effective_on", _("The date of a check-in must fall within the campaign's year.")),
        "negative": ("value", _("The value cannot be negative for this item.")),
        "above_maximum": ("value", _("A percentage lies between 0 and 100; enter the figure without the % sign.")),
        "too_large": ("value", _("The value is too large.")),
        "note_too_long": (
            "note",
            _("The note is too long (at most %(limit)d characters).") % {"limit": rules.MAX_NOTE_LENGTH},
        ),
        "reason_too_long": (
            "reason",
            _("The reason is too long (at most %(limit)d characters).") % {"limit": rules.MAX_REASON_LENGTH},
        ),
        "reason": ("reason", _("A correction needs a reason.")),
        "superseded": ("corrects", _("That check-in has already been corrected; correct the latest version.")),
        "other_item": ("corrects", _("The check-in to correct belongs to another item.")),
    }


def _refresh_item_cache(item: ChecklistItem) -> None:
    """Keep the item's cached figure (current_value, done, last_checkin_on) that of its current check-in, read
    from the item's history (rules.current_checkin). A new check-in that becomes the current one is written
    without the read (checkin_record)."""
    history = [
        rules.CheckInFacts(id=c.pk, effective_on=c.effective_on, corrects=c.corrects_id, value=c.value, done=c.done)
        for c in CheckIn.objects.filter(item=item)
    ]
    _set_item_figure(item, rules.current_checkin(history))
    item.save(update_fields=ITEM_FIGURE_FIELDS)


ITEM_FIGURE_FIELDS = ["current_value", "done", "last_checkin_on"]


def _becomes_current(item: ChecklistItem, checkin: CheckIn) -> bool:
    return rules.becomes_current(
        effective_on=checkin.effective_on,
        is_correction=checkin.corrects_id is not None,
        current_on=item.last_checkin_on,
    )


def _set_item_figure(item: ChecklistItem, current) -> None:
    item.current_value = current.value if current else None
    item.done = bool(current.done) if current else False
    item.last_checkin_on = current.effective_on if current else None


class ItemOutOfScope(PermissionDenied):
    """The item asked for is not among those the actor may see (or does not exist): the API answers it as its
    item field would, "does not exist"."""


_ITEM_COLUMNS, _CAMPAIGN_COLUMNS = Selected(ChecklistItem), Selected(Campaign)


@written_per_vendor
def _item_for_checkin_sql(connection) -> str:
    """The item with its campaign and its branch's office path, the item locked (on databases that lock rows):
    written out once per kind of database. The path by nested scalar subqueries, not joins: PostgreSQL plans the
    statement in a third of the time, and it is planned on every check-in."""
    qn = connection.ops.quote_name
    item, campaign = qn(ChecklistItem._meta.db_table), qn(Campaign._meta.db_table)
    branch, unit = qn(Branch._meta.db_table), qn(OrgUnit._meta.db_table)
    sql = (
        f"SELECT {_ITEM_COLUMNS.columns(connection)}, {_CAMPAIGN_COLUMNS.columns(connection)}, "
        f"(SELECT {unit}.{qn('path')} FROM {unit} WHERE {unit}.{qn('id')} = "
        f"(SELECT {branch}.{qn('office_id')} FROM {branch} WHERE {branch}.{qn('id')} = {item}.{qn('branch_id')}))"
        f" FROM {item} INNER JOIN {campaign} ON {campaign}.{qn('id')} = {item}.{qn('campaign_id')}"
        f" WHERE {item}.{qn('id')} = %s"
    )
    if connection.features.has_select_for_update_of:
        sql += " " + connection.ops.for_update_sql(of=(item,))
    return sql


def _item_for_checkin(actor, item: ChecklistItem, message: str) -> ChecklistItem:
    """The item with its campaign, locked, if the actor may see it (ItemOutOfScope, a PermissionDenied with
    `message`, when it is outside the actor's scope or missing). One statement written out (`_item_for_checkin_sql`)
    reads it with its office's path; the scope is then checked on that row by the rules `restrict` applies
    (`admits_branch_row`: the permission, then `Scope.covers_branch`, the branch filter's twin), so the check-in
    costs neither building the restricted query nor planning its joins. Only the item's id is used, so a caller
    may pass an unsaved `ChecklistItem(pk=…)`. An item outside the scope is locked until the refusal rolls back."""
    connection = connections[router.db_for_write(ChecklistItem)]
    pk = ChecklistItem._meta.pk.get_db_prep_value(item.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(_item_for_checkin_sql(connection), [pk])
        row = cursor.fetchone()
    if row is None:
        raise ItemOutOfScope(message)
    found = _ITEM_COLUMNS.instance(connection, row[: len(_ITEM_COLUMNS)])
    if not admits_branch_row(actor, ChecklistItem, "view", branch_id=found.branch_id, office_path=row[-1]):
        raise ItemOutOfScope(message)
    ChecklistItem.campaign.field.set_cached_value(
        found, _CAMPAIGN_COLUMNS.instance(connection, row[len(_ITEM_COLUMNS) : -1])
    )
    return found


@transaction.atomic
def checkin_record(
    *,
    actor,
    item: ChecklistItem,
    value=None,
    done=None,
    note: str = "",
    effective_on: date | None = None,
    corrects: CheckIn | None = None,
    reason: str = "",
    evidence=(),
    publish: bool = False,
) -> CheckIn:
    """Record a new figure for an item, or a correction superseding an earlier one; never edits a check-in."""
    refused = _("You may not record check-ins.")
    ensure_allowed(actor, "checklists.add_checkin", message=refused)
    item = _item_for_checkin(actor, item, refused)
    ensure_campaign_open(item.campaign)
    _ensure_not_retired(item)
    files = clean_uploads(evidence or [], field="evidence")
    today = timezone.localdate()
    if corrects is not None:
        corrects = CheckIn.objects.select_for_update(of=("self",)).get(pk=corrects.pk)
        effective_on = corrects.effective_on
    effective_on = effective_on or today
    if item.kind == ItemKind.YES_NO:
        value = None
        done = None if done is None else bool(done)
    else:
        done = None
        try:
            value = None if value in (None, "") else Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise ValidationError({"value": _("Enter a number.")}) from None
        if value is not None and not value.is_finite():
            raise ValidationError({"value": _("Enter a number.")})
    code = rules.checkin_problem(
        kind=item.kind,
        value=value,
        done=done,
        effective_on=effective_on,
        today=today,
        campaign_year=item.campaign.year,
        start=item.start_value,
        target=item.target_value,
        unit=item.unit,
        note=note,
        reason=reason,
    ) or rules.correction_problem(
        is_correction=corrects is not None,
        reason=reason,
        corrected_is_superseded=corrects is not None and CheckIn.objects.filter(corrects=corrects).exists(),
        same_item=corrects is None or corrects.item_id == item.pk,
    )
    if code:
        field, message = _checkin_messages()[code]  # translated only when one is shown
        raise ValidationError({field: message})
    recorder = user_or_none(actor)
    checkin = CheckIn(
        item=item,
        value=value,
        done=done,
        note=note or "",
        effective_on=effective_on,
        corrects=corrects,
        reason=(reason or "").strip()[:300],
        recorded_by=recorder,
        recorded_by_name=recorder.display_name[:50] if recorder is not None else "",
    )
    # The check-in, the item's cached figure when the new check-in is its current one (rules.becomes_current: the
    # usual new figure for today) and the office's figures version moved on: one statement on PostgreSQL. The item
    # is locked since it was read; the version's row is locked here, before the audit head, as every service does.
    writes = [figures_changed_write(item.campaign.office_id, checkin=True)]
    fast = _becomes_current(item, checkin)
    if fast:
        _set_item_figure(item, checkin)
        writes.append(update_write(item, ITEM_FIGURE_FIELDS))
    insert_with(checkin, [w for w in writes if w is not None])
    for f in files:
        store_evidence(CheckInEvidence, f, actor=actor, checkin=checkin, published=publish)
    # A check-in's scope is its item's (CheckIn.scope_filter goes through item__branch): the item was read in the
    # actor's scope and locked above, so the check-in is in scope without asking the database again.
    if not fast:
        _refresh_item_cache(item)
    audit_record(
        actor=actor,
        action="checklist.checkin_correct" if corrects else "checklist.checkin",
        obj=checkin,
        before={"corrects": corrects.pk, "value": corrects.figure} if corrects else None,
        after={**snapshot(checkin), "evidence": len(files)},
    )
    return checkin


@transaction.atomic
def evidence_set_published(*, actor, evidence: CheckInEvidence, published: bool) -> CheckInEvidence:
    """Show an evidence file on the public board, or take it off.

    Once the campaign is closed a file is no longer put on the board, but it may still be taken off (a photo
    shown by mistake must not stay public because the year is over).
    """
    ensure_allowed(
        actor, "checklists.change_checklistitem", evidence, action="view", message=_("You may not publish evidence.")
    )
    evidence = (
        CheckInEvidence.objects.select_for_update(of=("self",))
        .select_related("checkin__item__campaign")
        .get(pk=evidence.pk)
    )
    if published:
        ensure_campaign_open(evidence.checkin.item.campaign)
    before = {"published": evidence.published}
    evidence.published = published
    evidence.save(update_fields=["published"])
    ensure_in_scope(evidence, actor=actor, action="view")
    office_figures_changed(evidence.checkin.item.campaign.office_id)  # the API's check-in list shows the flag
    audit_record(
        actor=actor, action="checklist.evidence_publish", obj=evidence, before=before, after={"published": published}
    )
    return evidence


@transaction.atomic
def evidence_publish_many(*, actor, item: ChecklistItem, evidence_ids, published: bool) -> int:
    """Show (or take off) several of an item's evidence files on the public board at once: each file as
    `evidence_set_published` does it, one audit row each. Ids that are not the item's files are ignored."""
    ensure_allowed(
        actor, "checklists.change_checklistitem", item, action="view", message=_("You may not publish evidence.")
    )
    files = CheckInEvidence.objects.filter(checkin__item=item, pk__in=list(evidence_ids)).order_by("pk")
    changed = 0
    for evidence in files:
        if evidence.published != published:
            evidence_set_published(actor=actor, evidence=evidence, published=published)
            changed += 1
    return changed


@transaction.atomic
def policy_set(*, actor, office: OrgUnit, behind_tolerance) -> ProgressPolicy:
    """Set how far below the straight line an item may fall before it is flagged as behind."""
    ensure_allowed(
        actor,
        "checklists.change_progresspolicy",
        office,
        action="view",
        message=_("You may not change the progress settings."),
    )
    try:
        tolerance = Decimal(str(behind_tolerance))
    except InvalidOperation as exc:
        raise ValidationError({"behind_tolerance": _("Enter a number between 0 and 1.")}) from exc
    if not Decimal("0") <= tolerance <= Decimal("1"):
        raise ValidationError({"behind_tolerance": _("Enter a number between 0 and 1.")})
    policy, _created = ProgressPolicy.objects.get_or_create(office=office)
    before = snapshot(policy)
    policy.behind_tolerance = tolerance
    policy.save()
    ensure_in_scope(policy, actor=actor, action="change")
    office_figures_changed(office.pk)
    audit_record(actor=actor, action="checklist.policy_set", obj=policy, before=before, after=snapshot(policy))
    return policy
