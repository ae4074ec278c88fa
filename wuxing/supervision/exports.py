"""Excel exports of supervision's lists: the same campaign, scope and FilterSet as the page they come from.

The public's contact (R16) is masked in every export unless the exporting user holds the reveal permission.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wuxing.campaigns.selectors import campaign_context, campaign_for
from wuxing.core.exports import ExportSpec, exporter
from wuxing.core.rules import mask_phone

from . import rules, selectors
from .filtersets import finding_filterset, inspection_filterset, observation_filterset, rectification_filterset


def mask_name(name: str) -> str:
    """The reporter's name as 张** unless revealed."""
    return f"{name[:1]}{'*' * (len(name) - 1)}" if name else ""


def _num(value):
    return None if value is None else float(value)


def _int_param(params, name) -> int:
    raw = str(params.get(name) or "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else 0


@exporter
def observation_export(user, params) -> ExportSpec:
    """One observation's ranking (with `observation=`), else the list of observations."""
    pk = _int_param(params, "observation")
    if pk:
        observation = selectors.observation_list(user=user).filter(pk=pk).first()
        rows = selectors.observation_ranking(observation) if observation else []
        return ExportSpec(
            filename="observation-ranking.xlsx",
            context=(str(observation),) if observation else (),
            title=_("Observation ranking"),
            headers=[_("Rank"), _("Branch"), _("Score"), _("Share of the maximum (%)"), _("Observers submitted")],
            rows=((r.rank, r.branch.name, _num(r.score), _num(r.percent), f"{r.submitted}/{r.expected}") for r in rows),
            total=len(rows),
        )
    campaign = campaign_for(user=user, params=params)
    observations = list(observation_filterset(user, campaign, params).qs) if campaign is not None else []
    return ExportSpec(
        filename="observations.xlsx",
        context=campaign_context(campaign),
        title=_("Monthly observations"),
        headers=[_("Date"), pgettext("supervision", "Title"), _("Branches"), _("Observers"), _("Cards submitted")],
        rows=((o.held_on, o.title, o.n_stops, o.n_observers, f"{o.n_submitted}/{o.n_cards}") for o in observations),
        total=len(observations),
    )


@exporter
def evaluation_export(user, params) -> ExportSpec:
    evaluation = selectors.evaluation_list(user=user).filter(pk=_int_param(params, "evaluation")).first()
    rows = selectors.evaluation_rows(evaluation) if evaluation else []
    boards = {"red": _("Red list"), "black": _("Black list"), "": ""}
    return ExportSpec(
        filename="evaluation.xlsx",
        title=str(evaluation.title if evaluation else _("Quarterly evaluation")),
        headers=[
            _("Rank"),
            _("Branch"),
            _("Score"),
            _("Observation score"),
            _("Checklist progress"),
            _("Daily report punctuality"),
            _("Rectification closure rate"),
            _("Resident satisfaction"),
            _("List"),
            _("Re-weighted (missing)"),
        ],
        rows=(
            (
                r.rank,
                r.branch.name,
                _num(r.score),
                _num(r.observation),
                _num(r.checklist),
                _num(r.punctuality),
                _num(r.rectification),
                _num(r.satisfaction),
                boards.get(r.board, ""),
                "、".join(r.missing or []),
            )
            for r in rows
        ),
        total=len(rows),
    )


@exporter
def inspections_export(user, params) -> ExportSpec:
    campaign = campaign_for(user=user, params=params)
    inspections = list(inspection_filterset(user, campaign, params).qs) if campaign is not None else []
    return ExportSpec(
        filename="inspections.xlsx",
        context=campaign_context(campaign),
        title=_("Inspections"),
        headers=[
            _("Date"),
            _("Mode"),
            pgettext("supervision", "Title"),
            _("Inspectors"),
            _("Branches visited"),
            _("Activities"),
            _("Problems found"),
        ],
        rows=(
            (
                i.held_on,
                i.get_mode_display(),
                i.title,
                "、".join(p.name for p in i.inspectors.all()),
                "、".join(b.name for b in i.branches.all()),
                "、".join(t.name for t in i.tags.all()),
                i.n_findings,
            )
            for i in inspections
        ),
        total=len(inspections),
    )


@exporter
def findings_export(user, params) -> ExportSpec:
    campaign = campaign_for(user=user, params=params)
    findings = list(finding_filterset(user, campaign, params).qs) if campaign is not None else []
    return ExportSpec(
        filename="inspection-findings.xlsx",
        context=campaign_context(campaign),
        title=_("Inspection findings"),
        headers=[
            _("Date"),
            _("Branch"),
            _("Source"),
            _("Triage"),
            _("Check"),
            _("Severity"),
            _("Star"),
            _("Indicator"),
            pgettext("finding", "Description"),
            _("Responsible person"),
            _("Responsible department"),
        ],
        rows=(
            (
                f.found_on,
                f.branch.name,
                f.get_source_display(),
                f.get_triage_display(),
                f.get_category_display(),
                f.get_severity_display(),
                f.star.name if f.star else "",
                f.indicator.text if f.indicator else "",
                f.description,
                f.responsible_person,
                f.responsible_department.name if f.responsible_department else "",
            )
            for f in findings
        ),
        total=len(findings),
    )


@exporter
def rectifications_export(user, params) -> ExportSpec:
    campaign = campaign_for(user=user, params=params)
    rows = list(rectification_filterset(user, campaign, params).qs) if campaign is not None else []
    today = timezone.localdate()
    return ExportSpec(
        filename="rectifications.xlsx",
        context=campaign_context(campaign),
        title=_("Rectifications"),
        headers=[
            _("Branch"),
            _("Check"),
            _("What must be done"),
            _("Responsible person"),
            _("Responsible department"),
            _("Responsible leader"),
            _("Due"),
            _("State"),
            _("Days overdue"),
            _("Times returned"),
        ],
        rows=(
            (
                r.finding.branch.name,
                r.finding.get_category_display(),
                r.task,
                r.responsible_person,
                r.responsible_department.name if r.responsible_department else "",
                r.leader.name if r.leader else "",
                r.due_on,
                r.get_state_display(),
                rules.days_overdue(r.due_on, today) if rules.is_overdue(r.state, r.due_on, today) else 0,
                r.returned_count,
            )
            for r in rows
        ),
        total=len(rows),
    )


@exporter
def boards_export(user, params) -> ExportSpec:
    by = params.get("by") if params.get("by") in selectors.BOARDS else "branch"
    campaign = campaign_for(user=user, params=params)
    rows = selectors.boards(user=user, campaign=campaign, by=by) if campaign is not None else []
    return ExportSpec(
        filename=f"supervision-board-{by}.xlsx",
        context=campaign_context(campaign),
        title=_("Supervision board"),
        headers=[
            _("Name"),
            _("Problems found"),
            _("Open rectifications"),
            _("Overdue"),
            _("Verified and closed"),
            _("Closure rate (%)"),
        ],
        rows=((r.label, r.findings, r.open, r.overdue, r.verified, _num(r.closure_rate)) for r in rows),
        total=len(rows),
    )


@exporter
def accountability_export(user, params) -> ExportSpec:
    campaign = campaign_for(user=user, params=params)
    rows = list(selectors.accountability_list(user=user, campaign=campaign)) if campaign is not None else []
    return ExportSpec(
        filename="accountability.xlsx",
        context=campaign_context(campaign),
        title=_("Accountability records"),
        headers=[
            _("Decided on"),
            _("Branch"),
            _("Person held accountable"),
            _("Position"),
            _("Accountability decision"),
            _("What for"),
        ],
        rows=(
            (a.decided_on, a.finding.branch.name, a.person_name, a.position, a.get_decision_display(), a.reason)
            for a in rows
        ),
        total=len(rows),
    )


@exporter
def public_reports_export(user, params) -> ExportSpec:
    """The public's reports; the reporter's phone is masked unless the user holds the reveal permission (R16)."""
    campaign = campaign_for(user=user, params=params)
    rows = list(selectors.public_report_list(user=user, campaign=campaign)) if campaign is not None else []
    reveal = user.has_perm("supervision.reveal_contact")
    return ExportSpec(
        filename="public-reports.xlsx",
        context=campaign_context(campaign),
        title=_("Reports from the public"),
        headers=[_("Received"), _("Branch"), _("Report"), _("Name"), _("Contact phone"), _("Triage")],
        rows=(
            (
                r.received_at,
                r.finding.branch.name,
                r.text,
                r.name if reveal else mask_name(r.name),
                r.phone if reveal else mask_phone(r.phone),
                r.finding.get_triage_display(),
            )
            for r in rows
        ),
        total=len(rows),
    )
