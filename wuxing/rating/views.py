"""Pages of the rating: results, readiness (对标自查), self-evaluation, review queues, publicity, objections,
veto events, naming, certificates and the district summary. Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxing.campaigns.selectors import campaign_for, campaign_params
from wuxing.core.exports import export_response
from wuxing.core.lists import paginate
from wuxing.core.pdf import pdf_response, render_pdf
from wuxing.core.routers import reads_from_replica
from wuxing.core.uploads import evidence_response
from wuxing.org.selectors import branch_get, branch_list
from wuxing.standards.selectors import indicator_texts

from . import rules, selectors, services
from .choices import ObjectionDecision, ObjectionStatus, StarResult, StarState, Step, WithdrawalState
from .exports import city_summary_export, district_summary_export, queue_export, readiness_export, results_export
from .filtersets import (
    ObjectionFilterSet,
    RatingFilterSet,
    VetoFilterSet,
    city_summary_rows,
    district_summary_rows,
    queue_rows,
    readiness_filterset,
    summary_year,
)
from .forms import (
    ObjectionCloseForm,
    PublicityForm,
    ReviewForm,
    SelfEvaluationForm,
    SubmitForm,
    VetoForm,
    WithdrawalForm,
)
from .presentation import certificate_context, missing_lines


def _campaign_or_404(request):
    campaign = campaign_for(user=request.user, request=request)
    if campaign is None:
        raise Http404
    return campaign


def _back(request, rating):
    return redirect("rating:rating_detail", pk=rating.pk)


@login_required
@permission_required("rating.view_rating", raise_exception=True)
def home(request):
    """The ratings of the campaign in the user's scope: each star's stage, the level, against target and last year."""
    if request.GET.get("export") == "xlsx":
        return export_response(request, results_export)
    campaign = campaign_for(user=request.user, request=request)
    filterset = RatingFilterSet(
        campaign_params(request.GET, campaign), selectors.rating_list(user=request.user), user=request.user
    )
    page = paginate(request, filterset.qs if campaign and filterset.is_valid() else filterset.queryset.none())
    rows = selectors.result_rows(campaign=campaign, ratings=page) if campaign is not None else []
    return render(
        request,
        "rating/rating_list.html",
        {
            "campaign": campaign,
            "rows": rows,
            "page": page,
            "form": filterset.form,
            "can_review": request.user.has_perm("rating.review_office_rating"),
            "is_district_reviewer": bool(selectors.reviewer_rows(request.user)),
        },
    )


@login_required
@permission_required("rating.view_rating", raise_exception=True)
def readiness(request):
    """The office's readiness matrix: branches × stars, ready / at risk / not ready."""
    if request.GET.get("export") == "xlsx":
        return export_response(request, readiness_export)
    campaign = _campaign_or_404(request)
    filterset = readiness_filterset(request.user, campaign, request.GET)
    page = paginate(request, filterset.rows(campaign))
    positions = sorted({line.star.position for row in page for line in row.stars})
    return render(
        request,
        "rating/readiness.html",
        {"campaign": campaign, "rows": page, "page": page, "positions": positions, "form": filterset.form},
    )


@login_required
@permission_required("rating.view_rating", raise_exception=True)
def branch_readiness(request, pk: int):
    """One branch star by star, indicator by indicator: met, evidence, vetoes, prerequisites, what is missing."""
    branch = branch_get(user=request.user, pk=pk)
    campaign = campaign_for(user=request.user, request=request, office=branch.office)
    if campaign is None:
        raise Http404
    row = selectors.readiness_rows(campaign=campaign, branches=[branch])[0]
    rating = selectors.rating_for(user=request.user, campaign=campaign, branch=branch)
    names = {line.star.code: line.star.name for line in row.stars}
    for line in row.stars:
        line.missing_lines = missing_lines(line, branch, names)
    return render(
        request,
        "rating/branch_readiness.html",
        {
            "branch": branch,
            "campaign": campaign,
            "row": row,
            "rating": rating,
            "can_evaluate": request.user.has_perm("rating.change_rating") and campaign.is_open,
        },
    )


@login_required
@permission_required("rating.change_rating", raise_exception=True)
@require_POST
def rating_open(request, pk: int):
    branch = branch_get(user=request.user, pk=pk)
    campaign = campaign_for(user=request.user, request=request, office=branch.office)
    if campaign is None:
        raise Http404
    rating = services.rating_open(actor=request.user, campaign=campaign, branch=branch)
    return _back(request, rating)


def _star_actions(request, rating, rating_star, departments) -> dict:
    user = request.user
    state = rating_star.state
    return {
        "evaluate": user.has_perm("rating.change_rating") and state in (StarState.DRAFT, StarState.RETURNED),
        "office_review": state == StarState.CLAIMED
        and user.has_perm("rating.review_office_rating")
        and services.acts_for_office(user, rating.branch),
        "district_review": state == StarState.OFFICE_PASSED
        and user.has_perm("rating.review_district_rating")
        and rating_star.star.responsible_department in departments,
    }


@login_required
@permission_required("rating.view_rating", raise_exception=True)
def rating_detail(request, pk: int):
    rating = selectors.rating_get(user=request.user, pk=pk)
    user = request.user
    departments = services.reviewer_departments(user, rating.branch)
    steps = selectors.star_steps(rating)
    withdrawals = selectors.withdrawals_of(rating)
    is_open = rating.campaign.is_open
    # 摘星 also runs on the office's latest closed year (a 2025 star withdrawn during 2026).
    withdrawable = is_open or services.withdrawal_campaign_allowed(rating.campaign)
    stars = []
    for rating_star in rating.stars.all():
        rating_star.step_list = steps.get(rating_star.pk, [])
        rating_star.actions = _star_actions(request, rating, rating_star, departments)
        rating_star.withdrawal_list = withdrawals.get(rating_star.pk, [])
        rating_star.withdrawal_actions = (
            _withdrawal_actions(request, rating, rating_star, departments) if withdrawable else {}
        )
        stars.append(rating_star)
    office_or_district = services.acts_for_office(user, rating.branch) or services.acts_for_district(
        user, rating.branch
    )
    can_publish = (
        is_open
        and user.has_perm("rating.name_rating")
        and office_or_district
        and rules.publicity_problem([s.state for s in stars if s.claimed]) is None
    )
    objections = (
        list(selectors.objection_list(user=user).filter(rating=rating))
        if user.has_perm("rating.view_objection")
        else []
    )
    in_publicity = any(s.state == StarState.PUBLICITY for s in stars)
    return render(
        request,
        "rating/rating_detail.html",
        {
            "rating": rating,
            "campaign": rating.campaign,
            "stars": stars,
            "is_open": is_open,
            "review_form": ReviewForm(),
            "submit_form": SubmitForm(
                initial={
                    "committee_decided_on": rating.committee_decided_on,
                    "committee_attendance": rating.committee_attendance,
                }
            ),
            "can_submit": is_open
            and user.has_perm("rating.change_rating")
            and any(s.claimed and s.state in (StarState.DRAFT, StarState.RETURNED) for s in stars),
            "can_publish": can_publish,
            "committee_stars": [
                s.star.name
                for s in stars
                if s.claimed and s.state in (StarState.DRAFT, StarState.RETURNED) and s.star.requires_committee_decision
            ],
            "publicity_form": PublicityForm(initial={"start": timezone.localdate()}),
            "can_name": is_open
            and in_publicity
            and user.has_perm("rating.name_rating")
            and services.acts_for_district(user, rating.branch),
            "objection_open": any(o.status == ObjectionStatus.OPEN for o in objections)
            or (in_publicity and rating.objections.filter(status=ObjectionStatus.OPEN).exists()),
            "objections": objections,
            "calendar_covered": rules.calendar_covers(rating.publicity_start.year) if rating.publicity_start else True,
            "public_url": reverse("rating_public:result", args=[rating.branch.office.code, rating.pk]),
            "warnings": list(selectors.warning_list(user=user, branch=rating.branch).filter(campaign=rating.campaign)),
            "withdrawal_form": WithdrawalForm(),
        },
    )


def _withdrawal_actions(request, rating, rating_star, departments) -> dict:
    """Which step of 摘星 the user may take on this star now (the services check again)."""
    user = request.user
    current = next((w for w in rating_star.withdrawal_list if w.is_open), None)
    district = user.has_perm("rating.name_rating") and services.acts_for_district(user, rating.branch)
    office = services.acts_for_office(user, rating.branch)
    state = current.state if current else None
    return {
        "start": current is None
        and district
        and rating_star.state == StarState.NAMED
        and rating_star.result == StarResult.CONFIRMED,
        "office_review": state == WithdrawalState.STARTED and office and user.has_perm("rating.review_office_rating"),
        "district_review": state == WithdrawalState.OFFICE_AGREED
        and user.has_perm("rating.review_district_rating")
        and rating_star.star.responsible_department in departments,
        "publicity": state == WithdrawalState.DISTRICT_AGREED
        and user.has_perm("rating.name_rating")
        and (office or district),
        "decide": state == WithdrawalState.PUBLICITY and district,
    }


@login_required
@permission_required("rating.view_rating", raise_exception=True)
@require_POST
def star_withdrawal(request, pk: int):
    """摘星 on one star: the district starts it; the office, the star's department, the publicity and the district's
    decision follow, each refused out of order with a message."""
    rating_star = selectors.rating_star_get(user=request.user, pk=pk)
    form = WithdrawalForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Check the step, the decision and the number of working days."))
    services.star_withdrawal(
        actor=request.user,
        rating_star=rating_star,
        step=form.cleaned_data["step"],
        decision=form.cleaned_data["decision"],
        reason=form.cleaned_data["reason"],
        days=form.cleaned_data["days"],
    )
    messages.success(request, _("The withdrawal step was recorded."))
    return _back(request, rating_star.rating)


@login_required
@permission_required("rating.view_objection", raise_exception=True)
def objection_file(request, pk: int):
    """A file sent with an objection: only for the office and district that answer objections, in scope."""
    return evidence_response(selectors.objection_file_get(user=request.user, pk=pk))


@login_required
@permission_required("rating.change_rating", raise_exception=True)
def star_evaluate(request, pk: int):
    """自评: the secretary claims a star or not, writes a statement and picks evidence from the check-ins."""
    rating_star = selectors.rating_star_get(user=request.user, pk=pk)
    rating = rating_star.rating
    # The star's own check-ins' evidence first, then the rest of the check-ins, deliberations, 五个一 records and
    # site projects.
    available = sorted(
        selectors.evidence_options(user=request.user, branch=rating.branch, campaign=rating.campaign),
        key=lambda o: (o.source != "checkin_evidence", o.star_id != rating_star.star_id),
    )
    linked = [f"{e.source}:{e.ref_id}" for e in rating_star.evidence_links.all()]
    form = SelfEvaluationForm(
        request.POST or None,
        evidence_options=available,
        initial={"claimed": rating_star.claimed, "statement": rating_star.statement, "evidence": linked},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.star_self_evaluate(
                actor=request.user,
                rating_star=rating_star,
                claimed=form.cleaned_data["claimed"],
                statement=form.cleaned_data["statement"],
                evidence_ids=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The self-evaluation of the star was saved."))
            return _back(request, rating)
    return render(
        request,
        "rating/star_evaluate.html",
        {
            "rating_star": rating_star,
            "rating": rating,
            "form": form,
            "has_evidence": bool(available),
            "options": available,
            "linked": set(form["evidence"].value() or []),
        },
    )


@login_required
@permission_required("rating.change_rating", raise_exception=True)
@require_POST
def rating_submit(request, pk: int):
    rating = selectors.rating_get(user=request.user, pk=pk)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Check the committee's decision date and attendance."))
    services.rating_submit(actor=request.user, rating=rating, **form.cleaned_data)
    messages.success(request, _("The self-evaluation was submitted to the office."))
    return _back(request, rating)


@login_required
@permission_required("rating.view_rating", raise_exception=True)
@require_POST
def star_review(request, pk: int):
    """街道初审 or 区县联审 of one star, whichever it is waiting for."""
    rating_star = selectors.rating_star_get(user=request.user, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Choose a decision: pass, return or fail."))
    step = Step.DISTRICT_REVIEW if rating_star.state == StarState.OFFICE_PASSED else Step.OFFICE_REVIEW
    services.star_review(
        actor=request.user,
        rating_star=rating_star,
        step=step,
        decision=form.cleaned_data["decision"],
        reason=form.cleaned_data["reason"],
    )
    messages.success(request, _("The review was recorded."))
    if request.POST.get("next") == "queue":
        return redirect("rating:queue")
    return _back(request, rating_star.rating)


@login_required
@permission_required("rating.name_rating", raise_exception=True)
@require_POST
def publicity_start(request, pk: int):
    rating = selectors.rating_get(user=request.user, pk=pk)
    form = PublicityForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("The publicity lasts between 1 and 30 working days."))
    services.rating_publicity_start(
        actor=request.user, rating=rating, start=form.cleaned_data["start"], days=form.cleaned_data["days"]
    )
    messages.success(request, _("The publicity has started."))
    return _back(request, rating)


@login_required
@permission_required("rating.name_rating", raise_exception=True)
@require_POST
def rating_name(request, pk: int):
    rating = selectors.rating_get(user=request.user, pk=pk)
    services.rating_name(actor=request.user, rating=rating)
    messages.success(request, _("The branch was named."))
    return _back(request, rating)


@login_required
@permission_required("rating.view_rating", raise_exception=True)
def certificate(request, pk: int):
    """The certificate of a named branch (A4 PDF) with a QR code to its public result page."""
    rating = selectors.rating_get(user=request.user, pk=pk)
    if rating.named_on is None:
        raise Http404
    data = render_pdf("rating/certificate_pdf.html", certificate_context(request, rating), request=request)
    return pdf_response(data, f"certificate-{rating.branch.code}-{rating.campaign.year}.pdf", inline=False)


@login_required
@permission_required("rating.view_rating", raise_exception=True)
def queue(request):
    """The stars waiting for the user: 街道初审 for an office, 区县联审 for a district department, and the
    withdrawals (摘星) waiting for the same reviews."""
    campaign = campaign_for(user=request.user, request=request)
    if request.GET.get("export") == "xlsx":
        return export_response(request, queue_export)
    filterset, office_all, district_all = queue_rows(request.user, campaign, request.GET)
    # One page over both lists (a user who reviews for the office and for the district sees the office's first).
    page = paginate(request, [("office", rs) for rs in office_all] + [("district", rs) for rs in district_all])
    office_rows = [rs for kind, rs in page if kind == "office"]
    district_rows = [rs for kind, rs in page if kind == "district"]
    withdrawals = [
        w
        for w in selectors.withdrawal_queue(user=request.user)
        if w.state != WithdrawalState.STARTED or services.acts_for_office(request.user, w.rating_star.rating.branch)
    ]
    return render(
        request,
        "rating/queue.html",
        {
            "campaign": campaign,
            "office_rows": office_rows,
            "district_rows": district_rows,
            "office_total": len(office_all),
            "district_total": len(district_all),
            "page": page,
            "withdrawals": withdrawals,
            "departments": sorted({r.department for r in selectors.reviewer_rows(request.user)}),
            "review_form": ReviewForm(),
            "form": filterset.form,
        },
    )


@login_required
@permission_required("rating.view_objection", raise_exception=True)
def objection_list(request):
    campaign = campaign_for(user=request.user, request=request)
    filterset = ObjectionFilterSet(
        campaign_params(request.GET, campaign), selectors.objection_list(user=request.user), user=request.user
    )
    page = paginate(request, filterset.qs if campaign and filterset.is_valid() else filterset.queryset.none())
    return render(
        request,
        "rating/objection_list.html",
        {"campaign": campaign, "objections": page, "page": page, "form": filterset.form},
    )


@login_required
@permission_required("rating.change_objection", raise_exception=True)
def objection_close(request, pk: int):
    objection = selectors.objection_get(user=request.user, pk=pk)
    form = ObjectionCloseForm(request.POST or None)
    if objection.withdrawal_id:
        # An objection to a withdrawal does not change it: the district decides after every objection is closed.
        form.fields["decision"].choices = [
            (ObjectionDecision.UPHELD, _("Upheld: the district decides with it in view")),
            (ObjectionDecision.DISMISSED, ObjectionDecision.DISMISSED.label),
        ]
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_close(actor=request.user, objection=objection, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The objection was answered and closed."))
            return _back(request, objection.rating)
    return render(request, "rating/objection_close.html", {"objection": objection, "form": form})


def _veto_rule_choices(campaign, branches):
    texts = indicator_texts(campaign.standard_id)
    seen = {}
    for star_set in sorted({b.star_set for b in branches}):
        for rule in services.rule_data(campaign.standard_id, star_set):
            if rule.kind == "veto":
                seen.setdefault(rule.indicator_code, rule.description or texts.get(rule.indicator_code, ""))
    return list(seen.items())


@login_required
@permission_required("rating.view_vetoevent", raise_exception=True)
def veto_list(request):
    campaign = _campaign_or_404(request)
    filterset = VetoFilterSet(request.GET, selectors.veto_list(user=request.user, campaign=campaign), user=request.user)
    events = paginate(request, filterset.qs if filterset.is_valid() else filterset.queryset.none())
    form = None
    if request.user.has_perm("rating.add_vetoevent") and campaign.is_open:
        branches = list(branch_list(user=request.user).filter(office=campaign.office))
        form = VetoForm(
            request.POST or None,
            request.FILES or None,
            branches=branches,
            veto_rules=_veto_rule_choices(campaign, branches),
        )
        if request.method == "POST" and form.is_valid():
            branch = next(b for b in branches if str(b.pk) == form.cleaned_data["branch"])
            try:
                services.veto_record(
                    actor=request.user,
                    campaign=campaign,
                    branch=branch,
                    indicator_code=form.cleaned_data["indicator_code"],
                    occurred_on=form.cleaned_data["occurred_on"],
                    description=form.cleaned_data["description"],
                    evidence=form.cleaned_data["evidence"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The veto event was recorded."))
                return redirect("rating:veto_list")
    elif request.method == "POST":
        raise ValidationError(_("You may not record veto events."))
    indicators = indicator_texts(campaign.standard_id)
    return render(
        request,
        "rating/veto_list.html",
        {
            "campaign": campaign,
            "events": events,
            "page": events,
            "filters": filterset.form,
            "form": form,
            "indicators": indicators,
        },
    )


@login_required
@permission_required("rating.view_vetoevent", raise_exception=True)
def veto_file(request, pk: int):
    return evidence_response(selectors.veto_get(user=request.user, pk=pk))


def _ensure_above_office(user):
    if not services.acts_above_office(user):
        raise PermissionDenied(_("The summaries are for the district and the city."))


@login_required
@permission_required("rating.name_rating", raise_exception=True)
@reads_from_replica
def district_summary(request):
    """Per office: branches per level against the quotas and last year (a district or city user's view);
    `?district=` narrows a city user's view to one district (the drill-down from the city summary)."""
    _ensure_above_office(request.user)
    if request.GET.get("export") == "xlsx":
        return export_response(request, district_summary_export)
    district = None
    if request.GET.get("district"):
        try:
            district = selectors.district_get(user=request.user, pk=int(request.GET["district"]))
        except (TypeError, ValueError):
            raise Http404 from None
    filterset, rows = district_summary_rows(request.user, request.GET, district)
    return render(
        request,
        "rating/district_summary.html",
        {
            "district": district,
            "page_campaign": None,
            # A district user has one district: no district filter.
            "hide": "" if filterset.form.fields["district"].queryset.count() > 1 else "district",
            **_summary_context(request, filterset, rows),
        },
    )


def _summary_context(request, filterset, rows) -> dict:
    """A summary's page of rows, with the totals of every row the filters keep (not only this page's)."""
    levels = list(range(5, -1, -1))
    year = summary_year(request.user, request.GET)
    # The year summed up when none was asked for (the current campaign's), shown in the empty year box.
    filterset.form.fields["year"].widget.attrs["placeholder"] = year
    return {
        "year": year,
        "rows": (page := paginate(request, rows)),
        "page": page,
        "form": filterset.form,
        "levels": levels,
        "totals": {level: sum(r.counts.get(level, 0) for r in rows) for level in levels},
        "last_totals": {level: sum(r.last_counts.get(level, 0) for r in rows) for level in levels},
    }


@login_required
@permission_required("rating.name_rating", raise_exception=True)
@reads_from_replica
def city_summary(request):
    """Per district: branches per level against the quotas and last year, each opening its district summary."""
    _ensure_above_office(request.user)
    if request.GET.get("export") == "xlsx":
        return export_response(request, city_summary_export)
    filterset, rows = city_summary_rows(request.user, request.GET)
    # A summary spans offices: no one office's campaign is named above it.
    return render(
        request, "rating/city_summary.html", {"page_campaign": None, **_summary_context(request, filterset, rows)}
    )
