"""季评比: inputs from observations, checklists and rectifications, re-weighting of missing inputs, ties, 红黑榜, tags,
publishing frozen by a content hash, tampering detected."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from wuxing.core.actors import SYSTEM
from wuxing.supervision import selectors, services
from wuxing.supervision.models import ActivityTag, EvaluationRow

from .conftest import card_of, full_marks


def _score(world, values):
    """Submit the leader's and the staff's cards: {branch code: points per criterion}."""
    for user in (world.users.leader, world.users.staff):
        for code, value in values.items():
            card = card_of(world.observation, user, world.org.branches[code])
            services.card_save(actor=user, card=card, points=full_marks(card, value), submit=True)


def _rows(evaluation):
    return {r.branch.code: r for r in selectors.evaluation_rows(evaluation)}


def test_inputs_come_from_observations_and_rectifications_and_missing_ones_are_reweighted(world):
    _score(world, {"a1": 10, "a2": 5})  # a1: 30/40 = 75 %, a2: 15/40 = 37.5 %
    services.rectification_transition(actor=SYSTEM, rectification=world.rectification, to="in_progress")
    services.evaluation_compute(actor=world.users.leader, evaluation=world.evaluation)
    rows = _rows(world.evaluation)
    a1, a2, a3 = rows["T-a1"], rows["T-a2"], rows["T-a3"]
    assert a1.observation == D("75.00") and a2.observation == D("37.50") and a3.observation is None
    # a1 has one rectification, not closed yet (its due date is inside the quarter): 0 %
    assert a1.rectification == D("0.00") and a2.rectification is None
    # no checklist items and no rhythm app: both missing everywhere; satisfaction not measured
    assert a1.checklist is None and a1.punctuality is None and a1.satisfaction is None
    assert a1.missing == ["checklist", "punctuality", "satisfaction"]
    # a1: (40·75 + 10·0) / 50 = 60; a2: observation alone = 37.5; a3: nothing measured, no rank
    assert a1.score == D("60.00") and a2.score == D("37.50") and a3.score is None
    assert (a1.rank, a2.rank, a3.rank) == (1, 2, None)
    assert (a1.board, a2.board, a3.board) == ("red", "black", "")


def test_the_page_says_which_inputs_were_reweighted(client, world):
    _score(world, {"a1": 10, "a2": 5})
    services.evaluation_compute(actor=SYSTEM, evaluation=world.evaluation)
    client.force_login(world.users.secretary)
    page = client.get(reverse("supervision:evaluation_detail", args=[world.evaluation.pk])).content.decode()
    assert 'id="reweighted"' in page and "日报按时率" in page and "按比例分配" in page
    assert 'id="red-list"' in page and 'id="black-list"' in page


def test_ties_share_a_rank_and_satisfaction_is_taken_when_measured(client, world):
    _score(world, {"a1": 8, "a2": 8})
    client.force_login(world.users.staff)
    url = reverse("supervision:evaluation_compute", args=[world.evaluation.pk])
    a1, a2 = world.org.branches["a1"], world.org.branches["a2"]
    response = client.post(url, {f"s{a1.pk}": "101"})
    assert response.status_code == 200 and "100" in response.content.decode()
    assert not EvaluationRow.objects.filter(evaluation=world.evaluation, satisfaction__isnull=False).exists()
    assert client.post(url, {f"s{a1.pk}": "90", f"s{a2.pk}": ""}).status_code == 302
    rows = _rows(world.evaluation)
    assert rows["T-a1"].satisfaction == D("90.00") and "satisfaction" not in rows["T-a1"].missing
    # a1: (40·60 + 10·0 + 10·90) / 60 = 55; a2: its observation alone, 60
    assert (rows["T-a1"].score, rows["T-a1"].rank, rows["T-a2"].rank) == (D("55.00"), 2, 1)
    # the same satisfaction gives a tie
    client.post(url, {f"s{a1.pk}": "90", f"s{a2.pk}": "90"})
    world.rectification.delete()
    services.evaluation_compute(actor=SYSTEM, evaluation=world.evaluation)
    rows = _rows(world.evaluation)
    assert rows["T-a1"].rank == rows["T-a2"].rank == 1 and rows["T-a1"].score == rows["T-a2"].score
    # computing again without re-entering keeps the satisfaction entered before
    assert rows["T-a1"].satisfaction == D("90.00")


def test_weights_and_sizes_are_checked(world):
    with pytest.raises(ValidationError) as exc:
        services.evaluation_create(
            actor=world.users.leader, campaign=world.campaign, quarter=2, title="x", weights={"observation": 0}
        )
    assert "至少有一项权重" in str(exc.value)
    with pytest.raises(ValidationError):
        services.evaluation_create(
            actor=world.users.leader, campaign=world.campaign, quarter=5, title="x", weights={"observation": 1}
        )
    with pytest.raises(ValidationError):
        services.evaluation_create(
            actor=world.users.leader,
            campaign=world.campaign,
            quarter=1,
            title="x",
            weights={"observation": 1},
            top_n=99,
        )


def test_a_punctuality_hook_of_another_app_is_used(world, monkeypatch):
    from django.apps import apps

    config = apps.get_app_config("liaison")
    monkeypatch.setattr(
        config,
        "daily_report_punctuality",
        lambda campaign, start, end, branch_ids: {world.org.branches["a1"].pk: 80},
        raising=False,
    )
    services.evaluation_compute(actor=SYSTEM, evaluation=world.evaluation)
    rows = _rows(world.evaluation)
    assert rows["T-a1"].punctuality == D("80") and "punctuality" not in rows["T-a1"].missing


def test_tags_filter_evaluations(client, world):
    builtin = ActivityTag.objects.get(office__isnull=True, name="三标")
    own = services.tag_create(actor=world.users.staff, office=world.org.office_a, name="擂台比武")
    with pytest.raises(ValidationError):
        services.tag_create(actor=world.users.staff, office=world.org.office_a, name="三标")
    tagged = services.evaluation_create(
        actor=world.users.staff,
        campaign=world.campaign,
        quarter=1,
        title="三标评比",
        weights={"observation": 1},
        tags=[builtin, own],
    )
    client.force_login(world.users.leader)
    url = reverse("supervision:evaluation_list")
    page = client.get(url, {"tag": builtin.pk}).content.decode()
    assert f'data-evaluation="{tagged.pk}"' in page and f'data-evaluation="{world.evaluation.pk}"' not in page
    page = client.get(url).content.decode()
    assert f'data-evaluation="{world.evaluation.pk}"' in page
    other = ActivityTag.objects.create(office=world.org.office_b, name="乙街道活动")
    with pytest.raises(ValidationError):
        services.evaluation_create(
            actor=SYSTEM, campaign=world.campaign, quarter=1, title="x", weights={"observation": 1}, tags=[other]
        )


def test_publishing_freezes_with_a_hash_and_detects_tampering(client, world):
    _score(world, {"a1": 10, "a2": 5})
    services.evaluation_compute(actor=SYSTEM, evaluation=world.evaluation)
    url = reverse("supervision:evaluation_publish", args=[world.evaluation.pk])
    client.force_login(world.users.secretary)
    assert client.post(url).status_code == 403
    client.force_login(world.users.staff)
    assert client.post(url).status_code == 302
    world.evaluation.refresh_from_db()
    assert world.evaluation.is_published and len(world.evaluation.content_hash) == 64
    assert selectors.evaluation_intact(world.evaluation) is True
    # frozen: no recomputation, no second publication
    with pytest.raises(ValidationError):
        services.evaluation_compute(actor=world.users.staff, evaluation=world.evaluation)
    with pytest.raises(ValidationError):
        services.evaluation_publish(actor=world.users.staff, evaluation=world.evaluation)
    page = client.get(reverse("supervision:evaluation_detail", args=[world.evaluation.pk])).content.decode()
    assert "未被改动" in page
    public = reverse("supervision_public:evaluation", args=[world.org.office_a.code, world.evaluation.pk])
    assert client.get(public).status_code == 200
    # someone edits a stored row behind the application's back
    EvaluationRow.objects.filter(evaluation=world.evaluation, branch__code="T-a2").update(score=D("99.00"), rank=1)
    assert selectors.evaluation_intact(world.evaluation) is False
    page = client.get(reverse("supervision:evaluation_detail", args=[world.evaluation.pk])).content.decode()
    assert "发布后被改动" in page


def test_evaluation_list_and_detail_query_counts(client, world, django_assert_max_num_queries):
    for quarter in (1, 2, 3):
        e = services.evaluation_create(
            actor=SYSTEM, campaign=world.campaign, quarter=quarter, title=f"Q{quarter}", weights={"observation": 1}
        )
        services.evaluation_compute(actor=SYSTEM, evaluation=e)
    client.force_login(world.users.leader)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("supervision:evaluation_list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("supervision:evaluation_detail", args=[world.evaluation.pk])).status_code == 200


def test_create_page_computes_at_once(client, world):
    client.force_login(world.users.staff)
    response = client.post(
        reverse("supervision:evaluation_create"),
        {
            "title": "第三季度评比",
            "quarter": "3",
            "w_observation": "50",
            "w_checklist": "50",
            "w_punctuality": "0",
            "w_rectification": "0",
            "w_satisfaction": "0",
            "top_n": "1",
            "bottom_n": "1",
            "public": "on",
        },
    )
    assert response.status_code == 302
    created = selectors.evaluation_list(user=world.users.staff).get(title="第三季度评比")
    assert created.computed_at is not None and created.rows.count() == 3
    assert created.weights["observation"] == "50" and timezone.now() >= created.computed_at
