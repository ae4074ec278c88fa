"""Excel exports of the assignments app's lists: the same campaign, scope and FilterSet as the page they come from."""

from django.utils.translation import gettext as _

from wuxing.campaigns.selectors import campaign_context, campaign_for
from wuxing.core.exports import ExportSpec, exporter

from . import selectors
from .choices import ActivityKind
from .filtersets import activity_filterset, finding_filterset, tracker_filterset
from .rules import FIVE_KINDS

KIND_LABELS = dict(ActivityKind.choices)


def responsible_label(campaign_assignment) -> str:
    """The department, or the leader with their position, who took the branch."""
    a = campaign_assignment.assignment
    return a.department.name if a.department_id else f"{a.leader.name}（{a.leader.position}）"


@exporter
def tracker_export(user, params) -> ExportSpec:
    campaign = campaign_for(user=user, params=params)
    rows = selectors.tracker_rows(tracker_filterset(user, campaign, params).qs) if campaign is not None else []
    return ExportSpec(
        filename="five-ones-tracker.xlsx",
        context=campaign_context(campaign),
        title=_("“Five ones” tracker"),
        headers=[
            _("Branch"),
            _("Department or leader"),
            *[KIND_LABELS[k] for k in FIVE_KINDS],
            _("Missing"),
            _("People delivered"),
            _("Funds delivered (10,000 yuan)"),
        ],
        rows=(
            (
                r["assignment"].assignment.branch.name,
                responsible_label(r["assignment"]),
                *[c["count"] if c["count"] else _("Missing") for c in r["cells"]],
                "、".join(str(KIND_LABELS[k]) for k in r["missing"]) or _("Complete"),
                r["assignment"].delivered_people,
                float(r["assignment"].delivered_funds),
            )
            for r in rows
        ),
        total=len(rows),
    )


@exporter
def activities_export(user, params) -> ExportSpec:
    campaign = campaign_for(user=user, params=params)
    activities = list(activity_filterset(user, campaign, params).qs) if campaign is not None else []
    return ExportSpec(
        filename="five-ones-activities.xlsx",
        context=campaign_context(campaign),
        title=_("“Five ones” activities"),
        headers=[
            _("Date"),
            _("Activity"),
            _("Branch"),
            _("Department or leader"),
            _("Participants"),
            _("Notes"),
            _("Evidence files"),
        ],
        rows=(
            (
                a.held_on,
                a.get_kind_display(),
                a.campaign_assignment.assignment.branch.name,
                responsible_label(a.campaign_assignment),
                a.participants,
                a.notes,
                len(a.evidence.all()),
            )
            for a in activities
        ),
        total=len(activities),
    )


@exporter
def findings_export(user, params) -> ExportSpec:
    campaign = campaign_for(user=user, params=params)
    findings = list(finding_filterset(user, campaign, params).qs) if campaign is not None else []
    return ExportSpec(
        filename="findings.xlsx",
        context=campaign_context(campaign),
        title=_("Strengths and weak points"),
        headers=[
            _("Branch"),
            _("Kind"),
            _("Star"),
            _("Found through"),
            _("Date"),
            _("Finding"),
            _("Department or leader"),
        ],
        rows=(
            (
                f.branch.name,
                f.get_kind_display(),
                f.star.name if f.star else "",
                f.get_source_display(),
                f.found_on,
                f.text,
                responsible_label(f.campaign_assignment) if f.campaign_assignment else "",
            )
            for f in findings
        ),
        total=len(findings),
    )
