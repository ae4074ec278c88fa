"""The demo office's supervision matches the issue's demo: observations with 5–7 observers and a tie, three
published evaluations with 红黑榜, inspections with rectifications in every state, two reports awaiting triage."""

from django.urls import reverse

from wuxing.supervision import rules, selectors
from wuxing.supervision.models import (
    Accountability,
    Escalation,
    Evaluation,
    Finding,
    Inspection,
    Observation,
    Rectification,
    ScoreCard,
)


def test_the_demo_office_has_what_the_issue_asks_for(demo_office, client):
    observations = list(Observation.objects.filter(campaign__office=demo_office))
    assert len(observations) == 11
    assert all(5 <= o.observers.count() <= 7 for o in observations)
    ties = [
        o for o in observations if len({r.rank for r in selectors.observation_ranking(o)}) < len(selectors.route(o))
    ]
    assert ties
    published = Evaluation.objects.filter(campaign__office=demo_office, status="published")
    assert published.count() == 3
    for evaluation in published:
        assert selectors.evaluation_intact(evaluation)
        assert {"red", "black"} <= set(evaluation.rows.values_list("board", flat=True))
    assert Inspection.objects.filter(campaign__office=demo_office).count() == 12
    states = set(Rectification.objects.filter(finding__campaign__office=demo_office).values_list("state", flat=True))
    assert states == set(rules.STATES)
    assert Rectification.objects.filter(returned_count=2).exists() and Accountability.objects.exists()
    assert Escalation.objects.exists()
    assert Finding.objects.filter(source="public", triage="pending").count() == 2
    # the demo reviewer has one card left to score on a phone
    open_card = ScoreCard.objects.get(observer__username="demo-reviewer", submitted_at__isnull=True)
    client.force_login(open_card.observer)
    assert client.get(reverse("supervision:card_score", args=[open_card.pk])).status_code == 200
    client.force_login(demo_office.people.get(name__isnull=False, user__username="demo-leader").user)
    for name in ("supervision:observation_list", "supervision:evaluation_list", "supervision:overdue_board", "home"):
        assert client.get(reverse(name)).status_code == 200, name
