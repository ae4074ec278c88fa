"""Writes of residents' issues (随手拍): the resident's report and verdict (no account, by tracking code), the
office's triage and dispatch, the handler's notes and answer, the categories, and the overdue escalation.

The public pages, the staff pages, the API, the escalation task and the demo call these same functions.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.campaigns.selectors import campaign_public
from wuxing.campaigns.services import ensure_campaign_open
from wuxing.checklists.services import item_create
from wuxing.core.actors import SystemActor, is_system, user_or_none
from wuxing.core.audit import audit_record, snapshot
from wuxing.core.extensions import send_notice
from wuxing.core.rules import mask_phone
from wuxing.core.uploads import clean_uploads, store_evidence
from wuxing.deliberations.selectors import deliberation_get, deliberation_progress
from wuxing.deliberations.services import step_record
from wuxing.org.access import ensure_allowed, ensure_in_scope
from wuxing.org.models import Branch, Department, Person
from wuxing.org.services import place_check
from wuxing.rhythm.selectors import is_working_day
from wuxing.standards.models import Star
from wuxing.supervision.services import finding_triage, public_report_submit

from . import rules
from .choices import DEFAULT_CATEGORIES
from .models import (
    Issue,
    IssueCategory,
    IssueEvent,
    IssuePhoto,
    Opinion,
    Solicitation,
    Survey,
    SurveyCode,
    SurveyQuestion,
    SurveyResponse,
    TeaSession,
    TeaTopic,
)

RESIDENT = SystemActor("resident")
SOLICIT_STEP = "solicit_opinions"  # the 征求意见 step of 一征三议两公开 (deliberations.choices.Step)
MAX_TEXT = 2000


def _text(value, field: str, *, required: bool = True, limit: int = MAX_TEXT, message: str | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message or _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": limit}})
    return value


def _phone(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) < 7 or len(value) > 20 or any(not (ch.isdigit() or ch in " -+") for ch in value):
        raise ValidationError({"phone": _("Enter a phone number (digits only), or leave it empty.")})
    return value


def _photos(photos, field: str = "photos"):
    photos = [p for p in (photos or []) if p]
    if len(photos) > rules.MAX_PHOTOS:
        raise ValidationError({field: _("At most %(n)d photos.") % {"n": rules.MAX_PHOTOS}})
    return clean_uploads(photos, field=field)


@transaction.atomic
def issue_reveal(*, actor, issue: Issue) -> str:
    """The resident's phone in full, for holders of the reveal permission; every reveal is logged (R16)."""
    ensure_allowed(actor, "participation.reveal_contact", message=_("You may not reveal personal data."))
    ensure_in_scope(issue, actor=actor, action="view")
    audit_record(
        actor=actor,
        action="participation.issue_reveal",
        obj=issue,
        after={"field": "phone", "masked": mask_phone(issue.phone)},
    )
    return issue.phone


def issues_per_day() -> int:
    return int(getattr(settings, "WUXING_PUBLIC_ISSUES_PER_DAY", rules.DEFAULT_ISSUES_PER_DAY))


def address_hash(address: str | None) -> str:
    """The sender's address is kept only as a keyed hash, enough to count its reports."""
    return hashlib.sha256(f"{settings.SECRET_KEY}|resident-issue|{address or '-'}".encode()).hexdigest()


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def due_date(start: datetime.date, days: int) -> datetime.date:
    """`days` official working days after `start` (the work rhythm's calendar: holidays off, 调休 days on)."""
    return rules.add_working_days(start, days, is_working_day)


def _event(issue: Issue, *, kind: str, before: str, actor, note: str = "") -> IssueEvent:
    return IssueEvent.objects.create(
        issue=issue, kind=kind, from_state=before, to_state=issue.state, note=note, by=user_or_none(actor)
    )


def _move(issue: Issue, action: str) -> str:
    target = rules.next_state(issue.state, action, reopened_count=issue.reopened_count)
    if target is None:
        raise ValidationError(_(rules.refusal(issue.state, action, reopened_count=issue.reopened_count)))
    return target


def _locked(issue: Issue) -> Issue:
    return Issue.objects.select_for_update(of=("self",)).select_related("campaign", "category").get(pk=issue.pk)


# ---------------------------------------------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------------------------------------------


def ensure_categories(office) -> list[IssueCategory]:
    """The office's categories; the default ones are created the first time they are asked for."""
    rows = list(IssueCategory.objects.filter(office=office).order_by("sort_order", "id"))
    if rows:
        return rows
    try:
        with transaction.atomic():
            IssueCategory.objects.bulk_create(
                [
                    IssueCategory(office=office, code=code, name=str(name), due_days=days, sort_order=i)
                    for i, (code, name, days) in enumerate(DEFAULT_CATEGORIES)
                ]
            )
    except IntegrityError:  # created at the same moment by another request
        pass
    return list(IssueCategory.objects.filter(office=office).order_by("sort_order", "id"))


@transaction.atomic
def category_save(
    *, actor, office, name: str, due_days: int, active: bool = True, category: IssueCategory | None = None
) -> IssueCategory:
    """Add a category, or change one's name, working days to answer and whether residents are offered it."""
    ensure_allowed(actor, "participation.change_issuecategory", office, message=_("You may not change categories."))
    name = _text(name, "name", limit=50)
    try:
        due_days = int(due_days)
    except (TypeError, ValueError):
        raise ValidationError({"due_days": _("Enter a number of working days from 1 to 60.")}) from None
    if not 1 <= due_days <= 60:
        raise ValidationError({"due_days": _("Enter a number of working days from 1 to 60.")})
    before = None
    if category is None:
        existing = ensure_categories(office)
        category = IssueCategory(
            office=office, code=f"c{len(existing) + 1}-{timezone.now():%H%M%S}", sort_order=len(existing)
        )
    else:
        if category.office_id != office.pk:
            raise ValidationError(_("Choose a category of this office."))
        before = snapshot(category)
    category.name, category.due_days, category.active = name, due_days, bool(active)
    category.save()
    ensure_in_scope(category, actor=actor)
    audit_record(
        actor=actor, action="participation.category_save", obj=category, before=before, after=snapshot(category)
    )
    return category


def issue_place_codes(office) -> set[str]:
    """What a Point of the office's map upload may name as a resident's issue: its tracking code (the issues of
    the office's current campaign)."""
    campaign = campaign_public(office=office)
    if campaign is None:
        return set()
    return set(Issue.objects.filter(campaign=campaign).values_list("tracking_code", flat=True))


@transaction.atomic
def issues_place(*, actor, office, places: dict[str, tuple]) -> int:
    """Place the issues named (by tracking code) in an uploaded map of their office: {code: (lon, lat)}."""
    campaign = campaign_public(office=office)
    if campaign is None or not places:
        return 0
    ensure_allowed(actor, "org.change_boundary", office, action="view")
    placed = 0
    for issue in Issue.objects.select_for_update().filter(campaign=campaign, tracking_code__in=list(places)):
        lon, lat = places[issue.tracking_code]
        before = {"lon": issue.lon, "lat": issue.lat}
        issue.lon, issue.lat = place_check(office=office, lon=lon, lat=lat)
        issue.save(update_fields=["lon", "lat"])
        audit_record(
            actor=actor,
            action="participation.issue_place",
            obj=issue,
            before=before,
            after={"lon": issue.lon, "lat": issue.lat},
        )
        placed += 1
    return placed


# ---------------------------------------------------------------------------------------------------------------
# From the resident (no account)
# ---------------------------------------------------------------------------------------------------------------


@transaction.atomic
def issue_submit(
    *,
    office,
    category: IssueCategory,
    branch: Branch,
    description: str,
    address: str | None,
    place_text: str = "",
    phone: str = "",
    photos=(),
) -> Issue:
    """A resident's issue on the office's public site; the tracking code is the resident's only key to it. At most
    WUXING_PUBLIC_ISSUES_PER_DAY (5) issues a day from one address; the phone is kept private (R16)."""
    campaign = campaign_public(office=office)
    if campaign is None or not campaign.is_open:
        raise ValidationError(_("The office takes no issues now."))
    if branch is None or branch.office_id != office.pk or branch.retired_at is not None:
        raise ValidationError({"branch": _("Choose a village or community of this office.")})
    if category is None or category.office_id != office.pk or not category.active:
        raise ValidationError({"category": _("Choose a category.")})
    sender = address_hash(address)
    sent = Issue.objects.filter(address_hash=sender, received_at__gte=_day_start(timezone.localdate())).count()
    if rules.is_flooding(sent, limit=issues_per_day()):
        raise ValidationError(_("Too many issues from your network today. Please try again tomorrow."))
    description = _text(description, "description", message=_("Describe the issue."))
    place_text = _text(place_text, "place_text", required=False, limit=100)
    phone = _phone(phone)
    clean = _photos(photos)
    issue = _issue_create(
        actor=RESIDENT,
        campaign=campaign,
        category=category,
        branch=branch,
        description=description,
        place_text=place_text,
        phone=phone,
        address_hash=sender,
    )
    for upload in clean:
        store_evidence(IssuePhoto, upload, actor=RESIDENT, issue=issue)
    return issue


def _issue_create(*, actor, campaign, category, branch, description, place_text="", phone="", address_hash="", note=""):
    """A received issue with a fresh tracking code, its first event and its audit row (from a resident's report
    or from a tea-house topic a cadre turned into a work order)."""
    for _attempt in range(5):
        code = rules.new_tracking_code()
        if not Issue.objects.filter(tracking_code=code).exists():
            break
    issue = Issue.objects.create(
        campaign=campaign,
        office=campaign.office,
        tracking_code=code,
        category=category,
        description=description,
        branch=branch,
        place_text=place_text,
        phone=phone,
        address_hash=address_hash,
        received_at=timezone.now(),
    )
    _event(issue, kind="received", before="", actor=actor, note=note)
    audit_record(actor=actor, action="participation.issue_submit", obj=issue, after=snapshot(issue))
    return issue


def issue_for_code(*, office, code: str) -> Issue | None:
    """The resident's issue by its tracking code (on that office's site only)."""
    code = rules.normalise_code(code)
    if len(code) != rules.CODE_LENGTH:
        return None
    return Issue.objects.filter(office=office, tracking_code=code).select_related("category", "branch").first()


@transaction.atomic
def issue_confirm(*, office, code: str, satisfied: bool, comment: str = "") -> Issue:
    """The resident's verdict on the answer, by tracking code: satisfied closes the order; not satisfied sends it
    back to the handler once (with a new due date), and closes it the second time."""
    found = issue_for_code(office=office, code=code)
    if found is None:
        raise ValidationError(_("No issue has this tracking code."))
    issue = _locked(found)
    ensure_campaign_open(issue.campaign)
    action = rules.SATISFIED if satisfied else rules.NOT_SATISFIED
    before = issue.state
    issue.state = _move(issue, action)
    now = timezone.now()
    comment = _text(comment, "comment", required=False, limit=500)
    if issue.state == rules.CLOSED:
        issue.closed_at = now
        issue.satisfaction = "satisfied" if satisfied else "not_satisfied"
    else:  # reopened
        issue.reopened_count += 1
        issue.answered_at = None
        issue.due_on = due_date(timezone.localdate(), issue.category.due_days)
    issue.save()
    _event(issue, kind=action, before=before, actor=RESIDENT, note=comment)
    audit_record(
        actor=RESIDENT,
        action="participation.issue_confirm",
        obj=issue,
        after={"state": issue.state, "satisfied": satisfied, "reopened_count": issue.reopened_count},
    )
    return issue


# ---------------------------------------------------------------------------------------------------------------
# The office and the handlers
# ---------------------------------------------------------------------------------------------------------------


@transaction.atomic
def issue_triage(
    *,
    actor,
    issue: Issue,
    decision: str,
    department: Department | None = None,
    branch: Branch | None = None,
    duplicate_of: Issue | None = None,
    reason: str = "",
    note: str = "",
    lon=None,
    lat=None,
) -> Issue:
    """The office's triage of a received issue: accept and dispatch it to the place's branch (or another branch of
    the office) or to a department, due in the category's working days; merge it into an earlier issue; or reject
    it with a reason the resident reads. A place given (longitude and latitude in the coordinate system of the
    office's map) puts the issue on the command screen's map."""
    ensure_allowed(actor, "participation.triage_issue", issue, message=_("You may not triage residents' issues."))
    issue = _locked(issue)
    ensure_campaign_open(issue.campaign)
    before_snapshot = snapshot(issue)
    before = issue.state
    if lon not in (None, "") or lat not in (None, ""):
        issue.lon, issue.lat = place_check(office=issue.office, lon=lon, lat=lat)
    if decision == "accept":
        issue.state = _move(issue, rules.ACCEPT)
        if branch is not None:
            if branch.office_id != issue.office_id:
                raise ValidationError({"branch": _("Choose a branch of this office.")})
            issue.branch = branch
        if department is not None and department.office_id != issue.office_id:
            raise ValidationError({"department": _("Choose a department of this office.")})
        issue.department = department
        issue.dispatched_at = timezone.now()
        issue.due_on = due_date(timezone.localdate(), issue.category.due_days)
    elif decision == "merge":
        if duplicate_of is None or duplicate_of.pk == issue.pk or duplicate_of.office_id != issue.office_id:
            raise ValidationError({"duplicate_of": _("Enter the tracking code of the earlier issue of this office.")})
        if duplicate_of.state in (rules.MERGED, rules.REJECTED):
            raise ValidationError({"duplicate_of": _("The earlier issue was itself merged or rejected.")})
        issue.state = _move(issue, rules.MERGE)
        issue.merged_into = duplicate_of
        issue.public_reason = _("The same issue was reported before (tracking code %(code)s); it is handled there.") % {
            "code": duplicate_of.tracking_code
        }
        issue.closed_at = timezone.now()
    elif decision == "reject":
        issue.state = _move(issue, rules.REJECT)
        issue.public_reason = _text(reason, "reason", limit=500, message=_("Give the reason the resident will read."))
        issue.closed_at = timezone.now()
    else:
        raise ValidationError({"decision": _("Choose the decision.")})
    issue.triaged_by = user_or_none(actor)
    issue.save()
    _event(issue, kind=decision, before=before, actor=actor, note=_text(note, "note", required=False))
    ensure_in_scope(issue, actor=actor, action="view")
    audit_record(
        actor=actor, action="participation.issue_triage", obj=issue, before=before_snapshot, after=snapshot(issue)
    )
    return issue


@transaction.atomic
def issue_note(*, actor, issue: Issue, note: str, photos=()) -> IssueEvent:
    """A handling note (what was done), with up to three photos, on a dispatched order."""
    ensure_allowed(
        actor, "participation.change_issue", issue, action="change", message=_("You may not handle this issue.")
    )
    issue = _locked(issue)
    ensure_campaign_open(issue.campaign)
    _move(issue, rules.NOTE)
    note = _text(note, "note", message=_("Write what was done."))
    clean = _photos(photos)
    event = _event(issue, kind=rules.NOTE, before=issue.state, actor=actor, note=note)
    for upload in clean:
        store_evidence(IssuePhoto, upload, actor=actor, issue=issue, handling=True)
    ensure_in_scope(issue, actor=actor)
    audit_record(actor=actor, action="participation.issue_note", obj=issue, after={"note": note, "photos": len(clean)})
    return event


@transaction.atomic
def issue_answer(*, actor, issue: Issue, answer: str, photos=()) -> Issue:
    """The answer published to the resident (and, once closed, on the public list of closed issues)."""
    ensure_allowed(
        actor, "participation.change_issue", issue, action="change", message=_("You may not handle this issue.")
    )
    issue = _locked(issue)
    ensure_campaign_open(issue.campaign)
    before = issue.state
    issue.state = _move(issue, rules.ANSWER)
    issue.answer = _text(answer, "answer", message=_("Write the answer for the resident."))
    clean = _photos(photos)
    issue.answered_at = timezone.now()
    issue.save()
    for upload in clean:
        store_evidence(IssuePhoto, upload, actor=actor, issue=issue, handling=True)
    _event(issue, kind=rules.ANSWER, before=before, actor=actor, note=issue.answer)
    ensure_in_scope(issue, actor=actor)
    audit_record(actor=actor, action="participation.issue_answer", obj=issue, after={"answer": issue.answer})
    return issue


def _people_told(issue: Issue) -> list[Person]:
    """Who hears of an overdue order: the handling department's leaders (else its people), or the branch's
    secretary and the leaders assigned to the branch."""
    if issue.department_id:
        people = list(Person.objects.filter(department_id=issue.department_id, is_leader=True).order_by("id"))
        return people or list(Person.objects.filter(department_id=issue.department_id).order_by("id")[:3])
    people = list(
        Person.objects.filter(assignments__branch_id=issue.branch_id, assignments__active=True, is_leader=True)
        .order_by("id")
        .distinct()
    )
    if issue.branch.secretary_id:
        people.insert(0, issue.branch.secretary)
    return people


def issues_escalate(*, actor, today: datetime.date | None = None) -> int:
    """Every dispatched order past its due date, told to the people responsible (through the notification centre),
    once per order and due date. Run daily by the `escalate_overdue_issues` task; returns the orders told of."""
    ensure_allowed(actor, "participation.triage_issue", message=_("You may not escalate residents' issues."))
    today = today or timezone.localdate()
    qs = (
        Issue.objects.restrict(actor, "view")
        .filter(state=rules.DISPATCHED, due_on__lt=today)
        .exclude(campaign__status="closed")
        .select_related("branch__secretary", "category")
        .order_by("due_on", "id")
    )
    told = 0
    for issue in qs:
        title = _("Resident issue overdue: %(place)s — %(category)s (due %(date)s)") % {
            "place": issue.branch.name,
            "category": issue.category.name,
            "date": issue.due_on.isoformat(),
        }
        url = reverse("participation:issue_detail", args=[issue.pk])
        key = f"participation:overdue:{issue.pk}:{issue.due_on.isoformat()}"
        sent = sum(
            send_notice(person=p, kind="issue_overdue", title=title, url=url, key=key) for p in _people_told(issue)
        )
        told += 1 if sent else 0
    return told


# ---------------------------------------------------------------------------------------------------------------
# 满意度测评: questionnaires, one-time codes, answers in a hash chain
# ---------------------------------------------------------------------------------------------------------------


def answers_per_day() -> int:
    return int(getattr(settings, "WUXING_PUBLIC_SURVEY_ANSWERS_PER_DAY", 30))


@transaction.atomic
def survey_create(*, actor, campaign, title: str, questions: list[dict], intro: str = "") -> Survey:
    """A questionnaire of scale (1–5) and one-choice questions; each answer may carry one optional comment."""
    ensure_allowed(actor, "participation.add_survey", campaign.office, message=_("You may not prepare surveys."))
    ensure_campaign_open(campaign)
    title = _text(title, "title", limit=100)
    rows = [q for q in questions or [] if (q.get("text") or "").strip()]
    if not rows:
        raise ValidationError({"questions": _("Add at least one question.")})
    if len(rows) > rules.MAX_QUESTIONS:
        raise ValidationError({"questions": _("At most %(n)d questions.") % {"n": rules.MAX_QUESTIONS}})
    survey = Survey.objects.create(
        campaign=campaign, office=campaign.office, title=title, intro=_text(intro, "intro", required=False)
    )
    for i, q in enumerate(rows, start=1):
        kind = q.get("kind") or "scale"
        choices = [c.strip() for c in q.get("choices") or [] if c and c.strip()]
        if kind not in ("scale", "choice"):
            raise ValidationError({"questions": _("Choose the kind of each question.")})
        if kind == "choice" and len(choices) < 2:
            raise ValidationError({"questions": _("A choice question needs at least two answers to choose from.")})
        SurveyQuestion.objects.create(
            survey=survey,
            position=i,
            kind=kind,
            text=_text(q["text"], "questions", limit=200),
            choices=choices if kind == "choice" else [],
        )
    ensure_in_scope(survey, actor=actor)
    audit_record(actor=actor, action="participation.survey_create", obj=survey, after=snapshot(survey))
    return survey


@transaction.atomic
def survey_set_status(*, actor, survey: Survey, status: str) -> Survey:
    """Open a prepared survey for answers, or close it (a closed survey takes no more answers)."""
    ensure_allowed(
        actor, "participation.change_survey", survey, action="change", message=_("You may not change surveys.")
    )
    survey = Survey.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=survey.pk)
    ensure_campaign_open(survey.campaign)
    allowed = {"draft": {"open"}, "open": {"closed"}, "closed": set()}
    if status not in allowed.get(survey.status, set()):
        raise ValidationError(_("A survey goes from being prepared to open, then to closed."))
    before = survey.status
    survey.status = status
    survey.save(update_fields=["status"])
    ensure_in_scope(survey, actor=actor)
    audit_record(
        actor=actor,
        action="participation.survey_status",
        obj=survey,
        before={"status": before},
        after={"status": status},
    )
    return survey


@transaction.atomic
def survey_codes_issue(*, actor, survey: Survey, branch: Branch, count: int, holder: str = "household") -> int:
    """Print `count` one-time codes for households (or party members) of a branch."""
    ensure_allowed(
        actor, "participation.change_survey", survey, action="change", message=_("You may not change surveys.")
    )
    ensure_campaign_open(survey.campaign)
    if branch is None or branch.office_id != survey.office_id:
        raise ValidationError({"branch": _("Choose a branch of this office.")})
    if holder not in ("household", "member"):
        raise ValidationError({"holder": _("Choose households or party members.")})
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= rules.MAX_CODES_PER_PRINT:
        raise ValidationError({"count": _("Print from 1 to %(n)d codes at a time.") % {"n": rules.MAX_CODES_PER_PRINT}})
    codes = set()
    while len(codes) < count:
        codes |= {rules.new_tracking_code() for _ in range(count - len(codes))}
        codes -= set(SurveyCode.objects.filter(code__in=codes).values_list("code", flat=True))
    SurveyCode.objects.bulk_create(
        [SurveyCode(survey=survey, branch=branch, holder=holder, code=c) for c in sorted(codes)], batch_size=1000
    )
    audit_record(
        actor=actor,
        action="participation.survey_codes",
        obj=survey,
        after={"branch": branch.name, "holder": holder, "count": count},
    )
    return count


def survey_code_for(*, office, code: str) -> SurveyCode | None:
    code = rules.normalise_code(code)
    if len(code) != rules.CODE_LENGTH:
        return None
    return (
        SurveyCode.objects.filter(survey__office=office, code=code).select_related("survey__campaign", "branch").first()
    )


def response_payload_of(row: SurveyResponse, code: str) -> str:
    """The text an answer's hash covers."""
    return rules.response_payload(
        survey_id=row.survey_id,
        code=code,
        branch_id=row.branch_id,
        answers=row.answers,
        comment=row.comment,
        submitted=row.submitted_at.astimezone(datetime.UTC).isoformat(),
    )


@transaction.atomic
def survey_answer(*, office, code: str, answers: dict, comment: str = "", address: str | None = None) -> SurveyResponse:
    """One answer per one-time code (a code used twice is refused), hashed onto the end of the survey's chain."""
    found = survey_code_for(office=office, code=code)
    if found is None:
        raise ValidationError(_("This code is not valid. Check the code on your sheet."))
    survey = Survey.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=found.survey_id)
    ensure_campaign_open(survey.campaign)
    if survey.status != "open":
        raise ValidationError(_("This survey takes no answers now."))
    slot = SurveyCode.objects.select_for_update().get(pk=found.pk)
    if slot.used_at is not None:
        raise ValidationError(_("This code has already been used; each code answers once."))
    sender = address_hash(address)
    sent = SurveyResponse.objects.filter(
        address_hash=sender, submitted_at__gte=_day_start(timezone.localdate())
    ).count()
    if rules.is_flooding(sent, limit=answers_per_day()):
        raise ValidationError(_("Too many answers from your network today. Please try again tomorrow."))
    clean = {}
    for q in survey.questions.order_by("position"):
        value = str((answers or {}).get(str(q.pk), "") or "").strip()
        problem = rules.answer_refusal(q.kind, q.choices, value)
        if problem:
            raise ValidationError({f"q{q.pk}": _(problem)})
        clean[str(q.pk)] = value
    now = timezone.now()
    last = SurveyResponse.objects.filter(survey=survey).order_by("-id").values_list("hash", flat=True).first() or ""
    row = SurveyResponse(
        survey=survey,
        code=slot,
        branch_id=slot.branch_id,
        answers=clean,
        comment=_text(comment, "comment", required=False, limit=500),
        address_hash=sender,
        submitted_at=now,
        prev_hash=last,
    )
    row.hash = rules.chain_hash(last, response_payload_of(row, slot.code))
    row.save()
    slot.used_at = now
    slot.save(update_fields=["used_at"])
    audit_record(actor=RESIDENT, action="participation.survey_answer", obj=survey, after={"branch": slot.branch_id})
    return row


def survey_chain_problem(survey: Survey) -> int | None:
    """The id of the first answer that does not hold in the survey's hash chain (edited, removed or inserted), or
    None when the chain is intact."""
    rows = list(SurveyResponse.objects.filter(survey=survey).select_related("code").order_by("id"))
    broken = rules.first_broken((response_payload_of(r, r.code.code), r.prev_hash, r.hash) for r in rows)
    return None if broken is None else rows[broken].pk


# ---------------------------------------------------------------------------------------------------------------
# 征求意见: a branch's proposal put to the residents, recorded as its deliberation's first step
# ---------------------------------------------------------------------------------------------------------------

STANCE_LABELS = {"support": _("I agree"), "object": _("I disagree"), "suggest": _("I have a suggestion")}


@transaction.atomic
def solicitation_create(*, actor, deliberation_id: int, title: str, proposal: str, deadline) -> Solicitation:
    """Put a proposal of the branch to its residents until `deadline`, for a deliberation by 一征三议两公开 whose
    征求意见 step is not yet recorded."""
    ensure_allowed(actor, "participation.add_solicitation", message=_("Only the branch asks its residents."))
    deliberation = deliberation_get(user=actor, pk=deliberation_id)
    progress = dict(deliberation_progress(deliberation))
    if SOLICIT_STEP not in progress:
        raise ValidationError({"deliberation": _("This deliberation follows a procedure without 征求意见.")})
    if progress[SOLICIT_STEP] is not None:
        raise ValidationError({"deliberation": _("The deliberation's 征求意见 is already recorded.")})
    if deliberation.campaign_id is not None:
        ensure_campaign_open(deliberation.campaign)
    if not isinstance(deadline, datetime.date) or deadline < timezone.localdate():
        raise ValidationError({"deadline": _("Give a deadline from today on.")})
    row = Solicitation.objects.create(
        office_id=deliberation.branch.office_id,
        branch=deliberation.branch,
        deliberation_id=deliberation.pk,
        title=_text(title, "title", limit=200),
        proposal=_text(proposal, "proposal", limit=5000),
        deadline=deadline,
    )
    ensure_in_scope(row, actor=actor, action="view")
    audit_record(actor=actor, action="participation.solicitation_create", obj=row, after=snapshot(row))
    return row


@transaction.atomic
def opinion_submit(*, solicitation: Solicitation, stance: str, text: str = "", address: str | None = None) -> Opinion:
    """A resident's opinion on the public page, until the deadline; at most WUXING_PUBLIC_OPINIONS_PER_DAY (5) a
    day from one address."""
    row = Solicitation.objects.select_for_update(of=("self",)).get(pk=solicitation.pk)
    problem = rules.opinion_refusal(deadline=row.deadline, today=timezone.localdate(), closed=row.closed_at is not None)
    if problem:
        raise ValidationError(_(problem))
    if stance not in rules.STANCES:
        raise ValidationError({"stance": _("Choose your stance.")})
    sender = address_hash(address)
    limit = int(getattr(settings, "WUXING_PUBLIC_OPINIONS_PER_DAY", rules.DEFAULT_ISSUES_PER_DAY))
    sent = Opinion.objects.filter(address_hash=sender, submitted_at__gte=_day_start(timezone.localdate())).count()
    if rules.is_flooding(sent, limit=limit):
        raise ValidationError(_("Too many opinions from your network today. Please try again tomorrow."))
    opinion = Opinion.objects.create(
        solicitation=row, stance=stance, text=_text(text, "text", required=False, limit=1000), address_hash=sender
    )
    audit_record(actor=RESIDENT, action="participation.opinion", obj=row, after={"stance": stance})
    return opinion


def summary_text(solicitation: Solicitation) -> str:
    """The summary recorded as the 征求意见 step's minutes: counts, then the comments grouped by stance."""
    summary = rules.opinion_summary(solicitation.opinions.values_list("stance", "text"))
    lines = [
        _("Opinions on “%(title)s” until %(deadline)s: %(total)d.")
        % {"title": solicitation.title, "deadline": solicitation.deadline.isoformat(), "total": summary["total"]}
    ]
    for stance in rules.STANCES:
        lines.append(f"{STANCE_LABELS[stance]}：{summary['counts'][stance]}")
        lines.extend(f"  · {c}" for c in summary["comments"][stance])
    return "\n".join(lines)


@transaction.atomic
def solicitation_close(*, actor, solicitation: Solicitation, held_on: datetime.date | None = None) -> Solicitation:
    """Close the solicitation and record its summary as the deliberation's 征求意见 step, for the two committees."""
    ensure_allowed(
        actor,
        "participation.change_solicitation",
        solicitation,
        action="change",
        message=_("Only the branch asks its residents."),
    )
    row = Solicitation.objects.select_for_update(of=("self",)).get(pk=solicitation.pk)
    if row.closed_at is not None:
        raise ValidationError(_("The solicitation is already closed."))
    deliberation = deliberation_get(user=actor, pk=row.deliberation_id)
    step_record(
        actor=actor,
        deliberation=deliberation,
        step=SOLICIT_STEP,
        held_on=held_on or min(timezone.localdate(), row.deadline),
        minutes=summary_text(row),
    )
    row.closed_at = timezone.now()
    row.save(update_fields=["closed_at"])
    ensure_in_scope(row, actor=actor)
    audit_record(
        actor=actor, action="participation.solicitation_close", obj=row, after={"opinions": row.opinions.count()}
    )
    return row


# ---------------------------------------------------------------------------------------------------------------
# 民情茶馆: residents' topics on a branch's board (moderated first), the branch's answer, one action to turn a
# topic into a work order, a check-in item or a supervision finding; the sessions of the physical tea house
# ---------------------------------------------------------------------------------------------------------------


def topics_per_day() -> int:
    return int(getattr(settings, "WUXING_PUBLIC_TOPICS_PER_DAY", rules.DEFAULT_TOPICS_PER_DAY))


def _topic_address_hash(address: str | None) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}|tea-topic|{address or '-'}".encode()).hexdigest()


def _refuse_topic(topic: TeaTopic, action: str) -> None:
    problem = rules.topic_refusal(topic.status, action, outcome=topic.outcome)
    if problem:
        raise ValidationError(_(problem))


def _locked_topic(topic: TeaTopic) -> TeaTopic:
    return (
        TeaTopic.objects.select_for_update(of=("self",)).select_related("campaign", "branch", "office").get(pk=topic.pk)
    )


@transaction.atomic
def topic_submit(*, office, branch: Branch, title: str, text: str, address: str | None, phone: str = "") -> TeaTopic:
    """A resident raises a topic on a branch's 民情茶馆 board (no account). It waits for moderation before it shows;
    at most WUXING_PUBLIC_TOPICS_PER_DAY (3) a day from one address; the phone is kept private (R16)."""
    campaign = campaign_public(office=office)
    if campaign is None or not campaign.is_open:
        raise ValidationError(_("The tea house takes no topics now."))
    if branch is None or branch.office_id != office.pk or branch.retired_at is not None:
        raise ValidationError({"branch": _("Choose a village or community of this office.")})
    sender = _topic_address_hash(address)
    sent = TeaTopic.objects.filter(address_hash=sender, submitted_at__gte=_day_start(timezone.localdate())).count()
    if rules.is_flooding(sent, limit=topics_per_day()):
        raise ValidationError(_("Too many topics from your network today. Please try again tomorrow."))
    topic = TeaTopic.objects.create(
        campaign=campaign,
        office=office,
        branch=branch,
        title=_text(title, "title", limit=rules.TOPIC_TITLE_MAX, message=_("Give your topic a title.")),
        text=_text(text, "text", limit=rules.TOPIC_TEXT_MAX, message=_("Say what you would like to raise.")),
        phone=_phone(phone),
        address_hash=sender,
        submitted_at=timezone.now(),
    )
    audit_record(actor=RESIDENT, action="participation.topic_submit", obj=topic, after=snapshot(topic))
    return topic


@transaction.atomic
def topic_moderate(*, actor, topic: TeaTopic, decision: str, reason: str = "") -> TeaTopic:
    """The office or the branch approves a pending topic for the board, or rejects it with a reason (kept on the
    record, never published)."""
    ensure_allowed(actor, "participation.moderate_teatopic", topic, message=_("You may not moderate tea-house topics."))
    topic = _locked_topic(topic)
    ensure_campaign_open(topic.campaign)
    if decision not in (rules.APPROVE, rules.REJECT):
        raise ValidationError({"decision": _("Choose the decision.")})
    _refuse_topic(topic, decision)
    before = snapshot(topic)
    topic.status = rules.topic_next_status(topic.status, decision)
    topic.moderation_reason = (
        _text(reason, "reason", limit=500, message=_("Give the reason for not publishing it."))
        if decision == rules.REJECT
        else ""
    )
    topic.moderated_at = timezone.now()
    topic.moderated_by = user_or_none(actor)
    topic.save()
    ensure_in_scope(topic, actor=actor, action="view")
    audit_record(actor=actor, action="participation.topic_moderate", obj=topic, before=before, after=snapshot(topic))
    return topic


@transaction.atomic
def topic_answer(*, actor, topic: TeaTopic, answer: str) -> TeaTopic:
    """The branch's answer, published on the board under the topic (it may be corrected; the history keeps both)."""
    ensure_allowed(actor, "participation.answer_teatopic", topic, message=_("You may not answer tea-house topics."))
    topic = _locked_topic(topic)
    ensure_campaign_open(topic.campaign)
    _refuse_topic(topic, rules.ANSWER)
    before = snapshot(topic)
    topic.answer = _text(answer, "answer", limit=rules.TOPIC_TEXT_MAX, message=_("Write the answer."))
    topic.answered_at = timezone.now()
    topic.answered_by = user_or_none(actor)
    topic.save()
    ensure_in_scope(topic, actor=actor, action="view")
    audit_record(actor=actor, action="participation.topic_answer", obj=topic, before=before, after=snapshot(topic))
    return topic


def topic_stars(topic: TeaTopic):
    """The stars a check-in item made from the topic may count towards: the branch's star set in its campaign's
    standard."""
    return Star.objects.filter(standard_id=topic.campaign.standard_id, star_set=topic.branch.star_set).order_by(
        "position"
    )


@transaction.atomic
def topic_convert(
    *,
    actor,
    topic: TeaTopic,
    outcome: str,
    category: IssueCategory | None = None,
    star=None,
    finding_category: str = "",
    severity: str = "",
) -> TeaTopic:
    """Turn a topic on the board into work with one action, keeping the link on the topic:

    - a work order: a 随手拍 issue of the topic's branch in `category`, dispatched at once to the branch when the
      actor triages issues (the office), else received for the office's triage;
    - a check-in item (yes / no) on the branch's list, counting towards `star` (checklists' `item_create`);
    - a supervision finding about the branch: a public report taken in at once with its check and severity
      (supervision's `public_report_submit` and `finding_triage`).
    The services called check their own permissions; a refusal rolls the whole action back."""
    ensure_allowed(
        actor, "participation.convert_teatopic", topic, message=_("You may not turn tea-house topics into work.")
    )
    topic = _locked_topic(topic)
    ensure_campaign_open(topic.campaign)
    if outcome not in rules.OUTCOMES:
        raise ValidationError({"outcome": _("Choose what the topic becomes.")})
    _refuse_topic(topic, "convert")
    before = snapshot(topic)
    text = f"{topic.title}\n{topic.text}"
    if outcome == "work_order":
        if category is None or category.office_id != topic.office_id or not category.active:
            raise ValidationError({"category": _("Choose a category.")})
        issue = _issue_create(
            actor=actor,
            campaign=topic.campaign,
            category=category,
            branch=topic.branch,
            description=_text(text, "description"),
            phone=topic.phone,
            note=_("Raised at the tea house: %(title)s") % {"title": topic.title},
        )
        if is_system(actor) or actor.has_perm("participation.triage_issue"):
            issue = issue_triage(actor=actor, issue=issue, decision="accept", branch=topic.branch)
        topic.issue = issue
    elif outcome == "checklist_item":
        if star is None or not topic_stars(topic).filter(pk=star.pk).exists():
            raise ValidationError({"star": _("Choose a star of this branch.")})
        topic.checklist_item = item_create(
            actor=actor,
            branch=topic.branch,
            star=star,
            title=topic.title,
            campaign=topic.campaign,
            kind="yes_no",
            start_date=timezone.localdate(),
        )
    else:
        if not (is_system(actor) or actor.has_perm("supervision.change_finding")):
            raise PermissionDenied(_("You may not record problems."))
        # Keyed to the topic, not to an address: the public's daily limit is not the office's.
        report = public_report_submit(
            office=topic.office, branch=topic.branch, text=text, address=f"tea-topic:{topic.pk}"
        )
        topic.finding = finding_triage(
            actor=actor, finding=report.finding, accept=True, category=finding_category, severity=severity
        )
    topic.outcome = outcome
    topic.converted_at = timezone.now()
    topic.converted_by = user_or_none(actor)
    topic.save()
    ensure_in_scope(topic, actor=actor, action="view")
    audit_record(actor=actor, action="participation.topic_convert", obj=topic, before=before, after=snapshot(topic))
    return topic


@transaction.atomic
def topic_reveal(*, actor, topic: TeaTopic) -> str:
    """The resident's phone in full, for holders of the reveal permission; every reveal is logged (R16)."""
    ensure_allowed(actor, "participation.reveal_contact", message=_("You may not reveal personal data."))
    ensure_in_scope(topic, actor=actor, action="view")
    audit_record(
        actor=actor,
        action="participation.topic_reveal",
        obj=topic,
        after={"field": "phone", "masked": mask_phone(topic.phone)},
    )
    return topic.phone


SESSION_FIELDS = ["held_on", "place", "other_topics", "attendees", "outcomes"]


@transaction.atomic
def session_save(
    *,
    actor,
    held_on,
    place: str,
    attendees,
    outcomes: str,
    topics=(),
    other_topics: str = "",
    branch: Branch | None = None,
    campaign=None,
    session: TeaSession | None = None,
) -> TeaSession:
    """Record a session of the branch's physical 民情茶馆 (`branch`, `campaign`), or correct one (`session`): the
    date, place, topics (picked from the branch's board and/or written), attendees and outcomes."""
    if session is None:
        ensure_allowed(
            actor, "participation.add_teasession", branch, message=_("Only the branch records its tea-house sessions.")
        )
        if campaign is None or campaign.office_id != branch.office_id:
            raise ValidationError(_("The branch's office has no campaign yet."))
        row, before = TeaSession(campaign=campaign, branch=branch, recorded_by=user_or_none(actor)), None
    else:
        ensure_allowed(
            actor,
            "participation.change_teasession",
            session,
            message=_("Only the branch records its tea-house sessions."),
        )
        row = TeaSession.objects.select_for_update(of=("self",)).select_related("campaign", "branch").get(pk=session.pk)
        before = snapshot(row)
    ensure_campaign_open(row.campaign)
    if not isinstance(held_on, datetime.date):
        raise ValidationError({"held_on": _("Enter the date.")})
    try:
        attendees = int(attendees)
    except (TypeError, ValueError):
        attendees = -1
    picked = list(topics or [])
    if any(t.branch_id != row.branch_id or t.status != rules.PUBLISHED for t in picked):
        raise ValidationError({"topics": _("Pick topics on this branch's board.")})
    problems = rules.session_problems(
        held_on=held_on,
        today=timezone.localdate(),
        attendees=attendees,
        topics=len(picked),
        other_topics=other_topics,
    )
    if problems:
        raise ValidationError({k: _(v) for k, v in problems.items()})
    row.held_on = held_on
    row.place = _text(place, "place", limit=100, message=_("Enter the place."))
    row.other_topics = _text(other_topics, "other_topics", required=False)
    row.attendees = attendees
    row.outcomes = _text(outcomes, "outcomes", message=_("Write what was agreed or done."))
    row.save()
    row.topics.set(picked)
    ensure_in_scope(row, actor=actor, action="view")
    after = {**snapshot(row), "topics": [t.title for t in picked]}
    if before is None:
        audit_record(actor=actor, action="participation.session_create", obj=row, after=after)
    else:
        audit_record(actor=actor, action="participation.session_update", obj=row, before=before, after=after)
    return row


def finding_choices() -> tuple[list, list]:
    """(checks, severities) a supervision finding takes, read from the finding's own fields."""
    finding = TeaTopic._meta.get_field("finding").related_model
    return list(finding._meta.get_field("category").choices), list(finding._meta.get_field("severity").choices)
