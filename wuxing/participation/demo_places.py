"""The demo's residents' issues on the command screen's map: about a third of them carry a place inside their
branch (as if the resident or the office gave one); the rest have none and are not drawn."""

import random

from wuxing.campaigns.selectors import campaign_public
from wuxing.core.actors import DEMO
from wuxing.org.demo_grids import branch_spot

from .models import Issue
from .services import issues_place


def load_places(*, office, say):
    campaign = campaign_public(office=office)
    if campaign is None:
        return
    rng = random.Random(20261129)
    places = {}
    rows = Issue.objects.filter(campaign=campaign).order_by("id").values_list("tracking_code", "branch__code")
    for n, (tracking_code, branch_code) in enumerate(rows):
        if n % 3:
            continue
        spot = branch_spot(branch_code, rng.uniform(0.25, 0.75), rng.uniform(0.2, 0.8))
        if spot is not None:
            places[tracking_code] = spot
    say(f"      {issues_place(actor=DEMO, office=office, places=places)} 件群众诉求已标注位置")
