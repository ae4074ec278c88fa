"""一屏统揽: the command screen of an office (its branches on its own map) or of a district or city (its offices or
districts on its map). Everything on it comes from the apps' plain-row selectors; the page and its kiosk variant
(a display pass, no account) read the same figures.

Other apps add sections through `AppConfig.screen_items(campaign, today)` → `[{"title", "rows": [(label, value)]}]`
(the work rhythm's week, the latest observation ranking), points on the office's map through
`AppConfig.screen_points(campaign, kiosk)` (demonstration sites, residents' issues) and measures to colour it by
through `AppConfig.screen_measures(campaign, branch_ids)` (open work orders); portal names none of those apps.
"""

from datetime import date

from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.campaigns.selectors import campaign_public, quota_counts, result_counts
from wuxing.checklists.selectors import branches_of, latest_checkins, progress_rows
from wuxing.org.choices import UnitLevel
from wuxing.org.models import Branch, OrgUnit
from wuxing.targets.selectors import target_summaries

from .summary import build_summary

LEVELS = (5, 4, 3, 2, 1)


def _pct(value) -> float | None:
    return None if value is None else round(value * 100, 1)


def _hooks(name: str):
    for config in apps.get_app_configs():
        method = getattr(config, name, None)
        if method is not None:
            yield method


def screen_items(campaign, today: date) -> list[dict]:
    sections = []
    for method in _hooks("screen_items"):
        sections.extend(method(campaign, today))
    return sections


def screen_points(campaign, kiosk: bool) -> list[dict]:
    """Points on the office's map from the apps above (`AppConfig.screen_points(campaign, kiosk)` → [{"kind",
    "kind_label", "symbol", "code", "label", "detail", "lon", "lat"}]): demonstration sites, residents' issues.
    On a display (`kiosk`) each app gives only what may be shown publicly."""
    points = []
    for method in _hooks("screen_points"):
        points.extend(method(campaign, kiosk))
    return points


def screen_measures(campaign, branch_ids) -> list[dict]:
    """More measures to colour the map by (`AppConfig.screen_measures(campaign, branch_ids)` → [{"key", "label",
    "values": {branch id: number}}]): the open work orders of residents' issues."""
    measures = []
    for method in _hooks("screen_measures"):
        measures.extend(method(campaign, branch_ids))
    return measures


def office_screen(*, office: OrgUnit, kiosk: bool, today: date | None = None) -> dict:
    """The figures of an office's command screen for its current campaign (None figures before one starts)."""
    today = today or timezone.localdate()
    campaign = campaign_public(office=office)
    context = {"unit": office, "campaign": campaign, "today": today, "kiosk": kiosk, "level": "office"}
    if campaign is None:
        context.update(
            map_rows=[], tiles=[], quota_rows=[], star_rows=[], sections=[], ticker=[], day=None, points=[], measures=[]
        )
        return context
    # This instance lives for this request only: its target summaries are read once (targets.selectors).
    campaign.request_memo = True
    branches = list(branches_of(campaign, Branch.objects.filter(retired_at__isnull=True)))
    rows = progress_rows(campaign=campaign, branches=branches, today=today)
    measures = screen_measures(campaign, [b.pk for b in branches])
    map_rows = []
    for r in rows:
        p = r.progress
        gap = None if p.overall is None or p.expected is None else round((p.overall - p.expected) * 100, 1)
        map_rows.append(
            {
                "name": r.branch.code,
                "label": r.branch.name,
                "url": "" if kiosk else reverse("portal:branch_detail", kwargs={"pk": r.branch.pk}),
                "progress": _pct(p.overall),
                "flags": p.behind + p.overdue,
                "behind": p.behind,
                "overdue": p.overdue,
                "target": r.target_level,
                "gap": gap,
                **{m["key"]: m["values"].get(r.branch.pk, 0) for m in measures},
            }
        )
    # Quotas, targets (agreed by both sides) and rated levels, level by level.
    quotas = quota_counts(campaign)
    targeted: dict[int, int] = {}
    for summary in target_summaries(campaign=campaign).values():
        if summary.agreed and summary.level:
            targeted[summary.level] = targeted.get(summary.level, 0) + 1
    rated = result_counts(campaign_ids=[campaign.pk]).get(campaign.pk, {})
    quota_rows = [
        {"level": lv, "quota": quotas.get(lv, 0), "targets": targeted.get(lv, 0), "rated": rated.get(lv, 0)}
        for lv in LEVELS
        if quotas.get(lv) or targeted.get(lv) or rated.get(lv)
    ]
    # Progress by star: each star's mean over the branches that target it.
    stars: dict[str, dict] = {}
    for r in rows:
        for star, value in r.stars:
            entry = stars.setdefault(star.code, {"name": star.name, "values": []})
            if value is not None:
                entry["values"].append(value)
    star_rows = [
        {"name": e["name"], "progress": _pct(sum(e["values"]) / len(e["values"])) if e["values"] else None}
        for e in stars.values()
    ]
    weights = [(r.progress.overall, r.weight) for r in rows if r.progress.overall is not None and r.weight > 0]
    total_weight = sum(w for _p, w in weights)
    overall = sum(p * w for p, w in weights) / total_weight if total_weight else None
    agreed = sum(1 for s in target_summaries(campaign=campaign).values() if s.agreed)
    tiles = [
        (_("Branches"), len(rows)),
        (_("Overall progress"), "—" if overall is None else f"{_pct(overall)}%"),
        (_("Items behind"), sum(r.progress.behind for r in rows)),
        (_("Items overdue"), sum(r.progress.overdue for r in rows)),
        (_("Targets agreed"), agreed),
        (_("Quota (branches)"), sum(quotas.values())),
    ]
    ticker = latest_checkins(campaign=campaign, branch_ids=[b.pk for b in branches], published_only=kiosk)
    for row in ticker:
        row["thumb"] = (
            reverse("checklists_public:evidence_thumb", kwargs={"office_code": office.code, "pk": row["evidence_id"]})
            if kiosk
            else reverse("checklists:evidence_thumb", kwargs={"pk": row["evidence_id"]})
        )
    context.update(
        map_rows=map_rows,
        tiles=tiles,
        quota_rows=quota_rows,
        star_rows=star_rows,
        sections=screen_items(campaign, today),
        ticker=ticker,
        points=screen_points(campaign, kiosk),
        measures=[{"key": m["key"], "label": m["label"]} for m in measures],
        day=(today - date(campaign.year, 1, 1)).days + 1 if today.year == campaign.year else None,
    )
    return context


def area_screen(*, unit: OrgUnit, offices, kiosk: bool, today: date | None = None) -> dict:
    """The command screen of a district or city: its units below, coloured on its map, with their sums."""
    today = today or timezone.localdate()
    level = {UnitLevel.PROVINCE: UnitLevel.CITY, UnitLevel.CITY: UnitLevel.DISTRICT}.get(unit.level, UnitLevel.OFFICE)
    summary = build_summary(offices=offices, level=level, year=today.year, within=unit, today=today)
    map_rows = [
        {
            "name": r.unit.code,
            "label": r.unit.name,
            "url": "" if kiosk else f"{reverse('portal:screen')}?unit={r.unit.pk}",
            "progress": _pct(r.progress),
            "flags": r.behind + r.overdue,
            "behind": r.behind,
            "overdue": r.overdue,
            "target": r.targets_confirmed,
            "gap": None,
        }
        for r in summary.rows
    ]
    t = summary.total
    tiles = [
        (_("Offices"), t.offices),
        (_("Branches"), t.branches),
        (_("Overall progress"), "—" if t.progress is None else f"{_pct(t.progress)}%"),
        (_("Items behind"), t.behind),
        (_("Items overdue"), t.overdue),
        (_("Targets confirmed"), t.targets_confirmed),
    ]
    quota_rows = [
        {"level": lv, "quota": t.quota_levels.get(lv, 0), "targets": None, "rated": t.rated.get(lv, 0)}
        for lv in LEVELS
        if t.quota_levels.get(lv) or t.rated.get(lv)
    ]
    return {
        "unit": unit,
        "campaign": None,
        "today": today,
        "kiosk": kiosk,
        "level": unit.level,
        "map_rows": map_rows,
        "tiles": tiles,
        "quota_rows": quota_rows,
        "star_rows": [],
        "sections": [],
        "ticker": [],
        "day": None,
        "points": [],
        "measures": [],
        "summary": summary,
    }


def chart_data(context: dict) -> dict:
    """What the screen's script draws, as JSON (json_script): the map's values and the two bar charts."""
    return {
        "map": context["map_rows"],
        "points": context["points"],
        "measures": context["measures"],
        "quotas": context["quota_rows"],
        "stars": context["star_rows"],
        "labels": {
            "progress": _("Overall progress"),
            "flags": _("Behind / overdue"),
            "gap": _("Against expected"),
            "target": _("Targets confirmed") if context["level"] != "office" else _("Target level"),
            "quota": _("Quota"),
            "targets": _("Targets"),
            "rated": _("Rated"),
            "grids": _("Grids"),
            **{m["key"]: str(m["label"]) for m in context["measures"]},
            "tables": _("Show as tables"),
            "charts": _("Show as charts"),
        },
    }
