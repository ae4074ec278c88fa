"""This app's part of the demo office: a year of check-ins, loaded by wuxing.portal.demo after the organisation and campaigns.

Every branch gets items from the standard's indicators of its target stars (or of its whole star set), with
due dates spread over the year, and from the milestones of its plan (一村一策) where the targets demo made one, and check-ins every month or two up to today at a pace of its own: some
branches run ahead, some fall behind, a few items end up overdue, a few figures are corrected (R11). Some
check-ins carry a generated photo; about half of those are shown on the public board. Deterministic: a seeded
random generator, and dates fixed in the campaign year.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from wuxing.campaigns.choices import CampaignStatus
from wuxing.campaigns.models import Campaign
from wuxing.core.actors import DEMO
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.org.models import Branch, OrgUnit, User
from wuxing.standards.models import Indicator, Star

from . import services
from .choices import ItemKind, ItemSource
from .models import CheckIn, ChecklistItem
from .selectors import target_stars_by_branch

# Pace per branch (code suffix → how fast it works compared with the straight line); the rest are near 1.
PACE = {"001": 1.25, "008": 1.15, "004": 1.2, "006": 0.55, "012": 0.5, "010": 0.7}
# Branches (code suffix) whose first figures (that many) lag well behind the straight line whatever day the demo is
# loaded: the demo secretary's branch runs ahead, yet has late work on their to-do list and their check-in list.
LATE_ITEMS = {"008": 2}
LATE_LAG = -0.4
DUE_DATES = [(6, 30), (9, 30), (12, 31), (12, 31), (12, 31)]
MAX_PHOTOS = 140
EXTRA_ITEMS = [
    # (star code, title, target, unit, due month/day) — given to every branch with that star; due before the end of the year.
    ("strong_branch", "党群服务中心阵地规范化提升", None, "", (9, 30)),
    ("safety_rule_of_law", "矛盾纠纷排查化解（件）", Decimal("24"), "件", (10, 31)),
]


def _value(start: Decimal, target: Decimal, fraction: float) -> Decimal:
    raw = float(start) + (float(target) - float(start)) * fraction
    whole = float(target) == int(target) and float(start) == int(start)
    return Decimal(str(round(raw))) if whole else Decimal(str(round(raw, 1)))


def load(*, office, say, pace: float | None = None, photos_wanted: bool = True):
    """Add demo data for `office`; `say` prints a progress line. With `pace`, every branch works at about that
    pace (the neighbouring offices: one ahead, one behind) instead of the demo office's own."""
    campaign = (
        Campaign.objects.filter(office=office, status=CampaignStatus.RUNNING)
        .select_related("standard")
        .order_by("-year")
        .first()
    )
    if campaign is None:
        say("      没有进行中的创建活动，跳过")
        return
    rng = random.Random(2026)
    year = campaign.year
    today = min(timezone.localdate(), date(year, 12, 31))
    targeted = target_stars_by_branch(campaign)
    stars = list(Star.objects.filter(standard=campaign.standard).order_by("star_set", "position"))
    indicators = list(
        Indicator.objects.filter(star__standard=campaign.standard)
        .select_related("star")
        .order_by("star__position", "position")
    )
    photos = published = corrections = checkins = 0
    branches = list(Branch.objects.filter(office=office).select_related("secretary").order_by("sort_order", "code"))
    photo_every = 8
    # Who reported: the branch's secretary (with the account, where the demo has one), at a working hour of the day.
    accounts = {
        u.person_id: u for u in User.objects.filter(person__in=[b.secretary_id for b in branches if b.secretary_id])
    }
    now = timezone.now()
    dated = []

    def when(day, late_days=0):
        moment = datetime.combine(day + timedelta(days=late_days), time(rng.randint(8, 18), rng.randint(0, 59)))
        return min(timezone.make_aware(moment), now)

    for branch in branches:
        reporter = accounts.get(branch.secretary_id)
        reporter_name = branch.secretary.name if branch.secretary_id else branch.name
        codes = targeted.get(branch.pk) or {s.code for s in stars if s.star_set == branch.star_set}
        pace_of = (
            pace * rng.uniform(0.9, 1.1) if pace is not None else PACE.get(branch.code[-3:], rng.uniform(0.95, 1.2))
        )
        items = []
        for ind in indicators:
            if ind.star.star_set != branch.star_set or ind.star.code not in codes:
                continue
            quantitative = ind.kind == "quantitative" and ind.threshold
            month, day = rng.choice(DUE_DATES)
            start_value = Decimal("0")
            target = ind.threshold if quantitative else None
            if quantitative and ind.comparison == "lte":
                # "at most N": start above the limit and work down to it.
                start_value, target = ind.threshold * 3 + 3, ind.threshold
            items.append(
                services.item_build(
                    actor=DEMO,
                    branch=branch,
                    campaign=campaign,
                    star=ind.star,
                    indicator=ind,
                    title=ind.text,
                    kind=ItemKind.QUANTITATIVE if quantitative else ItemKind.YES_NO,
                    start_value=start_value,
                    target_value=target,
                    unit=ind.unit,
                    weight=ind.weight,
                    start_date=date(year, 1, 1),
                    due_date=date(year, month, day),
                    source=ItemSource.INDICATOR,
                    source_key=f"indicator:{ind.code}",
                )
            )
        star_by_code = {s.code: s for s in stars if s.star_set == branch.star_set}
        for code, title, target, unit, (month, day) in EXTRA_ITEMS:
            if code in codes and code in star_by_code:
                items.append(
                    services.item_build(
                        actor=DEMO,
                        branch=branch,
                        campaign=campaign,
                        star=star_by_code[code],
                        title=title,
                        kind=ItemKind.QUANTITATIVE if target else ItemKind.YES_NO,
                        target_value=target,
                        unit=unit,
                        start_date=date(year, 1, 1),
                        due_date=date(year, month, day),
                    )
                )
        items = services.items_save(actor=DEMO, branch=branch, items=items, action="checklist.items_demo")
        # The branch's 一村一策 milestones become items too, as the "generate" button does.
        items += services.items_generate(actor=DEMO, branch=branch, campaign=campaign)
        late_left = LATE_ITEMS.get(branch.code[-3:], 0) if pace is None else 0
        for item in items:
            span = (item.due_date - item.start_date).days or 1
            lag = rng.uniform(-0.1, 0.12)
            if late_left and item.kind == ItemKind.QUANTITATIVE:
                lag, late_left = LATE_LAG, late_left - 1
            # A few figures a year, and most items reported again last month.
            months = set(rng.sample(range(1, 13), rng.randint(3, 5)))
            if rng.random() < 0.85:
                months.add(max(1, today.month - 1))
            months = sorted(months)
            done_at = rng.uniform(0.55, 1.0)
            last = None
            for month in months:
                day = date(year, month, rng.randint(3, 26))
                if day > today:
                    break
                fraction = max(0.0, min(1.0, ((day - item.start_date).days / span) * pace_of + lag))
                if item.kind == ItemKind.YES_NO:
                    done = fraction >= done_at
                    if last is not None and last.done == done:
                        continue
                    value = None
                else:
                    done, value = None, _value(item.start_value, item.target_value, fraction)
                    if last is not None and last.value == value:
                        continue
                evidence = []
                checkins += 1
                if photos_wanted and photos < MAX_PHOTOS and checkins % photo_every == 0:
                    label = f"{branch.name} · {item.star.name} · {day:%m月%d日}"
                    evidence = [
                        as_upload(sample_jpeg(label, size=(320, 240)), f"现场照片-{day:%m%d}.jpg", "image/jpeg")
                    ]
                    photos += 1
                publish = bool(evidence) and photos % 2 == 0
                published += publish
                last = services.checkin_record(
                    actor=DEMO,
                    item=item,
                    value=value,
                    done=done,
                    effective_on=day,
                    evidence=evidence,
                    publish=publish,
                    note=rng.choice(["", "", "已上传会议记录", "按计划推进", "群众反映良好", "待下月继续推进"]),
                )
                dated.append((last, when(day), reporter, reporter_name))
                if item.kind == ItemKind.QUANTITATIVE and corrections < 6 and checkins % 97 == 0:
                    wrong = last
                    last = services.checkin_record(
                        actor=DEMO,
                        item=item,
                        value=value + 1,
                        corrects=wrong,
                        reason="统计口径更正，补录漏报一项",
                    )
                    dated.append((last, when(day, late_days=2), reporter, reporter_name))
                    corrections += 1
    # The services stamp a check-in with the moment it is written and the demo actor; the demo's history is a
    # year long, so each check-in gets the day it reports and the secretary who reported it.
    for checkin, moment, reporter, name in dated:
        checkin.recorded_at, checkin.recorded_by, checkin.recorded_by_name = moment, reporter, name[:50]
    CheckIn.objects.bulk_update(
        [d[0] for d in dated], ["recorded_at", "recorded_by", "recorded_by_name"], batch_size=500
    )
    say(
        f"      {ChecklistItem.objects.filter(campaign=campaign).count()} 个打卡事项，{checkins} 条打卡记录（其中更正 {corrections} 条），"
        f"{photos} 张现场照片（公开 {published} 张）"
    )


# The district's two other offices: one ahead of the straight line, one well behind it.
NEIGHBOUR_PACE = {"41019902": 1.3, "41019903": 0.45}


def load_neighbours(*, office, say):
    for code, pace in NEIGHBOUR_PACE.items():
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is not None:
            say(f"      {unit.name}（{'进度领先' if pace > 1 else '进度滞后'}）")
            load(office=unit, say=say, pace=pace, photos_wanted=False)


STEPS = [("打卡清单", load), ("同区另两个街道（镇）的打卡", load_neighbours)]
