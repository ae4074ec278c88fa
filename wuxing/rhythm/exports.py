"""Excel exports of the rhythm's lists: the same campaign, scope and FilterSet as the page they come from."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.campaigns.selectors import campaign_context, campaign_for
from wuxing.core.exports import ExportSpec, exporter

from . import rules, selectors
from .choices import ReportStatus
from .filtersets import ActionFilterSet, HelpFilterSet, MeetingFilterSet


def filtered(filterset_class, qs, user, params):
    """The list's rows after its FilterSet (an invalid filter shows nothing rather than everything)."""
    filterset = filterset_class(params, queryset=qs, user=user)
    return filterset.qs if filterset.is_valid() else qs.none()


@exporter
def actions_export(user, params) -> ExportSpec:
    campaign = campaign_for(user=user, params=params)
    rows = (
        list(filtered(ActionFilterSet, selectors.action_list(user=user, campaign=campaign), user, params))
        if campaign
        else []
    )
    today = timezone.localdate()
    return ExportSpec(
        filename="actions.xlsx",
        context=campaign_context(campaign),
        title=_("Supervised actions"),
        headers=[
            _("Meeting decision"),
            _("Meeting"),
            _("Owner"),
            _("Branch"),
            _("Due"),
            _("Status"),
            _("Evidence of completion"),
        ],
        rows=(
            (
                a.title,
                f"{a.meeting.held_on:%Y-%m-%d} {a.meeting.get_kind_display()}",
                a.owner,
                a.branch.name if a.branch_id else "",
                a.due_on,
                _("overdue")
                if rules.is_action_overdue(due_on=a.due_on, done=a.status == "done", today=today)
                else a.get_status_display(),
                a.evidence,
            )
            for a in rows
        ),
        total=len(rows),
    )


@exporter
def help_export(user, params) -> ExportSpec:
    campaign = campaign_for(user=user, params=params)
    rows = (
        list(filtered(HelpFilterSet, selectors.help_list(user=user, campaign=campaign), user, params))
        if campaign
        else []
    )
    return ExportSpec(
        filename="help-requests.xlsx",
        context=campaign_context(campaign),
        title=_("Help requests"),
        headers=[_("Asked"), _("Branch"), _("Help requested"), _("Routed to"), _("Status"), _("Answer")],
        rows=((h.created_at, h.branch.name, h.text, h.routed_to, h.get_status_display(), h.answer) for h in rows),
        total=len(rows),
    )


@exporter
def meetings_export(user, params) -> ExportSpec:
    campaign = campaign_for(user=user, params=params)
    rows = (
        list(filtered(MeetingFilterSet, selectors.meeting_list(user=user, campaign=campaign), user, params))
        if campaign
        else []
    )
    return ExportSpec(
        filename="meetings.xlsx",
        context=campaign_context(campaign),
        title=_("Meetings"),
        headers=[
            _("Date"),
            _("Kind"),
            _("Title"),
            _("Attendance"),
            _("Meeting minutes"),
            _("Decisions"),
            _("In progress"),
        ],
        rows=((m.held_on, m.get_kind_display(), m.title, m.attendees, m.minutes, m.n_actions, m.n_open) for m in rows),
        total=len(rows),
    )


@exporter
def digest_export(user, params) -> ExportSpec:
    campaign = campaign_for(user=user, params=params)
    try:
        day = datetime.date.fromisoformat(params.get("day") or "")
    except ValueError:
        day = rules.last_working_day(timezone.localdate())
    rows = selectors.digest(user=user, campaign=campaign, day=day)["rows"] if campaign else []
    labels = dict(ReportStatus.choices)
    return ExportSpec(
        filename=f"daily-digest-{day:%Y%m%d}.xlsx",
        context=campaign_context(campaign),
        title=_("Daily digest of %(day)s") % {"day": day.isoformat()},
        headers=[_("Branch"), _("Status"), _("Submitted at"), _("Progress made"), _("Problems")],
        rows=(
            (
                r.branch.name,
                labels.get(r.status, ""),
                r.report.submitted_at if r.report else "",
                r.report.progress if r.report else "",
                r.report.problems if r.report else "",
            )
            for r in rows
        ),
        total=len(rows),
    )
