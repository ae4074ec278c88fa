"""Excel exports of the targets app, read through the same selectors and campaign choice as their pages."""

from django.utils.translation import gettext as _

from wuxing.campaigns.selectors import campaign_context, campaign_for
from wuxing.core.exports import ExportSpec, exporter

from . import rules, selectors
from .filtersets import TargetBoardFilterSet


@exporter
def targets_export(user, params) -> ExportSpec:
    campaign = campaign_for(user=user, params=params)
    # The branches of the board's list, as its toolbar filters and sorts them.
    board, branches = selectors.Board(), []
    if campaign is not None:
        board = selectors.target_board(user=user, campaign=campaign)
        filterset = TargetBoardFilterSet(params, selectors.board_branches(user=user, campaign=campaign), user=user)
        branches = list(filterset.qs) if filterset.is_valid() else []
    board_rows = selectors.board_rows(board, branches)

    def rows():
        for branch, target in board_rows:
            yield (
                branch.code,
                branch.name,
                branch.get_kind_display(),
                target.level if target else "",
                "、".join(s.name for s in target.stars.all()) if target else "",
                target.get_status_display() if target else _("Not applied"),
                target.reason if target else "",
                target.office_note if target else "",
            )

    return ExportSpec(
        filename="targets.xlsx",
        context=campaign_context(campaign),
        title=_("Targets"),
        headers=[
            _("Code"),
            _("Branch"),
            _("Kind"),
            _("Target level"),
            _("Stars"),
            _("Status"),
            _("Reason"),
            _("Office's reason"),
        ],
        rows=rows(),
        total=len(board_rows),
    )


@exporter
def baseline_export(user, params) -> ExportSpec:
    campaign = campaign_for(user=user, params=params)
    matrix = selectors.baseline_matrix(user=user, campaign=campaign) if campaign else selectors.BaselineMatrix({}, [])
    labels = {rules.SUGGEST_MET: _("Met"), rules.SUGGEST_REALISTIC: _("Realistic"), rules.SUGGEST_STRETCH: _("Stretch")}

    def rows():
        for row in matrix.rows:
            yield (
                row.branch.code,
                row.branch.name,
                row.branch.get_star_set_display(),
                row.baseline.surveyed_on if row.baseline else "",
                *[f"{star.name}：{labels.get(c, '—')}" for star, c in row.cells],
                "、".join(star.name for star, _c in row.cells if star.code in row.suggested),
            )

    return ExportSpec(
        filename="baseline.xlsx",
        context=campaign_context(campaign),
        title=_("Baseline survey"),
        headers=[
            _("Code"),
            _("Branch"),
            _("Star set"),
            _("Surveyed on"),
            "1",
            "2",
            "3",
            "4",
            "5",
            _("Suggested stars"),
        ],
        rows=rows(),
        total=len(matrix.rows),
    )
