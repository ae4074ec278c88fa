"""The rating on an office's public site (no sign-in): the announcement of results and publicity, each branch's
result with its stars, and the objection form during publicity. Names only; an objection's contact is never shown."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from wuxing.campaigns.selectors import campaign_public
from wuxing.core.extensions import app_links
from wuxing.core.lists import paginate
from wuxing.org.choices import UnitLevel
from wuxing.org.models import OrgUnit
from wuxing.org.selectors import public_office

from . import rules, services
from .choices import StarState, WithdrawalState
from .filtersets import PublicRatingFilterSet
from .forms import ObjectionForm
from .models import Rating, RatingStar, Withdrawal

PUBLIC_STATES = (StarState.PUBLICITY, StarState.NAMED, StarState.WITHDRAWN)


def _withdrawals_in_publicity(ratings, today):
    """摘星 in publicity for these ratings (a list or a query of their ids; one query), its period not over."""
    return [
        w
        for w in Withdrawal.objects.filter(rating_star__rating__in=ratings, state=WithdrawalState.PUBLICITY)
        .select_related("rating_star__star", "rating_star__rating__branch")
        .order_by("publicity_start", "id")
        if not rules.publicity_over(w.publicity_end, today)
    ]


def _public_ratings(office):
    campaign = campaign_public(office=office)
    qs = (
        Rating.objects.filter(branch__office=office, stars__state__in=PUBLIC_STATES)
        .distinct()
        .select_related("branch", "campaign")
        .order_by("-campaign__year", "branch__sort_order", "branch__code")
    )
    return campaign, qs


def announcement(request, office_code: str):
    """The results and what is in publicity, narrowed by the list's search and filters; the named branches paged."""
    office = public_office(office_code)
    campaign, qs = _public_ratings(office)
    filterset = PublicRatingFilterSet(request.GET, qs)
    shown = filterset.qs if filterset.is_valid() else qs.none()
    page = paginate(request, shown.filter(named_on__isnull=False).prefetch_related("stars__star"))
    today = timezone.localdate()
    in_publicity = [
        r
        for r in shown.filter(publicity_end__isnull=False).prefetch_related("stars__star")
        if not rules.publicity_over(r.publicity_end, today)
        and any(s.state == StarState.PUBLICITY for s in r.stars.all())
    ]
    return render(
        request,
        "rating/public/announcement.html",
        {
            "office": office,
            "campaign": campaign,
            "in_publicity": in_publicity,
            "withdrawals": _withdrawals_in_publicity(shown.values("pk"), today),
            "named": page,
            "page": page,
            "form": filterset.form,
            "links": app_links("public_links", office=office),
        },
    )


def district_announcement(request, office_code: str):
    """The district's announcement (its code in the address): every office's named branches and their levels, and
    what is in publicity, in a fixed number of queries; the same search and filters as an office's announcement."""
    district = OrgUnit.objects.filter(code=office_code, level=UnitLevel.DISTRICT).first()
    if district is None:
        raise Http404
    offices = list(OrgUnit.objects.filter(level=UnitLevel.OFFICE, path__startswith=district.path).order_by("path"))
    filterset = PublicRatingFilterSet(
        request.GET,
        Rating.objects.filter(branch__office__in=offices, stars__state__in=PUBLIC_STATES)
        .distinct()
        .select_related("branch", "campaign")
        .order_by("-campaign__year", "branch__sort_order", "branch__code"),
    )
    # The search, year and level narrow every office's list alike (each office's list is short: not paged).
    ratings = list(filterset.qs.prefetch_related("stars__star")) if filterset.is_valid() else []
    today = timezone.localdate()
    by_office = {o.pk: {"office": o, "named": [], "in_publicity": []} for o in offices}
    for r in ratings:
        entry = by_office[r.branch.office_id]
        if r.named_on:
            entry["named"].append(r)
        if (
            r.publicity_end
            and not rules.publicity_over(r.publicity_end, today)
            and any(s.state == StarState.PUBLICITY for s in r.stars.all())
        ):
            entry["in_publicity"].append(r)
    return render(
        request,
        "rating/public/district.html",
        {
            "district": district,
            "offices": list(by_office.values()),
            "withdrawals": _withdrawals_in_publicity(ratings, today),
            "named_total": sum(len(e["named"]) for e in by_office.values()),
            "form": filterset.form,
        },
    )


def result(request, office_code: str, pk: int):
    office = public_office(office_code)
    _campaign, qs = _public_ratings(office)
    rating = qs.filter(pk=pk).first()
    if rating is None:
        raise Http404
    stars = [
        s
        for s in RatingStar.objects.filter(rating=rating).select_related("star").order_by("star__position")
        if s.state in PUBLIC_STATES or s.claimed
    ]
    today = timezone.localdate()
    open_for_objections = any(s.state == StarState.PUBLICITY for s in stars) and not rules.publicity_over(
        rating.publicity_end, today
    )
    publicity_stars = [s for s in stars if s.state == StarState.PUBLICITY] if open_for_objections else []
    withdrawals = _withdrawals_in_publicity([rating], today)
    form = None
    if publicity_stars or withdrawals:
        form = ObjectionForm(
            request.POST or None, request.FILES or None, stars=publicity_stars, withdrawals=withdrawals
        )
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            choice = form.cleaned_data["rating_star"]
            rating_star = next((s for s in publicity_stars if str(s.pk) == choice), None)
            withdrawal = next((w for w in withdrawals if f"w{w.pk}" == choice), None)
            try:
                services.objection_submit(
                    rating=rating,
                    text=form.cleaned_data["text"],
                    contact=form.cleaned_data["contact"],
                    rating_star=rating_star,
                    withdrawal=withdrawal,
                    evidence=form.cleaned_data["evidence"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                # The public site shows no flash messages: the page says it was received.
                return redirect(reverse("rating_public:result", args=[office.code, rating.pk]) + "?sent=1")
    return render(
        request,
        "rating/public/result.html",
        {
            "office": office,
            "rating": rating,
            "stars": stars,
            "form": form,
            "open_for_objections": open_for_objections or bool(withdrawals),
            "withdrawals": withdrawals,
            "sent": request.GET.get("sent") == "1",
            "calendar_covered": rules.calendar_covers(rating.publicity_start.year) if rating.publicity_start else True,
        },
    )
