"""观摩评比 and 督导检查: monthly observations scored on phones (R12), quarterly evaluations with 红黑榜 (R13),
inspections with the four checks, findings, rectifications (R15) with escalations, 问责, public problem reports."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxing.core.models import EvidenceFileBase
from wuxing.core.querysets import prefix_q
from wuxing.org.models import Branch, OrgUnit
from wuxing.org.querysets import RestrictedManager

from .choices import (
    Board,
    Decision,
    EvaluationStatus,
    FindingCategory,
    FindingSource,
    InspectionMode,
    RectificationState,
    Severity,
    Triage,
)
from .rules import DEFAULT_DROP_FROM


def _office_q(scope, prefix: str):
    return prefix_q(OrgUnit.scope_filter(scope), prefix)


def _branch_q(scope, prefix: str):
    return prefix_q(Branch.scope_filter(scope), prefix)


class ActivityTag(models.Model):
    """A running activity an evaluation or inspection is merged with (能力作风建设年, 三标, 亮赛比, or one the office
    adds). Tags without an office are offered to every office."""

    office = models.ForeignKey(
        OrgUnit, verbose_name=_("office"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=50)

    objects = RestrictedManager()

    class Meta:
        ordering = ["office_id", "name"]
        verbose_name = _("activity tag")
        verbose_name_plural = _("activity tags")
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="supervision_tag_once_per_office")]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope):
        return Q(office__isnull=True) | _office_q(scope, "office__")


# ---------------------------------------------------------------------------------------------------------------
# 月观摩
# ---------------------------------------------------------------------------------------------------------------


class ScoreSheet(models.Model):
    """A version of an office's observation scoring sheet. A sheet used by an observation never changes: the office
    makes the next version for next month's visits."""

    office = models.ForeignKey(OrgUnit, verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    version = models.PositiveSmallIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["office_id", "-version"]
        verbose_name = _("scoring sheet")
        verbose_name_plural = _("scoring sheets")
        constraints = [models.UniqueConstraint(fields=["office", "version"], name="supervision_sheet_version_once")]

    def __str__(self):
        return f"{self.name}（v{self.version}）"

    @classmethod
    def scope_filter(cls, scope):
        return _office_q(scope, "office__")

    @property
    def max_total(self) -> int:
        return sum(c.max_points for c in self.criteria.all())


class Criterion(models.Model):
    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("scoring sheet"), on_delete=models.CASCADE, related_name="criteria"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("criterion"), max_length=200)
    max_points = models.PositiveSmallIntegerField(
        _("maximum points"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    guidance = models.CharField(_("guidance"), max_length=300, blank=True)

    class Meta:
        ordering = ["sheet", "position"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [models.UniqueConstraint(fields=["sheet", "position"], name="supervision_criterion_position")]

    def __str__(self):
        return self.text


class Observation(models.Model):
    """A monthly observation visit (月观摩): the date, the route of branches in order, the observers, the sheet."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="observations"
    )
    title = models.CharField(_("title"), max_length=100)
    held_on = models.DateField(_("date"))
    sheet = models.ForeignKey(ScoreSheet, verbose_name=_("scoring sheet"), on_delete=models.PROTECT, related_name="+")
    drop_extremes = models.BooleanField(
        _("drop the highest and the lowest total"),
        default=True,
        help_text=_("With enough observers, the highest and the lowest total are left out."),
    )
    drop_from = models.PositiveSmallIntegerField(
        _("drop from this many observers"),
        default=DEFAULT_DROP_FROM,
        validators=[MinValueValidator(3), MaxValueValidator(50)],
    )
    public = models.BooleanField(_("show the ranking on the public site"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("monthly observation")
        verbose_name_plural = _("monthly observations")

    def __str__(self):
        return f"{self.title}（{self.held_on:%Y-%m-%d}）"

    @classmethod
    def scope_filter(cls, scope):
        return _office_q(scope, "campaign__office__")


class RouteStop(models.Model):
    observation = models.ForeignKey(
        Observation, verbose_name=_("observation"), on_delete=models.CASCADE, related_name="stops"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["observation", "position"]
        verbose_name = _("stop")
        verbose_name_plural = _("route")
        constraints = [
            models.UniqueConstraint(fields=["observation", "branch"], name="supervision_stop_once"),
            models.UniqueConstraint(fields=["observation", "position"], name="supervision_stop_position"),
        ]


class Observer(models.Model):
    """Someone who scores on a visit: a leader, a department head, or another branch's secretary (互观互评)."""

    observation = models.ForeignKey(
        Observation, verbose_name=_("observation"), on_delete=models.CASCADE, related_name="observers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("observer"), on_delete=models.PROTECT, related_name="+"
    )
    peer_branch = models.ForeignKey(
        Branch,
        verbose_name=_("peer branch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For a secretary observing other branches: their own branch, which they do not score."),
    )

    class Meta:
        ordering = ["observation", "id"]
        verbose_name = _("observer")
        verbose_name_plural = _("observers")
        constraints = [models.UniqueConstraint(fields=["observation", "user"], name="supervision_observer_once")]

    @property
    def name(self) -> str:
        person = self.user.person
        return person.name if person else self.user.username


class ScoreCard(models.Model):
    """One observer's sheet for one branch; locked when submitted."""

    observation = models.ForeignKey(
        Observation, verbose_name=_("observation"), on_delete=models.CASCADE, related_name="cards"
    )
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="+")
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("observer"), on_delete=models.PROTECT, related_name="+"
    )
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2, default=Decimal("0"))
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["observation", "branch", "id"]
        verbose_name = _("score card")
        verbose_name_plural = _("score cards")
        constraints = [
            models.UniqueConstraint(fields=["observation", "branch", "observer"], name="supervision_card_once")
        ]
        indexes = [models.Index(fields=["observation", "submitted_at"], name="supervision_card_submitted")]

    def __str__(self):
        return f"{self.observation} · {self.branch}"

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "branch__")

    @property
    def locked(self) -> bool:
        return self.submitted_at is not None


class Score(models.Model):
    card = models.ForeignKey(ScoreCard, verbose_name=_("score card"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["card", "criterion__position"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["card", "criterion"], name="supervision_score_once")]


class ScorePhoto(EvidenceFileBase):
    card = models.ForeignKey(ScoreCard, verbose_name=_("score card"), on_delete=models.CASCADE, related_name="photos")

    objects = RestrictedManager()

    class Meta(EvidenceFileBase.Meta):
        ordering = ["card", "id"]
        verbose_name = _("observation photo")
        verbose_name_plural = _("observation photos")

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "card__branch__")


# ---------------------------------------------------------------------------------------------------------------
# 季评比
# ---------------------------------------------------------------------------------------------------------------


class Evaluation(models.Model):
    """A quarterly evaluation (季评比, R13): weights, the computed ranking, 红黑榜; frozen with a hash when published."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="evaluations"
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    title = models.CharField(_("title"), max_length=100)
    weights = models.JSONField(_("weights"), default=dict)
    top_n = models.PositiveSmallIntegerField(_("red list size"), default=3, validators=[MaxValueValidator(50)])
    bottom_n = models.PositiveSmallIntegerField(_("black list size"), default=3, validators=[MaxValueValidator(50)])
    tags = models.ManyToManyField(ActivityTag, verbose_name=_("activities"), blank=True, related_name="evaluations")
    status = models.CharField(
        _("status"), max_length=12, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    public = models.BooleanField(_("show on the public site"), default=True)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-campaign__year", "-quarter", "-id"]
        verbose_name = _("quarterly evaluation")
        verbose_name_plural = _("quarterly evaluations")

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope):
        return _office_q(scope, "campaign__office__")

    @property
    def is_published(self) -> bool:
        return self.status == EvaluationStatus.PUBLISHED


class EvaluationRow(models.Model):
    """A branch's line of an evaluation: each input (0–100, empty when missing), the score, rank and list."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="rows"
    )
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="+")
    observation = models.DecimalField(_("observation"), max_digits=6, decimal_places=2, null=True, blank=True)
    checklist = models.DecimalField(_("checklist progress"), max_digits=6, decimal_places=2, null=True, blank=True)
    punctuality = models.DecimalField(
        _("daily report punctuality"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    rectification = models.DecimalField(
        _("rectification closure"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    satisfaction = models.DecimalField(
        _("resident satisfaction"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    board = models.CharField(_("list"), max_length=8, choices=Board.choices, blank=True)
    missing = models.JSONField(_("missing inputs"), default=list)

    class Meta:
        ordering = ["evaluation", "rank", "branch__sort_order", "branch__code"]
        verbose_name = _("evaluation row")
        verbose_name_plural = _("evaluation rows")
        constraints = [models.UniqueConstraint(fields=["evaluation", "branch"], name="supervision_eval_row_once")]


# ---------------------------------------------------------------------------------------------------------------
# 督导检查, findings, rectifications, 问责
# ---------------------------------------------------------------------------------------------------------------


class Inspection(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="inspections"
    )
    mode = models.CharField(_("mode"), max_length=16, choices=InspectionMode.choices)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=100)
    inspectors = models.ManyToManyField("org.Person", verbose_name=_("inspectors"), related_name="+")
    branches = models.ManyToManyField(Branch, verbose_name=_("branches visited"), related_name="+")
    tags = models.ManyToManyField(ActivityTag, verbose_name=_("activities"), blank=True, related_name="inspections")
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self):
        return f"{self.title}（{self.held_on:%Y-%m-%d}）"

    @classmethod
    def scope_filter(cls, scope):
        return _office_q(scope, "campaign__office__")


class LiveFindingManager(RestrictedManager):
    """Findings not deleted: a deleted finding stays in the table (for its audit trail and the short undo) but is
    gone from every page, list, board, export and the API."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Finding(models.Model):
    """A problem found by an inspection (or reported by the public, then triaged) about one branch.

    Deleting one (only while no rectification or accountability depends on it) marks it deleted, with who, when
    and why; it can be restored for a few seconds (rules.UNDO_SECONDS)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="supervision_findings"
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="findings",
    )
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="+")
    source = models.CharField(
        _("source"), max_length=12, choices=FindingSource.choices, default=FindingSource.INSPECTION
    )
    triage = models.CharField(_("triage"), max_length=12, choices=Triage.choices, default=Triage.ACCEPTED)
    category = models.CharField(_("check"), max_length=16, choices=FindingCategory.choices, blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    star = models.ForeignKey(
        "standards.Star", verbose_name=_("star"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    indicator = models.ForeignKey(
        "standards.Indicator",
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField(pgettext_lazy("finding", "description"))
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    responsible_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    found_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    delete_reason = models.CharField(_("reason for deleting"), max_length=500, blank=True)

    objects = LiveFindingManager()
    with_deleted = RestrictedManager()

    class Meta:
        base_manager_name = "with_deleted"
        ordering = ["-found_on", "-id"]
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        indexes = [models.Index(fields=["campaign", "branch", "category"], name="supervision_finding_idx")]

    def __str__(self):
        return f"{self.branch} · {self.get_category_display() or self.get_source_display()}"

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "branch__")


class FindingPhoto(EvidenceFileBase):
    finding = models.ForeignKey(Finding, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="photos")

    objects = RestrictedManager()

    class Meta(EvidenceFileBase.Meta):
        ordering = ["finding", "id"]
        verbose_name = _("finding photo")
        verbose_name_plural = _("finding photos")

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "finding__branch__")


class PublicReport(models.Model):
    """A problem reported on the office's public site. The contact is kept private (R16): it is never shown on a
    public page, and lists and exports mask it unless the reader holds the reveal permission."""

    office = models.ForeignKey(OrgUnit, verbose_name=_("office"), on_delete=models.CASCADE, related_name="+")
    finding = models.OneToOneField(
        Finding, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="public_report"
    )
    text = models.TextField(_("report"))
    name = models.CharField(_("name"), max_length=50, blank=True)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address_hash = models.CharField(_("sender"), max_length=64, db_index=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("public report")
        verbose_name_plural = _("public reports")
        permissions = [("reveal_contact", "Can see the contact of a public report")]

    def __str__(self):
        return f"{self.office} · {self.received_at:%Y-%m-%d}"

    @classmethod
    def scope_filter(cls, scope):
        return _office_q(scope, "office__")


class Rectification(models.Model):
    """整改 of a finding (R15): open → in progress → submitted → verified, or returned (back to in progress)."""

    finding = models.ForeignKey(
        Finding, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="rectifications"
    )
    task = models.TextField(_("what must be done"))
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    responsible_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    leader = models.ForeignKey(
        "org.Person",
        verbose_name=_("responsible leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Told when the rectification is overdue."),
    )
    due_on = models.DateField(_("due"))
    state = models.CharField(
        _("state"), max_length=12, choices=RectificationState.choices, default=RectificationState.OPEN
    )
    returned_count = models.PositiveSmallIntegerField(_("times returned"), default=0)
    closed_at = models.DateTimeField(pgettext_lazy("rectification", "closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        permissions = [("verify_rectification", "Can verify or return a rectification")]
        indexes = [models.Index(fields=["state", "due_on"], name="supervision_rect_due_idx")]

    def __str__(self):
        return f"{self.finding.branch} · {self.task[:30]}"

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "finding__branch__")


class RectificationEvent(models.Model):
    """One transition of a rectification, with its note (the reasons when returned)."""

    rectification = models.ForeignKey(
        Rectification, verbose_name=_("rectification"), on_delete=models.CASCADE, related_name="events"
    )
    from_state = models.CharField(_("from"), max_length=12, choices=RectificationState.choices)
    to_state = models.CharField(_("to"), max_length=12, choices=RectificationState.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["rectification", "at", "id"]
        verbose_name = _("rectification step")
        verbose_name_plural = _("rectification steps")


class RectificationEvidence(EvidenceFileBase):
    rectification = models.ForeignKey(
        Rectification, verbose_name=_("rectification"), on_delete=models.CASCADE, related_name="evidence"
    )

    objects = RestrictedManager()

    class Meta(EvidenceFileBase.Meta):
        ordering = ["rectification", "id"]
        verbose_name = _("rectification evidence")
        verbose_name_plural = _("rectification evidence")

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "rectification__finding__branch__")


class Escalation(models.Model):
    """An overdue rectification brought to its responsible leader (R15); once per rectification and due date.

    The weekly agenda of the work-rhythm app reads these through `SupervisionConfig.agenda_items`."""

    rectification = models.ForeignKey(
        Rectification, verbose_name=_("rectification"), on_delete=models.CASCADE, related_name="escalations"
    )
    due_on = models.DateField(_("due"))
    leader = models.ForeignKey(
        "org.Person", verbose_name=_("leader told"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalated_on = models.DateField(_("escalated on"))
    days_overdue = models.PositiveSmallIntegerField(_("days overdue"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-escalated_on", "-id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [models.UniqueConstraint(fields=["rectification", "due_on"], name="supervision_escalate_once")]

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "rectification__finding__branch__")


class Accountability(models.Model):
    """问责 decided on a 查责任 finding: who, what for, the decision. Seen by office leaders only."""

    finding = models.ForeignKey(
        Finding, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="accountabilities"
    )
    person_name = models.CharField(_("person held accountable"), max_length=50)
    position = models.CharField(_("position"), max_length=100, blank=True)
    reason = models.TextField(_("what for"))
    decision = models.CharField(pgettext_lazy("accountability", "decision"), max_length=16, choices=Decision.choices)
    decided_on = models.DateField(_("decided on"))
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
        ordering = ["-decided_on", "-id"]
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")

    def __str__(self):
        return f"{self.person_name} · {self.get_decision_display()}"

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "finding__branch__")
