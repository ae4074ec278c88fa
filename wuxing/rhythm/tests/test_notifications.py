"""Notifications: the bell, mark read, delivery by e-mail and SMS with each attempt recorded, a reminder task run
twice sends once, one recipient's failure does not stop the others, and the scheduler queues each job once a day."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from wuxing.core.roles import Role
from wuxing.rhythm import scheduler, services
from wuxing.rhythm.delivery import LocmemSMSBackend
from wuxing.rhythm.models import Delivery, Notification, ScheduledRun
from wuxing.rhythm.tasks import send_digests, send_reminders
from wuxing.testing import make_user

from .conftest import WORKDAY, frozen


@pytest.fixture
def sms(settings):
    settings.WUXING_SMS_BACKEND = "wuxing.rhythm.delivery.LocmemSMSBackend"
    LocmemSMSBackend.outbox = []
    return LocmemSMSBackend.outbox


@pytest.fixture
def secretaries(world):
    """Secretaries of a2 (with e-mail) and a3 (a phone the provider cannot reach); a1's is world.users.secretary."""
    from wuxing.org.models import Person

    a2 = Person.objects.create(
        office=world.org.office_a, name="甲二书记", phone="13900000000", branch=world.org.branches["a2"]
    )
    a3 = Person.objects.create(
        office=world.org.office_a, name="甲三书记", phone="13700001234", branch=world.org.branches["a3"]
    )
    user_a2 = make_user("t-sec-a2", Role.BRANCH_SECRETARY, branch=world.org.branches["a2"], person=a2)
    user_a2.email = "a2@example.org"
    user_a2.save()
    user_a3 = make_user("t-sec-a3", Role.BRANCH_SECRETARY, branch=world.org.branches["a3"], person=a3)
    return user_a2, user_a3


def test_a_reminder_task_run_twice_sends_once(world, sms, secretaries, django_capture_on_commit_callbacks):
    with frozen(datetime.datetime(2026, 11, 25, 16, 0)):
        with django_capture_on_commit_callbacks(execute=True):
            send_reminders.enqueue(WORKDAY.isoformat())
        with django_capture_on_commit_callbacks(execute=True):
            send_reminders.enqueue(WORKDAY.isoformat())  # the worker restarted and ran it again
    reminders = Notification.objects.filter(kind="report_reminder")
    assert sorted(n.user.username for n in reminders) == ["t-sec-a2", "t-sec-a3", "t-secretary"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a2@example.org"]
    # The secretary of a1 (13912345678) and of a3 (13700001234) get an SMS; a2's number cannot be reached.
    assert sorted(phone for phone, _ in sms) == ["13700001234", "13912345678"]
    failed = Delivery.objects.get(status="failed")
    assert failed.channel == "sms" and failed.notification.user == secretaries[0] and "unreachable" in failed.error
    assert failed.address == "139****0000"
    assert Delivery.objects.filter(channel="in_app", status="sent").count() == 3


def test_a_failed_channel_is_not_retried_and_delivered_ones_not_resent(world, sms, secretaries):
    from wuxing.rhythm.delivery import deliver

    with frozen(datetime.datetime(2026, 11, 25, 16, 0)):
        send_reminders.enqueue(WORKDAY.isoformat())
    notification = Notification.objects.get(user=world.users.secretary)
    deliver(notification.pk)
    deliver(notification.pk)
    assert Delivery.objects.filter(notification=notification).count() == 2  # in the app and SMS, once each
    assert len([p for p, _ in sms if p == "13912345678"]) == 1


def test_the_digest_task_notifies_the_office_once(world, submit):
    submit(at=datetime.time(17, 0))
    with frozen(datetime.datetime(2026, 11, 25, 18, 0)):
        send_digests.enqueue(WORKDAY.isoformat())
        send_digests.enqueue(WORKDAY.isoformat())
    digests = Notification.objects.filter(kind="digest")
    # Each office's leaders and staff get their own office's digest.
    assert sorted(n.user.username for n in digests) == ["t-leader", "t-leader-b", "t-staff"]
    assert "按时 1 个，迟报 0 个，未报 2 个" in digests.get(user=world.users.leader).body
    assert "按时 0 个，迟报 0 个，未报 2 个" in digests.get(user=world.users.leader_b).body


def test_no_reminder_on_a_non_working_day(world, secretaries):
    assert (
        services.remind_missing(actor=world.users.staff, campaign=world.campaign, day=datetime.date(2026, 10, 1)) == 0
    )
    assert not Notification.objects.exists()


def test_the_scheduler_queues_each_job_once_a_day_on_working_days(world, secretaries):
    def at(*args):
        return datetime.datetime(*args, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))

    def own(jobs):
        return [job for job in jobs if "." not in job]

    with frozen(at(2026, 11, 25, 15, 59)):
        assert own(scheduler.tick()) == []
    with frozen(at(2026, 11, 25, 16, 0)):
        assert own(scheduler.tick()) == ["reminder"]
        assert scheduler.tick() == []
    assert Notification.objects.filter(kind="report_reminder").count() == 3
    with frozen(at(2026, 11, 25, 18, 0)):
        assert scheduler.tick() == ["digest"]
    with frozen(at(2026, 11, 29, 18, 0)):  # Sunday
        assert scheduler.tick() == []
    assert ScheduledRun.objects.filter(job__in=["reminder", "digest"]).count() == 2


def test_the_scheduler_queues_the_other_apps_daily_jobs_once_at_their_time(world):
    """Supervision's and participation's escalations and rating's watch are queued by the same clock."""

    def at(*args):
        return datetime.datetime(*args, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))

    with frozen(at(2026, 11, 25, 8, 29)):
        assert scheduler.tick() == []
    with frozen(at(2026, 11, 25, 8, 30)):
        assert scheduler.tick() == ["rating.star_warnings"]
    with frozen(at(2026, 11, 25, 9, 0)):
        assert scheduler.tick() == ["participation.escalate_issues", "supervision.escalate_rectifications"]
        assert scheduler.tick() == []
    with frozen(at(2026, 11, 28, 9, 0)):  # Saturday
        assert scheduler.tick() == []
    assert sorted(ScheduledRun.objects.values_list("job", flat=True)) == [
        "participation.escalate_issues",
        "rating.star_warnings",
        "supervision.escalate_rectifications",
    ]


def test_the_bell_counts_unread_and_the_list_marks_read(client, world, secretaries):
    with frozen(datetime.datetime(2026, 11, 25, 16, 0)):
        services.remind_missing(actor=world.users.staff, campaign=world.campaign, day=WORKDAY)
    client.force_login(world.users.secretary)
    home = client.get(reverse("rhythm:notification_list")).content.decode()
    assert reverse("rhythm:notification_badge") in home, "the navbar loads the count after the page"
    assert ">1<" in client.get(reverse("rhythm:notification_badge")).content.decode()
    notification = Notification.objects.get(user=world.users.secretary)
    response = client.post(reverse("rhythm:notification_read"), {"id": notification.pk})
    assert response.status_code == 302 and response["Location"] == reverse("rhythm:report_today") + "?day=2026-11-25"
    assert 'id="wx-bell-count"></span>' in client.get(reverse("rhythm:notification_badge")).content.decode()
    # Someone else's notification is not found.
    other = Notification.objects.exclude(user=world.users.secretary).first()
    assert client.post(reverse("rhythm:notification_read"), {"id": other.pk}).status_code == 404
    assert client.post(reverse("rhythm:notification_read"), {"id": "9" * 30}).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
