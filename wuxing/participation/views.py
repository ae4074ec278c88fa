"""Pages of residents' issues as the office and the handlers see them: the work-order list, one order with its
triage, handling notes and answer, the figures per branch and department, and the categories."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from wuxing.campaigns.selectors import campaign_for
from wuxing.core.exports import export_response
from wuxing.core.history import record_history
from wuxing.core.lists import paginate
from wuxing.core.uploads import evidence_response
from wuxing.deliberations.selectors import deliberation_list
from wuxing.org.selectors import branch_list

from . import rules, selectors, services
from .choices import TopicOutcome
from .exports import issues_export
from .filtersets import SessionFilterSet, issue_filterset, topic_filterset
from .forms import (
    AnswerForm,
    CategoryForm,
    CodesForm,
    ConvertForm,
    ModerateForm,
    NoteForm,
    SessionForm,
    SolicitationForm,
    SurveyForm,
    TopicAnswerForm,
    TriageForm,
)
from .models import Issue, Solicitation, SurveyCode, TeaSession, TeaTopic


def _bind_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@permission_required("participation.view_issue", raise_exception=True)
def issue_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, issues_export)
    campaign = campaign_for(user=request.user, request=request)
    filterset = issue_filterset(request.user, campaign, request.GET) if campaign else None
    rows = filterset.qs if filterset is not None and filterset.is_valid() else Issue.objects.none()
    page = paginate(request, rows)
    return render(
        request,
        "participation/issue_list.html",
        {"campaign": campaign, "filter": filterset, "page": page, "today": timezone.localdate()},
    )


@login_required
def issue_detail(request, pk: int):
    issue = selectors.issue_get(user=request.user, pk=pk)
    user = request.user
    can_triage = issue.state == rules.RECEIVED and user.has_perm("participation.triage_issue")
    can_handle = issue.state == rules.DISPATCHED and user.has_perm("participation.change_issue")
    return render(
        request,
        "participation/issue_detail.html",
        {
            "issue": issue,
            "events": list(issue.events.select_related("by").order_by("at", "id")),
            "photos": list(issue.photos.all()),
            "can_triage": can_triage,
            "can_handle": can_handle,
            "triage_form": TriageForm(issue=issue) if can_triage else None,
            "note_form": NoteForm() if can_handle else None,
            "answer_form": AnswerForm() if can_handle else None,
            "overdue": rules.is_overdue(issue.state, issue.due_on, timezone.localdate()),
        },
    )


def _form_page(request, *, issue, form, title, submit, multipart=False):
    return render(
        request,
        "participation/form.html",
        {
            "form": form,
            "title": title,
            "subtitle": f"{issue.tracking_code} · {issue.branch.name} · {issue.category.name}",
            "quote": issue.description,
            "submit": submit,
            "multipart": multipart,
            "cancel": reverse("participation:issue_detail", args=[issue.pk]),
        },
    )


@login_required
@permission_required("participation.triage_issue", raise_exception=True)
def issue_triage(request, pk: int):
    issue = selectors.issue_get(user=request.user, pk=pk, action="change")
    form = TriageForm(request.POST or None, issue=issue)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicate = None
        if data["decision"] == "merge":
            duplicate = services.issue_for_code(office=issue.office, code=data["duplicate_of"])
        try:
            services.issue_triage(
                actor=request.user,
                issue=issue,
                decision=data["decision"],
                branch=data["branch"],
                department=data["department"],
                duplicate_of=duplicate,
                reason=data["reason"],
                note=data["note"],
                lon=data["lon"],
                lat=data["lat"],
            )
        except ValidationError as exc:
            _bind_error(form, exc)
        else:
            messages.success(request, _("The issue was triaged."))
            return redirect("participation:issue_detail", pk=pk)
    return _form_page(request, issue=issue, form=form, title=_("Triage an issue"), submit=_("Save"))


@login_required
@permission_required("participation.change_issue", raise_exception=True)
def issue_note(request, pk: int):
    issue = selectors.issue_get(user=request.user, pk=pk, action="change")
    form = NoteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_note(actor=request.user, issue=issue, **form.cleaned_data)
        except ValidationError as exc:
            _bind_error(form, exc)
        else:
            messages.success(request, _("The note was added."))
            return redirect("participation:issue_detail", pk=pk)
    return _form_page(request, issue=issue, form=form, title=_("Add a handling note"), submit=_("Add"), multipart=True)


@login_required
@permission_required("participation.change_issue", raise_exception=True)
def issue_answer(request, pk: int):
    issue = selectors.issue_get(user=request.user, pk=pk, action="change")
    form = AnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_answer(actor=request.user, issue=issue, **form.cleaned_data)
        except ValidationError as exc:
            _bind_error(form, exc)
        else:
            messages.success(request, _("The answer was published to the resident."))
            return redirect("participation:issue_detail", pk=pk)
    return _form_page(
        request, issue=issue, form=form, title=_("Answer the resident"), submit=_("Publish the answer"), multipart=True
    )


@login_required
@permission_required("participation.reveal_contact", raise_exception=True)
@require_POST
def issue_reveal(request, pk: int):
    """R16: the resident's phone in full, for the reveal permission only; each reveal is logged."""
    issue = selectors.issue_list(user=request.user).filter(pk=pk).first()
    if issue is None:
        raise Http404
    phone = services.issue_reveal(actor=request.user, issue=issue)
    return HttpResponse(format_html('<span class="wx-mono">{}</span>', phone or "—"))


@login_required
def photo_file(request, pk: int, thumbnail: bool = False):
    photo = selectors.photo_get(user=request.user, pk=pk)
    if thumbnail and not photo.thumbnail:
        raise Http404
    return evidence_response(photo, thumbnail=thumbnail)


@login_required
@permission_required("participation.view_issue", raise_exception=True)
def figures(request):
    campaign = campaign_for(user=request.user, request=request)
    data = selectors.figures(user=request.user, campaign=campaign) if campaign else {"branches": [], "departments": []}
    return render(request, "participation/figures.html", {"campaign": campaign, **data})


@login_required
@permission_required("participation.view_issuecategory", raise_exception=True)
def category_list(request):
    """The office's categories and their working days to answer; the office's staff add and change them."""
    campaign = campaign_for(user=request.user, request=request)
    if campaign is None:
        raise Http404
    office = campaign.office
    rows = services.ensure_categories(office)
    can_change = request.user.has_perm("participation.change_issuecategory")
    form = CategoryForm(request.POST or None) if can_change else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.category_save(actor=request.user, office=office, **form.cleaned_data)
            except ValidationError as exc:
                _bind_error(form, exc)
            else:
                messages.success(request, _("The category was saved."))
                return redirect("participation:category_list")
    return render(
        request,
        "participation/category_list.html",
        {"office": office, "rows": rows, "form": form, "can_change": can_change},
    )


@login_required
@permission_required("participation.change_issuecategory", raise_exception=True)
def category_edit(request, pk: int):
    category = selectors.category_list(user=request.user).filter(pk=pk).first()
    if category is None:
        raise Http404
    initial = {"name": category.name, "due_days": category.due_days, "active": category.active}
    form = CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_save(actor=request.user, office=category.office, category=category, **form.cleaned_data)
        except ValidationError as exc:
            _bind_error(form, exc)
        else:
            messages.success(request, _("The category was saved."))
            return redirect("participation:category_list")
    return render(
        request,
        "participation/form.html",
        {
            "form": form,
            "title": _("Change a category"),
            "submit": _("Save"),
            "cancel": reverse("participation:category_list"),
        },
    )


# ---------------------------------------------------------------------------------------------------------------
# 满意度测评
# ---------------------------------------------------------------------------------------------------------------


@login_required
@permission_required("participation.view_survey", raise_exception=True)
def survey_list(request):
    campaign = campaign_for(user=request.user, request=request)
    rows = list(selectors.survey_list(user=request.user, campaign=campaign)) if campaign else []
    return render(request, "participation/survey_list.html", {"campaign": campaign, "rows": rows})


@login_required
@permission_required("participation.add_survey", raise_exception=True)
def survey_create(request):
    campaign = campaign_for(user=request.user, request=request)
    if campaign is None:
        raise Http404
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            _bind_error(form, exc)
        else:
            messages.success(request, _("The survey was prepared."))
            return redirect("participation:survey_detail", pk=survey.pk)
    return render(
        request,
        "participation/form.html",
        {"form": form, "title": _("Prepare a satisfaction survey"), "cancel": reverse("participation:survey_list")},
    )


@login_required
@permission_required("participation.view_survey", raise_exception=True)
def survey_detail(request, pk: int):
    survey = selectors.survey_get(user=request.user, pk=pk)
    can_change = request.user.has_perm("participation.change_survey")
    form = CodesForm(request.POST or None, survey=survey) if can_change else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.survey_codes_issue(actor=request.user, survey=survey, **form.cleaned_data)
            except ValidationError as exc:
                _bind_error(form, exc)
            else:
                messages.success(request, _("The codes were made; print them as a PDF."))
                return redirect("participation:survey_detail", pk=pk)
    return render(
        request,
        "participation/survey_detail.html",
        {
            "survey": survey,
            "questions": list(survey.questions.order_by("position")),
            "results": selectors.survey_results(survey),
            "form": form,
            "can_change": can_change,
            "intact": services.survey_chain_problem(survey) is None,
        },
    )


@login_required
@permission_required("participation.change_survey", raise_exception=True)
@require_POST
def survey_status(request, pk: int):
    survey = selectors.survey_get(user=request.user, pk=pk, action="change")
    services.survey_set_status(actor=request.user, survey=survey, status=request.POST.get("status", ""))
    messages.success(request, _("The survey's status was changed."))
    return redirect("participation:survey_detail", pk=pk)


@login_required
@permission_required("participation.change_survey", raise_exception=True)
def survey_codes_pdf(request, pk: int):
    """A4 sheets of QR codes (12 a page), one per household or party member; `?branch=` for one branch."""
    import segno

    from wuxing.core.pdf import pdf_response, render_pdf

    survey = selectors.survey_get(user=request.user, pk=pk, action="change")
    codes = SurveyCode.objects.filter(survey=survey, used_at__isnull=True).select_related("branch")
    branch = str(request.GET.get("branch") or "")
    if branch.isdigit() and len(branch) < 12:
        codes = codes.filter(branch_id=int(branch))
    codes = list(codes.order_by("branch__sort_order", "branch__code", "id")[:2000])
    base = request.build_absolute_uri(reverse("participation_public:survey_entry", args=[survey.office.code]))
    cards = [
        {"code": c, "url": f"{base}{c.code}/", "qr": segno.make(f"{base}{c.code}/", error="m").svg_data_uri(scale=3)}
        for c in codes
    ]
    data = render_pdf("participation/survey_codes_pdf.html", {"survey": survey, "cards": cards, "entry": base})
    return pdf_response(data, f"survey-{survey.pk}-codes.pdf", inline=False)


# ---------------------------------------------------------------------------------------------------------------
# 征求意见
# ---------------------------------------------------------------------------------------------------------------


def _open_deliberations(user):
    """The user's open deliberations by 一征三议两公开 whose 征求意见 is not yet recorded or asked for."""
    asked = set(Solicitation.objects.values_list("deliberation_id", flat=True))
    out = []
    for d in deliberation_list(user=user).filter(status="open", procedure="one_three_two")[:200]:
        if d.pk not in asked and not any(s.step == services.SOLICIT_STEP for s in d.steps.all()):
            out.append(d)
    return out


@login_required
@permission_required("participation.view_solicitation", raise_exception=True)
def solicitation_list(request):
    rows = list(selectors.solicitation_list(user=request.user)[:200])
    return render(request, "participation/solicitation_list.html", {"rows": rows, "today": timezone.localdate()})


@login_required
@permission_required("participation.add_solicitation", raise_exception=True)
def solicitation_create(request):
    form = SolicitationForm(request.POST or None, deliberations=_open_deliberations(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = services.solicitation_create(
                actor=request.user,
                deliberation_id=int(data["deliberation"]),
                title=data["title"],
                proposal=data["proposal"],
                deadline=data["deadline"],
            )
        except ValidationError as exc:
            _bind_error(form, exc)
        else:
            messages.success(request, _("The proposal is on the public site for opinions."))
            return redirect("participation:solicitation_detail", pk=row.pk)
    return render(
        request,
        "participation/form.html",
        {"form": form, "title": _("Ask residents for opinions"), "cancel": reverse("participation:solicitation_list")},
    )


@login_required
@permission_required("participation.view_solicitation", raise_exception=True)
def solicitation_detail(request, pk: int):
    row = selectors.solicitation_get(user=request.user, pk=pk)
    return render(
        request,
        "participation/solicitation_detail.html",
        {
            "row": row,
            "summary": selectors.solicitation_summary(row),
            "can_close": row.closed_at is None and request.user.has_perm("participation.change_solicitation"),
        },
    )


@login_required
@permission_required("participation.change_solicitation", raise_exception=True)
@require_POST
def solicitation_close(request, pk: int):
    row = selectors.solicitation_get(user=request.user, pk=pk, action="change")
    services.solicitation_close(actor=request.user, solicitation=row)
    messages.success(request, _("The opinions were summarised and recorded as the deliberation's 征求意见 step."))
    return redirect("participation:solicitation_detail", pk=pk)


# ---------------------------------------------------------------------------------------------------------------
# 民情茶馆
# ---------------------------------------------------------------------------------------------------------------

TOPIC_ACTIONS = {
    "participation.topic_submit": pgettext_lazy("history", "Raised by a resident"),
    "participation.topic_moderate": pgettext_lazy("history", "Moderated"),
    "participation.topic_answer": pgettext_lazy("history", "Answered"),
    "participation.topic_convert": pgettext_lazy("history", "Turned into work"),
}
SESSION_ACTIONS = {
    "participation.session_create": pgettext_lazy("history", "Recorded"),
    "participation.session_update": pgettext_lazy("history", "Edited"),
}


def _convert_form(user, topic, data=None):
    outcomes = [("work_order", TopicOutcome.WORK_ORDER.label)]
    if user.has_perm("checklists.add_checklistitem"):
        outcomes.append(("checklist_item", TopicOutcome.CHECKLIST_ITEM.label))
    if user.has_perm("supervision.change_finding"):
        outcomes.append(("finding", TopicOutcome.FINDING.label))
    checks, severities = services.finding_choices()
    return ConvertForm(
        data,
        outcomes=outcomes,
        categories=services.ensure_categories(topic.office),
        stars=services.topic_stars(topic),
        finding_categories=checks,
        severities=severities,
    )


def _topic_page(request, topic, *, form, title, submit):
    return render(
        request,
        "participation/form.html",
        {
            "form": form,
            "title": title,
            "subtitle": f"{topic.branch.name} · {topic.title}",
            "quote": topic.text,
            "submit": submit,
            "cancel": reverse("participation:topic_detail", args=[topic.pk]),
        },
    )


@login_required
@permission_required("participation.view_teatopic", raise_exception=True)
def topic_list(request):
    """The topics of the tea-house boards in the user's scope; pending ones first to moderate."""
    campaign = campaign_for(user=request.user, request=request)
    filterset = topic_filterset(request.user, campaign, request.GET) if campaign else None
    rows = filterset.qs if filterset is not None else TeaTopic.objects.none()
    return render(
        request,
        "participation/topic_list.html",
        {"campaign": campaign, "filter": filterset, "page": paginate(request, rows)},
    )


@login_required
@permission_required("participation.view_teatopic", raise_exception=True)
def topic_detail(request, pk: int):
    topic = selectors.topic_get(user=request.user, pk=pk)
    user, is_open = request.user, topic.campaign.is_open
    published = topic.status == rules.PUBLISHED
    can_moderate = is_open and topic.status == rules.PENDING and user.has_perm("participation.moderate_teatopic")
    can_answer = is_open and published and user.has_perm("participation.answer_teatopic")
    can_convert = is_open and published and not topic.outcome and user.has_perm("participation.convert_teatopic")
    return render(
        request,
        "participation/topic_detail.html",
        {
            "topic": topic,
            "moderate_form": ModerateForm() if can_moderate else None,
            "answer_form": TopicAnswerForm(initial={"answer": topic.answer}) if can_answer else None,
            "convert_form": _convert_form(user, topic) if can_convert else None,
            "history": record_history(TeaTopic, topic.pk, actions=TOPIC_ACTIONS),
            "public_url": reverse("participation_public:tea_board", args=[topic.office.code, topic.branch.code]),
        },
    )


@login_required
@permission_required("participation.moderate_teatopic", raise_exception=True)
def topic_moderate(request, pk: int):
    topic = selectors.topic_get(user=request.user, pk=pk)
    form = ModerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_moderate(actor=request.user, topic=topic, **form.cleaned_data)
        except ValidationError as exc:
            _bind_error(form, exc)
        else:
            messages.success(request, _("The topic was moderated."))
            return redirect("participation:topic_detail", pk=pk)
    return _topic_page(request, topic, form=form, title=_("Moderate a topic"), submit=_("Save"))


@login_required
@permission_required("participation.answer_teatopic", raise_exception=True)
def topic_answer(request, pk: int):
    topic = selectors.topic_get(user=request.user, pk=pk)
    form = TopicAnswerForm(request.POST or None, initial={"answer": topic.answer})
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_answer(actor=request.user, topic=topic, **form.cleaned_data)
        except ValidationError as exc:
            _bind_error(form, exc)
        else:
            messages.success(request, _("The answer was published on the board."))
            return redirect("participation:topic_detail", pk=pk)
    return _topic_page(request, topic, form=form, title=_("Answer a topic"), submit=_("Publish the answer"))


@login_required
@permission_required("participation.convert_teatopic", raise_exception=True)
def topic_convert(request, pk: int):
    topic = selectors.topic_get(user=request.user, pk=pk)
    form = _convert_form(request.user, topic, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.topic_convert(
                actor=request.user,
                topic=topic,
                outcome=data["outcome"],
                category=data.get("category"),
                star=data.get("star"),
                finding_category=data.get("finding_category") or "",
                severity=data.get("severity") or "",
            )
        except ValidationError as exc:
            _bind_error(form, exc)
        else:
            messages.success(request, _("The topic was turned into work; the board shows what it became."))
            return redirect("participation:topic_detail", pk=pk)
    return _topic_page(request, topic, form=form, title=_("Turn a topic into work"), submit=_("Save"))


@login_required
@permission_required("participation.reveal_contact", raise_exception=True)
@require_POST
def topic_reveal(request, pk: int):
    """R16: the resident's phone in full, for the reveal permission only; each reveal is logged."""
    topic = selectors.topic_get(user=request.user, pk=pk)
    phone = services.topic_reveal(actor=request.user, topic=topic)
    return HttpResponse(format_html('<span class="wx-mono">{}</span>', phone or "—"))


def _session_form(request, *, branch_id=None, data=None, initial=None):
    """The session form; `branch_id` None offers the user's branches (a new session), else that branch's topics."""
    topics = TeaTopic.objects.filter(status=rules.PUBLISHED).order_by("-submitted_at")
    branches = None
    if branch_id is None:
        branches = branch_list(user=request.user).filter(retired_at__isnull=True)
        topics = topics.filter(branch__in=branches)
    else:
        topics = topics.filter(branch_id=branch_id)
    return SessionForm(data, initial=initial, topics=topics.select_related("branch"), branches=branches)


@login_required
@permission_required("participation.view_teasession", raise_exception=True)
def session_list(request):
    campaign = campaign_for(user=request.user, request=request)
    rows = selectors.session_list(user=request.user, campaign=campaign) if campaign else TeaSession.objects.none()
    filterset = SessionFilterSet(request.GET, rows.order_by("-held_on", "-id"), user=request.user)
    rows = filterset.qs if filterset.is_valid() else rows.none()
    if campaign is not None:
        filterset.form.fields["branch"].queryset = filterset.form.fields["branch"].queryset.filter(
            office_id=campaign.office_id
        )
    return render(
        request,
        "participation/session_list.html",
        {
            "campaign": campaign,
            "form": filterset.form,
            "page": paginate(request, rows.annotate(n_topics=Count("topics"))),
        },
    )


@login_required
@permission_required("participation.add_teasession", raise_exception=True)
def session_create(request):
    campaign = campaign_for(user=request.user, request=request)
    if campaign is None:
        raise Http404
    form = _session_form(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = services.session_save(actor=request.user, campaign=campaign, **data)
        except ValidationError as exc:
            _bind_error(form, exc)
        else:
            messages.success(request, _("The tea-house session was recorded."))
            return redirect("participation:session_detail", pk=row.pk)
    return render(
        request,
        "participation/form.html",
        {"form": form, "title": _("Record a tea-house session"), "cancel": reverse("participation:session_list")},
    )


@login_required
@permission_required("participation.view_teasession", raise_exception=True)
def session_detail(request, pk: int):
    row = selectors.session_get(user=request.user, pk=pk)
    return render(
        request,
        "participation/session_detail.html",
        {
            "row": row,
            "topics": list(row.topics.order_by("-submitted_at")),
            "history": record_history(TeaSession, row.pk, actions=SESSION_ACTIONS),
            "can_change": row.campaign.is_open and request.user.has_perm("participation.change_teasession"),
        },
    )


@login_required
@permission_required("participation.change_teasession", raise_exception=True)
def session_edit(request, pk: int):
    row = selectors.session_get(user=request.user, pk=pk)
    initial = {f: getattr(row, f) for f in services.SESSION_FIELDS} | {"topics": list(row.topics.all())}
    form = _session_form(request, branch_id=row.branch_id, data=request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(actor=request.user, session=row, **form.cleaned_data)
        except ValidationError as exc:
            _bind_error(form, exc)
        else:
            messages.success(request, _("The tea-house session was saved."))
            return redirect("participation:session_detail", pk=pk)
    return render(
        request,
        "participation/form.html",
        {
            "form": form,
            "title": _("Edit a tea-house session"),
            "subtitle": f"{row.branch.name} · {row}",
            "cancel": reverse("participation:session_detail", args=[pk]),
        },
    )
