"""随手拍: residents' issues on the office's public site, triaged into work orders dispatched to a branch or a
department, answered, and confirmed by the resident with a tracking code (no account)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxing.core.models import EvidenceFileBase
from wuxing.core.querysets import prefix_q
from wuxing.org.models import Branch, OrgUnit
from wuxing.org.querysets import RestrictedManager

from .choices import (
    CodeHolder,
    IssueState,
    QuestionKind,
    Satisfaction,
    Stance,
    SurveyStatus,
    TopicOutcome,
    TopicStatus,
)


def _office_q(scope, prefix: str):
    return prefix_q(OrgUnit.scope_filter(scope), prefix)


class IssueCategory(models.Model):
    """A kind of resident issue an office takes, with the working days its work orders are due in."""

    office = models.ForeignKey(OrgUnit, verbose_name=_("office"), on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(_("code"), max_length=24)
    name = models.CharField(_("name"), max_length=50)
    due_days = models.PositiveSmallIntegerField(
        _("working days to answer"), default=3, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("offered to residents"), default=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["office", "sort_order", "id"]
        verbose_name = _("issue category")
        verbose_name_plural = _("issue categories")
        constraints = [models.UniqueConstraint(fields=["office", "code"], name="issue_category_code_unique")]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope):
        return _office_q(scope, "office__")


class Issue(models.Model):
    """A resident's issue (随手拍) and the work order it becomes. The phone is kept private (R16): never on a public
    page, masked in lists and exports unless the reader holds the reveal permission."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="resident_issues"
    )
    office = models.ForeignKey(OrgUnit, verbose_name=_("office"), on_delete=models.CASCADE, related_name="+")
    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True)
    category = models.ForeignKey(IssueCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("what was reported"))
    branch = models.ForeignKey(Branch, verbose_name=_("place"), on_delete=models.CASCADE, related_name="+")
    place_text = models.CharField(_("address or landmark"), max_length=100, blank=True)
    # Where it is, when a place was given (on its form, or as a Point of the office's map upload), in the
    # coordinate system of the office's map: drawn as a point on the command screen.
    lon = models.DecimalField(_("longitude"), max_digits=10, decimal_places=6, null=True, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address_hash = models.CharField(_("sender"), max_length=64, db_index=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=IssueState.choices, default=IssueState.RECEIVED)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("handling department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the branch of the place handles it."),
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("duplicate of"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    public_reason = models.TextField(_("reason (public)"), blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    answer = models.TextField(_("answer (public)"), blank=True)
    satisfaction = models.CharField(_("resident's verdict"), max_length=16, choices=Satisfaction.choices, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    received_at = models.DateTimeField(_("received"))
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("triaged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("resident issue")
        verbose_name_plural = _("resident issues")
        permissions = [
            ("triage_issue", "Can triage and dispatch residents' issues"),
            ("reveal_contact", "Can see a resident's phone"),
        ]
        indexes = [
            models.Index(fields=["campaign", "state"], name="issue_campaign_state_idx"),
            models.Index(fields=["office", "state"], name="issue_office_state_idx"),
        ]

    def __str__(self):
        return self.tracking_code

    @classmethod
    def scope_filter(cls, scope):
        # The office's roles see every issue of its branches; a secretary or a department cadre those of its branches.
        return prefix_q(Branch.scope_filter(scope), "branch__")


class IssueEvent(models.Model):
    """One step of an issue's history: a triage, a dispatch, a handling note, the answer, the resident's verdict."""

    issue = models.ForeignKey(Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=16)
    from_state = models.CharField(_("from"), max_length=12, blank=True)
    to_state = models.CharField(_("to"), max_length=12, blank=True)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["issue", "at", "id"]
        verbose_name = _("issue event")
        verbose_name_plural = _("issue events")


class IssuePhoto(EvidenceFileBase):
    """A photo of the resident's report (`handling` False) or of the handling."""

    issue = models.ForeignKey(Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="photos")
    handling = models.BooleanField(_("from the handling"), default=False)

    objects = RestrictedManager()

    class Meta(EvidenceFileBase.Meta):
        ordering = ["issue", "id"]
        verbose_name = _("issue photo")
        verbose_name_plural = _("issue photos")

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(Issue.scope_filter(scope), "issue__")


class Survey(models.Model):
    """满意度测评: a questionnaire answered once per one-time code, printed per household or party member."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="surveys"
    )
    office = models.ForeignKey(OrgUnit, verbose_name=_("office"), on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=100)
    intro = models.TextField(_("introduction"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(OrgUnit.scope_filter(scope), "office__") if scope.unit_paths else Q(pk__in=[])


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("order in the survey"))
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=200)
    choices = models.JSONField(_("choices"), default=list, blank=True)

    class Meta:
        ordering = ["survey", "position"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")


class SurveyCode(models.Model):
    """A one-time code for one household or party member of a branch; used by its one answer."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="codes")
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="+")
    holder = models.CharField(_("for"), max_length=10, choices=CodeHolder.choices, default=CodeHolder.HOUSEHOLD)
    code = models.CharField(_("code"), max_length=12, unique=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["survey", "branch", "id"]
        verbose_name = _("survey code")
        verbose_name_plural = _("survey codes")

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(Survey.scope_filter(scope), "survey__")


class SurveyResponse(models.Model):
    """One answer, hashed into the survey's chain (each hash covers the previous one): an edited answer breaks it."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses")
    code = models.OneToOneField(SurveyCode, verbose_name=_("code"), on_delete=models.PROTECT, related_name="response")
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(_("answers"), default=dict)
    comment = models.TextField(pgettext_lazy("survey response", "comment"), blank=True)
    address_hash = models.CharField(_("sender"), max_length=64, db_index=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"))
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        ordering = ["survey", "id"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")


class Solicitation(models.Model):
    """征求意见: a proposal of a branch put to the residents before its deliberation (一征三议两公开), with a deadline;
    when closed, the summary of the opinions is recorded as the deliberation's 征求意见 step."""

    office = models.ForeignKey(OrgUnit, verbose_name=_("office"), on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="+")
    deliberation = models.ForeignKey(
        "deliberations.Deliberation", verbose_name=_("deliberation"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("topic"), max_length=200)
    proposal = models.TextField(_("proposal"))
    deadline = models.DateField(_("opinions until"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("opinion solicitation")
        verbose_name_plural = _("opinion solicitations")

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(Branch.scope_filter(scope), "branch__")


class Opinion(models.Model):
    solicitation = models.ForeignKey(
        Solicitation, verbose_name=_("opinion solicitation"), on_delete=models.CASCADE, related_name="opinions"
    )
    stance = models.CharField(_("stance"), max_length=8, choices=Stance.choices)
    text = models.TextField(_("opinion"), blank=True)
    address_hash = models.CharField(_("sender"), max_length=64, db_index=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        ordering = ["solicitation", "id"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")


class TeaTopic(models.Model):
    """民情茶馆: a topic a resident raises on a branch's public board. It shows only once the office or the branch
    approves it; the branch answers it on the board, and a cadre may turn it into a work order, a check-in item or a
    supervision finding (the link is kept). The phone is private like an issue's (R16)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="tea_topics"
    )
    office = models.ForeignKey(OrgUnit, verbose_name=_("office"), on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("topic"), max_length=100)
    text = models.TextField(_("what the resident says"))
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address_hash = models.CharField(_("sender"), max_length=64, db_index=True, blank=True)
    submitted_at = models.DateTimeField(_("raised"))
    status = models.CharField(_("status"), max_length=12, choices=TopicStatus.choices, default=TopicStatus.PENDING)
    moderation_reason = models.TextField(_("reason for not publishing"), blank=True)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answer = models.TextField(_("the branch's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(_("turned into"), max_length=16, choices=TopicOutcome.choices, blank=True)
    issue = models.ForeignKey(
        Issue, verbose_name=_("work order"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checklist_item = models.ForeignKey(
        "checklists.ChecklistItem",
        verbose_name=_("check-in item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finding = models.ForeignKey(
        "supervision.Finding",
        verbose_name=_("supervision finding"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    converted_at = models.DateTimeField(_("turned into on"), null=True, blank=True)
    converted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("turned into by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("tea-house topic")
        verbose_name_plural = _("tea-house topics")
        permissions = [
            ("moderate_teatopic", "Can approve or reject tea-house topics"),
            ("answer_teatopic", "Can answer tea-house topics"),
            ("convert_teatopic", "Can turn tea-house topics into work"),
        ]
        indexes = [models.Index(fields=["branch", "status"], name="teatopic_branch_status_idx")]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(Branch.scope_filter(scope), "branch__")


class TeaSession(models.Model):
    """A session of the branch's physical 民情茶馆: when and where, the topics talked over (from the board and in
    free text), how many came, and what was agreed. Public on the board without any personal data."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="tea_sessions"
    )
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="+")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100)
    topics = models.ManyToManyField(TeaTopic, verbose_name=_("topics from the board"), blank=True, related_name="+")
    other_topics = models.TextField(_("other topics"), blank=True)
    attendees = models.PositiveIntegerField(_("attendees"), validators=[MaxValueValidator(100000)])
    outcomes = models.TextField(_("outcomes"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("tea-house session")
        verbose_name_plural = _("tea-house sessions")

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.place}"

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(Branch.scope_filter(scope), "branch__")
