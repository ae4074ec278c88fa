"""Writes of supervision: scoring sheets, observations and their score cards, quarterly evaluations, inspections,
findings, rectifications (R15) and their escalation, 问责, and the public's problem reports.

The HTML pages, the API, the escalation task and the demo call these same functions.
"""

import datetime
import hashlib
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.campaigns.choices import CampaignStatus
from wuxing.campaigns.selectors import campaign_public
from wuxing.campaigns.services import ensure_campaign_open
from wuxing.checklists.selectors import branches_of, flagged_item_rows, progress_rows
from wuxing.core.actors import SystemActor, is_system, user_or_none
from wuxing.core.audit import audit_record, snapshot
from wuxing.core.extensions import send_notice
from wuxing.core.uploads import clean_uploads, store_evidence
from wuxing.org.access import ensure_allowed, ensure_in_scope
from wuxing.org.models import Branch, Department, Person

from . import rules
from .choices import Decision, EvaluationStatus, FindingCategory, FindingSource, InspectionMode, Severity, Triage
from .models import (
    Accountability,
    ActivityTag,
    Criterion,
    Escalation,
    Evaluation,
    EvaluationRow,
    Finding,
    FindingPhoto,
    Inspection,
    Observation,
    Observer,
    PublicReport,
    Rectification,
    RectificationEvent,
    RectificationEvidence,
    RouteStop,
    Score,
    ScoreCard,
    ScorePhoto,
    ScoreSheet,
)

PUBLIC = SystemActor("public-report")
MAX_CRITERIA = 30
MAX_PHOTOS = 6
MAX_TEXT = 2000


def _text(value, field: str, *, required: bool = True, limit: int = MAX_TEXT, message: str | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message or _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": limit}})
    return value


def _date(value, field: str) -> datetime.date:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationError({field: _("Enter a valid date.")}) from None
    if not isinstance(value, datetime.date):
        raise ValidationError({field: _("Enter a valid date.")})
    return value


def _branches_of_office(branches, office_id, field: str) -> list[Branch]:
    branches = list(branches)
    if any(b.office_id != office_id for b in branches):
        raise ValidationError({field: _("Every branch must belong to the campaign's office.")})
    if len({b.pk for b in branches}) != len(branches):
        raise ValidationError({field: _("A branch is listed twice.")})
    return branches


def _photos(photos, field: str = "photos"):
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({field: _("At most %(n)d photos.") % {"n": MAX_PHOTOS}})
    return clean_uploads(photos, field=field)


# ---------------------------------------------------------------------------------------------------------------
# Activity tags
# ---------------------------------------------------------------------------------------------------------------


@transaction.atomic
def tag_create(*, actor, office, name: str) -> ActivityTag:
    """An activity the office runs alongside the campaign, to tag evaluations and inspections with."""
    ensure_allowed(actor, "supervision.add_evaluation", office, message=_("You may not add activities."))
    name = _text(name, "name", limit=50)
    if (
        ActivityTag.objects.filter(office__isnull=True, name=name).exists()
        or ActivityTag.objects.filter(office=office, name=name).exists()
    ):
        raise ValidationError({"name": _("This activity exists already.")})
    tag = ActivityTag.objects.create(office=office, name=name)
    audit_record(actor=actor, action="supervision.tag_create", obj=tag, after=snapshot(tag))
    return tag


def _tags_of_office(tags, office_id) -> list[ActivityTag]:
    tags = list(tags or [])
    if any(t.office_id not in (None, office_id) for t in tags):
        raise ValidationError({"tags": _("An activity of another office was chosen.")})
    return tags


# ---------------------------------------------------------------------------------------------------------------
# 月观摩: sheets, observations, score cards
# ---------------------------------------------------------------------------------------------------------------


@transaction.atomic
def sheet_create(*, actor, office, name: str, criteria: list[dict]) -> ScoreSheet:
    """The office's next scoring sheet version; the sheets of past observations stay as they were."""
    ensure_allowed(actor, "supervision.add_scoresheet", office, message=_("You may not change the scoring sheet."))
    name = _text(name, "name", limit=100)
    rows = []
    for i, c in enumerate(criteria or []):
        text = (c.get("text") or "").strip()
        if not text:
            continue
        try:
            points = int(c.get("max_points"))
        except (TypeError, ValueError):
            raise ValidationError({"criteria": _("Row %(n)d: enter the maximum points.") % {"n": i + 1}}) from None
        if not 1 <= points <= 100:
            raise ValidationError({"criteria": _("Row %(n)d: the maximum must be 1–100 points.") % {"n": i + 1}})
        rows.append((text[:200], points, (c.get("guidance") or "").strip()[:300]))
    if not rows:
        raise ValidationError({"criteria": _("A scoring sheet needs at least one criterion.")})
    if len(rows) > MAX_CRITERIA:
        raise ValidationError({"criteria": _("At most %(n)d criteria.") % {"n": MAX_CRITERIA}})
    last = ScoreSheet.objects.select_for_update().filter(office=office).order_by("-version").first()
    sheet = ScoreSheet.objects.create(office=office, version=(last.version + 1) if last else 1, name=name)
    Criterion.objects.bulk_create(
        Criterion(sheet=sheet, position=i + 1, text=t, max_points=p, guidance=g) for i, (t, p, g) in enumerate(rows)
    )
    audit_record(
        actor=actor,
        action="supervision.sheet_create",
        obj=sheet,
        after={**snapshot(sheet), "criteria": [[t, p, g] for t, p, g in rows]},
    )
    return sheet


def _own_branch_id(user) -> int | None:
    person = getattr(user, "person", None)
    return person.branch_id if person is not None else None


@transaction.atomic
def observation_create(
    *,
    actor,
    campaign,
    title: str,
    held_on,
    sheet: ScoreSheet,
    branches,
    observers,
    drop_extremes: bool = True,
    drop_from: int = rules.DEFAULT_DROP_FROM,
    public: bool = False,
) -> Observation:
    """A visit plan: the route (branches in visiting order) and the observers; one score card per observer and
    branch is made ready (a secretary observing as 互观互评 does not score their own branch)."""
    ensure_allowed(actor, "supervision.add_observation", campaign, message=_("You may not plan observations."))
    ensure_campaign_open(campaign)
    title = _text(title, "title", limit=100)
    held_on = _date(held_on, "held_on")
    if sheet.office_id != campaign.office_id:
        raise ValidationError({"sheet": _("The scoring sheet is another office's.")})
    branches = _branches_of_office(branches, campaign.office_id, "branches")
    if not branches:
        raise ValidationError({"branches": _("Choose the branches to visit.")})
    observers = list(observers or [])
    if not observers:
        raise ValidationError({"observers": _("Choose the observers.")})
    if len({u.pk for u in observers}) != len(observers) or any(not u.is_active for u in observers):
        raise ValidationError({"observers": _("Each observer once, and only active accounts.")})
    try:
        drop_from = int(drop_from)
    except (TypeError, ValueError):
        drop_from = 0
    if not 3 <= drop_from <= 50:
        raise ValidationError({"drop_from": _("Enter a number of observers from 3 to 50.")})
    observation = Observation.objects.create(
        campaign=campaign,
        title=title,
        held_on=held_on,
        sheet=sheet,
        drop_extremes=bool(drop_extremes),
        drop_from=drop_from,
        public=bool(public),
        created_by=user_or_none(actor),
    )
    RouteStop.objects.bulk_create(
        RouteStop(observation=observation, position=i + 1, branch=b) for i, b in enumerate(branches)
    )
    cards = []
    for user in observers:
        own = _own_branch_id(user)
        Observer.objects.create(observation=observation, user=user, peer_branch_id=own)
        cards.extend(ScoreCard(observation=observation, branch=b, observer=user) for b in branches if b.pk != own)
    ScoreCard.objects.bulk_create(cards)
    ensure_in_scope(observation, actor=actor, action="view")
    audit_record(
        actor=actor,
        action="supervision.observation_create",
        obj=observation,
        after={
            **snapshot(observation),
            "route": [b.name for b in branches],
            "observers": [u.get_username() for u in observers],
        },
    )
    return observation


@transaction.atomic
def observation_set_public(*, actor, observation: Observation, public: bool) -> Observation:
    ensure_allowed(actor, "supervision.change_observation", observation, message=_("You may not change observations."))
    observation = Observation.objects.select_for_update().select_related("campaign").get(pk=observation.pk)
    ensure_campaign_open(observation.campaign)
    before = snapshot(observation, ["public"])
    observation.public = bool(public)
    observation.save(update_fields=["public"])
    audit_record(
        actor=actor, action="supervision.observation_public", obj=observation, before=before, after={"public": public}
    )
    return observation


def _ensure_observer(actor, card: ScoreCard) -> None:
    if is_system(actor):
        return
    if card.observer_id != actor.pk:
        raise PermissionDenied(_("Only the observer named on a score card may fill it in."))


@transaction.atomic
def card_save(*, actor, card: ScoreCard, points: dict, comment: str = "", photos=(), submit: bool = False) -> ScoreCard:
    """An observer's scores for a branch; `submit` locks the card (all criteria must be scored by then)."""
    ensure_allowed(actor)
    card = (
        ScoreCard.objects.select_for_update(of=("self",))
        .select_related("observation__campaign", "observation__sheet")
        .get(pk=card.pk)
    )
    _ensure_observer(actor, card)
    ensure_campaign_open(card.observation.campaign)
    if card.locked:
        raise ValidationError(_("This score card was submitted and is locked."))
    criteria = list(card.observation.sheet.criteria.all())
    by_id = {str(c.pk): c for c in criteria}
    errors = {}
    values: dict[int, Decimal] = {}
    for key, raw in (points or {}).items():
        criterion = by_id.get(str(key))
        if criterion is None:
            raise ValidationError(_("A criterion of another scoring sheet was scored."))
        if raw in (None, ""):
            continue
        problem = rules.check_points(raw, criterion.max_points)
        if problem:
            errors[f"c{criterion.pk}"] = problem
            continue
        values[criterion.pk] = Decimal(str(raw))
    if errors:
        raise ValidationError(errors)
    if submit:
        missing = [c.text for c in criteria if c.pk not in values]
        if missing:
            raise ValidationError(
                _("Score every criterion before submitting; missing: %(names)s.") % {"names": "、".join(missing)}
            )
    clean = _photos(photos)
    Score.objects.filter(card=card).delete()
    Score.objects.bulk_create(Score(card=card, criterion_id=pk, points=value) for pk, value in values.items())
    for upload in clean:
        store_evidence(ScorePhoto, upload, actor=actor, card=card)
    before = snapshot(card, ["total", "comment", "submitted_at"])
    card.total = rules.compute_sheet_total(values.values())
    card.comment = _text(comment, "comment", required=False)
    if submit:
        card.submitted_at = timezone.now()
    card.save()
    audit_record(
        actor=actor,
        action="supervision.card_submit" if submit else "supervision.card_save",
        obj=card,
        before=before,
        after={
            **snapshot(card, ["total", "comment", "submitted_at"]),
            "points": {str(k): str(v) for k, v in values.items()},
            "photos": [c.original_name for c in clean],
        },
    )
    return card


# ---------------------------------------------------------------------------------------------------------------
# 季评比
# ---------------------------------------------------------------------------------------------------------------


def _weights(weights: dict) -> dict[str, str]:
    clean = {}
    for key in rules.INPUTS:
        raw = (weights or {}).get(key, 0)
        try:
            clean[key] = Decimal(str(raw if raw not in (None, "") else 0))
        except InvalidOperation:
            raise ValidationError({"weights": _("Enter a number for each weight.")}) from None
    problem = rules.check_weights(clean)
    if problem:
        raise ValidationError({"weights": problem})
    return {k: str(v) for k, v in clean.items()}


def _board_size(value, field: str) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= 50:
        raise ValidationError({field: _("Enter a number from 0 to 50.")})
    return value


@transaction.atomic
def evaluation_create(
    *,
    actor,
    campaign,
    quarter: int,
    title: str,
    weights: dict,
    top_n: int = 3,
    bottom_n: int = 3,
    tags=(),
    public: bool = True,
) -> Evaluation:
    ensure_allowed(actor, "supervision.add_evaluation", campaign, message=_("You may not manage evaluations."))
    ensure_campaign_open(campaign)
    try:
        quarter = int(quarter)
    except (TypeError, ValueError):
        quarter = 0
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("Choose a quarter from 1 to 4.")})
    evaluation = Evaluation.objects.create(
        campaign=campaign,
        quarter=quarter,
        title=_text(title, "title", limit=100),
        weights=_weights(weights),
        top_n=_board_size(top_n, "top_n"),
        bottom_n=_board_size(bottom_n, "bottom_n"),
        public=bool(public),
    )
    evaluation.tags.set(_tags_of_office(tags, campaign.office_id))
    ensure_in_scope(evaluation, actor=actor, action="view")
    audit_record(
        actor=actor,
        action="supervision.evaluation_create",
        obj=evaluation,
        after={**snapshot(evaluation), "tags": [t.name for t in evaluation.tags.all()]},
    )
    return evaluation


def _punctuality(campaign, start, end, branch_ids) -> dict[int, Decimal]:
    """Daily report punctuality (0–100) from an app that offers it (the work rhythm's daily reports), if any:
    an AppConfig with `daily_report_punctuality(campaign, start, end, branch_ids) -> {branch_id: percent}`."""
    found: dict[int, Decimal] = {}
    for config in apps.get_app_configs():
        hook = getattr(config, "daily_report_punctuality", None)
        if hook is not None:
            found.update(
                {k: Decimal(str(v)) for k, v in hook(campaign, start, end, branch_ids).items() if v is not None}
            )
    return found


def _resident_satisfaction(campaign, start, end, branch_ids) -> dict[int, Decimal]:
    """Resident satisfaction (0–100) from an app that measures it (residents' confirmations of their answered
    issues), if any: an AppConfig with `resident_satisfaction(campaign, start, end, branch_ids) -> {branch_id: %}`."""
    found: dict[int, Decimal] = {}
    for config in apps.get_app_configs():
        hook = getattr(config, "resident_satisfaction", None)
        if hook is not None:
            found.update(
                {
                    k: Decimal(str(v)).quantize(rules.TWO_PLACES)
                    for k, v in hook(campaign, start, end, branch_ids).items()
                    if v is not None
                }
            )
    return found


def evaluation_inputs(*, evaluation: Evaluation, satisfaction: dict | None = None) -> dict[int, dict]:
    """R13 inputs per branch of the campaign's office, each 0–100 or None when not measured."""
    from .selectors import observation_scores

    campaign = evaluation.campaign
    start, end = rules.quarter_bounds(campaign.year, evaluation.quarter)
    branches = list(branches_of(campaign))
    ids = [b.pk for b in branches]
    # Observation: the mean, over the quarter's observations, of the branch's R12 score as a share of the sheet.
    per_branch: dict[int, list[Decimal]] = {}
    for observation in Observation.objects.filter(campaign=campaign, held_on__range=(start, end)).select_related(
        "sheet"
    ):
        max_total = observation.sheet.max_total
        for branch_id, result in observation_scores(observation).items():
            percent = rules.as_percent(result.score, max_total)
            if percent is not None:
                per_branch.setdefault(branch_id, []).append(percent)
    progress = {r.branch.pk: r.progress.overall for r in progress_rows(campaign=campaign, branches=branches, today=end)}
    states: dict[int, list[str]] = {}
    for branch_id, state in Rectification.objects.filter(
        finding__campaign=campaign, finding__branch_id__in=ids, due_on__lte=end
    ).values_list("finding__branch_id", "state"):
        states.setdefault(branch_id, []).append(state)
    punctual = _punctuality(campaign, start, end, ids)
    # A value entered by hand wins; otherwise the residents' own verdicts, when an app measures them.
    satisfaction = {**_resident_satisfaction(campaign, start, end, ids), **(satisfaction or {})}
    inputs = {}
    for branch in branches:
        scores = per_branch.get(branch.pk)
        overall = progress.get(branch.pk)
        inputs[branch.pk] = {
            "observation": (sum(scores) / len(scores)).quantize(rules.TWO_PLACES) if scores else None,
            "checklist": None if overall is None else rules.as_percent(Decimal(str(overall)), 1),
            "punctuality": punctual.get(branch.pk),
            "rectification": rules.compute_closure_rate(states.get(branch.pk, [])),
            "satisfaction": satisfaction.get(branch.pk),
        }
    return inputs


def _satisfaction(values: dict | None) -> dict[int, Decimal]:
    clean = {}
    for key, raw in (values or {}).items():
        if raw in (None, ""):
            continue
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            raise ValidationError({"satisfaction": _("Enter satisfaction as a number from 0 to 100.")}) from None
        if not value.is_finite() or not 0 <= value <= 100:
            raise ValidationError({"satisfaction": _("Enter satisfaction as a number from 0 to 100.")})
        clean[int(key)] = value.quantize(rules.TWO_PLACES)
    return clean


@transaction.atomic
def evaluation_compute(*, actor, evaluation: Evaluation, satisfaction: dict | None = None) -> Evaluation:
    """Compute (again) the ranking of a draft evaluation from the current figures (R13), with 红黑榜."""
    ensure_allowed(actor, "supervision.change_evaluation", evaluation, message=_("You may not manage evaluations."))
    evaluation = Evaluation.objects.select_for_update().select_related("campaign").get(pk=evaluation.pk)
    ensure_campaign_open(evaluation.campaign)
    if evaluation.is_published:
        raise ValidationError(_("A published evaluation is frozen and cannot be computed again."))
    satisfaction = _satisfaction(satisfaction)
    if not satisfaction:
        # Keep the satisfaction entered before, when the office computes again without re-entering it.
        satisfaction = {r.branch_id: r.satisfaction for r in evaluation.rows.all() if r.satisfaction is not None}
    inputs = evaluation_inputs(evaluation=evaluation, satisfaction=satisfaction)
    weights = {k: Decimal(v) for k, v in evaluation.weights.items()}
    results = {branch_id: rules.compute_evaluation(values, weights) for branch_id, values in inputs.items()}
    order = list(results)
    ranks = rules.competition_ranks([results[b].score for b in order])
    boards = rules.compute_boards(ranks, top=evaluation.top_n, bottom=evaluation.bottom_n)
    evaluation.rows.all().delete()
    EvaluationRow.objects.bulk_create(
        EvaluationRow(
            evaluation=evaluation,
            branch_id=branch_id,
            **inputs[branch_id],
            score=results[branch_id].score,
            rank=rank,
            board=board,
            missing=list(results[branch_id].missing),
        )
        for branch_id, rank, board in zip(order, ranks, boards, strict=True)
    )
    evaluation.computed_at = timezone.now()
    evaluation.save(update_fields=["computed_at"])
    audit_record(
        actor=actor,
        action="supervision.evaluation_compute",
        obj=evaluation,
        after={"rows": len(order), "ranked": sum(1 for r in ranks if r is not None)},
    )
    return evaluation


def evaluation_payload(evaluation: Evaluation) -> dict:
    """What a published evaluation's hash covers: its settings and every row as stored."""
    rows = (
        EvaluationRow.objects.filter(evaluation=evaluation)
        .order_by("branch_id")
        .values(
            "branch_id",
            "observation",
            "checklist",
            "punctuality",
            "rectification",
            "satisfaction",
            "score",
            "rank",
            "board",
            "missing",
        )
    )
    return {
        "evaluation": evaluation.pk,
        "campaign": evaluation.campaign_id,
        "quarter": evaluation.quarter,
        "title": evaluation.title,
        "weights": evaluation.weights,
        "top_n": evaluation.top_n,
        "bottom_n": evaluation.bottom_n,
        "tags": sorted(evaluation.tags.values_list("name", flat=True)),
        "rows": list(rows),
    }


@transaction.atomic
def evaluation_publish(*, actor, evaluation: Evaluation) -> Evaluation:
    """Publish the ranking and 红黑榜 to the office (and the public site when chosen); frozen with a content hash."""
    ensure_allowed(actor, "supervision.change_evaluation", evaluation, message=_("You may not manage evaluations."))
    evaluation = Evaluation.objects.select_for_update().select_related("campaign").get(pk=evaluation.pk)
    ensure_campaign_open(evaluation.campaign)
    if evaluation.is_published:
        raise ValidationError(_("The evaluation is published already."))
    if evaluation.computed_at is None or not evaluation.rows.exists():
        raise ValidationError(_("Compute the ranking before publishing it."))
    evaluation.status = EvaluationStatus.PUBLISHED
    evaluation.published_at = timezone.now()
    evaluation.content_hash = rules.content_hash(evaluation_payload(evaluation))
    evaluation.save(update_fields=["status", "published_at", "content_hash"])
    audit_record(
        actor=actor,
        action="supervision.evaluation_publish",
        obj=evaluation,
        after={"status": evaluation.status, "content_hash": evaluation.content_hash},
    )
    return evaluation


# ---------------------------------------------------------------------------------------------------------------
# 督导检查 and findings
# ---------------------------------------------------------------------------------------------------------------


def _inspection_fields(campaign, *, mode, held_on, title, inspectors, branches, tags, notes) -> dict:
    """The checked values of an inspection (create and update alike)."""
    if mode not in InspectionMode.values:
        raise ValidationError({"mode": _("Choose how the inspection was done.")})
    branches = _branches_of_office(branches or [], campaign.office_id, "branches")
    if not branches:
        raise ValidationError({"branches": _("Choose the branches visited.")})
    inspectors = list(inspectors or [])
    if not inspectors:
        raise ValidationError({"inspectors": _("Choose the inspectors.")})
    if any(p.office_id != campaign.office_id for p in inspectors):
        raise ValidationError({"inspectors": _("Every inspector must be of the campaign's office.")})
    if len({p.pk for p in inspectors}) != len(inspectors):
        raise ValidationError({"inspectors": _("An inspector is listed twice.")})
    return {
        "mode": mode,
        "held_on": _date(held_on, "held_on"),
        "title": _text(title, "title", limit=100),
        "notes": _text(notes, "notes", required=False),
        "inspectors": inspectors,
        "branches": branches,
        "tags": _tags_of_office(tags, campaign.office_id),
    }


def _inspection_state(inspection: Inspection) -> dict:
    return {
        **snapshot(inspection, ["mode", "held_on", "title", "notes"]),
        "inspectors": sorted(p.name for p in inspection.inspectors.all()),
        "branches": sorted(b.name for b in inspection.branches.all()),
        "tags": sorted(t.name for t in inspection.tags.all()),
    }


def progress_items_for(*, actor, campaign, branches, item_ids) -> list:
    """The behind or overdue checklist items (plain rows) among `item_ids`, of the given branches, that the actor
    sees; an item that is not (any more) behind or overdue, or not of these branches, is refused."""
    item_ids = {int(i) for i in item_ids or []}
    if not item_ids:
        return []
    rows = [
        r
        for r in flagged_item_rows(user=actor, campaign=campaign, branch_ids=[b.pk for b in branches])
        if r.item_id in item_ids
    ]
    if len(rows) != len(item_ids):
        raise ValidationError(
            {"items": _("A chosen checklist item is not behind or overdue in the branches visited (any more).")}
        )
    return rows


@transaction.atomic
def inspection_create(
    *,
    actor,
    campaign,
    mode: str,
    held_on,
    title: str,
    inspectors,
    branches,
    tags=(),
    notes: str = "",
    progress_items=(),
) -> Inspection:
    """An inspection (督导检查). Planned from the behind/overdue list, `progress_items` (checklist item ids) become
    its 查进度 findings at once: linked to the item's star and indicator, with the progress in the description and
    serious when overdue; the office edits or deletes them after the visit."""
    ensure_allowed(actor, "supervision.add_inspection", campaign, message=_("You may not record inspections."))
    ensure_campaign_open(campaign)
    data = _inspection_fields(
        campaign,
        mode=mode,
        held_on=held_on,
        title=title,
        inspectors=inspectors,
        branches=branches,
        tags=tags,
        notes=notes,
    )
    items = progress_items_for(actor=actor, campaign=campaign, branches=data["branches"], item_ids=progress_items)
    inspection = Inspection.objects.create(
        campaign=campaign,
        mode=data["mode"],
        held_on=data["held_on"],
        title=data["title"],
        notes=data["notes"],
        created_by=user_or_none(actor),
    )
    inspection.inspectors.set(data["inspectors"])
    inspection.branches.set(data["branches"])
    inspection.tags.set(data["tags"])
    findings = Finding.objects.bulk_create(
        Finding(
            campaign=campaign,
            inspection=inspection,
            branch_id=row.branch_id,
            category=FindingCategory.PROGRESS,
            severity=rules.progress_severity(row.overdue),
            star_id=row.star_id,
            indicator_id=row.indicator_id,
            description=rules.progress_description(
                title=row.title,
                progress=row.progress,
                expected=row.expected,
                due_date=row.due_date,
                overdue=row.overdue,
            ),
            found_on=inspection.held_on,
            recorded_by=user_or_none(actor),
        )
        for row in items
    )
    ensure_in_scope(inspection, actor=actor, action="view")
    audit_record(
        actor=actor,
        action="supervision.inspection_create",
        obj=inspection,
        after={
            **_inspection_state(inspection),
            "progress_items": [r.item_id for r in items],
            "findings": [f.pk for f in findings],
        },
    )
    return inspection


@transaction.atomic
def inspection_update(
    *,
    actor,
    inspection: Inspection,
    mode: str,
    held_on,
    title: str,
    inspectors,
    branches,
    tags=(),
    notes: str = "",
) -> Inspection:
    """Correct an inspection; a branch with findings of this inspection stays among the branches visited."""
    ensure_allowed(actor, "supervision.change_inspection", message=_("You may not change inspections."))
    inspection = Inspection.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=inspection.pk)
    ensure_allowed(actor, obj=inspection, action="change", message=_("This inspection is outside your scope."))
    campaign = inspection.campaign
    ensure_campaign_open(campaign)
    data = _inspection_fields(
        campaign,
        mode=mode,
        held_on=held_on,
        title=title,
        inspectors=inspectors,
        branches=branches,
        tags=tags,
        notes=notes,
    )
    kept = {b.pk for b in data["branches"]}
    dropped = Finding.objects.filter(inspection=inspection).exclude(branch_id__in=kept)
    names = sorted({f.branch.name for f in dropped.select_related("branch")})
    if names:
        raise ValidationError(
            {
                "branches": _("Findings were recorded at %(names)s; keep them among the branches visited.")
                % {"names": "、".join(names)}
            }
        )
    before = _inspection_state(inspection)
    for key in ("mode", "held_on", "title", "notes"):
        setattr(inspection, key, data[key])
    inspection.save(update_fields=["mode", "held_on", "title", "notes"])
    inspection.inspectors.set(data["inspectors"])
    inspection.branches.set(data["branches"])
    inspection.tags.set(data["tags"])
    ensure_in_scope(inspection, actor=actor, action="change")
    after = _inspection_state(inspection)
    changed = rules.changed_fields(before, after)
    audit_record(
        actor=actor,
        action="supervision.inspection_update",
        obj=inspection,
        before={k: b for k, b, _a in changed},
        after={k: a for k, _b, a in changed},
    )
    return inspection


def _check_star(campaign, branch, star, indicator):
    if star is not None and (star.standard_id != campaign.standard_id or star.star_set != branch.star_set):
        raise ValidationError({"star": _("The star is not one of this branch's stars in the campaign's standard.")})
    if indicator is not None and (star is None or indicator.star_id != star.pk):
        raise ValidationError({"indicator": _("The indicator is not one of the chosen star's.")})


def _check_department(campaign, department):
    if department is not None and department.office_id != campaign.office_id:
        raise ValidationError({"responsible_department": _("The department is another office's.")})


@transaction.atomic
def finding_record(
    *,
    actor,
    inspection: Inspection,
    branch: Branch,
    category: str,
    severity: str,
    description: str,
    star=None,
    indicator=None,
    responsible_person: str = "",
    responsible_department: Department | None = None,
    photos=(),
) -> Finding:
    """A problem an inspection found at one of the branches it visited (查进度、查效果、查原因、查责任)."""
    ensure_allowed(actor, "supervision.add_finding", message=_("You may not record problems."))
    inspection = Inspection.objects.select_related("campaign").get(pk=inspection.pk)
    ensure_allowed(actor, obj=inspection, action="view")
    ensure_allowed(actor, obj=branch, action="view")
    campaign = inspection.campaign
    ensure_campaign_open(campaign)
    if not inspection.branches.filter(pk=branch.pk).exists():
        raise ValidationError({"branch": _("The inspection did not visit this branch.")})
    if category not in FindingCategory.values:
        raise ValidationError(
            {"category": _("Choose what the finding checks: progress, effect, causes or responsibility.")}
        )
    if severity not in Severity.values:
        raise ValidationError({"severity": _("Choose the severity.")})
    _check_star(campaign, branch, star, indicator)
    _check_department(campaign, responsible_department)
    clean = _photos(photos)
    finding = Finding.objects.create(
        campaign=campaign,
        inspection=inspection,
        branch=branch,
        category=category,
        severity=severity,
        star=star,
        indicator=indicator,
        description=_text(description, "description", message=_("Describe the problem.")),
        responsible_person=_text(responsible_person, "responsible_person", required=False, limit=50),
        responsible_department=responsible_department,
        found_on=inspection.held_on,
        recorded_by=user_or_none(actor),
    )
    for upload in clean:
        store_evidence(FindingPhoto, upload, actor=actor, finding=finding)
    ensure_in_scope(finding, actor=actor, action="view")
    audit_record(actor=actor, action="supervision.finding_record", obj=finding, after=snapshot(finding))
    return finding


def _finding_state(finding: Finding) -> dict:
    """The editable fields of a finding as people read them (names, not ids), for its history."""
    return {
        "category": finding.category,
        "severity": finding.severity,
        "star": finding.star.name if finding.star_id else "",
        "indicator": finding.indicator.text if finding.indicator_id else "",
        "description": finding.description,
        "responsible_person": finding.responsible_person,
        "responsible_department": finding.responsible_department.name if finding.responsible_department_id else "",
    }


@transaction.atomic
def finding_update(
    *,
    actor,
    finding: Finding,
    category: str,
    severity: str,
    description: str,
    star=None,
    indicator=None,
    responsible_person: str = "",
    responsible_department: Department | None = None,
) -> Finding:
    """Correct a finding; the fields changed, before and after, go to its history (the audit log)."""
    ensure_allowed(actor, "supervision.change_finding", message=_("You may not change findings."))
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("campaign", "branch", "star", "indicator", "responsible_department")
        .get(pk=finding.pk)
    )
    ensure_allowed(actor, obj=finding, action="change", message=_("This finding is outside your scope."))
    ensure_campaign_open(finding.campaign)
    if finding.triage != Triage.ACCEPTED:
        raise ValidationError(_("Triage the report before changing it."))
    if category not in FindingCategory.values:
        raise ValidationError(
            {"category": _("Choose what the finding checks: progress, effect, causes or responsibility.")}
        )
    if severity not in Severity.values:
        raise ValidationError({"severity": _("Choose the severity.")})
    if finding.accountabilities.exists() and category != FindingCategory.RESPONSIBILITY:
        raise ValidationError(
            {"category": _("Accountability was recorded on this finding; it stays a check of responsibility.")}
        )
    _check_star(finding.campaign, finding.branch, star, indicator)
    _check_department(finding.campaign, responsible_department)
    before = _finding_state(finding)
    finding.category = category
    finding.severity = severity
    finding.star = star
    finding.indicator = indicator
    finding.description = _text(description, "description", message=_("Describe the problem."))
    finding.responsible_person = _text(responsible_person, "responsible_person", required=False, limit=50)
    finding.responsible_department = responsible_department
    changed = rules.changed_fields(before, _finding_state(finding))
    if not changed:
        return finding
    finding.save(update_fields=[f for f in rules.FINDING_EDIT_FIELDS])
    ensure_in_scope(finding, actor=actor, action="change")
    audit_record(
        actor=actor,
        action="supervision.finding_update",
        obj=finding,
        before={k: b for k, b, _a in changed},
        after={k: a for k, _b, a in changed},
    )
    return finding


@transaction.atomic
def finding_delete(*, actor, finding: Finding, reason: str) -> Finding:
    """Delete a finding nothing depends on yet (no rectification, no accountability; not a public report), with
    the reason. It is kept marked deleted, so it can be restored within rules.UNDO_SECONDS."""
    ensure_allowed(actor, "supervision.change_finding", message=_("You may not delete findings."))
    finding = Finding.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=finding.pk)
    ensure_allowed(actor, obj=finding, action="change", message=_("This finding is outside your scope."))
    ensure_campaign_open(finding.campaign)
    reason = (reason or "").strip()
    problem = rules.finding_delete_problem(
        rectifications=finding.rectifications.count(),
        accountabilities=finding.accountabilities.count(),
        public=finding.source == FindingSource.PUBLIC,
        reason=reason,
    )
    if problem:
        raise ValidationError(problem)
    if len(reason) > 500:
        raise ValidationError({"reason": _("At most %(n)d characters.") % {"n": 500}})
    finding.deleted_at = timezone.now()
    finding.deleted_by = user_or_none(actor)
    finding.delete_reason = reason
    finding.save(update_fields=["deleted_at", "deleted_by", "delete_reason"])
    audit_record(
        actor=actor,
        action="supervision.finding_delete",
        obj=finding,
        before=_finding_state(finding),
        after={"deleted_at": finding.deleted_at, "reason": reason},
    )
    return finding


@transaction.atomic
def finding_restore(*, actor, finding_id: int) -> Finding:
    """The undo of a delete: only the one who deleted it, within rules.UNDO_SECONDS."""
    ensure_allowed(actor, "supervision.change_finding", message=_("You may not delete findings."))
    finding = (
        Finding.with_deleted.restrict(actor, "change")
        .select_for_update(of=("self",))
        .select_related("campaign")
        .filter(pk=finding_id, deleted_at__isnull=False)
        .first()
    )
    if finding is None or (not is_system(actor) and finding.deleted_by_id != actor.pk):
        raise Http404
    ensure_campaign_open(finding.campaign)
    if not rules.can_restore(finding.deleted_at, timezone.now()):
        raise ValidationError(
            _("The finding can be restored only within %(n)d seconds of deleting it.") % {"n": rules.UNDO_SECONDS}
        )
    before = {"deleted_at": finding.deleted_at, "reason": finding.delete_reason}
    finding.deleted_at, finding.deleted_by, finding.delete_reason = None, None, ""
    finding.save(update_fields=["deleted_at", "deleted_by", "delete_reason"])
    audit_record(actor=actor, action="supervision.finding_restore", obj=finding, before=before, after={})
    return finding


@transaction.atomic
def finding_triage(
    *, actor, finding: Finding, accept: bool, category: str = "", severity: str = "", note: str = ""
) -> Finding:
    """The office takes a public report in as a finding (with its check and severity) or dismisses it."""
    ensure_allowed(actor, "supervision.change_finding", message=_("You may not triage reports."))
    finding = Finding.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=finding.pk)
    ensure_allowed(actor, obj=finding, action="change")
    ensure_campaign_open(finding.campaign)
    if finding.triage != Triage.PENDING:
        raise ValidationError(_("This report was triaged already."))
    before = snapshot(finding, ["triage", "category", "severity"])
    if accept:
        if category not in FindingCategory.values:
            raise ValidationError(
                {"category": _("Choose what the finding checks: progress, effect, causes or responsibility.")}
            )
        if severity not in Severity.values:
            raise ValidationError({"severity": _("Choose the severity.")})
        finding.triage, finding.category, finding.severity = Triage.ACCEPTED, category, severity
    else:
        finding.triage = Triage.DISMISSED
    finding.save(update_fields=["triage", "category", "severity"])
    ensure_in_scope(finding, actor=actor, action="change")
    audit_record(
        actor=actor,
        action="supervision.finding_triage",
        obj=finding,
        before=before,
        after={**snapshot(finding, ["triage", "category", "severity"]), "note": (note or "").strip()[:500]},
    )
    return finding


# ---------------------------------------------------------------------------------------------------------------
# Rectification (R15)
# ---------------------------------------------------------------------------------------------------------------


@transaction.atomic
def rectification_create(
    *,
    actor,
    finding: Finding,
    task: str,
    due_on,
    responsible_person: str = "",
    responsible_department: Department | None = None,
    leader: Person | None = None,
) -> Rectification:
    ensure_allowed(actor, "supervision.add_rectification", message=_("You may not assign rectifications."))
    finding = Finding.objects.select_related("campaign").get(pk=finding.pk)
    ensure_allowed(actor, obj=finding, action="view")
    ensure_campaign_open(finding.campaign)
    if finding.triage != Triage.ACCEPTED:
        raise ValidationError(_("Triage the report before assigning a rectification."))
    due_on = _date(due_on, "due_on")
    if due_on < finding.found_on:
        raise ValidationError({"due_on": _("The due date cannot be before the finding.")})
    _check_department(finding.campaign, responsible_department)
    if leader is not None and (leader.office_id != finding.campaign.office_id or not leader.is_leader):
        raise ValidationError({"leader": _("Choose a leader of the campaign's office.")})
    row = Rectification.objects.create(
        finding=finding,
        task=_text(task, "task", message=_("Say what must be done.")),
        due_on=due_on,
        responsible_person=_text(
            responsible_person or finding.responsible_person, "responsible_person", required=False, limit=50
        ),
        responsible_department=responsible_department or finding.responsible_department,
        leader=leader,
    )
    ensure_in_scope(row, actor=actor, action="view")
    audit_record(actor=actor, action="supervision.rectification_create", obj=row, after=snapshot(row))
    return row


@transaction.atomic
def rectification_transition(
    *, actor, rectification: Rectification, to: str, note: str = "", evidence=()
) -> Rectification:
    """R15: move a rectification one step. Working on it and submitting is the responsible side's (the branch, the
    department); verifying or returning it is the office's. A forbidden step is refused with the allowed ones."""
    ensure_allowed(actor, "supervision.change_rectification", message=_("You may not work on rectifications."))
    row = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("finding__campaign", "finding__branch")
        .get(pk=rectification.pk)
    )
    ensure_allowed(actor, obj=row, action="change", message=_("This rectification is outside your scope."))
    ensure_campaign_open(row.finding.campaign)
    current = row.state
    to = str(to or "")
    note = (note or "").strip()[:MAX_TEXT]
    evidence = list(evidence or [])
    problem = rules.transition_error(current, to, note=note, evidence=len(evidence))
    if problem:
        raise ValidationError(problem)
    if (current, to) in rules.OFFICE_TRANSITIONS and not actor.has_perm("supervision.verify_rectification"):
        raise PermissionDenied(_("Only the office verifies or returns a rectification."))
    clean = _photos(evidence, "evidence")
    row.state = to
    if to == rules.RETURNED:
        row.returned_count += 1
    if to == rules.VERIFIED:
        row.closed_at = timezone.now()
    row.save(update_fields=["state", "returned_count", "closed_at"])
    RectificationEvent.objects.create(
        rectification=row, from_state=current, to_state=to, note=note, by=user_or_none(actor)
    )
    for upload in clean:
        store_evidence(RectificationEvidence, upload, actor=actor, rectification=row)
    ensure_in_scope(row, actor=actor, action="change")
    audit_record(
        actor=actor,
        action="supervision.rectification_transition",
        obj=row,
        before={"state": current},
        after={"state": to, "note": note, "evidence": [c.original_name for c in clean]},
    )
    return row


def _leader_of(row: Rectification) -> Person | None:
    """The leader told about an overdue rectification: the one named on it, else a leader assigned to the branch."""
    if row.leader_id:
        return row.leader
    return (
        Person.objects.filter(assignments__branch_id=row.finding.branch_id, assignments__active=True, is_leader=True)
        .order_by("id")
        .first()
    )


@transaction.atomic
def rectifications_escalate(*, actor, today: datetime.date | None = None, office=None) -> list[Escalation]:
    """R15: every rectification past its due date and not verified is escalated to its responsible leader, once for
    each due date (a new due date escalates again). Run daily by the `escalate_overdue_rectifications` task."""
    ensure_allowed(actor, "supervision.verify_rectification", message=_("You may not escalate rectifications."))
    today = today or timezone.localdate()
    qs = (
        Rectification.objects.restrict(actor, "view")
        .filter(due_on__lt=today)
        .exclude(state=rules.VERIFIED)
        .exclude(finding__campaign__status=CampaignStatus.CLOSED)
        .select_related("finding__branch", "leader")
    )
    if office is not None:
        qs = qs.filter(finding__branch__office=office)
    done = set(Escalation.objects.filter(rectification__in=qs).values_list("rectification_id", "due_on"))
    created = []
    for row in qs.order_by("due_on", "id"):
        if (row.pk, row.due_on) in done:
            continue
        leader = _leader_of(row)
        escalation = Escalation.objects.create(
            rectification=row,
            due_on=row.due_on,
            leader=leader,
            escalated_on=today,
            days_overdue=min(rules.days_overdue(row.due_on, today), 32767),
        )
        audit_record(
            actor=actor,
            action="supervision.rectification_escalate",
            obj=row,
            after={
                "due_on": row.due_on.isoformat(),
                "days_overdue": escalation.days_overdue,
                "leader": leader.name if leader else "",
                "branch": row.finding.branch.name,
            },
        )
        if leader is not None:
            send_notice(
                person=leader,
                kind="rectification_overdue",
                title=_("Rectification overdue: %(branch)s — %(task)s (due %(date)s)")
                % {"branch": row.finding.branch.name, "task": row.task[:80], "date": row.due_on.isoformat()},
                url=reverse("supervision:rectification_detail", args=[row.pk]),
                key=f"supervision:escalation:{row.pk}:{row.due_on.isoformat()}",
            )
        created.append(escalation)
    return created


@transaction.atomic
def rectification_reschedule(*, actor, rectification: Rectification, due_on, note: str) -> Rectification:
    """The office moves a due date (with the reason); an overdue rectification is escalated again if it slips."""
    ensure_allowed(actor, "supervision.verify_rectification", message=_("Only the office changes a due date."))
    row = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("finding__campaign")
        .get(pk=rectification.pk)
    )
    ensure_allowed(actor, obj=row, action="change")
    ensure_campaign_open(row.finding.campaign)
    if row.state == rules.VERIFIED:
        raise ValidationError(
            _("A rectification that is “%(current)s” cannot change any more.")
            % {"current": rules.state_label(row.state)}
        )
    note = _text(note, "note", message=_("Give the reason for the new due date."))
    before = {"due_on": row.due_on.isoformat()}
    row.due_on = _date(due_on, "due_on")
    row.save(update_fields=["due_on"])
    audit_record(
        actor=actor,
        action="supervision.rectification_reschedule",
        obj=row,
        before=before,
        after={"due_on": row.due_on.isoformat(), "note": note},
    )
    return row


# ---------------------------------------------------------------------------------------------------------------
# 问责
# ---------------------------------------------------------------------------------------------------------------


@transaction.atomic
def accountability_record(
    *, actor, finding: Finding, person_name: str, reason: str, decision: str, decided_on, position: str = ""
) -> Accountability:
    """问责 on a 查责任 finding; seen by the office's leaders (and, through the audit log, by the auditor)."""
    ensure_allowed(actor, "supervision.add_accountability", message=_("Only office leaders record accountability."))
    finding = Finding.objects.select_related("campaign").get(pk=finding.pk)
    ensure_allowed(actor, obj=finding, action="view")
    ensure_campaign_open(finding.campaign)
    if finding.category != FindingCategory.RESPONSIBILITY:
        raise ValidationError(_("Accountability is decided on a finding that checks responsibility."))
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose the decision.")})
    row = Accountability.objects.create(
        finding=finding,
        person_name=_text(person_name, "person_name", limit=50),
        position=_text(position, "position", required=False, limit=100),
        reason=_text(reason, "reason"),
        decision=decision,
        decided_on=_date(decided_on, "decided_on"),
        recorded_by=user_or_none(actor),
    )
    ensure_in_scope(row, actor=actor, action="view")
    audit_record(actor=actor, action="supervision.accountability_record", obj=row, after=snapshot(row))
    return row


# ---------------------------------------------------------------------------------------------------------------
# From the public
# ---------------------------------------------------------------------------------------------------------------


def reports_per_day() -> int:
    return int(getattr(settings, "WUXING_PUBLIC_REPORTS_PER_DAY", rules.DEFAULT_REPORTS_PER_DAY))


def address_hash(address: str | None) -> str:
    """The sender's address is kept only as a keyed hash, enough to count its reports."""
    return hashlib.sha256(f"{settings.SECRET_KEY}|public-report|{address or '-'}".encode()).hexdigest()


def _phone(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) < 7 or len(value) > 20 or any(not (ch.isdigit() or ch in " -+") for ch in value):
        raise ValidationError({"phone": _("Enter a phone number (digits only), or leave it empty.")})
    return value


@transaction.atomic
def public_report_submit(
    *, office, branch: Branch, text: str, address: str | None, name: str = "", phone: str = "", photo=None
) -> PublicReport:
    """A problem reported by the public about a branch's creation work: a finding awaiting triage. At most
    WUXING_PUBLIC_REPORTS_PER_DAY (10) reports a day from one address; the contact is kept private (R16)."""
    campaign = campaign_public(office=office)
    if campaign is None or not campaign.is_open:
        raise ValidationError(_("The office takes no reports now."))
    if branch is None or branch.office_id != office.pk:
        raise ValidationError({"branch": _("Choose a branch of this office.")})
    sender = address_hash(address)
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    sent = PublicReport.objects.filter(address_hash=sender, received_at__gte=start).count()
    if rules.is_flooding(sent, limit=reports_per_day()):
        raise ValidationError(_("Too many reports from your network today. Please try again tomorrow."))
    text = _text(text, "text", message=_("Describe the problem."))
    clean = _photos([photo] if photo else [], "photo")
    finding = Finding.objects.create(
        campaign=campaign,
        branch=branch,
        source=FindingSource.PUBLIC,
        triage=Triage.PENDING,
        category="",
        description=text,
        found_on=today,
    )
    for upload in clean:
        store_evidence(FindingPhoto, upload, actor=PUBLIC, finding=finding)
    report = PublicReport.objects.create(
        office=office,
        finding=finding,
        text=text,
        name=_text(name, "name", required=False, limit=50),
        phone=_phone(phone),
        address_hash=sender,
    )
    audit_record(actor=PUBLIC, action="supervision.public_report", obj=report, after=snapshot(report))
    return report


def public_reports_today(address: str | None) -> int:
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    return PublicReport.objects.filter(address_hash=address_hash(address), received_at__gte=start).aggregate(
        n=Count("id")
    )["n"]
