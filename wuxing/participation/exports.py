"""Excel export of the work-order list: the same campaign, scope and FilterSet as the page. The resident's phone is
masked unless the exporting user holds the reveal permission (R16)."""

from django.utils.translation import gettext as _

from wuxing.campaigns.selectors import campaign_for
from wuxing.core.exports import ExportSpec, exporter
from wuxing.core.rules import mask_phone

from .filtersets import issue_filterset


@exporter
def issues_export(user, params) -> ExportSpec:
    campaign = campaign_for(user=user, params=params)
    rows = list(issue_filterset(user, campaign, params).qs) if campaign is not None else []
    reveal = user.has_perm("participation.reveal_contact")
    return ExportSpec(
        filename="resident-issues.xlsx",
        title=_("Resident issues"),
        headers=[
            _("Tracking code"),
            _("Received"),
            _("Category"),
            _("Place"),
            _("What was reported"),
            _("Contact phone"),
            _("State"),
            _("Handled by"),
            _("Due"),
            _("Answer"),
            _("Closed at"),
            _("Resident's verdict"),
        ],
        rows=(
            (
                r.tracking_code,
                r.received_at,
                r.category.name,
                r.branch.name,
                r.description,
                r.phone if reveal else mask_phone(r.phone),
                r.get_state_display(),
                r.department.name if r.department_id else r.branch.name,
                r.due_on,
                r.answer,
                r.closed_at,
                r.get_satisfaction_display(),
            )
            for r in rows
        ),
        total=len(rows),
    )
