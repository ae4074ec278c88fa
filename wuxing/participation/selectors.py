"""Reads of residents' issues, always scoped to the user (the public pages read only what a resident may see)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from wuxing.org.models import Branch, Department

from . import rules
from .models import (
    Issue,
    IssueCategory,
    IssuePhoto,
    Solicitation,
    Survey,
    SurveyCode,
    SurveyResponse,
    TeaSession,
    TeaTopic,
)


def issue_list(*, user, campaign=None, action: str = "view"):
    qs = Issue.objects.restrict(user, action).select_related("category", "branch", "department")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs


def issue_get(*, user, pk: int, action: str = "view") -> Issue:
    found = issue_list(user=user, action=action).select_related("campaign", "merged_into").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def photo_get(*, user, pk: int) -> IssuePhoto:
    found = IssuePhoto.objects.restrict(user, "view").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def category_list(*, user, office_id: int | None = None):
    qs = IssueCategory.objects.restrict(user, "view")
    return qs.filter(office_id=office_id) if office_id else qs


def overdue_q(today: datetime.date) -> Q:
    return Q(state=rules.DISPATCHED, due_on__lt=today)


def _local_day(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(value).date() if value is not None else None


def _order_rows(qs) -> list[tuple[int | None, int | None, rules.OrderRow]]:
    rows = []
    for branch_id, department_id, state, received, due, answered, closed, verdict in qs.values_list(
        "branch_id", "department_id", "state", "received_at", "due_on", "answered_at", "closed_at", "satisfaction"
    ):
        rows.append(
            (
                branch_id,
                department_id,
                rules.OrderRow(
                    state=state,
                    received_at=received,
                    due_on=due,
                    answered_on=_local_day(answered),
                    closed_at=closed,
                    satisfaction=verdict,
                ),
            )
        )
    return rows


@dataclass(frozen=True)
class FigureRow:
    kind: str  # "branch" or "department"
    pk: int
    name: str
    figures: rules.Figures


def figures(*, user, campaign) -> dict[str, list[FigureRow]]:
    """Figures per branch (orders the branch handles itself) and per department (orders dispatched to it) of the
    campaign, within the user's scope: two queries and Python, whatever the number of orders."""
    rows = _order_rows(issue_list(user=user, campaign=campaign).exclude(state__in=[rules.MERGED, rules.REJECTED]))
    by_branch: dict[int, list] = {}
    by_department: dict[int, list] = {}
    for branch_id, department_id, row in rows:
        if department_id:
            by_department.setdefault(department_id, []).append(row)
        else:
            by_branch.setdefault(branch_id, []).append(row)
    branches = Branch.objects.restrict(user, "view").filter(office_id=campaign.office_id, retired_at__isnull=True)
    departments = Department.objects.filter(pk__in=by_department).order_by("code")
    return {
        "branches": [
            FigureRow("branch", b.pk, b.name, rules.figures(by_branch.get(b.pk, [])))
            for b in branches.order_by("sort_order", "code")
        ],
        "departments": [FigureRow("department", d.pk, d.name, rules.figures(by_department[d.pk])) for d in departments],
    }


def satisfaction_by_branch(*, campaign, start: datetime.date, end: datetime.date, branch_ids) -> dict[int, float]:
    """Residents' satisfaction (0–100) per branch: satisfied verdicts among those given on issues of the branch's
    place closed between `start` and `end`; branches without a verdict are left out."""
    qs = (
        Issue.objects.filter(
            campaign=campaign,
            branch_id__in=list(branch_ids),
            state=rules.CLOSED,
            closed_at__date__range=(start, end),
        )
        .exclude(satisfaction="")
        .values("branch_id")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(satisfaction="satisfied")))
    )
    return {r["branch_id"]: float(rules.percent(r["ok"], r["n"])) for r in qs if r["n"]}


# ---------------------------------------------------------------------------------------------------------------
# The command screen (read through ParticipationConfig.screen_points / screen_measures)
# ---------------------------------------------------------------------------------------------------------------

OPEN_ORDER_STATES = (rules.DISPATCHED, rules.ANSWERED)
# What a meeting-room display may show of an issue: those the office accepted (never one merely received, merged
# or rejected), as the public board shows them.
PUBLIC_POINT_STATES = (rules.DISPATCHED, rules.ANSWERED, rules.CLOSED)


def open_orders_by_branch(*, campaign, branch_ids) -> dict[int, int]:
    """Open work orders (dispatched, or answered and awaiting the resident) per branch, one query."""
    rows = (
        Issue.objects.filter(campaign=campaign, state__in=OPEN_ORDER_STATES, branch_id__in=list(branch_ids))
        .values("branch_id")
        .annotate(n=Count("id"))
    )
    return {r["branch_id"]: r["n"] for r in rows}


def issue_points(*, campaign, public_only: bool) -> list[dict]:
    """The campaign's issues that have a place, as points for the command screen: the category, the state and
    the branch, never the description, the address or the resident's phone. A display (`public_only`) shows the
    accepted ones only."""
    qs = Issue.objects.filter(campaign=campaign, lon__isnull=False, lat__isnull=False)
    qs = qs.filter(state__in=PUBLIC_POINT_STATES) if public_only else qs.exclude(state=rules.MERGED)
    rows = qs.select_related("branch", "category").only(
        "tracking_code", "state", "lon", "lat", "branch__name", "category__name"
    )
    return [
        {
            "code": "" if public_only else i.tracking_code,
            "label": i.category.name,
            "detail": f"{i.branch.name} · {i.get_state_display()}",
            "lon": float(i.lon),
            "lat": float(i.lat),
            "open": i.state in OPEN_ORDER_STATES or i.state == rules.RECEIVED,
        }
        for i in rows.order_by("-received_at", "-id")[:500]
    ]


# ---------------------------------------------------------------------------------------------------------------
# The public site: no personal data (no phone, no address of the sender, no description of a rejected issue)
# ---------------------------------------------------------------------------------------------------------------


def public_board(*, office) -> dict:
    """Open issues (received or being handled) counted by place and by category, for the map-free board."""
    open_states = [rules.RECEIVED, rules.DISPATCHED, rules.ANSWERED]
    qs = Issue.objects.filter(office=office, state__in=open_states, campaign__status="running")
    by_place = list(
        qs.values("branch__name", "branch__sort_order").annotate(n=Count("id")).order_by("-n", "branch__sort_order")
    )
    by_category = list(qs.values("category__name").annotate(n=Count("id")).order_by("-n", "category__name"))
    recent = list(
        qs.select_related("branch", "category").only(
            "tracking_code", "state", "received_at", "branch__name", "category__name", "due_on"
        )[:30]
    )
    return {"by_place": by_place, "by_category": by_category, "recent": recent, "open": sum(r["n"] for r in by_place)}


def public_closed(*, office):
    """Closed issues with their answers (the description and the answer, never the resident's phone), newest
    first; the public page pages and filters them (`filtersets.PublicClosedFilterSet`)."""
    return (
        Issue.objects.filter(office=office, state=rules.CLOSED)
        .select_related("branch", "category")
        .only("tracking_code", "closed_at", "branch__name", "category__name", "description", "answer", "satisfaction")
        .order_by("-closed_at", "-id")
    )


# ---------------------------------------------------------------------------------------------------------------
# 满意度测评
# ---------------------------------------------------------------------------------------------------------------


def survey_list(*, user, campaign=None, action: str = "view"):
    qs = Survey.objects.restrict(user, action).select_related("campaign")
    return qs.filter(campaign=campaign) if campaign is not None else qs


def survey_get(*, user, pk: int, action: str = "view") -> Survey:
    found = survey_list(user=user, action=action).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class SurveyBranchRow:
    pk: int
    name: str
    codes: int
    answered: int
    response_rate: Decimal | None
    satisfaction: Decimal | None


def survey_results(survey: Survey) -> dict:
    """Per branch: codes printed, answers, response rate and satisfaction (the mean of the 1–5 questions as
    0–100); per question: the mean or the count of each choice; the comments (never the code)."""
    questions = list(survey.questions.order_by("position"))
    codes = dict(SurveyCode.objects.filter(survey=survey).values_list("branch_id").annotate(n=Count("id")))
    scale_ids = {str(q.pk) for q in questions if q.kind == "scale"}
    per_branch: dict[int, list[int]] = {}
    answered: dict[int, int] = {}
    per_question: dict[str, list[str]] = {str(q.pk): [] for q in questions}
    comments = []
    for branch_id, answers, comment in SurveyResponse.objects.filter(survey=survey).values_list(
        "branch_id", "answers", "comment"
    ):
        answered[branch_id] = answered.get(branch_id, 0) + 1
        for key, value in answers.items():
            per_question.setdefault(key, []).append(value)
            if key in scale_ids:
                per_branch.setdefault(branch_id, []).append(int(value))
        if comment:
            comments.append(comment)
    names = dict(Branch.objects.filter(pk__in=set(codes) | set(answered)).values_list("pk", "name"))
    branches = [
        SurveyBranchRow(
            pk=b,
            name=names.get(b, ""),
            codes=codes.get(b, 0),
            answered=answered.get(b, 0),
            response_rate=rules.percent(answered.get(b, 0), codes.get(b, 0)),
            satisfaction=rules.scale_percent(per_branch.get(b, [])),
        )
        for b in sorted(names, key=lambda pk: names[pk])
    ]
    summary = []
    for q in questions:
        values = per_question.get(str(q.pk), [])
        if q.kind == "scale":
            summary.append({"question": q, "mean": rules.scale_percent([int(v) for v in values]), "counts": []})
        else:
            summary.append({"question": q, "mean": None, "counts": [(c, values.count(c)) for c in q.choices]})
    total_codes, total_answered = sum(codes.values()), sum(answered.values())
    return {
        "branches": branches,
        "questions": summary,
        "comments": comments,
        "codes": total_codes,
        "answered": total_answered,
        "response_rate": rules.percent(total_answered, total_codes),
    }


# ---------------------------------------------------------------------------------------------------------------
# 征求意见
# ---------------------------------------------------------------------------------------------------------------


def solicitation_list(*, user, action: str = "view"):
    return Solicitation.objects.restrict(user, action).select_related("branch").annotate(n_opinions=Count("opinions"))


def solicitation_get(*, user, pk: int, action: str = "view") -> Solicitation:
    found = solicitation_list(user=user, action=action).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def solicitation_summary(solicitation: Solicitation) -> dict:
    return rules.opinion_summary(solicitation.opinions.values_list("stance", "text"))


def public_solicitations(*, office):
    """The proposals of the office's branches open for opinions today (public: the proposal and its deadline)."""
    today = timezone.localdate()
    return list(
        Solicitation.objects.filter(office=office, closed_at__isnull=True, deadline__gte=today)
        .select_related("branch")
        .order_by("deadline", "id")
    )


# ---------------------------------------------------------------------------------------------------------------
# 民情茶馆
# ---------------------------------------------------------------------------------------------------------------


def topic_list(*, user, campaign=None, action: str = "view"):
    qs = TeaTopic.objects.restrict(user, action).select_related("branch", "issue", "finding", "checklist_item")
    return qs.filter(campaign=campaign) if campaign is not None else qs


def topic_get(*, user, pk: int, action: str = "view") -> TeaTopic:
    found = (
        topic_list(user=user, action=action)
        .select_related("campaign", "office", "moderated_by", "answered_by", "converted_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def topic_todo_counts(*, user, campaign) -> dict[str, int]:
    """Topics of the campaign in the user's scope awaiting moderation, and those on the board without an answer."""
    return (
        TeaTopic.objects.restrict(user, "view")
        .filter(campaign=campaign)
        .aggregate(
            pending=Count("id", filter=Q(status=rules.PENDING)),
            unanswered=Count("id", filter=Q(status=rules.PUBLISHED, answer="")),
        )
    )


def session_list(*, user, campaign=None, action: str = "view"):
    qs = TeaSession.objects.restrict(user, action).select_related("branch")
    return qs.filter(campaign=campaign) if campaign is not None else qs


def session_get(*, user, pk: int, action: str = "view") -> TeaSession:
    found = session_list(user=user, action=action).select_related("campaign", "recorded_by").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def public_tea_branches(*, office) -> list:
    """The office's branches, each with `n_topics` on its board, for the tea house's index page (two queries)."""
    counts = dict(
        TeaTopic.objects.filter(office=office, status=rules.PUBLISHED)
        .values("branch_id")
        .annotate(n=Count("id"))
        .values_list("branch_id", "n")
    )
    branches = list(Branch.objects.filter(office=office, retired_at__isnull=True).order_by("sort_order", "code"))
    for branch in branches:
        branch.n_topics = counts.get(branch.pk, 0)
    return branches


def public_tea_board(*, branch, limit: int = 50) -> dict:
    """A branch's board: the approved topics with the branch's answer and what each became (the work order's state
    and answer, never its tracking code), and the past sessions; no personal data. Three queries."""
    topics = list(
        TeaTopic.objects.filter(branch=branch, status=rules.PUBLISHED)
        .select_related("issue", "checklist_item", "finding")
        .only(
            "title",
            "text",
            "submitted_at",
            "answer",
            "answered_at",
            "outcome",
            "issue__state",
            "issue__answer",
            "checklist_item__title",
            "checklist_item__due_date",
            "finding__triage",
        )
        .order_by("-submitted_at", "-id")[:limit]
    )
    sessions = list(
        TeaSession.objects.filter(branch=branch)
        .only("held_on", "place", "attendees", "other_topics", "outcomes")
        .prefetch_related(models.Prefetch("topics", queryset=TeaTopic.objects.only("title")))
        .order_by("-held_on", "-id")[:20]
    )
    return {"topics": topics, "sessions": sessions}
