"""The targets of the district's two other demo offices for 2026: 青峰街道 (ahead) has every target agreed and
confirmed; 白沙镇 (behind) has three of five agreed, the others still submitted, so nothing is confirmed yet."""

import random
from datetime import date

from wuxing.core.actors import DEMO
from wuxing.org.models import Branch, OrgUnit

from . import services

# office code → target level of each branch (in branch order), and how many of them are agreed.
NEIGHBOUR_TARGETS = {
    "41019902": ([5, 4, 4, 4, 3, 3], 6),
    "41019903": ([4, 4, 3, 3, 3], 3),
}


def load_neighbours(*, office, say):
    from .demo import REASONS, _baseline, _campaign, _stars

    rng = random.Random(20261127)
    for code, (levels, agreed) in NEIGHBOUR_TARGETS.items():
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            continue
        campaign = _campaign(unit, 2026)
        branches = list(Branch.objects.filter(office=unit).order_by("sort_order", "code"))
        for i, (branch, level) in enumerate(zip(branches, levels)):
            _baseline(campaign, branch, level, rng, date(2026, 1, 12 + i % 5))
            stars = _stars(campaign.standard, branch, level)
            target = services.target_submit(
                actor=DEMO, campaign=campaign, branch=branch, stars=stars, reason=rng.choice(REASONS)
            )
            if i < agreed:
                services.target_agree(actor=DEMO, target=target)
        confirmed = services.targets_confirm(actor=DEMO, campaign=campaign) if agreed == len(branches) else 0
        say(f"      {unit.name}：已同意 {agreed} 个，已确认 {confirmed} 个")
