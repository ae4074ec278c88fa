"""The public showcase of an office's demonstration sites: names, titles and figures only (R16)."""

from django.http import Http404
from django.shortcuts import render

from wuxing.org.selectors import public_office

from . import selectors


def site_list(request, office_code: str):
    office = public_office(office_code)
    sites = list(selectors.public_sites(office=office))
    totals = selectors.site_totals(s.pk for s in sites)
    for s in sites:
        s.project_list = selectors.decorate_projects(s)
        s.totals = totals[s.pk]
    return render(request, "showcase/public_site_list.html", {"office": office, "sites": sites})


def site_detail(request, office_code: str, pk: int):
    office = public_office(office_code)
    site = selectors.public_sites(office=office).filter(pk=pk).first()
    if site is None:
        raise Http404
    context = {
        "office": office,
        "site": site,
        "projects": selectors.decorate_projects(site),
        "structures": selectors.site_structures(site.projects.all()),
        "totals": selectors.site_totals([site.pk])[site.pk],
        "levels": selectors.level_board(site.campaign, [site.branch_id])[site.branch_id],
    }
    return render(request, "showcase/public_site_detail.html", context)
