"""Excel export of the deliberations list, read through the same selector and FilterSet as its page."""

from django.utils.translation import gettext as _

from wuxing.core.exports import ExportSpec, exporter

from .choices import Step
from .filtersets import DeliberationFilterSet
from .selectors import deliberation_list


@exporter
def deliberations_export(user, params) -> ExportSpec:
    items = list(DeliberationFilterSet(params, deliberation_list(user=user), user=user).qs)

    def rows():
        for d in items:
            steps = {s.step: s for s in d.steps.all()}
            yield (
                d.branch.name,
                d.subject,
                d.get_matter_display(),
                d.get_procedure_display(),
                d.get_status_display(),
                "、".join(str(Step(s).label) for s in steps),
                d.implemented_on or "",
                d.created_at.date(),
            )

    return ExportSpec(
        filename="deliberations.xlsx",
        title=_("Deliberations"),
        headers=[
            _("Branch"),
            _("Subject"),
            _("Kind of matter"),
            _("Procedure"),
            _("Status"),
            _("Steps recorded"),
            _("Implemented on"),
            _("Created"),
        ],
        rows=rows(),
        total=len(items),
    )
