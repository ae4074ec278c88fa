"""What the targets app does when the campaigns app prepares next year's campaign (connected in apps.py)."""

from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.campaigns.models import CampaignResult
from wuxing.campaigns.services import campaign_prepared
from wuxing.standards.models import Indicator

from .choices import BaselineRating
from .services import baseline_save


@receiver(campaign_prepared, dispatch_uid="targets.seed_baselines_from_results")
def seed_baselines(sender, *, previous, campaign, actor, **kwargs):
    """Each branch rated last year starts next year's baseline from its result: the indicators of the stars it
    was awarded (matched by star code in next year's standard) are marked met; the rest is surveyed as usual."""
    results = (
        CampaignResult.objects.filter(campaign=previous, branch__retired_at__isnull=True)
        .select_related("branch")
        .prefetch_related("stars")
    )
    indicators: dict[tuple[str, str], list[int]] = {}
    for pk, star_code, star_set in Indicator.objects.filter(star__standard=campaign.standard).values_list(
        "pk", "star__code", "star__star_set"
    ):
        indicators.setdefault((star_set, star_code), []).append(pk)
    today = timezone.localdate()
    for result in results:
        branch = result.branch
        ratings = {}
        for star in result.stars.all():
            for pk in indicators.get((branch.star_set, star.code), []):
                ratings[pk] = BaselineRating.MET
        baseline_save(
            actor=actor,
            campaign=campaign,
            branch=branch,
            surveyed_on=today,
            ratings=ratings,
            note=_("Rated %(level)d stars in %(year)d.") % {"level": result.level, "year": previous.year},
        )
