"""Excel exports of the check-in lists: a branch's list, an item's history, the progress table and the dashboard's
behind-and-overdue list. Each reads through the same scoped selectors and FilterSets as its page."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wuxing.campaigns.selectors import campaign_context, campaign_for
from wuxing.core.exports import ExportSpec, exporter
from wuxing.core.formatting import plain_number
from wuxing.org.models import Branch
from wuxing.org.selectors import branch_get, unit_get

from . import selectors
from .choices import ItemState
from .filtersets import ChecklistFilterSet, ProgressFilterSet


def _state_label(status) -> str:
    return str(ItemState(status.state).label)


def _pk(params, name: str) -> int:
    value = str(params.get(name) or "")
    return int(value) if value.isdigit() and len(value) < 19 else 0


def _percent(value) -> str:
    return f"{round(value * 100)}%"


@exporter
def checklist_export(user, params) -> ExportSpec:
    """A branch's list (?branch=, ?campaign=, ?state=), as on its page."""
    branch = branch_get(user=user, pk=_pk(params, "branch"))
    campaign = campaign_for(user=user, params=params, office=branch.office)
    rows = []
    if campaign is not None:
        filterset = ChecklistFilterSet(
            params, selectors.item_list(user=user, branch=branch, campaign=campaign), user=user
        )
        rows = filterset.filter_rows(
            selectors.item_rows(filterset.qs, timezone.localdate(), selectors.tolerance_for(branch.office_id))
        )
    return ExportSpec(
        filename=f"checklist-{branch.code}.xlsx",
        context=(branch.name, campaign.year) if campaign is not None else (branch.name,),
        title=_("Check-in list"),
        headers=[
            _("Star"),
            _("Title"),
            _("Kind"),
            _("Start value"),
            _("Current value"),
            _("Target value"),
            _("Unit"),
            _("Weight"),
            _("Owner"),
            _("Start date"),
            _("Due date"),
            _("Progress"),
            _("Expected"),
            _("State"),
        ],
        rows=(
            (
                r.item.star.name,
                r.item.title,
                r.item.get_kind_display(),
                plain_number(r.item.start_value) if r.item.is_quantitative else "",
                plain_number(r.item.current_value)
                if r.item.is_quantitative
                else (_("Done") if r.item.done else _("Not done yet")),
                plain_number(r.item.target_value),
                r.item.unit,
                plain_number(r.item.weight),
                r.item.owner.name if r.item.owner else "",
                r.item.start_date,
                r.item.due_date,
                _percent(r.status.progress),
                _percent(r.status.expected),
                _state_label(r.status),
            )
            for r in rows
        ),
        total=len(rows),
    )


@exporter
def history_export(user, params) -> ExportSpec:
    """An item's check-ins (?item=), corrections included."""
    item = selectors.item_get(user=user, pk=_pk(params, "item"))
    history = selectors.checkin_history(item)
    return ExportSpec(
        filename=f"checkins-{item.branch.code}-{item.pk}.xlsx",
        context=(item.branch.name, item.title),
        title=pgettext("check-ins", "History"),
        headers=[
            _("Date"),
            _("Value") if item.is_quantitative else _("Done?"),
            _("Unit"),
            _("Note"),
            _("Correction"),
            _("Reason for the correction"),
            _("Corrected"),
            _("Current"),
            _("Recorded by"),
            _("Recorded at"),
            _("Evidence"),
        ],
        rows=(
            (
                c.effective_on,
                plain_number(c.value) if c.done is None else (_("Done") if c.done else _("Not done yet")),
                item.unit,
                c.note,
                bool(c.corrects_id),
                c.reason,
                c.superseded,
                c.is_current,
                c.recorded_by_name or _("System"),
                c.recorded_at,
                "、".join(e.original_name for e in c.evidence.all()),
            )
            for c in history
        ),
        total=len(history),
    )


@exporter
def progress_export(user, params) -> ExportSpec:
    """The progress table (?campaign= and the filters of ProgressFilterSet), as on its page."""
    campaign = campaign_for(user=user, params=params)
    rows = []
    if campaign is not None:
        filterset = ProgressFilterSet(params, Branch.objects.all(), user=user)
        rows = filterset.filter_rows(selectors.progress_table(user=user, campaign=campaign, branches=filterset.qs))
    return ExportSpec(
        filename="progress-table.xlsx",
        context=campaign_context(campaign),
        title=_("Progress table"),
        headers=[
            _("Rank"),
            _("Code"),
            _("Branch"),
            _("Target level"),
            _("Overall progress"),
            _("Progress per star"),
            _("Items"),
            _("Done"),
            _("Behind"),
            _("Overdue"),
            _("Secretary"),
            _("Leaders"),
            _("Departments"),
        ],
        rows=(
            (
                r.rank,
                r.branch.code,
                r.branch.name,
                r.target_level,
                "" if r.progress.overall is None else _percent(r.progress.overall),
                "；".join(f"{s.name} {'—' if v is None else _percent(v)}" for s, v in r.stars),
                r.progress.items,
                r.progress.done,
                r.progress.behind,
                r.progress.overdue,
                r.secretary,
                r.leaders,
                r.departments,
            )
            for r in rows
        ),
        total=len(rows),
    )


@exporter
def flagged_export(user, params) -> ExportSpec:
    """The dashboard's items behind or overdue (?campaign=)."""
    campaign = campaign_for(user=user, params=params)
    flagged = selectors.flagged_items(user=user, campaign=campaign)[2] if campaign is not None else []
    return ExportSpec(
        filename="behind-and-overdue.xlsx",
        context=campaign_context(campaign),
        title=_("Behind and overdue"),
        headers=[
            _("Branch"),
            _("Star"),
            _("Item"),
            _("State"),
            _("Progress"),
            _("Expected"),
            _("Due date"),
            _("Owner"),
        ],
        rows=(
            (
                b.name,
                r.item.star.name,
                r.item.title,
                _state_label(r.status),
                _percent(r.status.progress),
                _percent(r.status.expected),
                r.item.due_date,
                r.item.owner.name if r.item.owner else "",
            )
            for b, r in flagged
        ),
        total=len(flagged),
    )


def _share(value) -> str:
    return "" if value is None else f"{round(value * 100, 1)}%"


@exporter
def scope_progress_export(user, params) -> ExportSpec:
    """Every branch in the user's scope (?unit= narrows it to a unit's subtree) with its progress in the year's
    campaign of its office (?year=, this year by default): the table across a district, a city or a province.

    Rows are produced a chunk of branches at a time (selectors.scope_progress_chunks) and written as they come, so
    the export of 50,000 branches runs in constant memory (docs/scale.md)."""
    if not user.has_perm("checklists.view_checklistitem"):
        raise PermissionDenied
    year = _pk(params, "year")
    year = year if 2000 <= year <= 2100 else timezone.localdate().year
    unit = _pk(params, "unit")
    within = unit_get(user=user, pk=unit) if unit else None
    today = timezone.localdate()

    def rows():
        # The kinds' labels made once, in the language the rows are written in (get_kind_display builds the
        # field's choices anew for every row: about 7 % of the time of a city's table).
        kinds = {value: str(label) for value, label in Branch._meta.get_field("kind").flatchoices}
        for chunk in selectors.scope_progress_chunks(user=user, year=year, within=within, today=today):
            # Each row is let go once written, so a chunk is gone before the next one is read.
            chunk.reverse()
            while chunk:
                r = chunk.pop()
                office = r.branch.office
                district = office.parent
                city = district.parent if district is not None else None
                yield (
                    city.name if city is not None else "",
                    district.name if district is not None else "",
                    office.name,
                    r.branch.code,
                    r.branch.name,
                    kinds.get(r.branch.kind, r.branch.kind),
                    r.target_level,
                    _share(r.progress.overall),
                    _share(r.progress.expected),
                    "；".join(f"{s.name} {'—' if v is None else _percent(v)}" for s, v in r.stars),
                    r.progress.items,
                    r.progress.done,
                    r.progress.behind,
                    r.progress.overdue,
                    r.rank,
                    r.secretary,
                    r.leaders,
                    r.departments,
                )

    return ExportSpec(
        filename=f"branch-progress-{year}.xlsx",
        context=(within.name if within is not None else "", year),
        title=_("Progress of every branch"),
        headers=[
            _("City"),
            _("District"),
            _("Office"),
            _("Code"),
            _("Branch"),
            _("Kind"),
            _("Target level"),
            _("Overall progress"),
            _("Expected"),
            _("Progress per star"),
            _("Items"),
            _("Done"),
            _("Behind"),
            _("Overdue"),
            _("Rank in the office"),
            _("Secretary"),
            _("Leaders"),
            _("Departments"),
        ],
        rows=rows(),
        total=selectors.scope_branches(user=user, within=within).count(),
    )
