"""Excel export of the campaign list, read through the same selector as its page."""

from django.utils.translation import gettext as _

from wuxing.core.exports import ExportSpec, exporter

from .filtersets import CampaignFilterSet
from .selectors import campaign_list


@exporter
def campaigns_export(user, params) -> ExportSpec:
    filterset = CampaignFilterSet(params, campaign_list(user=user), user=user)
    campaigns = list(filterset.qs) if filterset.is_valid() else []
    return ExportSpec(
        filename="campaigns.xlsx",
        title=_("Campaigns"),
        headers=[_("Year"), _("Name"), _("Office"), _("Status"), _("Standard"), _("Quotas")],
        rows=(
            (
                c.year,
                c.name,
                c.office.name,
                c.get_status_display(),
                str(c.standard),
                " ".join(f"{q.level}★×{q.count}" for q in c.quotas.all()),
            )
            for c in campaigns
        ),
        total=len(campaigns),
    )
