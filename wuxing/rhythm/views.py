"""Pages of the rhythm: the month calendar and its feed, today's daily report, the office's daily digest, help
requests, notifications, meetings with their generated agenda, minutes and actions."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuxing.campaigns.selectors import campaign_for
from wuxing.core.exports import export_response
from wuxing.core.lists import paginate
from wuxing.core.uploads import evidence_response
from wuxing.org.models import Branch

from . import documents, exports, rules, selectors, services
from .choices import EventKind, MeetingKind
from .filtersets import ActionFilterSet, HelpFilterSet, MeetingFilterSet, NotificationFilterSet
from .forms import (
    ActionForm,
    AnswerForm,
    CloseForm,
    EventForm,
    MeetingForm,
    MinutesForm,
    MoveForm,
    NarrativeForm,
    PolicyForm,
    ReportForm,
)
from .models import CalendarToken

PER_PAGE = 50


def _campaign_or_404(request, **kwargs):
    campaign = campaign_for(user=request.user, request=request, **kwargs)
    if campaign is None:
        raise Http404
    return campaign


def _day(request, name: str = "day", default=None) -> datetime.date:
    raw = request.GET.get(name) or ""
    try:
        return datetime.date.fromisoformat(raw) if raw else (default or timezone.localdate())
    except ValueError:
        raise Http404 from None


def _back(request, fallback: str):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(fallback)


# ---------------------------------------------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------------------------------------------


@login_required
@permission_required("rhythm.view_calendarevent", raise_exception=True)
def calendar(request):
    campaign = _campaign_or_404(request)
    raw = request.GET.get("month") or ""
    today = timezone.localdate()
    try:
        first = datetime.date.fromisoformat(f"{raw}-01") if raw else today.replace(day=1)
    except ValueError:
        raise Http404 from None
    if not 2000 <= first.year <= 2100:
        raise Http404
    token = CalendarToken.objects.filter(user=request.user).first()
    context = {
        "campaign": campaign,
        **selectors.month_grid(user=request.user, campaign=campaign, year=first.year, month=first.month),
        "today": today,
        "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
        "can_edit": request.user.has_perm("rhythm.add_calendarevent") and campaign.is_open,
        "feed_url": request.build_absolute_uri(reverse("rhythm:calendar_feed", args=[token.token])) if token else "",
    }
    return render(request, "rhythm/calendar.html", context)


@login_required
@permission_required("rhythm.add_calendarevent", raise_exception=True)
@require_POST
def calendar_generate(request):
    campaign = _campaign_or_404(request)
    added = services.calendar_generate(actor=request.user, campaign=campaign)
    messages.success(request, _("%(n)d weekly meetings were put on the calendar.") % {"n": added})
    return redirect(f"{reverse('rhythm:calendar')}?campaign={campaign.pk}")


@login_required
@permission_required("rhythm.add_calendarevent", raise_exception=True)
def event_create(request):
    campaign = _campaign_or_404(request)
    initial = {"kind": EventKind.PROGRESS, "day": request.GET.get("day") or timezone.localdate()}
    form = EventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The event was added to the calendar."))
            return redirect(f"{reverse('rhythm:calendar')}?month={event.day:%Y-%m}&campaign={campaign.pk}")
    return render(request, "rhythm/event_form.html", {"form": form, "campaign": campaign})


@login_required
@permission_required("rhythm.change_calendarevent", raise_exception=True)
def event_move(request, pk: int):
    event = selectors.event_get(user=request.user, pk=pk, action="change")
    form = MoveForm(request.POST or None, initial={"day": event.day, "start": event.start})
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_move(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The event was moved."))
            return redirect(f"{reverse('rhythm:calendar')}?month={event.day:%Y-%m}&campaign={event.campaign_id}")
    return render(request, "rhythm/event_move.html", {"form": form, "event": event})


@login_required
@require_POST
def calendar_token_reset(request):
    services.calendar_token_reset(actor=request.user)
    messages.success(request, _("Your calendar feed has a new address; the old one no longer works."))
    return redirect("rhythm:calendar")


@require_GET
def calendar_feed(request, token: str):
    """The user's events as iCalendar, for a phone's calendar app; the secret address is the only credential."""
    user = selectors.token_user(token)
    text = rules.ics_text(
        selectors.feed_events(user=user), name=_("Five-star campaign"), stamp=datetime.datetime.now(datetime.UTC)
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="wuxing.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# ---------------------------------------------------------------------------------------------------------------
# Daily reports
# ---------------------------------------------------------------------------------------------------------------


def _own_branch(user):
    branch = Branch.objects.restrict(user, "view").select_related("office").order_by("sort_order", "code").first()
    if branch is None:
        raise Http404
    return branch


@login_required
@permission_required("rhythm.add_dailyreport", raise_exception=True)
def report_today(request):
    """The secretary's daily report on a phone: the day's records are filled in; progress, problems, help."""
    branch = _own_branch(request.user)
    day = _day(request)
    report = selectors.report_list(user=request.user).filter(branch=branch, day=day).first()
    initial = {"progress": report.progress, "problems": report.problems} if report else {}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_submit(actor=request.user, branch=branch, day=day, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The daily report was submitted (%(status)s).") % {"status": report.get_status_display()},
            )
            return redirect(f"{reverse('rhythm:report_today')}?day={day.isoformat()}")
    campaign = services.campaign_of(branch, day)
    deadline = services.policy_for(branch.office).report_deadline
    context = {
        "branch": branch,
        "day": day,
        "form": form,
        "report": report,
        "recorded": services.auto_summary(branch, day),
        "working": rules.is_working_day(day),
        "official": rules.has_official_calendar(day.year),
        "deadline": deadline,
        "locked": campaign is not None and services.is_locked(campaign, day),
        "help": list(selectors.help_list(user=request.user).filter(branch=branch)[:10]),
    }
    return render(request, "rhythm/report_today.html", context)


@login_required
@permission_required("rhythm.view_dailyreport", raise_exception=True)
def report_detail(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk)
    return render(request, "rhythm/report_detail.html", {"report": report, "revisions": report.revisions.all()})


@login_required
@permission_required("rhythm.add_meeting", raise_exception=True)
def digest(request):
    """The office's daily digest: reported / late / missing per branch, problems, open help requests."""
    if request.GET.get("export") == "xlsx":
        return export_response(request, exports.digest_export)
    campaign = _campaign_or_404(request)
    day = _day(request, default=rules.last_working_day(timezone.localdate()))
    context = {
        "campaign": campaign,
        **selectors.digest(user=request.user, campaign=campaign, day=day),
        "previous": rules.last_working_day(day - datetime.timedelta(days=1)),
        "is_today": day == timezone.localdate(),
    }
    return render(request, "rhythm/digest.html", context)


@login_required
@permission_required("rhythm.add_meeting", raise_exception=True)
@require_POST
def digest_remind(request):
    campaign = _campaign_or_404(request)
    sent = services.remind_missing(actor=request.user, campaign=campaign, day=timezone.localdate())
    messages.success(request, _("%(n)d reminders were sent.") % {"n": sent})
    return redirect(f"{reverse('rhythm:digest')}?campaign={campaign.pk}")


@login_required
@permission_required("rhythm.add_meeting", raise_exception=True)
@require_POST
def actions_remind(request):
    """The supervised actions ticked on the list: their owners reminded in one go."""
    campaign = _campaign_or_404(request)
    ids = [int(v) for v in request.POST.getlist("action") if v.isdigit() and len(v) < 19]
    back = f"{reverse('rhythm:action_list')}?campaign={campaign.pk}"
    if not ids:
        messages.error(request, _("Tick the actions whose owners should be reminded first."))
        return redirect(back)
    sent = services.remind_actions(actor=request.user, campaign=campaign, action_ids=ids)
    messages.success(request, _("%(n)d reminders were sent.") % {"n": sent})
    return redirect(back)


@login_required
@permission_required("rhythm.add_daylock", raise_exception=True)
@require_POST
def day_lock(request):
    campaign = _campaign_or_404(request)
    try:
        day = datetime.date.fromisoformat(request.POST.get("day") or "")
    except ValueError:
        raise ValidationError(_("Enter a valid date.")) from None
    services.day_lock(actor=request.user, campaign=campaign, day=day)
    messages.success(request, _("The reports of %(day)s are locked.") % {"day": day.isoformat()})
    return redirect(f"{reverse('rhythm:digest')}?campaign={campaign.pk}&day={day.isoformat()}")


@login_required
@permission_required("rhythm.view_helprequest", raise_exception=True)
def help_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, exports.help_export)
    campaign = _campaign_or_404(request)
    status = request.GET.get("status") or ""
    filterset = HelpFilterSet(request.GET, selectors.help_list(user=request.user, campaign=campaign), user=request.user)
    page = paginate(request, filterset.qs if filterset.is_valid() else filterset.queryset.none(), PER_PAGE)
    return render(
        request,
        "rhythm/help_list.html",
        {"campaign": campaign, "page": page, "status": status, "form": filterset.form},
    )


@login_required
@permission_required("rhythm.view_helprequest", raise_exception=True)
def help_detail(request, pk: int):
    row = selectors.help_get(user=request.user, pk=pk)
    can_answer = (
        request.user.has_perm("rhythm.change_helprequest")
        and row.campaign.is_open
        and services._may_answer(request.user, row)
    )
    form = AnswerForm(request.POST or None, initial={"answer": row.answer})
    if request.method == "POST":
        if not request.user.has_perm("rhythm.change_helprequest"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.help_answer(actor=request.user, help_request=row, answer=form.cleaned_data["answer"])
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The answer was sent to the branch."))
                return redirect("rhythm:help_detail", pk=row.pk)
    return render(request, "rhythm/help_detail.html", {"row": row, "form": form, "can_answer": can_answer})


# ---------------------------------------------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------------------------------------------


@login_required
def notification_list(request):
    filterset = NotificationFilterSet(request.GET, selectors.notification_list(user=request.user), user=request.user)
    page = paginate(request, filterset.qs if filterset.is_valid() else filterset.queryset.none(), PER_PAGE)
    return render(request, "rhythm/notification_list.html", {"page": page, "form": filterset.form})


@login_required
def notification_badge(request):
    """The bell's unread count, fetched by htmx after the page loaded."""
    return render(request, "rhythm/_badge.html", {"count": selectors.unread_count(request.user)})


@login_required
@require_POST
def notification_read(request):
    """Mark one notification (`id`) read and go to its page when it has one; the ticked ones (`notification`, the
    list's batch) read and back to the list as it was; or all of them."""
    raw = request.POST.get("id") or ""
    if "batch" in request.POST:
        ids = [int(v) for v in request.POST.getlist("notification") if v.isdigit() and len(v) < 19]
        if not ids:
            messages.error(request, _("Tick the notifications to mark read first."))
        else:
            marked = services.notification_mark_read(actor=request.user, notification_ids=ids)
            messages.success(request, _("%(n)d notifications were marked read.") % {"n": marked})
        # Back to the list as it was filtered (a query string only: the path is ours).
        back = QueryDict(request.POST.get("back") or "").urlencode()
        return redirect(reverse("rhythm:notification_list") + (f"?{back}" if back else ""))
    if raw:
        if not (raw.isdigit() and len(raw) < 19):
            raise Http404
        row = selectors.notification_list(user=request.user).filter(pk=int(raw)).first()
        if row is None:
            raise Http404
        services.notification_mark_read(actor=request.user, notification_ids=[row.pk])
        if row.url.startswith("/"):
            return redirect(row.url)
    else:
        services.notification_mark_read(actor=request.user)
    return redirect("rhythm:notification_list")


# ---------------------------------------------------------------------------------------------------------------
# Meetings, agenda, actions
# ---------------------------------------------------------------------------------------------------------------


@login_required
@permission_required("rhythm.view_meeting", raise_exception=True)
def meeting_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, exports.meetings_export)
    campaign = _campaign_or_404(request)
    kind = request.GET.get("kind") or ""
    filterset = MeetingFilterSet(
        request.GET, selectors.meeting_list(user=request.user, campaign=campaign), user=request.user
    )
    page = paginate(request, filterset.qs if filterset.is_valid() else filterset.queryset.none(), PER_PAGE)
    open_actions = selectors.action_list(user=request.user, campaign=campaign).filter(status="open")
    context = {
        "campaign": campaign,
        "page": page,
        "form": filterset.form,
        "kind": kind,
        "kinds": MeetingKind.choices,
        "open_actions": open_actions.count(),
        "overdue_actions": open_actions.filter(due_on__lt=timezone.localdate()).count(),
        "can_add": request.user.has_perm("rhythm.add_meeting") and campaign.is_open,
        "this_week": rules.week_start(timezone.localdate()),
    }
    return render(request, "rhythm/meeting_list.html", context)


@login_required
@permission_required("rhythm.add_meeting", raise_exception=True)
def meeting_create(request):
    campaign = _campaign_or_404(request)
    event = None
    if request.GET.get("event"):
        raw = request.GET["event"]
        if not (raw.isdigit() and len(raw) < 19):
            raise Http404
        event = selectors.event_get(user=request.user, pk=int(raw))
    initial = {
        "kind": request.GET.get("kind") if request.GET.get("kind") in MeetingKind.values else MeetingKind.WEEKLY,
        "held_on": event.day if event else timezone.localdate(),
        "title": event.title if event else "",
    }
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, campaign=campaign, event=event, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The meeting was recorded."))
            return redirect("rhythm:meeting_detail", pk=meeting.pk)
    return render(request, "rhythm/meeting_form.html", {"form": form, "campaign": campaign, "event": event})


def _agenda_for(request, meeting):
    if meeting.kind != MeetingKind.WEEKLY:
        return None
    return selectors.agenda(user=request.user, campaign=meeting.campaign, week=meeting.held_on)


@login_required
@permission_required("rhythm.view_meeting", raise_exception=True)
def meeting_detail(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    actions = list(selectors.action_list(user=request.user).filter(meeting=meeting))
    today = timezone.localdate()
    for action in actions:
        action.overdue = rules.is_action_overdue(due_on=action.due_on, done=action.status == "done", today=today)
    context = {
        "meeting": meeting,
        "actions": actions,
        "agenda": _agenda_for(request, meeting),
        "can_edit": request.user.has_perm("rhythm.change_meeting") and meeting.campaign.is_open,
    }
    return render(request, "rhythm/meeting_detail.html", context)


@login_required
@permission_required("rhythm.change_meeting", raise_exception=True)
def meeting_minutes(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk, action="change")
    fields = list(MinutesForm.base_fields)
    form = MinutesForm(request.POST or None, initial={f: getattr(meeting, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record(actor=request.user, meeting=meeting, held=True, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The minutes were saved."))
            return redirect("rhythm:meeting_detail", pk=meeting.pk)
    return render(request, "rhythm/meeting_minutes.html", {"form": form, "meeting": meeting})


@login_required
@permission_required("rhythm.view_meeting", raise_exception=True)
def meeting_document(request, pk: int, fmt: str):
    """Agenda and minutes as an A4 PDF or a Word document."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    actions = list(selectors.action_list(user=request.user).filter(meeting=meeting))
    return documents.meeting_response(meeting, _agenda_for(request, meeting), actions, fmt=fmt, request=request)


@login_required
@permission_required("rhythm.add_meeting", raise_exception=True)
def week_agenda(request):
    """The generated agenda of a week (before its meeting is recorded)."""
    campaign = _campaign_or_404(request)
    week = rules.week_start(_day(request, "week"))
    context = {
        "campaign": campaign,
        "agenda": selectors.agenda(user=request.user, campaign=campaign, week=week),
        "previous": week - datetime.timedelta(days=7),
        "next": week + datetime.timedelta(days=7),
    }
    return render(request, "rhythm/agenda.html", context)


@login_required
@permission_required("rhythm.add_action", raise_exception=True)
def action_create(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk, action="change")
    form = ActionForm(request.POST or None, campaign=meeting.campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_create(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The decision was recorded as an action."))
            return redirect("rhythm:meeting_detail", pk=meeting.pk)
    return render(request, "rhythm/action_form.html", {"form": form, "meeting": meeting})


@login_required
@permission_required("rhythm.view_action", raise_exception=True)
def action_list(request):
    params = request.GET.copy()
    params.setdefault("status", "open")
    if request.GET.get("export") == "xlsx":
        return export_response(request, exports.actions_export, params.dict())
    campaign = _campaign_or_404(request)
    status = params["status"]
    filterset = ActionFilterSet(params, selectors.action_list(user=request.user, campaign=campaign), user=request.user)
    page = paginate(request, filterset.qs if filterset.is_valid() else filterset.queryset.none(), PER_PAGE)
    today = timezone.localdate()
    for action in page:
        action.overdue = rules.is_action_overdue(due_on=action.due_on, done=action.status == "done", today=today)
    can_remind = status == "open" and campaign.is_open and request.user.has_perm("rhythm.add_meeting")
    return render(
        request,
        "rhythm/action_list.html",
        {"campaign": campaign, "page": page, "status": status, "form": filterset.form, "can_remind": can_remind},
    )


@login_required
@permission_required("rhythm.view_action", raise_exception=True)
def action_file(request, pk: int, thumbnail: bool = False):
    """A file of a closed action, after checking the user may see the action."""
    evidence = selectors.action_evidence_get(user=request.user, pk=pk)
    if thumbnail and not evidence.thumbnail:
        raise Http404
    return evidence_response(evidence, thumbnail=thumbnail)


@login_required
@permission_required("rhythm.view_action", raise_exception=True)
def action_detail(request, pk: int):
    action = selectors.action_get(user=request.user, pk=pk)
    action.overdue = rules.is_action_overdue(
        due_on=action.due_on, done=action.status == "done", today=timezone.localdate()
    )
    can_close = (
        request.user.has_perm("rhythm.change_action")
        and action.status == "open"
        and action.campaign.is_open
        and services._may_close(request.user, action)
    )
    form = CloseForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.user.has_perm("rhythm.change_action"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.action_close(
                    actor=request.user,
                    action=action,
                    evidence=form.cleaned_data["evidence"],
                    files=form.cleaned_data["files"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The action is closed."))
                return redirect("rhythm:action_detail", pk=action.pk)
    return render(request, "rhythm/action_detail.html", {"action": action, "form": form, "can_close": can_close})


# ---------------------------------------------------------------------------------------------------------------
# Annual summary
# ---------------------------------------------------------------------------------------------------------------


@login_required
@permission_required("rhythm.view_annualsummary", raise_exception=True)
def summary_list(request):
    campaign = _campaign_or_404(request)
    summaries = list(selectors.summary_list(user=request.user, campaign=campaign))
    done = {s.branch_id for s in summaries}
    can_generate = request.user.has_perm("rhythm.add_annualsummary") and campaign.is_open
    branches = (
        [
            b
            for b in Branch.objects.restrict(request.user, "view").filter(office_id=campaign.office_id)
            if b.pk not in done
        ]
        if can_generate
        else []
    )
    context = {
        "campaign": campaign,
        "summaries": summaries,
        "can_generate": can_generate,
        "office_missing": can_generate and None not in done,
        "branches": branches,
    }
    return render(request, "rhythm/summary_list.html", context)


@login_required
@permission_required("rhythm.add_annualsummary", raise_exception=True)
@require_POST
def summary_generate(request):
    campaign = _campaign_or_404(request)
    raw = request.POST.get("branch") or ""
    branch = None
    if raw:
        if not (raw.isdigit() and len(raw) < 19):
            raise Http404
        branch = Branch.objects.restrict(request.user, "view").filter(pk=int(raw), office_id=campaign.office_id).first()
        if branch is None:
            raise Http404
    summary = services.summary_generate(actor=request.user, campaign=campaign, branch=branch)
    messages.success(request, _("The figures were generated; the narrative was kept."))
    return redirect("rhythm:summary_detail", pk=summary.pk)


@login_required
@permission_required("rhythm.view_annualsummary", raise_exception=True)
def summary_detail(request, pk: int):
    summary = selectors.summary_get(user=request.user, pk=pk)
    figures = summary.figures
    chart = {
        "names": [b["name"] for b in figures["branches"]],
        "values": [b["overall"] for b in figures["branches"]],
        "label": _("Overall %"),
    }
    can_edit = request.user.has_perm("rhythm.change_annualsummary") and summary.campaign.is_open and not summary.final
    context = {
        "summary": summary,
        "figures": figures,
        "title": documents.summary_title(summary),
        "facts": documents.summary_facts(figures),
        "tables": documents.summary_tables(figures),
        "narrative": [(label, summary.narrative.get(key) or "") for key, label in documents.NARRATIVE_LABELS.items()],
        "chart": chart,
        "can_edit": can_edit,
        "intact": services.summary_intact(summary),
    }
    return render(request, "rhythm/summary_detail.html", context)


@login_required
@permission_required("rhythm.change_annualsummary", raise_exception=True)
def summary_edit(request, pk: int):
    summary = selectors.summary_get(user=request.user, pk=pk, action="change")
    form = NarrativeForm(request.POST or None, initial=summary.narrative)
    if request.method == "POST" and form.is_valid():
        try:
            services.summary_edit(actor=request.user, summary=summary, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The narrative was saved."))
            return redirect("rhythm:summary_detail", pk=summary.pk)
    return render(request, "rhythm/summary_edit.html", {"form": form, "summary": summary})


@login_required
@permission_required("rhythm.change_annualsummary", raise_exception=True)
@require_POST
def summary_finalise(request, pk: int):
    summary = selectors.summary_get(user=request.user, pk=pk, action="change")
    services.summary_finalise(actor=request.user, summary=summary)
    messages.success(request, _("The annual summary is finalised."))
    return redirect("rhythm:summary_detail", pk=summary.pk)


@login_required
@permission_required("rhythm.view_annualsummary", raise_exception=True)
def summary_document(request, pk: int, fmt: str):
    summary = selectors.summary_get(user=request.user, pk=pk)
    return documents.summary_response(summary, fmt=fmt, request=request)


@login_required
@permission_required("rhythm.change_rhythmpolicy", raise_exception=True)
def policy_edit(request):
    """The office's daily report deadline and weekly meeting day (the office of the campaign in view)."""
    campaign = _campaign_or_404(request)
    policy = services.policy_for(campaign.office)
    initial = {f: getattr(policy, f) for f in PolicyForm.base_fields}
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_set(actor=request.user, office=campaign.office, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The settings were saved."))
            return redirect(f"{reverse('rhythm:digest')}?campaign={campaign.pk}")
    return render(request, "rhythm/policy_form.html", {"form": form, "campaign": campaign})
