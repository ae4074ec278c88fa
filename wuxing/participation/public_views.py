"""Residents' issues on the office's public site (no account): the phone-first report form, the status page a
tracking code opens (with the resident's verdict on the answer), the board of open issues by place and category,
and the list of closed issues with their answers.

No page here shows a resident's phone or address, nor a handler's internal notes (R16).
"""

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.campaigns.selectors import campaign_public
from wuxing.core.extensions import app_links
from wuxing.core.lists import paginate
from wuxing.core.middleware import client_ip
from wuxing.core.routers import reads_from_replica
from wuxing.org.models import Branch
from wuxing.org.selectors import public_office

from . import rules, selectors, services
from .filtersets import PublicClosedFilterSet
from .forms import IssueForm, LookupForm, OpinionForm, SurveyAnswerForm, TopicForm, VerdictForm
from .models import Solicitation

# The closed issues are paged as every list is, 20 to a page by default (a phone reads them one by one).
PUBLIC_PAGE_SIZE = 20
PUBLIC_EVENTS = {"received", "accept", "merge", "reject", "answer", "satisfied", "not_satisfied"}


def _bind_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def issue_submit(request, office_code: str):
    """随手拍: at most WUXING_PUBLIC_ISSUES_PER_DAY issues a day from one address; the resident is sent to the status
    page of the new issue, which shows its tracking code."""
    office = public_office(office_code)
    campaign = campaign_public(office=office)
    categories = services.ensure_categories(office)
    form = IssueForm(request.POST or None, request.FILES or None, office=office, categories=categories)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.issue_submit(office=office, address=client_ip(request), **form.cleaned_data)
        except ValidationError as exc:
            _bind_error(form, exc)
        else:
            return redirect(
                reverse("participation_public:issue_status", args=[office.code, issue.tracking_code]) + "?new=1"
            )
    return render(
        request,
        "participation/public/submit.html",
        {
            "office": office,
            "form": form,
            "open": campaign is not None and campaign.is_open,
            "lookup": LookupForm(),
            "links": app_links("public_links", office=office),
        },
    )


def find(request, office_code: str):
    office = public_office(office_code)
    form = LookupForm(request.GET or None)
    if form.is_valid():
        issue = services.issue_for_code(office=office, code=form.cleaned_data["code"])
        if issue is not None:
            return redirect("participation_public:issue_status", office.code, issue.tracking_code)
        form.add_error("code", _("No issue has this tracking code."))
    return render(request, "participation/public/find.html", {"office": office, "lookup": form})


def issue_status(request, office_code: str, code: str):
    office = public_office(office_code)
    issue = services.issue_for_code(office=office, code=code)
    if issue is None:
        raise Http404
    form = VerdictForm(request.POST or None) if issue.state == rules.ANSWERED else None
    if request.method == "POST":
        if form is None:
            return redirect("participation_public:issue_status", office.code, issue.tracking_code)
        if form.is_valid():
            try:
                services.issue_confirm(
                    office=office,
                    code=issue.tracking_code,
                    satisfied=form.cleaned_data["verdict"] == "satisfied",
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                _bind_error(form, exc)
            else:
                return redirect(
                    reverse("participation_public:issue_status", args=[office.code, issue.tracking_code]) + "?thanks=1"
                )
    events = [e for e in issue.events.order_by("at", "id") if e.kind in PUBLIC_EVENTS]
    return render(
        request,
        "participation/public/status.html",
        {
            "office": office,
            "issue": issue,
            "events": events,
            "form": form,
            "new": request.GET.get("new") == "1",
            "thanks": request.GET.get("thanks") == "1",
        },
    )


@reads_from_replica
def board(request, office_code: str):
    office = public_office(office_code)
    return render(
        request,
        "participation/public/board.html",
        {"office": office, **selectors.public_board(office=office), "links": app_links("public_links", office=office)},
    )


def closed(request, office_code: str):
    office = public_office(office_code)
    filterset = PublicClosedFilterSet(request.GET, selectors.public_closed(office=office))
    page = paginate(request, filterset.qs if filterset.is_valid() else filterset.queryset.none(), PUBLIC_PAGE_SIZE)
    return render(
        request,
        "participation/public/closed.html",
        {"office": office, "rows": page, "page": page, "form": filterset.form},
    )


def survey_entry(request, office_code: str):
    """满意度测评: the code printed on the sheet (or scanned from its QR code) opens the questionnaire."""
    office = public_office(office_code)
    form = LookupForm(request.GET or None)
    if form.is_valid():
        found = services.survey_code_for(office=office, code=form.cleaned_data["code"])
        if found is not None:
            return redirect("participation_public:survey_answer", office.code, found.code)
        form.add_error("code", _("This code is not valid. Check the code on your sheet."))
    return render(request, "participation/public/survey_entry.html", {"office": office, "lookup": form})


def survey_answer(request, office_code: str, code: str):
    office = public_office(office_code)
    found = services.survey_code_for(office=office, code=code)
    if found is None:
        raise Http404
    survey = found.survey
    done = request.GET.get("thanks") == "1"
    form = None
    if found.used_at is None and survey.status == "open":
        form = SurveyAnswerForm(request.POST or None, survey=survey)
        if request.method == "POST" and form.is_valid():
            try:
                services.survey_answer(
                    office=office,
                    code=found.code,
                    answers=form.answers(),
                    comment=form.cleaned_data["comment"],
                    address=client_ip(request),
                )
            except ValidationError as exc:
                _bind_error(form, exc)
            else:
                return redirect(
                    reverse("participation_public:survey_answer", args=[office.code, found.code]) + "?thanks=1"
                )
    elif request.method == "POST":
        form = None
    return render(
        request,
        "participation/public/survey_answer.html",
        {"office": office, "survey": survey, "code": found, "form": form, "done": done},
    )


def solicitations(request, office_code: str):
    office = public_office(office_code)
    return render(
        request,
        "participation/public/solicitations.html",
        {"office": office, "rows": selectors.public_solicitations(office=office)},
    )


def solicitation(request, office_code: str, pk: int):
    """征求意见 on one proposal: the proposal, its deadline and a short form (a few a day from one address)."""
    office = public_office(office_code)
    row = Solicitation.objects.filter(office=office, pk=pk).select_related("branch").first()
    if row is None:
        raise Http404
    open_now = row.closed_at is None and row.deadline >= timezone.localdate()
    form = OpinionForm(request.POST or None) if open_now else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.opinion_submit(solicitation=row, address=client_ip(request), **form.cleaned_data)
        except ValidationError as exc:
            _bind_error(form, exc)
        else:
            return redirect(reverse("participation_public:solicitation", args=[office.code, row.pk]) + "?thanks=1")
    return render(
        request,
        "participation/public/solicitation.html",
        {"office": office, "row": row, "form": form, "thanks": request.GET.get("thanks") == "1"},
    )


# ---------------------------------------------------------------------------------------------------------------
# 民情茶馆: a board per branch (moderated topics, the branch's answers, what each became, past sessions)
# ---------------------------------------------------------------------------------------------------------------


def tea(request, office_code: str):
    """The office's tea houses: one board per village or community."""
    office = public_office(office_code)
    return render(
        request,
        "participation/public/tea.html",
        {"office": office, "branches": selectors.public_tea_branches(office=office)},
    )


def tea_board(request, office_code: str, branch_code: str):
    """A branch's board, with the form to raise a topic: at most WUXING_PUBLIC_TOPICS_PER_DAY a day from one
    address; the topic shows once the office or the branch approves it."""
    office = public_office(office_code)
    branch = Branch.objects.filter(office=office, code=branch_code, retired_at__isnull=True).first()
    if branch is None:
        raise Http404
    campaign = campaign_public(office=office)
    status = 200
    try:
        data = request.POST if request.method == "POST" else None
    except RequestDataTooBig:
        data, status = None, 413
    form = TopicForm(data)
    if data is not None and form.is_valid():
        try:
            services.topic_submit(office=office, branch=branch, address=client_ip(request), **form.cleaned_data)
        except ValidationError as exc:
            _bind_error(form, exc)
        else:
            return redirect(
                reverse("participation_public:tea_board", args=[office.code, branch.code]) + "?thanks=1#topic-form"
            )
    return render(
        request,
        "participation/public/tea_board.html",
        {
            "office": office,
            "branch": branch,
            "form": form,
            "open": campaign is not None and campaign.is_open,
            "thanks": request.GET.get("thanks") == "1",
            "too_long": status == 413,
            **selectors.public_tea_board(branch=branch),
        },
        status=status,
    )
