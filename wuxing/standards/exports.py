"""Excel exports of the standards and their indicators, read through the same selectors as the pages."""

from django.utils.translation import gettext as _

from wuxing.core.exports import ExportSpec, exporter

from .filtersets import StandardFilterSet
from .selectors import standard_get, standard_list, star_sets


@exporter
def standards_export(user, params) -> ExportSpec:
    filterset = StandardFilterSet(params, standard_list(user=user), user=user)
    standards = list(filterset.qs) if filterset.is_valid() else []
    return ExportSpec(
        filename="standards.xlsx",
        title=_("Standards"),
        headers=[_("Code"), _("Version"), _("Name"), _("Example"), _("Loaded")],
        rows=((s.code, s.version, s.name, s.is_example, s.loaded_at) for s in standards),
        total=len(standards),
    )


@exporter
def indicators_export(user, params) -> ExportSpec:
    standard = standard_get(user=user, pk=int(params["pk"]))
    rows = [
        (
            group["label"],
            s.position,
            s.name,
            s.code,
            i.code,
            i.text,
            i.get_kind_display(),
            i.unit,
            i.get_comparison_display() if i.comparison else "",
            i.threshold,
            i.weight,
            i.responsible_department,
            i.veto,
        )
        for group in star_sets(standard)
        for s in group["stars"]
        for i in s.indicators.all()
    ]
    return ExportSpec(
        filename=f"{standard.code}-{standard.version}.xlsx",
        context=(standard.name, standard.version),
        title=_("Indicators"),
        headers=[
            _("Star set"),
            _("Order"),
            _("Star"),
            _("Star code"),
            _("Indicator code"),
            _("Indicator"),
            _("Kind"),
            _("Unit"),
            _("Comparison"),
            _("Threshold"),
            _("Weight"),
            _("Responsible department"),
            _("Veto"),
        ],
        rows=rows,
        total=len(rows),
    )
