"""The office's public board (no sign-in): the progress table and each branch's report card.

Names and titles only: no phone or ID number is put in these pages (R16); only published evidence is shown.
"""

from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from wuxing.campaigns.choices import CampaignStatus
from wuxing.campaigns.models import Campaign
from wuxing.core.uploads import evidence_response
from wuxing.org.models import Branch
from wuxing.org.selectors import public_office

from . import selectors
from .models import CheckInEvidence
from .views import report_context


def _public_campaign(office):
    """The campaign the public board shows (no user, so no campaign_for): the running one, else the latest that
    has started."""
    qs = Campaign.objects.filter(office=office).select_related("standard").order_by("-year")
    return qs.filter(status=CampaignStatus.RUNNING).first() or qs.exclude(status=CampaignStatus.PREPARING).first()


def _other_public_pages(office) -> list[tuple[str, str]]:
    """Links to the other apps' public pages, where those apps provide them."""
    links = []
    for name, label in [
        ("deliberations_public:notice_list", _("Public notices")),
        ("showcase_public:site_list", _("Demonstration sites")),
    ]:
        try:
            links.append((label, reverse(name, args=[office.code])))
        except NoReverseMatch:
            continue
    return links


def board(request, office_code: str):
    office = public_office(office_code)
    campaign = _public_campaign(office)
    rows = []
    if campaign is not None:
        rows = selectors.progress_rows(
            campaign=campaign, branches=selectors.branches_of(campaign, Branch.objects.all())
        )
        rows.sort(key=selectors.SORTS["rank"])
    return render(
        request,
        "checklists/public/board.html",
        {"office": office, "campaign": campaign, "rows": rows, "links": _other_public_pages(office)},
    )


def report_card(request, office_code: str, branch_code: str):
    office = public_office(office_code)
    branch = Branch.objects.filter(office=office, code=branch_code).select_related("office", "secretary").first()
    campaign = _public_campaign(office)
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
    return evidence_response(evidence, thumbnail=True)
