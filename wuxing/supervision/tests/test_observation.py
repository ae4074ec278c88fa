"""月观摩: versioned sheets, the visit plan, the phone scoring page, submission locking, the R12 ranking."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.supervision import selectors, services
from wuxing.supervision.models import Score, ScoreCard, ScoreSheet
from wuxing.testing import assert_no_exif, make_user

from .conftest import card_of, full_marks


def test_a_new_sheet_version_leaves_past_observations_alone(world):
    old = world.sheet
    new = services.sheet_create(
        actor=world.users.leader,
        office=world.org.office_a,
        name="新评分表",
        criteria=[{"text": "亮点", "max_points": 5}],
    )
    assert new.version == old.version + 1
    world.observation.refresh_from_db()
    assert world.observation.sheet_id == old.pk and old.criteria.count() == 3
    assert selectors.sheet_current(user=world.users.leader, office=world.org.office_a) == new


@pytest.mark.parametrize(
    "criteria,message",
    [([], "至少"), ([{"text": "x", "max_points": 0}], "1–100"), ([{"text": "x", "max_points": "abc"}], "满分")],
)
def test_a_bad_sheet_is_refused_and_nothing_is_saved(world, criteria, message):
    before = ScoreSheet.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.sheet_create(actor=world.users.leader, office=world.org.office_a, name="x", criteria=criteria)
    assert message in str(exc.value)
    assert ScoreSheet.objects.count() == before


def test_the_plan_makes_one_card_per_observer_and_branch_but_not_a_secretarys_own(world):
    obs = world.observation
    assert [s.branch.code for s in selectors.route(obs)] == ["T-a2", "T-a1"]
    assert ScoreCard.objects.filter(observation=obs).count() == 5
    assert not ScoreCard.objects.filter(
        observation=obs, observer=world.users.secretary, branch=world.org.branches["a1"]
    ).exists()
    peer = obs.observers.get(user=world.users.secretary)
    assert peer.peer_branch == world.org.branches["a1"]


def test_a_plan_refuses_branches_of_another_office(world):
    with pytest.raises(ValidationError):
        services.observation_create(
            actor=world.users.leader,
            campaign=world.campaign,
            title="x",
            held_on=timezone.localdate(),
            sheet=world.sheet,
            branches=[world.org.branches["b1"]],
            observers=[world.users.leader],
        )


def test_only_the_named_observer_fills_a_card(world):
    card = card_of(world.observation, world.users.leader, world.org.branches["a1"])
    with pytest.raises(PermissionDenied):
        services.card_save(actor=world.users.staff, card=card, points=full_marks(card))


def test_points_are_checked_and_a_bad_value_changes_nothing(world):
    card = card_of(world.observation, world.users.leader, world.org.branches["a1"])
    criteria = list(world.sheet.criteria.all())
    with pytest.raises(ValidationError) as exc:
        services.card_save(actor=world.users.leader, card=card, points={criteria[0].pk: 11, criteria[1].pk: 5})
    assert "0 到 10" in str(exc.value)
    assert not Score.objects.filter(card=card).exists()


def test_submit_needs_every_criterion_and_then_locks(world):
    card = card_of(world.observation, world.users.leader, world.org.branches["a1"])
    criteria = list(world.sheet.criteria.all())
    services.card_save(actor=world.users.leader, card=card, points={criteria[0].pk: "8.5"})
    with pytest.raises(ValidationError) as exc:
        services.card_save(actor=world.users.leader, card=card, points={criteria[0].pk: "8.5"}, submit=True)
    assert "阵地建设" in str(exc.value)
    services.card_save(actor=world.users.leader, card=card, points=full_marks(card, 7), submit=True)
    card.refresh_from_db()
    assert card.locked and card.total == D("21.00")
    with pytest.raises(ValidationError) as exc:
        services.card_save(actor=world.users.leader, card=card, points=full_marks(card, 1))
    assert "锁定" in str(exc.value)
    card.refresh_from_db()
    assert card.total == D("21.00")
    assert AuditLog.objects.filter(action="supervision.card_submit").count() == 1


def test_ranking_uses_submitted_cards_with_shared_ranks(world):
    obs = world.observation
    a1, a2 = world.org.branches["a1"], world.org.branches["a2"]
    for user, value in ((world.users.leader, 8), (world.users.staff, 6)):
        for branch in (a1, a2):
            card = card_of(obs, user, branch)
            services.card_save(actor=user, card=card, points=full_marks(card, value), submit=True)
    # a2 also gets the secretary's card (a draft does not count until submitted)
    card = card_of(obs, world.users.secretary, a2)
    services.card_save(actor=world.users.secretary, card=card, points=full_marks(card, 10))
    ranking = selectors.observation_ranking(obs)
    assert [(r.branch.code, r.score, r.rank) for r in ranking] == [("T-a2", D("21.00"), 1), ("T-a1", D("21.00"), 1)]
    services.card_save(actor=world.users.secretary, card=card, points=full_marks(card, 10), submit=True)
    ranking = selectors.observation_ranking(obs)
    assert [(r.branch.code, r.rank) for r in ranking] == [("T-a2", 1), ("T-a1", 2)]
    assert ranking[0].score == D("24.00") and ranking[0].submitted == 3 and ranking[0].expected == 3


def _plan_with(world, n):
    observers = [make_user(f"obs-{n}-{i}") for i in range(n)]
    obs = services.observation_create(
        actor=SYSTEM,
        campaign=world.campaign,
        title=f"{n} 人观摩",
        held_on=timezone.localdate(),
        sheet=world.sheet,
        branches=[world.org.branches["a3"]],
        observers=observers,
    )
    for i, user in enumerate(observers):
        card = card_of(obs, user, world.org.branches["a3"])
        services.card_save(actor=user, card=card, points=full_marks(card, 2 + 2 * i), submit=True)
    return selectors.observation_ranking(obs)[0]


def test_four_observers_keep_all_and_five_drop_the_extremes_from_the_database(world):
    four = _plan_with(world, 4)  # totals 6, 12, 18, 24
    assert four.score == D("15.00") and four.dropped == ()
    five = _plan_with(world, 5)  # totals 6 … 30: 6 and 30 dropped
    assert five.score == D("18.00") and five.dropped == (D("6.00"), D("30.00"))


def test_phone_page_scores_with_a_photo_and_submits(client, world, django_assert_max_num_queries):
    card = card_of(world.observation, world.users.leader, world.org.branches["a1"])
    client.force_login(world.users.leader)
    url = reverse("supervision:card_score", args=[card.pk])
    page = client.get(url).content.decode()
    assert 'inputmode="decimal"' in page and "supervision/score.js" in page and "<script>" not in page
    assert 'capture="environment"' in page
    data = {f"c{pk}": v for pk, v in full_marks(card, 9).items()}
    photo = as_upload(sample_jpeg("观摩", exif_gps=True), "现场.jpg", "image/jpeg")
    response = client.post(url, {**data, "comment": "台账规范", "photos": [photo], "action": "submit"})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.locked and card.total == D("27.00") and card.photos.count() == 1
    assert_no_exif(card.photos.get().file)
    page = client.get(url).content.decode()
    assert "data-locked" in page and "supervision/score.js" not in page
    # the photo is served to the observer and to the office
    assert client.get(reverse("supervision:photo_thumbnail", args=[card.photos.get().pk])).status_code == 200
    detail = client.get(reverse("supervision:observation_detail", args=[world.observation.pk])).content.decode()
    assert 'data-rank="1"' in detail


def test_a_refused_photo_refuses_the_save(client, world):
    card = card_of(world.observation, world.users.leader, world.org.branches["a1"])
    client.force_login(world.users.leader)
    data = {f"c{pk}": 5 for pk in full_marks(card)}
    fake = as_upload(b"<html><script>alert(1)</script></html>", "photo.jpg", "image/jpeg")
    response = client.post(
        reverse("supervision:card_score", args=[card.pk]), {**data, "photos": [fake], "action": "save"}
    )
    assert response.status_code == 200
    card.refresh_from_db()
    assert not Score.objects.filter(card=card).exists() and card.photos.count() == 0


def test_a_secretary_observer_reaches_their_cards_of_other_branches(client, world):
    client.force_login(world.users.secretary)
    assert client.get(reverse("supervision:home")).status_code == 200
    page = client.get(reverse("supervision:observation_detail", args=[world.observation.pk])).content.decode()
    card = card_of(world.observation, world.users.secretary, world.org.branches["a2"])
    assert f'data-card="{card.pk}"' in page
    assert client.get(reverse("supervision:card_score", args=[card.pk])).status_code == 200
    other = card_of(world.observation, world.users.leader, world.org.branches["a1"])
    assert client.get(reverse("supervision:card_score", args=[other.pk])).status_code == 404


def test_observation_list_query_count_is_constant(client, world, django_assert_max_num_queries):
    for i in range(4):
        services.observation_create(
            actor=SYSTEM,
            campaign=world.campaign,
            title=f"观摩{i}",
            held_on=timezone.localdate() - datetime.timedelta(days=i),
            sheet=world.sheet,
            branches=[world.org.branches["a1"], world.org.branches["a3"]],
            observers=[world.users.leader, world.users.staff],
        )
    client.force_login(world.users.leader)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("supervision:observation_list")).status_code == 200
    with django_assert_max_num_queries(22):
        assert client.get(reverse("supervision:observation_detail", args=[world.observation.pk])).status_code == 200


def test_plan_page_orders_the_route_and_names_the_observers(client, world):
    client.force_login(world.users.staff)
    a1, a2, a3 = (world.org.branches[c] for c in ("a1", "a2", "a3"))
    response = client.post(
        reverse("supervision:observation_create"),
        {
            "title": "六月观摩",
            "held_on": timezone.localdate().isoformat(),
            "branches": [a1.pk, a2.pk, a3.pk],
            "order": f"{a3.code}，{a1.code} {a2.code}",
            "observers": [world.users.leader.pk, world.users.secretary.pk],
            "drop_extremes": "on",
            "drop_from": 5,
        },
    )
    assert response.status_code == 302
    obs = selectors.observation_list(user=world.users.staff).get(title="六月观摩")
    assert [s.branch for s in selectors.route(obs)] == [a3, a1, a2]
    assert obs.cards.count() == 5  # the secretary has no card for a1
    response = client.post(reverse("supervision:observation_create"), {"title": "x", "held_on": "", "drop_from": 2})
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert selectors.observation_list(user=world.users.staff).count() == 2


def test_branch_page_and_overview_show_the_supervision_panels(client, world):
    client.force_login(world.users.secretary)
    page = client.get(reverse("portal:branch_detail", args=[world.org.branches["a1"].pk])).content.decode()
    assert 'id="supervision-branch"' in page and "补齐台账" in page
    client.force_login(world.users.leader)
    assert 'id="supervision-overview"' in client.get(reverse("home")).content.decode()
