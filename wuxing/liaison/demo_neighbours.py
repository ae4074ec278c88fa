"""The 五个一 of the district's two other demo offices in 2026: 青峰街道 (ahead) has recorded all five for every
assignment; 白沙镇 (behind) only a few kinds, for some of its assignments."""

import datetime

from wuxing.campaigns.models import Campaign
from wuxing.core.actors import DEMO
from wuxing.org.models import OrgUnit

from .rules import FIVE_KINDS
from .services import activity_record, campaign_assignments_sync

# office code → the kinds recorded for each assignment, by its position (missing: none recorded).
NEIGHBOUR_FIVE_ONES = {
    "41019902": None,  # all five for every assignment
    "41019903": {0: list(FIVE_KINDS), 1: list(FIVE_KINDS), 2: ["party_lecture", "heart_talk"], 4: ["work_meeting"]},
}


def load_neighbours(*, office, say):
    from .demo import ACTIVITY_NOTES

    today = datetime.date.today()
    for code, plan in NEIGHBOUR_FIVE_ONES.items():
        unit = OrgUnit.objects.filter(code=code).first()
        campaign = Campaign.objects.filter(office=unit, year=2026).first() if unit else None
        if campaign is None:
            continue
        rows = sorted(
            campaign_assignments_sync(actor=DEMO, campaign=campaign),
            key=lambda r: (r.assignment.branch.sort_order, r.assignment.branch.code, r.pk),
        )
        activities = 0
        for i, row in enumerate(rows):
            kinds = list(FIVE_KINDS) if plan is None else plan.get(i, [])
            responsible = row.assignment.leader.name if row.assignment.leader else row.assignment.department.name
            for k, kind in enumerate(kinds):
                activity_record(
                    actor=DEMO,
                    campaign_assignment=row,
                    kind=kind,
                    held_on=min(today, datetime.date(2026, 3 + k, 2 + (i * 5 + k * 3) % 25)),
                    participants=f"{responsible}；{row.assignment.branch.name}两委干部、党员代表",
                    notes=ACTIVITY_NOTES[kind],
                )
                activities += 1
        say(f"      {unit.name}：联系分包 {len(rows)} 个，“五个一”活动 {activities} 次")
