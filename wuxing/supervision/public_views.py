"""Supervision on the office's public site (no sign-in): published rankings and 红黑榜, public observation rankings,
and the form where anyone reports a problem with a branch's creation work.

Branch names and scores only: no observer, no reporter and no contact is ever put in these pages (R16).
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render

from wuxing.core.extensions import app_links
from wuxing.core.middleware import client_ip
from wuxing.org.selectors import public_office

from . import selectors, services
from .choices import EvaluationStatus
from .forms import PublicReportForm
from .models import Evaluation, Observation
from .views import evaluation_context


def _published(office):
    return (
        Evaluation.objects.filter(campaign__office=office, status=EvaluationStatus.PUBLISHED, public=True)
        .select_related("campaign")
        .prefetch_related("tags")
        .order_by("-campaign__year", "-quarter", "-id")
    )


def _public_observations(office):
    return (
        Observation.objects.filter(campaign__office=office, public=True)
        .select_related("sheet")
        .order_by("-held_on", "-id")
    )


def rankings(request, office_code: str):
    office = public_office(office_code)
    return render(
        request,
        "supervision/public/rankings.html",
        {
            "office": office,
            "evaluations": list(_published(office)[:12]),
            "observations": list(_public_observations(office)[:12]),
            "links": app_links("public_links", office=office),
        },
    )


def evaluation(request, office_code: str, pk: int):
    office = public_office(office_code)
    found = _published(office).filter(pk=pk).first()
    if found is None:
        raise Http404
    return render(request, "supervision/public/evaluation.html", {"office": office, **evaluation_context(found)})


def observation(request, office_code: str, pk: int):
    office = public_office(office_code)
    found = _public_observations(office).filter(pk=pk).first()
    if found is None:
        raise Http404
    return render(
        request,
        "supervision/public/observation.html",
        {"office": office, "observation": found, "ranking": selectors.observation_ranking(found)},
    )


def report(request, office_code: str):
    """The public's problem report; at most WUXING_PUBLIC_REPORTS_PER_DAY a day from one address."""
    office = public_office(office_code)
    form = PublicReportForm(request.POST or None, request.FILES or None, office=office)
    received = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            received = services.public_report_submit(
                office=office,
                branch=data["branch"],
                text=data["text"],
                name=data["name"],
                phone=data["phone"],
                photo=data["photo"],
                address=client_ip(request),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, errors in exc.error_dict.items():
                    form.add_error(key if key in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            form = PublicReportForm(office=office)
    return render(request, "supervision/public/report.html", {"office": office, "form": form, "received": received})
