"""The demo's demonstration sites on the command screen's map: each site placed in the middle of its branch."""

from wuxing.campaigns.selectors import campaign_public
from wuxing.core.actors import DEMO
from wuxing.org.demo_grids import branch_spot

from .models import DemoSite
from .services import sites_place


def load_places(*, office, say):
    campaign = campaign_public(office=office)
    if campaign is None:
        return
    places = {}
    for code in DemoSite.objects.filter(campaign=campaign).values_list("branch__code", flat=True):
        spot = branch_spot(code, 0.5, 0.78)
        if spot is not None:
            places[code] = spot
    say(f"      {sites_place(actor=DEMO, office=office, places=places)} 个示范点已标注位置")
