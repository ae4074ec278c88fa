"""The office's public board (no sign-in): the progress table and each branch's report card.

Names and titles only: no phone or ID number is put in these pages (R16); only published evidence is shown.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from wuxing.campaigns.selectors import campaign_public
from wuxing.core.extensions import app_links
from wuxing.core.lists import cache_params, paginate
from wuxing.core.routers import reads_from_replica
from wuxing.core.uploads import evidence_response
from wuxing.org.figures import cached_page
from wuxing.org.models import Branch
from wuxing.org.selectors import public_office

from . import selectors
from .filtersets import PublicBoardFilterSet
from .models import CheckInEvidence
from .views import report_context


@reads_from_replica
def board(request, office_code: str):
    office = public_office(office_code)
    # Built when first used: the board as it first opens, read again from the cache, needs no filters.
    filterset = SimpleLazyObject(lambda: PublicBoardFilterSet(request.GET, Branch.objects.all()))

    def render_board():
        campaign = campaign_public(office=office)
        rows = []
        if campaign is not None and filterset.is_valid():
            # Ranked among all the office's branches, then narrowed: a branch keeps its rank whatever the search.
            rows = selectors.table_rows(campaign=campaign, branches=Branch.objects.all())
            if filterset.value("q") or filterset.value("kind"):
                shown = set(filterset.qs.filter(office_id=campaign.office_id).values_list("pk", flat=True))
                rows = [r for r in rows if r.branch.pk in shown]
            rows = filterset.filter_rows(rows)
        page = paginate(request, rows)
        return render(
            request,
            "checklists/public/board.html",
            {
                "office": office,
                "campaign": campaign,
                "rows": page,
                "page": page,
                "form": filterset.form,
                "links": app_links("public_links", office=office),
            },
        )

    # Residents open it from the QR code posted in the village: the same page for everyone, shown from the cache
    # until a figure, a name or the campaign's status changes (org.figures.cached_page).
    params = cache_params(request.GET, filterset)
    if params is None:
        return render_board()
    return cached_page(office_id=office.pk, parts=("checklists.board", *params), render=render_board)


def report_card(request, office_code: str, branch_code: str):
    office = public_office(office_code)
    branch = Branch.objects.filter(office=office, code=branch_code).select_related("office", "secretary").first()
    campaign = campaign_public(office=office)
    if branch is None or campaign is None:
        raise Http404
    context = report_context(request, branch, campaign=campaign, published_only=True)
    return render(request, "checklists/public/report_card.html", {**context, "office": office, "public": True})


def evidence_thumb(request, office_code: str, pk: int):
    """A published evidence file's thumbnail; anything unpublished or of another office is not found."""
    office = public_office(office_code)
    evidence = CheckInEvidence.objects.filter(
        pk=pk, published=True, checkin__item__branch__office=office, checkin__corrected_by__isnull=True
    ).first()
    if evidence is None or not evidence.thumbnail:
        raise Http404
    return evidence_response(evidence, thumbnail=True, public=True)
