"""一次创一直成: a star the branch holds that slips below its thresholds, or is hit by a veto event, is warned about once
per (campaign, branch, star, cause), to the branch and the office, by the daily task; shown on the branch's pages."""

import datetime
import io
from unittest import mock

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wuxing.campaigns.services import campaign_create, campaign_record_result
from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.rating import rules, services
from wuxing.rating.choices import Readiness, WarningCause
from wuxing.rating.models import StarWarning
from wuxing.rating.tasks import raise_star_warnings

FROZEN = timezone.make_aware(datetime.datetime(2026, 8, 10, 9, 0))


def test_warning_causes_at_their_edges():
    assert rules.warning_causes(earned=False, vetoed=True, readiness=Readiness.NOT_READY) == []
    assert rules.warning_causes(earned=True, vetoed=False, readiness=Readiness.AT_RISK) == []
    assert rules.warning_causes(earned=True, vetoed=False, readiness=Readiness.NOT_READY) == [WarningCause.SLIPPED]
    assert rules.warning_causes(earned=True, vetoed=True, readiness=Readiness.NOT_READY) == [WarningCause.VETO]
    assert rules.warning_key(3, 4, "industry", "veto") == "rating:warning:3:4:industry:veto"


def _held_last_year(world):
    last = campaign_create(actor=SYSTEM, office=world.org.office_a, year=2025, standard=world.standard)
    held = [world.stars[("rural", "strong_branch")], world.stars[("rural", "safety_rule_of_law")]]
    campaign_record_result(
        actor=SYSTEM, campaign=last, branch=world.branch, level=2, stars=held, rated_on=datetime.date(2025, 12, 26)
    )
    services.veto_record(
        actor=SYSTEM,
        campaign=world.campaign,
        branch=world.branch,
        indicator_code="r_sf_zero_accident",
        occurred_on=datetime.date(2026, 8, 2),
        description="发生一起伤人安全事故",
        evidence=as_upload(sample_jpeg("事故"), "a.jpg", "image/jpeg"),
    )


def test_the_daily_task_warns_the_branch_and_the_office_once(client, world):
    from wuxing.rhythm.models import Notification

    _held_last_year(world)
    with mock.patch("django.utils.timezone.now", return_value=FROZEN):
        assert raise_star_warnings.call() == 2
        assert raise_star_warnings.call() == 0  # a worker restart: nothing twice
    warnings = {(w.star.code, w.cause): w for w in StarWarning.objects.filter(branch=world.branch)}
    assert set(warnings) == {("strong_branch", "slipped"), ("safety_rule_of_law", "veto")}
    veto = warnings[("safety_rule_of_law", "veto")]
    assert veto.raised_on == datetime.date(2026, 8, 10) and veto.detail == "发生一起伤人安全事故"
    assert veto.notified == 2  # the branch's secretary and the office's leader (the staff account has no person)
    told = Notification.objects.filter(kind="rating_warning")
    assert sorted(told.values_list("user__username", flat=True)) == [
        "t-leader",
        "t-leader",
        "t-secretary",
        "t-secretary",
    ]
    assert all(n.key.startswith(f"rating:warning:{world.campaign.pk}:{world.branch.pk}:") for n in told)
    assert any("平安法治" in n.title and "一票否决" in n.title for n in told)
    # Another branch of the office, holding nothing, is not watched; office B's people hear nothing.
    assert not StarWarning.objects.exclude(branch=world.branch).exists()
    assert not Notification.objects.filter(user=world.users.leader_b).exists()
    # The branch's page and its rating page show the warnings.
    client.force_login(world.users.secretary)
    page = client.get(reverse("portal:branch_detail", args=[world.branch.pk])).content.decode()
    assert 'id="star-warnings"' in page and "发生一起伤人安全事故" in page
    detail = client.get(reverse("rating:rating_detail", args=[world.rating.pk])).content.decode()
    assert "指标低于标准" in detail
    # The office's people in another office do not see them.
    client.force_login(world.users.leader_b)
    assert client.get(reverse("rating:rating_detail", args=[world.rating.pk])).status_code == 404


def test_the_command_queues_the_task(world):
    _held_last_year(world)
    with mock.patch("django.utils.timezone.now", return_value=FROZEN):
        call_command("rating_watch", stdout=io.StringIO())
    assert StarWarning.objects.filter(branch=world.branch).count() == 2


def test_only_the_system_or_the_office_raises_warnings(world):
    import pytest
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.warnings_raise(actor=world.users.secretary, campaign=world.campaign)
    assert services.warnings_raise(actor=world.users.staff, campaign=world.campaign) == []
    _held_last_year(world)
    # Another office's leader reaches none of office A's branches.
    assert services.warnings_raise(actor=world.users.leader_b, campaign=world.campaign) == []
    assert len(services.warnings_raise(actor=world.users.staff, campaign=world.campaign)) == 2
