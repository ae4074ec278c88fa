"""The demo office's rhythm of 2026 since the year's start: daily reports on every working day (some late, a few
missing; on the last working day three branches, the demo secretary's among them, have not reported), help requests,
the weekly meetings of the generated calendar with their decisions (most closed, some open, two overdue), one
动员部署会 and two 推进会, notifications for each role, and last year's annual summary finalised."""

import datetime
import random

from django.utils import timezone

from wuxing.campaigns.choices import CampaignStatus
from wuxing.campaigns.models import Campaign
from wuxing.campaigns.services import campaign_set_status
from wuxing.core.actors import DEMO
from wuxing.org.demo import branch_code
from wuxing.org.models import Branch, Department, User

from . import rules, services
from .choices import EventKind
from .models import CalendarEvent, HelpRequest

PROGRESS = [
    "入户走访群众，收集意见建议。",
    "召开支委会研究创建工作，推进打卡清单事项。",
    "组织党员开展志愿服务，清理背街小巷卫生。",
    "对照创建标准梳理台账，补齐佐证材料。",
    "走访辖区共建单位，对接产业项目。",
    "开展矛盾纠纷排查，化解邻里纠纷一起。",
]
PROBLEMS = ["集体经济项目资金到位慢。", "部分网格员流动，信息更新不及时。", "活动场地不足，需协调解决。"]
HELP = [
    ("009", "产业项目需要对接技术指导，请经济发展办公室协调。", True),
    ("009", "集体经济合作社注册手续需要指导。", False),
    ("013", "申请协调农技专家开展培训。", False),
    ("001", "需要法律顾问参与矛盾调解。", True),
]
DECISIONS = [
    "各支部本周内补齐打卡清单佐证材料",
    "对滞后事项逐项明确责任人和完成时限",
    "组织开展一次“五星”创建观摩交流",
    "督促未按时报送日报告的支部说明情况",
    "协调解决阵地建设资金缺口",
    "梳理集体经济增收项目清单",
]


def _submitted_at(day, rng, late: bool):
    """A plausible submission time; never later than now (the demo may be loaded during the last working day)."""
    minutes = rng.randint(0, 150)
    at = datetime.datetime.combine(day, datetime.time(19, 0) if late else datetime.time(15, 30))
    at = timezone.make_aware(at + datetime.timedelta(minutes=minutes if late else min(minutes, 145)))
    return min(at, timezone.now() - datetime.timedelta(minutes=rng.randint(5, 60)))


def load(*, office, say):
    campaign = Campaign.objects.filter(office=office, year=2026).select_related("office").first()
    if campaign is None or not campaign.is_open:
        return
    rng = random.Random(20261129)
    today = timezone.localdate()
    last = rules.last_working_day(min(today, datetime.date(2026, 12, 31)))
    branches = list(Branch.objects.filter(office=office).order_by("sort_order", "code"))
    # Three branches have not reported on the last working day: the demo secretary's and two others.
    missing_last = {branch_code("008"), branches[2].code, branches[-1].code}
    rows = []
    for day in rules.working_days(datetime.date(2026, 1, 1), last):
        for branch in branches:
            if day == last and branch.code in missing_last:
                continue
            if day != last and rng.random() < 0.03:
                continue  # a few missing reports through the year
            late = rng.random() < 0.1
            rows.append(
                {
                    "branch": branch,
                    "day": day,
                    "submitted_at": _submitted_at(day, rng, late),
                    "progress": rng.choice(PROGRESS),
                    "problems": rng.choice(PROBLEMS) if rng.random() < 0.15 else "",
                }
            )
    reports = services.reports_load_history(actor=DEMO, campaign=campaign, rows=rows)
    say(f"      日报告 {reports} 份（截至 {last:%m-%d}，当日 3 个支部未报）")

    for number, (code, text, answered) in enumerate(HELP):
        branch = Branch.objects.get(code=branch_code(code))
        row = services.help_ask(actor=DEMO, branch=branch, text=text)
        if answered:
            services.help_answer(actor=DEMO, help_request=row, answer="已安排专人对接，本周内上门指导。")
        # The services stamp the moment of loading: an answered request was asked a week or two ago and answered
        # the next working day, an open one in the last few days.
        asked_on = rules.last_working_day(last - datetime.timedelta(days=(8 + 3 * number) if answered else 1 + number))
        asked = _submitted_at(asked_on, rng, late=False)
        stamps = {"created_at": asked}
        if answered:
            stamps["answered_at"] = min(asked + datetime.timedelta(days=1, hours=1), timezone.now())
        HelpRequest.objects.filter(pk=row.pk).update(**stamps)

    services.calendar_generate(actor=DEMO, campaign=campaign)
    departments = list(Department.objects.filter(office=office).order_by("code"))
    weekly = list(CalendarEvent.objects.filter(campaign=campaign, kind=EventKind.WEEKLY_MEETING, day__lte=last))
    meetings = 0
    open_actions = []
    for i, event in enumerate(weekly):
        meeting = services.meeting_create(actor=DEMO, campaign=campaign, kind="weekly", held_on=event.day, event=event)
        services.meeting_record(
            actor=DEMO,
            meeting=meeting,
            attendees="党工委书记、班子成员、各职能部门负责人、创建办工作人员",
            minutes=f"听取上周日报告汇总和打卡进度，研究{rng.choice(DECISIONS)}等事项。",
        )
        meetings += 1
        department = departments[i % len(departments)]
        branch = branches[i % len(branches)]
        # The last four meetings' decisions are still open, the first two of them overdue.
        k = i - (len(weekly) - 4)
        due = event.day + datetime.timedelta(days=10) if k < 2 else today + datetime.timedelta(days=7 * k)
        action = services.action_create(
            actor=DEMO,
            meeting=meeting,
            title=DECISIONS[i % len(DECISIONS)],
            due_on=due,
            owner_department=department,
            branch=branch if i % 2 else None,
        )
        if k < 0:
            services.action_close(actor=DEMO, action=action, evidence="已按期完成，佐证材料已归档。")
        else:
            open_actions.append(action)

    special = [
        ("mobilisation", datetime.date(2026, 3, 2), "“五星”支部创建动员部署会"),
        ("progress", datetime.date(2026, 6, 15), "“五星”支部创建工作推进会（年中）"),
        ("progress", datetime.date(2026, 9, 14), "“五星”支部创建工作推进会（三季度）"),
    ]
    for kind, day, title in special:
        if day > today:
            continue
        event = services.event_create(
            actor=DEMO, campaign=campaign, kind=kind, title=title, day=day, start=datetime.time(15, 0)
        )
        meeting = services.meeting_create(
            actor=DEMO,
            campaign=campaign,
            kind=kind,
            held_on=day,
            title=title,
            event=event,
            participants="党工委班子成员、各村（社区）党组织书记、职能部门负责人",
            documents="《“五星”支部创建工作方案》" if kind == "mobilisation" else "创建进度通报",
        )
        services.meeting_record(actor=DEMO, meeting=meeting, minutes="部署推进“五星”支部创建各项工作。")
        action = services.action_create(
            actor=DEMO,
            meeting=meeting,
            title="各支部对照目标制定打卡清单" if kind == "mobilisation" else "对进度滞后支部开展帮扶",
            due_on=day + datetime.timedelta(days=20),
            owner_department=departments[0],
        )
        services.action_close(actor=DEMO, action=action, evidence="已完成。")
        meetings += 1

    # Notifications for each role: reminders to the branches still missing, the digest to the office, a note
    # to the reviewers; the cadres got theirs with the help requests and actions above.
    services.remind_missing(actor=DEMO, campaign=campaign, day=last)
    services.send_digest(actor=DEMO, campaign=campaign, day=last)
    services.remind_overdue_actions(actor=DEMO, campaign=campaign, day=today)
    for user in User.objects.filter(role_assignments__role="reviewer", role_assignments__unit=office).distinct():
        services.notify(
            user=user,
            kind="agenda",
            title="本周例会议程已生成",
            body="请查看工作日历中的周例会安排。",
            url="/rhythm/calendar/",
            key=rules.notification_key("demo-agenda", user.pk),
        )
    say(f"      会议 {meetings} 次，督办事项未办结 {len(open_actions)} 项")
    _last_years_summary(office, say)


def _last_years_summary(office, say):
    """Last year's office summary, finalised. The office wrote it before it closed that year; the demo, which
    creates 2025 already closed, reopens it for that moment only (every step audited) and closes it again."""
    previous = Campaign.objects.filter(office=office, year=2025).select_related("office").first()
    if previous is None:
        return
    status = previous.status
    if not previous.is_open:
        campaign_set_status(actor=DEMO, campaign=previous, status=CampaignStatus.RUNNING)
    summary = services.summary_generate(actor=DEMO, campaign=previous)
    services.summary_edit(
        actor=DEMO,
        summary=summary,
        overview="2025年，街道党工委以“五星”支部创建为抓手，14个村（社区）全部参与创建，评定结果已公示命名。",
        highlights="示范引领作用明显，支部过硬星全覆盖；产业发展和平安法治两项进步较快。",
        problems="部分村集体经济增收渠道单一；个别社区服务阵地面积不足。",
        next_year="2026年建立日报告、周例会机制，推动晋位提升。",
    )
    services.summary_finalise(actor=DEMO, summary=summary)
    campaign_set_status(actor=DEMO, campaign=previous, status=status)
    say(f"      {previous.year}年度总结已定稿")


STEPS = [("日报告、周例会与督办", load)]
