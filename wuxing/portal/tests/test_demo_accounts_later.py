"""Demo mode switched on after the demo was loaded: the accounts created then get their part, as on a first load."""

from wuxing.core.models import AuditLog
from wuxing.org.models import User
from wuxing.portal.demo import load_demo
from wuxing.rating.demo import DEPARTMENT_REVIEWERS
from wuxing.rating.models import DepartmentReviewer


def test_the_district_reviewers_are_registered_when_demo_mode_is_switched_on_later(db, settings):
    settings.WUXING_DEMO = False
    assert load_demo(extensions=False)
    assert not User.objects.filter(username__startswith="demo-").exists()
    assert not DepartmentReviewer.objects.exists()

    settings.WUXING_DEMO = True
    assert load_demo() is False  # already there: only the accounts and their parts are added
    for username, department, _what in DEPARTMENT_REVIEWERS:
        user = User.objects.get(username=username)
        reviewer = DepartmentReviewer.objects.get(user=user)
        assert reviewer.department == department
        assert reviewer.unit.level == "district"
    org = User.objects.get(username="demo-district-org")
    assert DepartmentReviewer.objects.filter(user=org, department="区委组织部").exists()

    # Once more: nothing is registered twice, and nothing new is audited.
    rows = AuditLog.objects.count()
    assert load_demo() is False
    assert DepartmentReviewer.objects.count() == len(DEPARTMENT_REVIEWERS)
    assert AuditLog.objects.count() == rows


def test_every_demo_account_is_created_when_demo_mode_is_switched_on_after_a_full_load(db, settings):
    """The observations' own accounts (observer-NN) never take the person of a demo account: 刘红梅, the 党工委书记,
    still gets demo-leader."""
    from wuxing.org.demo import DEMO_ACCOUNTS

    settings.WUXING_DEMO = False
    assert load_demo()
    assert User.objects.filter(username__startswith="observer-").exists()

    settings.WUXING_DEMO = True
    assert load_demo() is False
    names = {spec["username"] for spec in DEMO_ACCOUNTS}
    assert set(User.objects.filter(username__in=names).values_list("username", flat=True)) == names
    leader = User.objects.get(username="demo-leader")
    assert leader.person is not None and leader.person.position == "党工委书记"
