"""The office overview's rectification counts (selectors.overview_counts) equal what the lists count, for every role:
one query over findings and their rectifications when the user may see both, the lists' own reads otherwise."""

import datetime

from django.utils import timezone

from wuxing.supervision import selectors
from wuxing.supervision.models import Finding, Rectification


def _copy(finding, **changes):
    copy = Finding.with_deleted.get(pk=finding.pk)
    copy.pk = None
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    return copy


def _rectify(finding, *, due_on, state):
    rect = Rectification.objects.filter(finding__campaign=finding.campaign).first()
    rect.pk = None
    rect.finding, rect.due_on, rect.state = finding, due_on, state
    rect.save()
    return rect


def _expected(user, campaign, today):
    rects = list(selectors.rectification_list(user=user, campaign=campaign))
    verified = sum(r.state == "verified" for r in rects)
    return {
        "total": len(rects),
        "open": len(rects) - verified,
        "overdue": sum(r.due_on < today and r.state != "verified" for r in rects),
        "verified": verified,
        "pending_reports": selectors.finding_list(user=user, campaign=campaign).filter(triage="pending").count(),
    }


def test_overview_counts_equal_the_lists_for_every_role(world):
    today = timezone.localdate()
    org, campaign = world.org, world.campaign
    yesterday = today - datetime.timedelta(days=1)
    other = _copy(world.finding, branch=org.branches["a2"])
    _rectify(other, due_on=yesterday, state="in_progress")
    _rectify(other, due_on=yesterday, state="verified")
    _rectify(world.finding, due_on=today, state="verified")
    # A deleted finding's rectification still counts (rectification_list reads it); a deleted report does not.
    deleted = _copy(world.finding, deleted_at=timezone.now())
    _rectify(deleted, due_on=yesterday, state="open")
    _copy(world.finding, source="public", triage="pending")
    _copy(world.finding, source="public", triage="pending", branch=org.branches["a2"])
    _copy(world.finding, source="public", triage="pending", deleted_at=timezone.now())
    _copy(world.finding, source="inspection", triage="pending")
    _copy(world.finding, source="public", triage="dismissed")

    for name, user in vars(world.users).items():
        counts = selectors.overview_counts(user=user, campaign=campaign)
        expected = _expected(user, campaign, today)
        assert {k: counts[k] for k in expected} == expected, name
    leader = selectors.overview_counts(user=world.users.leader, campaign=campaign)
    assert (leader["total"], leader["overdue"], leader["verified"]) == (5, 2, 2)
    assert leader["pending_reports"] >= 2
