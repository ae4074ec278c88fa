"""The campaign's standing rhythm: calendar events, daily reports and help requests, meetings and their actions
(督办事项), and the notifications sent about them."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxing.core.models import EvidenceFileBase
from wuxing.core.querysets import prefix_q
from wuxing.org.models import Branch, OrgUnit
from wuxing.org.querysets import RestrictedManager

from .choices import (
    ActionStatus,
    Channel,
    DeliveryStatus,
    EventKind,
    HelpStatus,
    MeetingKind,
    ReportStatus,
)
from .rules import DEFAULT_DEADLINE, DEFAULT_MEETING_WEEKDAY


def _office_q(scope, prefix: str):
    return prefix_q(OrgUnit.scope_filter(scope), prefix)


def _branch_q(scope, prefix: str):
    return prefix_q(Branch.scope_filter(scope), prefix)


class RhythmPolicy(models.Model):
    """An office's settings of the rhythm: the daily report's deadline and the weekly meeting's weekday and time."""

    office = models.OneToOneField(
        OrgUnit, verbose_name=_("office"), on_delete=models.CASCADE, related_name="rhythm_policy"
    )
    report_deadline = models.TimeField(_("daily report deadline"), default=DEFAULT_DEADLINE)
    meeting_weekday = models.PositiveSmallIntegerField(_("weekly meeting weekday"), default=DEFAULT_MEETING_WEEKDAY)
    meeting_time = models.TimeField(_("weekly meeting time"), default=datetime.time(9, 0))

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("rhythm settings")
        verbose_name_plural = _("rhythm settings")

    def __str__(self):
        return str(self.office)

    @classmethod
    def scope_filter(cls, scope):
        return _office_q(scope, "office__")


class CalendarEvent(models.Model):
    """A dated event of the campaign year: a generated weekly meeting, or a meeting the office adds or moves."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="rhythm_events"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    day = models.DateField(_("date"))
    start = models.TimeField(_("time"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The week a generated weekly meeting belongs to; generation is idempotent on (campaign, generated_for).
    generated_for = models.DateField(_("generated for the week of"), null=True, blank=True)
    moved_from = models.DateField(_("moved from"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["day", "start", "id"]
        verbose_name = _("calendar event")
        verbose_name_plural = _("calendar events")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "generated_for"], name="rhythm_event_one_per_week"),
        ]
        indexes = [models.Index(fields=["campaign", "day"], name="rhythm_event_day_idx")]

    def __str__(self):
        return f"{self.day} {self.title}"

    @classmethod
    def scope_filter(cls, scope):
        return _office_q(scope, "campaign__office__")


class CalendarToken(models.Model):
    """The secret in a user's iCalendar feed address; replaced (and the old address dead) on reset."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="calendar_token"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self):
        return str(self.user)


class DayLock(models.Model):
    """The office has locked a day's daily reports: no more edits."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="rhythm_day_locks"
    )
    day = models.DateField(_("date"))
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("locked by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_at = models.DateTimeField(_("locked at"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("locked day")
        verbose_name_plural = _("locked days")
        constraints = [models.UniqueConstraint(fields=["campaign", "day"], name="rhythm_day_lock_once")]

    def __str__(self):
        return str(self.day)

    @classmethod
    def scope_filter(cls, scope):
        return _office_q(scope, "campaign__office__")


class DailyReport(models.Model):
    """日报告: a branch's report of one working day. A missing report has no row; a late one is marked late."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="daily_reports"
    )
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="daily_reports")
    day = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices)
    # Filled in from the day's check-ins and 五个一 activities when the report is written (plain lines).
    auto_summary = models.JSONField(_("recorded today"), default=list, blank=True)
    progress = models.TextField(_("progress"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    updated_at = models.DateTimeField(_("last changed"))
    revision = models.PositiveIntegerField(_("revision"), default=1)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-day", "branch__sort_order", "branch__code"]
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        constraints = [models.UniqueConstraint(fields=["campaign", "branch", "day"], name="rhythm_report_once_per_day")]
        indexes = [models.Index(fields=["campaign", "day"], name="rhythm_report_day_idx")]

    def __str__(self):
        return f"{self.branch} · {self.day}"

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "branch__")

    @property
    def text(self) -> str:
        return "\n".join(part for part in (self.progress, self.problems) if part)


class DailyReportRevision(models.Model):
    """What a daily report said before it was edited (history kept)."""

    report = models.ForeignKey(DailyReport, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField(_("revision"))
    progress = models.TextField(_("progress"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(_("saved at"))

    objects = RestrictedManager()

    class Meta:
        ordering = ["report", "revision"]
        verbose_name = _("daily report revision")
        verbose_name_plural = _("daily report revisions")

    def __str__(self):
        return f"{self.report} #{self.revision}"

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "report__branch__")


class HelpRequest(models.Model):
    """求助: a branch asks for help in its daily report; routed to its liaison department or leader, who answers."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="help_requests"
    )
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="help_requests")
    report = models.ForeignKey(
        DailyReport,
        verbose_name=_("daily report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="help_requests",
    )
    text = models.TextField(_("help requested"))
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    leader = models.ForeignKey(
        "org.Person", verbose_name=_("leader"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=HelpStatus.choices, default=HelpStatus.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("help request", "asked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(pgettext_lazy("help request", "asked at"))

    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        indexes = [models.Index(fields=["campaign", "status"], name="rhythm_help_status_idx")]

    def __str__(self):
        return f"{self.branch} · {self.text[:20]}"

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "branch__")

    @property
    def routed_to(self) -> str:
        return str(self.department or self.leader or "")


class Meeting(models.Model):
    """周例会, 动员部署会 or 工作推进会: attendance, minutes and decisions; a weekly one has a generated agenda."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="rhythm_meetings"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    event = models.OneToOneField(
        CalendarEvent,
        verbose_name=_("calendar event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting",
    )
    attendees = models.TextField(_("attendance"), blank=True)
    absentees = models.TextField(_("absent"), blank=True)
    participants = models.TextField(_("participants"), blank=True)
    documents = models.TextField(_("documents"), blank=True)
    minutes = models.TextField(_("meeting minutes"), blank=True)
    held = models.BooleanField(_("held"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["campaign", "held_on"], name="rhythm_meeting_day_idx")]

    def __str__(self):
        return f"{self.held_on} {self.title}"

    @classmethod
    def scope_filter(cls, scope):
        return _office_q(scope, "campaign__office__")


class Action(models.Model):
    """督办事项: a decision of a meeting to be carried out by an owner, for a branch where it applies, by a date;
    carried onto every following agenda until it is closed with evidence."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="rhythm_actions"
    )
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("meeting decision"), max_length=300)
    owner_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("owner department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_person = models.ForeignKey(
        "org.Person",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("branch"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rhythm_actions",
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    evidence = models.TextField(_("evidence of completion"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["status", "due_on", "id"]
        verbose_name = _("supervised action")
        verbose_name_plural = _("supervised actions")
        indexes = [models.Index(fields=["campaign", "status", "due_on"], name="rhythm_action_due_idx")]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope):
        return _office_q(scope, "campaign__office__")

    @property
    def owner(self) -> str:
        return str(self.owner_department or self.owner_person or "")


class ActionEvidence(EvidenceFileBase):
    """A photo or PDF showing an action (督办事项) done, uploaded when it is closed."""

    action = models.ForeignKey(Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="files")

    objects = RestrictedManager()

    class Meta(EvidenceFileBase.Meta):
        ordering = ["action", "id"]
        verbose_name = _("action evidence")
        verbose_name_plural = _("action evidence")

    @classmethod
    def scope_filter(cls, scope):
        return _office_q(scope, "action__campaign__office__")


class AnnualSummary(models.Model):
    """年总结 of the office (no branch) or of one branch: the generated figures and the editable narrative kept
    apart (regenerating keeps the narrative); frozen with a content hash when the office finalises it."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="annual_summaries"
    )
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    figures = models.JSONField(_("figures"), default=dict)
    narrative = models.JSONField(_("narrative"), default=dict)
    final = models.BooleanField(_("finalised"), default=False)
    generated_at = models.DateTimeField(_("generated at"))
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["campaign", "branch__sort_order", "branch__code"]
        verbose_name = _("annual summary")
        verbose_name_plural = _("annual summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign"], condition=models.Q(branch__isnull=True), name="rhythm_summary_office_once"
            ),
            models.UniqueConstraint(
                fields=["campaign", "branch"],
                condition=models.Q(branch__isnull=False),
                name="rhythm_summary_branch_once",
            ),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.branch or self.campaign.office}"

    @classmethod
    def scope_filter(cls, scope):
        # The office's summary is read by those who see the office; a branch's by those who see the branch.
        return (models.Q(branch__isnull=True) & _office_q(scope, "campaign__office__")) | _branch_q(scope, "branch__")


class ScheduledRun(models.Model):
    """A scheduled job done for a day (the 16:00 reminder, the 18:00 digest): the scheduler queues each once."""

    job = models.CharField(_("job"), max_length=40)
    day = models.DateField(_("date"))
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="rhythm_scheduled_run_once")]

    def __str__(self):
        return f"{self.job} {self.day}"


class Notification(models.Model):
    """A message to one user (the bell); `key` makes a scheduled reminder idempotent: one per key."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    key = models.CharField(_("key"), max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="rhythm_notification_unread_idx")]

    def __str__(self):
        return self.title


class Delivery(models.Model):
    """One channel's attempt to deliver a notification: delivered or failed, with the error."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=16, choices=DeliveryStatus.choices)
    address = models.CharField(_("delivered to"), max_length=200, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["notification", "channel"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="rhythm_delivery_once_per_channel")
        ]

    def __str__(self):
        return f"{self.notification} · {self.channel}"
