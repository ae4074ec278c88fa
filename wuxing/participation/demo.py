"""The demo office's residents' issues for 2026: about 300 随手拍 reports through the year across every branch and
category — most closed with an answer and the resident's verdict, some still being handled (a few overdue), a few
reopened once, some merged or rejected, and a handful just received, awaiting triage.

Written in bulk (rows with their history), so the demo stays quick; every row is what the services would write.
"""

import datetime
import random

from django.db import models
from django.utils import timezone

from wuxing.campaigns.models import Campaign
from wuxing.core.actors import DEMO
from wuxing.core.audit import audit_record
from wuxing.core.uploads import as_upload, sample_jpeg, store_evidence
from wuxing.org.models import Branch, Department

from . import rules, services
from .models import Issue, IssueEvent, IssuePhoto, Opinion, SurveyCode, SurveyResponse, TeaTopic

N_ISSUES = 300
TEXTS = {
    "environment": [
        "村口垃圾堆放多日无人清运",
        "小区楼道杂物堆积",
        "河沟有漂浮垃圾",
        "公厕卫生差、无人打扫",
        "路边绿化带被占用种菜",
    ],
    "safety": ["路口路灯不亮，夜间出行不安全", "井盖缺失", "电动车在楼道充电", "老旧电线私拉乱接", "校门口车辆乱停"],
    "services": ["便民服务中心办事排队时间长", "老年食堂饭菜偏咸", "医保缴费不会在手机上操作", "自来水水压低"],
    "disputes": ["邻居装修噪音扰民", "宅基地边界有争议", "楼上漏水到楼下，协商不成", "占道经营引发口角"],
    "creation": ["村务公开栏内容没有更新", "支部承诺事项没有公开进度", "党员志愿服务活动太少"],
    "other": ["希望增加健身器材", "建议在广场增设休息座椅", "流浪犬较多"],
}
ANSWERS = {
    "environment": "已安排保洁人员清理，并纳入日常巡查。",
    "safety": "已现场查看并完成整改，设置警示标识。",
    "services": "已与相关窗口沟通，调整了服务安排。",
    "disputes": "网格员已组织双方调解，达成一致意见。",
    "creation": "支部已更新公开内容，并将按月公开进度。",
    "other": "已记录您的建议，将在下次两委会研究。",
}
REJECT_REASON = "该事项属于物业服务合同约定范围，请联系小区物业处理。"


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def load(*, office, say):
    campaign = Campaign.objects.filter(office=office, year=2026).first()
    if campaign is None or not campaign.is_open:
        return
    rng = random.Random(20260315)
    now = timezone.now()
    today = timezone.localdate(now)
    categories = services.ensure_categories(office)
    branches = list(Branch.objects.filter(office=office, retired_at__isnull=True).order_by("sort_order", "code"))
    departments = list(Department.objects.filter(office=office, retired_at__isnull=True).order_by("code"))
    first = datetime.date(campaign.year, 1, 5)
    span = max(1, (min(today, datetime.date(campaign.year, 12, 31)) - first).days)
    due_cache: dict[tuple, datetime.date] = {}

    def due(day, days):
        key = (day, days)
        if key not in due_cache:
            due_cache[key] = services.due_date(day, days)
        return due_cache[key]

    issues, histories, merge_of = [], [], {}
    for n in range(N_ISSUES):
        category = rng.choices(categories, weights=[5, 3, 3, 2, 1, 1][: len(categories)])[0]
        branch = branches[rng.randrange(len(branches))] if rng.random() < 0.7 else branches[n % len(branches)]
        day = first + datetime.timedelta(days=int(span * (n + rng.random()) / N_ISSUES))
        if n >= N_ISSUES - 6:
            day = today  # the latest few are waiting for triage
        received = _at(day, rng.randint(7, 21), rng.randint(0, 59))
        if day == today:  # sent in the hours before the load, not later today
            received = min(received, now - datetime.timedelta(minutes=45 + 35 * (N_ISSUES - n)))
        issue = Issue(
            campaign=campaign,
            office=office,
            tracking_code=rules.new_tracking_code(rng.choice),
            category=category,
            description=rng.choice(TEXTS.get(category.code, TEXTS["other"])),
            branch=branch,
            place_text=rng.choice(["", "", "东街口", "3号楼", "文化广场旁", "村委会北侧"]),
            phone=f"139{rng.randint(10000000, 99999999)}" if rng.random() < 0.6 else "",
            address_hash="",
            received_at=received,
        )
        events = [("received", "", "received", "", received)]
        roll = rng.random()
        age = (today - day).days
        if day == today:
            pass
        elif roll < 0.04:
            issue.state, issue.public_reason, issue.closed_at = (
                "rejected",
                REJECT_REASON,
                received + datetime.timedelta(hours=5),
            )
            events.append(("reject", "received", "rejected", "", issue.closed_at))
        elif roll < 0.08 and issues:
            earlier = next((i for i in reversed(issues) if i.category_id == category.pk and i.state != "merged"), None)
            if earlier is not None:
                issue.state = "merged"
                merge_of[issue.tracking_code] = earlier.tracking_code
                issue.public_reason = f"此前已有群众反映同一问题（查询码 {earlier.tracking_code}），将一并办理。"
                issue.closed_at = received + datetime.timedelta(hours=4)
                events.append(("merge", "received", "merged", "", issue.closed_at))
        if issue.state == "received" and day != today:
            dispatched = received + datetime.timedelta(hours=rng.randint(1, 20))
            issue.dispatched_at = dispatched
            issue.department = (
                departments[rng.randrange(len(departments))] if departments and rng.random() < 0.25 else None
            )
            issue.due_on = due(timezone.localtime(dispatched).date(), category.due_days)
            issue.state = "dispatched"
            events.append(("accept", "received", "dispatched", "", dispatched))
            late = rng.random() < 0.15
            answer_day = (
                issue.due_on + datetime.timedelta(days=rng.randint(1, 4))
                if late
                else issue.due_on - datetime.timedelta(days=rng.randint(0, 2))
            )
            answered = max(dispatched + datetime.timedelta(hours=3), _at(answer_day, rng.randint(9, 17)))
            if age > 14 or (age > 3 and rng.random() < 0.5 and answered.date() < today):
                events.append(
                    (
                        "note",
                        "dispatched",
                        "dispatched",
                        "已到现场查看，正在协调处理。",
                        dispatched + datetime.timedelta(hours=2),
                    )
                )
                issue.answer, issue.answered_at, issue.state = (
                    ANSWERS.get(category.code, ANSWERS["other"]),
                    answered,
                    "answered",
                )
                events.append(("answer", "dispatched", "answered", issue.answer, answered))
                verdict_at = answered + datetime.timedelta(hours=rng.randint(2, 60))
                if verdict_at.date() < today and rng.random() < 0.9:
                    reopen = rng.random() < 0.05
                    if reopen:
                        issue.reopened_count = 1
                        events.append(("not_satisfied", "answered", "dispatched", "问题没有彻底解决", verdict_at))
                        again = verdict_at + datetime.timedelta(days=rng.randint(1, 3))
                        events.append(("answer", "dispatched", "answered", "已再次处理，问题已解决。", again))
                        issue.answer, issue.answered_at = "已再次处理，问题已解决。", again
                        issue.due_on = due(timezone.localtime(verdict_at).date(), category.due_days)
                        verdict_at = again + datetime.timedelta(hours=rng.randint(2, 30))
                    satisfied = rng.random() < 0.88
                    issue.state, issue.closed_at = "closed", verdict_at
                    issue.satisfaction = "satisfied" if satisfied else "not_satisfied"
                    events.append((issue.satisfaction, "answered", "closed", "", verdict_at))
        issues.append(issue)
        histories.append(events)
    # What the story would date after the load (an answer accepted later today) happened just before it.
    latest = now - datetime.timedelta(minutes=40)
    for issue, events in zip(issues, histories, strict=True):
        for field in ("received_at", "dispatched_at", "answered_at", "closed_at"):
            if getattr(issue, field) and getattr(issue, field) > latest:
                setattr(issue, field, latest)
        events[:] = [(*event[:4], min(event[4], latest)) for event in events]
    Issue.objects.bulk_create(issues, batch_size=500)
    by_code = {i.tracking_code: i for i in Issue.objects.filter(campaign=campaign)}
    merged = [by_code[code] for code in merge_of]
    for issue in merged:
        issue.merged_into = by_code[merge_of[issue.tracking_code]]
    Issue.objects.bulk_update(merged, ["merged_into"], batch_size=500)
    IssueEvent.objects.bulk_create(
        [
            IssueEvent(
                issue=by_code[issue.tracking_code], kind=kind, from_state=before, to_state=after, note=note, at=at
            )
            for issue, events in zip(issues, histories, strict=True)
            for kind, before, after, note, at in events
        ],
        batch_size=1000,
    )
    # A few photos, through the upload checks like every file.
    with_photos = [i for i in by_code.values() if i.state in ("received", "dispatched")][:4]
    for issue in with_photos:
        store_evidence(IssuePhoto, as_upload(sample_jpeg("随手拍"), "现场.jpg", "image/jpeg"), actor=DEMO, issue=issue)
    audit_record(actor=DEMO, action="participation.demo_load", obj=campaign, after={"issues": len(issues)})
    say(f"      群众随手拍：{len(issues)} 件")


SURVEY_QUESTIONS = [
    {"kind": "scale", "text": "您对本村（社区）党支部班子的工作是否满意？"},
    {"kind": "scale", "text": "您对党员发挥先锋模范作用是否满意？"},
    {"kind": "scale", "text": "您对村（社区）环境和公共服务是否满意？"},
    {
        "kind": "choice",
        "text": "您最希望支部下一步先办好哪件事？",
        "choices": ["道路硬化", "路灯照明", "环境卫生", "养老服务"],
    },
]
CODES_PER_BRANCH = 20
COMMENTS = ["希望多开展志愿服务活动", "村务公开要及时", "建议增加健身器材", "服务态度好，办事快"]


def load_survey(*, office, say):
    """One satisfaction survey: 20 printed codes per branch (households, and party members in a few branches),
    about 60 % answered, each answer on the hash chain as `survey_answer` writes it."""
    campaign = Campaign.objects.filter(office=office, year=2026).first()
    if campaign is None or not campaign.is_open:
        return
    rng = random.Random(20261015)
    survey = services.survey_create(
        actor=DEMO,
        campaign=campaign,
        title="2026年度党支部群众满意度测评",
        intro="请根据您的真实感受作答，每个测评码只能答一次。",
        questions=SURVEY_QUESTIONS,
    )
    services.survey_set_status(actor=DEMO, survey=survey, status="open")
    branches = list(Branch.objects.filter(office=office, retired_at__isnull=True).order_by("sort_order", "code"))
    for i, branch in enumerate(branches):
        services.survey_codes_issue(
            actor=DEMO,
            survey=survey,
            branch=branch,
            count=CODES_PER_BRANCH,
            holder="member" if i % 4 == 3 else "household",
        )
    questions = list(survey.questions.order_by("position"))
    codes = list(SurveyCode.objects.filter(survey=survey).order_by("id"))
    answered = [c for c in codes if rng.random() < 0.6]
    quality = {b.pk: rng.uniform(3.2, 4.7) for b in branches}
    start = timezone.make_aware(datetime.datetime(campaign.year, 10, 15, 9))
    rows, prev = [], ""
    for n, code in enumerate(answered):
        answers = {}
        for q in questions:
            if q.kind == "scale":
                answers[str(q.pk)] = str(min(5, max(1, round(rng.gauss(quality[code.branch_id], 0.8)))))
            else:
                answers[str(q.pk)] = rng.choice(q.choices)
        row = SurveyResponse(
            survey=survey,
            code=code,
            branch_id=code.branch_id,
            answers=answers,
            comment=rng.choice(COMMENTS) if rng.random() < 0.2 else "",
            submitted_at=start + datetime.timedelta(minutes=17 * n),
            prev_hash=prev,
        )
        row.hash = rules.chain_hash(prev, services.response_payload_of(row, code.code))
        prev = row.hash
        rows.append(row)
        code.used_at = row.submitted_at
    SurveyResponse.objects.bulk_create(rows, batch_size=500)
    SurveyCode.objects.bulk_update(answered, ["used_at"], batch_size=500)
    say(f"      满意度测评：{len(codes)} 个测评码，{len(rows)} 份答卷")


SOLICITATIONS = [
    ("社区广场改造方案", "拟对社区广场进行改造：增设健身器材和休息座椅，更换照明，划定停车区域。", True),
    ("老旧小区加装电梯意见征集", "拟在 3 栋、5 栋试点加装电梯，费用由政府补贴和住户分摊，分摊方案附后。", False),
]
OPINIONS = [
    ("support", "早就该改造了"),
    ("support", ""),
    ("support", "支持，希望尽快施工"),
    ("object", "担心施工噪音影响休息"),
    ("suggest", "建议多种树，少铺硬化地面"),
    ("suggest", "低楼层住户的分摊比例要合理"),
]


def load_solicitations(*, office, say):
    """Two 征求意见 of communities' deliberations (一征三议两公开): one closed and recorded as the deliberation's
    first step, one still open on the public site."""
    from wuxing.deliberations.services import deliberation_create

    campaign = Campaign.objects.filter(office=office, year=2026).first()
    if campaign is None or not campaign.is_open:
        return
    rng = random.Random(20260601)
    communities = list(
        Branch.objects.filter(office=office, kind="urban_community", retired_at__isnull=True).order_by(
            "sort_order", "code"
        )
    )
    today = timezone.localdate()
    made = 0
    for (title, proposal, closed), branch in zip(SOLICITATIONS, communities[:2], strict=False):
        deliberation = deliberation_create(
            actor=DEMO, branch=branch, subject=title, matter="project", campaign=campaign
        )
        row = services.solicitation_create(
            actor=DEMO,
            deliberation_id=deliberation.pk,
            title=f"{title}征求意见",
            proposal=proposal,
            deadline=today + datetime.timedelta(days=7),
        )
        Opinion.objects.bulk_create(
            [
                Opinion(solicitation=row, stance=stance, text=text)
                for stance, text in rng.sample(OPINIONS, k=len(OPINIONS))
            ]
        )
        if closed:
            services.solicitation_close(actor=DEMO, solicitation=row, held_on=today)
        made += 1
    say(f"      征求意见：{made} 项")


TEA_TOPICS = [
    ("能否在村委会旁增设快递代收点", "现在取快递要跑到镇上，老人很不方便，建议在村委会旁设一个代收点。"),
    ("广场舞音响太吵", "晚上九点以后广场舞音响还很大，影响学生学习和老人休息，希望协调一下时间和音量。"),
    ("老年食堂能否增加送餐服务", "行动不便的老人去不了食堂，能否组织志愿者送餐上门？"),
    ("小区停车位不够", "晚上车辆乱停，消防通道经常被堵，希望规划停车位。"),
    ("希望开设暑期托管班", "暑假孩子没人看管，希望支部联系学校或志愿者开设托管班。"),
    ("村里路灯间距太大", "主干道路灯间距太大，中间一段很黑，建议加装几盏。"),
]
TEA_ANSWERS = [
    "支部已与快递公司对接，代收点下月在村委会一楼开放，由公益岗人员值守。",
    "已召集广场舞队负责人协商：每晚九点前结束，音量控制在规定范围内，网格员每周巡查。",
    "已组建8人送餐志愿队，每天中午为行动不便的老人送餐上门，需要的家庭可到村委会登记。",
]
TEA_PLACES = ["村委会议事厅", "党群服务中心", "文化广场凉亭"]
TEA_OUTCOMES = [
    "现场答复群众关心的问题3个，需协调解决的问题已明确责任人和完成时限。",
    "议定由两委牵头、网格员配合落实，一个月内向群众反馈办理结果。",
]


def load_tea(*, office, say):
    """民情茶馆 on every branch's board, through the same services as the pages: a few topics approved and answered,
    one turned into a work order, one awaiting moderation; and two sessions of each branch's physical tea house."""
    campaign = Campaign.objects.filter(office=office, year=2026).first()
    if campaign is None or not campaign.is_open:
        return
    today = timezone.localdate()
    categories = {c.code: c for c in services.ensure_categories(office)}
    branches = list(Branch.objects.filter(office=office, retired_at__isnull=True).order_by("sort_order", "code"))
    topics = sessions = 0
    for i, branch in enumerate(branches):
        made = []
        for n in range(3):
            title, text = TEA_TOPICS[(i + n) % len(TEA_TOPICS)]
            topic = services.topic_submit(
                office=office, branch=branch, title=title, text=text, address=f"demo-{i}-{n}", phone=""
            )
            days_ago = 40 - 12 * n + i % 5
            raised = _at(today - datetime.timedelta(days=days_ago), 10 + n)
            TeaTopic.objects.filter(pk=topic.pk).update(submitted_at=raised)
            made.append(topic)
            topics += 1
            if n == 2 and i % 3 == 0:
                continue  # awaiting moderation: the office's and the branch's to-do
            services.topic_moderate(actor=DEMO, topic=topic, decision="approve")
            if n == 0 or (n == 2 and i % 3 == 1):
                services.topic_answer(actor=DEMO, topic=topic, answer=TEA_ANSWERS[(i + n) % len(TEA_ANSWERS)])
            elif n == 1 and i % 4 == 0:
                services.topic_convert(
                    actor=DEMO, topic=topic, outcome="work_order", category=categories.get("services")
                )
            TeaTopic.objects.filter(pk=topic.pk).update(
                moderated_at=raised + datetime.timedelta(hours=20),
                answered_at=models.Case(models.When(answer="", then=None), default=raised + datetime.timedelta(days=3)),
            )
        answered = list(TeaTopic.objects.filter(pk__in=[t.pk for t in made], status="published").order_by("pk"))
        for k in range(2):
            services.session_save(
                actor=DEMO,
                branch=branch,
                campaign=campaign,
                held_on=today - datetime.timedelta(days=30 - 21 * k + i % 4),
                place=TEA_PLACES[(i + k) % len(TEA_PLACES)],
                topics=answered[k : k + 1],
                other_topics="人居环境整治" if k == 0 else "",
                attendees=18 + (i * 7 + k * 5) % 25,
                outcomes=TEA_OUTCOMES[k],
            )
            sessions += 1
    say(f"      民情茶馆：{topics} 个议题，{sessions} 次茶馆")


from .demo_places import load_places  # noqa: E402

STEPS = [
    ("群众随手拍", load),
    ("随手拍位置", load_places),
    ("满意度测评", load_survey),
    ("征求意见", load_solicitations),
    ("民情茶馆", load_tea),
]
