"""Scheduled work of the rating (django.tasks; the database backend runs it in the worker).

`raise_star_warnings` is enqueued once a working day by the rhythm's scheduler (`AppConfig.daily_tasks`), or at once
by `manage.py rating_watch`: every star a branch holds (一次创一直成) that slipped below its thresholds or was hit by a
veto event is warned about once, to the branch and the office.
"""

from django.tasks import task


@task
def raise_star_warnings() -> int:
    from wuxing.campaigns.choices import CampaignStatus
    from wuxing.campaigns.models import Campaign
    from wuxing.core.actors import SystemActor

    from .services import warnings_raise

    actor = SystemActor("star-watch")
    raised = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.RUNNING).order_by("office_id", "year"):
        raised += len(warnings_raise(actor=actor, campaign=campaign))
    return raised
