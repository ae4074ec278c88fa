"""This app's part of the demo office: last year rated and named through the whole chain, this year in review.

2025: every branch self-evaluated the stars it was rated at, passed both reviews, five working days of publicity,
named by the district (the levels the campaigns demo recorded). 2026: most branches past the office review, several
stars in the district review with one returned, one branch in publicity with an open objection (naming blocked),
one 平安法治 veto event, two branches waiting for the office, one branch named early with one of its stars being
withdrawn (摘星, awaiting 区委组织部's review), and the demo secretary's branch still to evaluate, with a warning
on the 2025 star it let slip (一次创一直成). One 2025 star was withdrawn in spring 2026, the 2025 campaign closed:
started by the district, agreed by the office and by 区委组织部, published over 清明, decided by the district; the
2025 result and certificate were amended and reissued.
Everything goes through the services as the demo actor; only the dates of last year's steps are set afterwards,
so the record reads as it happened in 2025.
"""

import datetime

from django.utils import timezone

from wuxing.campaigns.choices import CampaignStatus
from wuxing.campaigns.models import Campaign
from wuxing.campaigns.services import campaign_set_status
from wuxing.checklists.selectors import evidence_rows, item_queryset
from wuxing.checklists.services import checkin_record
from wuxing.core.actors import DEMO
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.org.models import Branch, User
from wuxing.targets.selectors import target_summaries

from . import services
from .choices import Decision, Step, WithdrawalDecision, WithdrawalStep
from .models import DepartmentReviewer, Rating, ReviewStep, Withdrawal, WithdrawalRecord

LAST_YEAR_DATES = {
    Step.SUBMIT: datetime.date(2025, 11, 20),
    Step.OFFICE_REVIEW: datetime.date(2025, 11, 28),
    Step.DISTRICT_REVIEW: datetime.date(2025, 12, 5),
    Step.PUBLICITY: datetime.date(2025, 12, 10),
    Step.NAME: datetime.date(2025, 12, 26),
}
DISTRICT_DEPARTMENT = "区委政法委"
# The district's department reviewers: (account, department, what they review).
DEPARTMENT_REVIEWERS = [
    ("demo-district-dept", DISTRICT_DEPARTMENT, "平安法治星联审"),
    ("demo-district-org", "区委组织部", "支部过硬星联审"),
]

# Branch code suffix → how far its 2026 rating got.
IN_PUBLICITY = "001"
NAMED_THIS_YEAR = "004"  # named early; one of its stars is being withdrawn (摘星), awaiting the district review
WITHDRAWAL_REASON = "该社区下半年连续三个月未按期召开支部委员会，支部过硬星指标已低于标准，区创建办启动摘星程序。"
AWAITING_PUBLICITY = {"002", "003"}
AWAITING_OFFICE = {"013", "014"}
SECRETARY_TO_EVALUATE = "008"
RETURNED = ("009", "industry", "村集体经济收入台账与银行流水不一致，请补充2026年度审计报告后重新申报。")
VETO = ("010", "r_sf_zero_case", datetime.date(2026, 7, 14), "村内发生一起盗窃刑事案件，已由公安机关立案侦查。")


def _stars(rating):
    return {s.star.code: s for s in rating.stars.select_related("star")}


def _claim(rating, codes, statement="对照创建标准逐项自查，各项指标均已达到，佐证材料已关联打卡记录。"):
    stars = _stars(rating)
    evidence = evidence_rows(user=None, branch=rating.branch, campaign=rating.campaign)
    for code in codes:
        rs = stars[code]
        linked = [row.id for row in evidence if row.star_id == rs.star_id][:3]
        services.star_self_evaluate(actor=DEMO, rating_star=rs, claimed=True, statement=statement, evidence_ids=linked)


def _review(rating, codes, step, decision=Decision.PASS, reason=""):
    stars = _stars(rating)
    for code in codes:
        services.star_review(actor=DEMO, rating_star=stars[code], step=step, decision=decision, reason=reason)


def load_last_year(*, office, say):
    previous = Campaign.objects.filter(office=office, year=2025).first()
    if previous is None:
        say("      没有上一年度的创建活动，跳过")
        return
    status = previous.status
    campaign_set_status(actor=DEMO, campaign=previous, status=CampaignStatus.RUNNING)
    results = {r.branch_id: r for r in previous.results.prefetch_related("stars")}
    named = 0
    for branch in Branch.objects.filter(office=office).order_by("sort_order", "code"):
        result = results.get(branch.pk)
        codes = [s.code for s in result.stars.all()] if result else []
        if not codes:
            continue
        rating = services.rating_open(actor=DEMO, campaign=previous, branch=branch)
        _claim(rating, codes)
        services.rating_submit(
            actor=DEMO, rating=rating, committee_decided_on=datetime.date(2025, 11, 18), committee_attendance=7
        )
        _review(rating, codes, Step.OFFICE_REVIEW)
        _review(rating, codes, Step.DISTRICT_REVIEW)
        services.rating_publicity_start(actor=DEMO, rating=rating, start=LAST_YEAR_DATES[Step.PUBLICITY])
        services.rating_name(actor=DEMO, rating=rating, today=LAST_YEAR_DATES[Step.NAME])
        named += 1
    campaign_set_status(actor=DEMO, campaign=previous, status=status)
    # The steps were taken now; date them as the 2025 record has them.
    for step, day in LAST_YEAR_DATES.items():
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        ReviewStep.objects.filter(rating_star__rating__campaign=previous, step=step).update(acted_at=at)
    Rating.objects.filter(campaign=previous).update(
        submitted_at=timezone.make_aware(datetime.datetime.combine(LAST_YEAR_DATES[Step.SUBMIT], datetime.time(9)))
    )
    say(f"      2025年度：{named} 个村（社区）经自评、初审、联审、公示后命名")


def _ensure_evidence(campaign, branch, star_code):
    """The demo secretary's branch gets a photo on its 平安法治 check-ins, to link in its self-evaluation."""
    rows = evidence_rows(user=None, branch=branch, campaign=campaign)
    stars = {s.star.code: s.star_id for s in Rating.objects.get(campaign=campaign, branch=branch).stars.all()}
    if any(row.star_id == stars.get(star_code) for row in rows):
        return
    item = item_queryset().filter(campaign=campaign, branch=branch, star__code=star_code).order_by("id").first()
    if item is None:
        return
    checkin_record(
        actor=DEMO,
        item=item,
        value=item.target_value if item.kind == "quantitative" else None,
        done=True if item.kind != "quantitative" else None,
        effective_on=min(timezone.localdate(), datetime.date(campaign.year, 11, 20)),
        note="矛盾纠纷排查化解台账",
        evidence=[
            as_upload(sample_jpeg(f"{branch.name} · 平安法治", size=(320, 240)), "平安建设台账.jpg", "image/jpeg")
        ],
    )


def load_this_year(*, office, say):
    campaign = Campaign.objects.filter(office=office, status=CampaignStatus.RUNNING).order_by("-year").first()
    if campaign is None:
        say("      没有进行中的创建活动，跳过")
        return
    started = timezone.now()
    today = timezone.localdate()
    days = this_year_days(today)
    targets = target_summaries(campaign=campaign)
    branches = list(Branch.objects.filter(office=office).order_by("sort_order", "code"))
    ratings = {}
    for branch in branches:
        ratings[branch.code[-3:]] = services.rating_open(actor=DEMO, campaign=campaign, branch=branch)
    counts = {"publicity": 0, "district": 0, "office": 0}
    for suffix, rating in ratings.items():
        if suffix == SECRETARY_TO_EVALUATE:
            _ensure_evidence(campaign, rating.branch, "safety_rule_of_law")
            continue
        target = targets.get(rating.branch_id)
        stars = _stars(rating)
        codes = [c for c in stars if target and c in target.star_codes] or list(stars)[:3]
        _claim(rating, codes)
        timeline = days[NAMED_THIS_YEAR if suffix == NAMED_THIS_YEAR else ""]
        services.rating_submit(
            actor=DEMO, rating=rating, committee_decided_on=timeline["committee"], committee_attendance=7
        )
        if suffix in AWAITING_OFFICE:
            counts["office"] += 1
            continue
        _review(rating, codes, Step.OFFICE_REVIEW)
        if suffix == NAMED_THIS_YEAR:
            _review(rating, codes, Step.DISTRICT_REVIEW)
            services.rating_publicity_start(actor=DEMO, rating=rating, start=timeline[Step.PUBLICITY])
            rating = services.rating_name(actor=DEMO, rating=rating, today=timeline[Step.NAME])
            stars = _stars(rating)
            code = "strong_branch" if "strong_branch" in codes else codes[0]
            withdrawal = services.withdrawal_start(actor=DEMO, rating_star=stars[code], reason=WITHDRAWAL_REASON)
            services.withdrawal_advance(
                actor=DEMO, withdrawal=withdrawal, step=WithdrawalStep.OFFICE_REVIEW, decision=WithdrawalDecision.AGREE
            )
            counts["named"] = counts.get("named", 0) + 1
            continue
        if suffix == IN_PUBLICITY or suffix in AWAITING_PUBLICITY:
            _review(rating, codes, Step.DISTRICT_REVIEW)
            if suffix == IN_PUBLICITY:
                rating = services.rating_publicity_start(actor=DEMO, rating=rating, start=timeline[Step.PUBLICITY])
                stars = _stars(rating)
                services.objection_submit(
                    rating=rating,
                    rating_star=stars[codes[-1]],
                    text="听说该社区部分活动记录是补拍的，请核实相关佐证材料的真实性。",
                    contact="13700005678",
                    evidence=as_upload(sample_jpeg("活动现场照片", size=(320, 240)), "现场照片.jpg", "image/jpeg"),
                )
                counts["publicity"] += 1
            continue
        # In the district review: the party-building stars already passed, the rest waiting for their department.
        passed = [c for c in codes if c == "strong_branch"]
        _review(rating, passed, Step.DISTRICT_REVIEW)
        if suffix == RETURNED[0] and RETURNED[1] in codes:
            _review(rating, [RETURNED[1]], Step.DISTRICT_REVIEW, Decision.RETURN, RETURNED[2])
        counts["district"] += 1
    suffix, indicator, day, description = VETO
    services.veto_record(
        actor=DEMO,
        campaign=campaign,
        branch=ratings[suffix].branch,
        indicator_code=indicator,
        occurred_on=day,
        description=description,
        evidence=as_upload(sample_jpeg("立案告知书", size=(320, 240)), "立案告知书.jpg", "image/jpeg"),
    )
    _date_this_year(campaign, days, started)
    say(
        f"      {campaign.year}年度：{counts['office']} 个待街道初审，{counts['district']} 个在区县联审（1 颗星被退回），"
        f"{len(AWAITING_PUBLICITY)} 个待公示，{counts['publicity']} 个公示中（有 1 条异议待处理），1 起平安法治否决事项，"
        f"{counts.get('named', 0)} 个已命名（1 颗星摘星待区县联审）"
    )


def this_year_days(today: datetime.date) -> dict[str, dict]:
    """The days of this year's steps, counted back from the load: the branch named early went through them a month
    before the others ("" ), whose publicity began three days ago."""

    def back(days):
        return today - datetime.timedelta(days=days)

    return {
        "": {
            "committee": back(17),
            Step.SUBMIT: back(16),
            Step.OFFICE_REVIEW: back(11),
            Step.DISTRICT_REVIEW: back(7),
            Step.PUBLICITY: back(3),
        },
        NAMED_THIS_YEAR: {
            "committee": back(36),
            Step.SUBMIT: back(35),
            Step.OFFICE_REVIEW: back(31),
            Step.DISTRICT_REVIEW: back(28),
            Step.PUBLICITY: back(25),
            Step.NAME: back(14),
            # The withdrawal of one of its stars (keyed apart: its steps share names with the rating's).
            ("withdrawal", WithdrawalStep.START): back(5),
            ("withdrawal", WithdrawalStep.OFFICE_REVIEW): back(2),
        },
    }


def _date_this_year(campaign, days, started):
    """This year's steps were taken during the load; date them as the timeline has them (the veto's the day after
    the case), and the withdrawal of the early-named branch's star."""

    def at(day, hour=10):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    steps = ReviewStep.objects.filter(rating_star__rating__campaign=campaign, acted_at__gte=started).select_related(
        "rating_star__rating__branch"
    )
    changed = []
    for step in steps:
        suffix = step.rating_star.rating.branch.code[-3:]
        timeline = days[NAMED_THIS_YEAR if suffix == NAMED_THIS_YEAR else ""]
        if step.step == Step.VETO:
            step.acted_at = at(VETO[2] + datetime.timedelta(days=1), 15)
        elif step.step in timeline:
            step.acted_at = at(timeline[step.step], 10 if step.step != Step.SUBMIT else 9)
        else:
            continue
        changed.append(step)
    ReviewStep.objects.bulk_update(changed, ["acted_at"])
    for rating in Rating.objects.filter(campaign=campaign, submitted_at__gte=started).select_related("branch"):
        timeline = days[NAMED_THIS_YEAR if rating.branch.code.endswith(NAMED_THIS_YEAR) else ""]
        Rating.objects.filter(pk=rating.pk).update(submitted_at=at(timeline[Step.SUBMIT], 9))
    named = days[NAMED_THIS_YEAR]
    for withdrawal in Withdrawal.objects.filter(rating_star__rating__campaign=campaign, started_at__gte=started):
        Withdrawal.objects.filter(pk=withdrawal.pk).update(started_at=at(named[("withdrawal", WithdrawalStep.START)]))
        for step in (WithdrawalStep.START, WithdrawalStep.OFFICE_REVIEW):
            WithdrawalRecord.objects.filter(withdrawal=withdrawal, step=step).update(
                acted_at=at(named[("withdrawal", step)])
            )


def load_watch(*, office, say):
    """一次创一直成: the daily watch, run once for the demo secretary's branch: its 产业兴旺 star, held since 2025,
    slipped below its thresholds and is warned about (to the branch and the office, in their notifications)."""
    campaign = Campaign.objects.filter(office=office, status=CampaignStatus.RUNNING).order_by("-year").first()
    branch = Branch.objects.filter(office=office, code__endswith=SECRETARY_TO_EVALUATE).first()
    if campaign is None or branch is None:
        return
    raised = services.warnings_raise(actor=DEMO, campaign=campaign, branches=[branch])
    say(f"      星级预警：{branch.name} {len(raised)} 条（{'、'.join(w.star.name for w in raised)}）")


def load_reviewers(*, office, say):
    """The district department reviewer accounts review the stars their department is responsible for.

    Also run when demo mode is switched on after the load (ACCOUNT_STEPS): accounts created then are registered
    too; those registered already are left as they are."""
    if office.parent is None:
        return
    for username, department, what in DEPARTMENT_REVIEWERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        if DepartmentReviewer.objects.filter(user=user, unit=office.parent, department=department).exists():
            continue
        services.department_reviewer_add(actor=DEMO, user=user, unit=office.parent, department=department)
        say(f"      {username}：{office.parent.name}{department}（{what}）")


# 摘星 of a 2025 star during 2026, the 2025 campaign closed: (branch suffix, star, reason, step dates).
LAST_YEAR_WITHDRAWAL = (
    "011",
    "strong_branch",
    "2026年一季度巡查发现，该村2025年下半年支部委员会会议记录系补写，支部过硬星评定依据不实，区创建办启动摘星程序。",
)
LAST_YEAR_WITHDRAWAL_DATES = {
    WithdrawalStep.START: datetime.date(2026, 3, 16),
    WithdrawalStep.OFFICE_REVIEW: datetime.date(2026, 3, 20),
    WithdrawalStep.DISTRICT_REVIEW: datetime.date(2026, 3, 27),
    WithdrawalStep.PUBLICITY: datetime.date(2026, 4, 1),  # five working days over 清明: to 8 April
    WithdrawalStep.DECIDE: datetime.date(2026, 4, 10),
}


def _account(username):
    """The demo account that takes a step, so the record names it; the demo actor when accounts are off."""
    return User.objects.filter(username=username, is_active=True).first() or DEMO


def load_last_year_withdrawal(*, office, say):
    """A star of the closed 2025 campaign withdrawn through the whole chain during 2026, each step by its own
    account: the district starts, the office agrees, 区委组织部 agrees, five working days of publicity, the
    district decides. The 2025 result is amended through the campaigns service and the certificate reissued."""
    suffix, code, reason = LAST_YEAR_WITHDRAWAL
    rating = (
        Rating.objects.filter(campaign__office=office, campaign__year=2025, branch__code__endswith=suffix)
        .select_related("campaign", "branch")
        .first()
    )
    if rating is None or rating.named_on is None:
        return
    rating_star = _stars(rating).get(code)
    if rating_star is None or rating_star.result != "confirmed":
        return
    dates = LAST_YEAR_WITHDRAWAL_DATES
    district, staff = _account("demo-district"), _account("demo-staff")
    withdrawal = services.withdrawal_start(actor=district, rating_star=rating_star, reason=reason)
    agree = WithdrawalDecision.AGREE
    services.withdrawal_advance(
        actor=staff,
        withdrawal=withdrawal,
        step=WithdrawalStep.OFFICE_REVIEW,
        decision=agree,
        today=dates[WithdrawalStep.OFFICE_REVIEW],
    )
    services.withdrawal_advance(
        actor=_account("demo-district-org"),
        withdrawal=withdrawal,
        step=WithdrawalStep.DISTRICT_REVIEW,
        decision=agree,
        today=dates[WithdrawalStep.DISTRICT_REVIEW],
    )
    services.withdrawal_advance(
        actor=staff,
        withdrawal=withdrawal,
        step=WithdrawalStep.PUBLICITY,
        start=dates[WithdrawalStep.PUBLICITY],
        days=5,
        today=dates[WithdrawalStep.PUBLICITY],
    )
    services.withdrawal_advance(
        actor=district,
        withdrawal=withdrawal,
        step=WithdrawalStep.DECIDE,
        decision=agree,
        today=dates[WithdrawalStep.DECIDE],
    )
    # The steps were taken now; date them as they happened in spring 2026.
    for step, day in dates.items():
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        WithdrawalRecord.objects.filter(withdrawal=withdrawal, step=step).update(acted_at=at)
    Withdrawal.objects.filter(pk=withdrawal.pk).update(
        started_at=timezone.make_aware(datetime.datetime.combine(dates[WithdrawalStep.START], datetime.time(10))),
        decided_on=dates[WithdrawalStep.DECIDE],
    )
    rating.refresh_from_db()
    say(
        f"      2025年度摘星：{rating.branch.name}{rating_star.star.name}星，经街道、区委组织部审核和公示后摘除，"
        f"{rating.reissued_on:%Y-%m-%d} 换发证书（现为{rating.level}星）"
    )


STEPS = [
    ("评星定级：区县联审账号", load_reviewers),
    ("评星定级：2025年度命名", load_last_year),
    ("评星定级：2025年度摘星", load_last_year_withdrawal),
    ("评星定级：2026年度审核", load_this_year),
    ("评星定级：星级预警", load_watch),
]
# Run again when demo mode is switched on after the load and the demo accounts are created then.
ACCOUNT_STEPS = [load_reviewers]
