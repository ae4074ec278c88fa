"""示范点引领: demonstration sites claimed by leaders, their tailored plan of feature projects and the projects' records."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxing.core.models import EvidenceFileBase
from wuxing.core.querysets import prefix_q
from wuxing.org.models import Branch, OrgUnit
from wuxing.org.querysets import RestrictedManager

from .choices import GridWorkerRole, ProjectStatus, RecordStructure


def _site_scope(prefix: str):
    def scope_filter(cls, scope):
        return prefix_q(Branch.scope_filter(scope), prefix)

    return classmethod(scope_filter)


class ProjectKind(models.Model):
    """A kind of feature project in the office's catalogue (共驻共建协议, 民情茶馆, …); the office can add its own."""

    office = models.ForeignKey(
        OrgUnit, verbose_name=_("office"), on_delete=models.CASCADE, related_name="project_kinds"
    )
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    structure = models.CharField(
        _("records kept"), max_length=16, choices=RecordStructure.choices, default=RecordStructure.GENERIC
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RestrictedManager()

    class Meta:
        ordering = ["office", "sort_order", "id"]
        verbose_name = _("feature project kind")
        verbose_name_plural = _("feature project kinds")
        constraints = [models.UniqueConstraint(fields=["office", "code"], name="showcase_kind_code_unique")]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(OrgUnit.scope_filter(scope), "office__")


class DemoSite(models.Model):
    """A branch a leader claims as a demonstration site for a campaign, with its tailored plan (一社区(村)一特色)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="demo_sites"
    )
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="demo_sites")
    leader = models.ForeignKey(
        "org.Person", verbose_name=_("leader"), on_delete=models.PROTECT, related_name="demo_sites"
    )
    feature = models.CharField(_("feature"), max_length=100, help_text=_("The site's own feature, in a few words."))
    plan = models.TextField(_("tailored plan"), blank=True)
    claimed_on = models.DateField(_("claimed on"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Where it is, when a place was given (on its form, or as a Point of the office's map upload), in the
    # coordinate system of the office's map: drawn as a point on the command screen.
    lon = models.DecimalField(_("longitude"), max_digits=10, decimal_places=6, null=True, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["campaign", "branch__sort_order", "branch__code"]
        verbose_name = _("demonstration site")
        verbose_name_plural = _("demonstration sites")
        constraints = [models.UniqueConstraint(fields=["campaign", "branch"], name="showcase_site_once_per_campaign")]

    def __str__(self):
        return self.branch.name

    scope_filter = _site_scope("branch__")


class FeatureProject(models.Model):
    """One feature of a site's tailored plan, with milestones, progress and evidence."""

    site = models.ForeignKey(
        DemoSite, verbose_name=_("demonstration site"), on_delete=models.CASCADE, related_name="projects"
    )
    kind = models.ForeignKey(ProjectKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("title"), max_length=200)
    goal = models.TextField(_("goal"), blank=True)
    lead = models.CharField(_("responsible"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    started_on = models.DateField(_("start"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["site", "kind__sort_order", "id"]
        verbose_name = _("feature project")
        verbose_name_plural = _("feature projects")

    def __str__(self):
        return self.title

    scope_filter = _site_scope("site__branch__")


class Milestone(models.Model):
    project = models.ForeignKey(
        FeatureProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["project", "sort_order", "due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title


class ProjectEvidence(EvidenceFileBase):
    project = models.ForeignKey(
        FeatureProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="evidence"
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    objects = RestrictedManager()

    class Meta(EvidenceFileBase.Meta):
        ordering = ["project", "id"]
        verbose_name = _("project evidence")
        verbose_name_plural = _("project evidence")

    scope_filter = _site_scope("project__site__branch__")


# --- structured records of the kinds the seed details -------------------------------------------------------


class Agreement(models.Model):
    """共驻共建协议: an agreement with a unit in the area."""

    project = models.ForeignKey(
        FeatureProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="agreements"
    )
    partner = models.CharField(_("partner unit"), max_length=200)
    content = models.TextField(_("content"))
    signed_on = models.DateField(_("signed on"))
    term_end = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["project", "signed_on", "id"]
        verbose_name = _("co-building agreement")
        verbose_name_plural = _("co-building agreements")

    def __str__(self):
        return self.partner


class InServiceMember(models.Model):
    """在职党员进社区: a party member working elsewhere who registered with the community."""

    project = models.ForeignKey(
        FeatureProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("full name"), max_length=50)
    employer = models.CharField(_("work unit"), max_length=200)
    registered_on = models.DateField(_("registered on"))

    class Meta:
        ordering = ["project", "registered_on", "id"]
        verbose_name = _("in-service party member")
        verbose_name_plural = _("in-service party members")

    def __str__(self):
        return self.name


class ServiceRecord(models.Model):
    member = models.ForeignKey(
        InServiceMember, verbose_name=_("party member"), on_delete=models.CASCADE, related_name="services"
    )
    served_on = models.DateField(_("date"))
    content = models.CharField(_("service"), max_length=200)
    hours = models.DecimalField(
        _("hours"), max_digits=6, decimal_places=1, default=Decimal("0"), validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["member", "-served_on", "id"]
        verbose_name = _("service record")
        verbose_name_plural = _("service records")

    def __str__(self):
        return self.content


class TeaSession(models.Model):
    """民情茶馆: a session where residents raise issues with cadres."""

    project = models.ForeignKey(
        FeatureProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField(_("date"))
    issues = models.TextField(_("issues raised by residents"))
    issue_count = models.PositiveSmallIntegerField(_("number of issues"), default=1)
    answers = models.TextField(pgettext_lazy("resident issues", "answers"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)

    class Meta:
        ordering = ["project", "-held_on", "id"]
        verbose_name = _("tea-house session")
        verbose_name_plural = _("tea-house sessions")

    def __str__(self):
        return str(self.held_on)


class VolunteerTeam(models.Model):
    project = models.ForeignKey(
        FeatureProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="teams"
    )
    name = models.CharField(_("team"), max_length=100)
    captain = models.CharField(_("captain"), max_length=50, blank=True)

    class Meta:
        ordering = ["project", "id"]
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")

    def __str__(self):
        return self.name


class Volunteer(models.Model):
    team = models.ForeignKey(VolunteerTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="volunteers")
    name = models.CharField(_("full name"), max_length=50)
    joined_on = models.DateField(_("joined on"))

    class Meta:
        ordering = ["team", "joined_on", "id"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self):
        return self.name


class VolunteerActivity(models.Model):
    """An activity of a volunteer team; `hours` is the service time summed over everyone who took part."""

    team = models.ForeignKey(VolunteerTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="activities")
    held_on = models.DateField(_("date"))
    title = models.CharField(_("activity"), max_length=200)
    volunteer_count = models.PositiveSmallIntegerField(_("volunteers taking part"), default=1)
    hours = models.DecimalField(_("volunteer hours"), max_digits=8, decimal_places=1, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["team", "-held_on", "id"]
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")

    def __str__(self):
        return self.title


class Grid(models.Model):
    project = models.ForeignKey(
        FeatureProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="grids"
    )
    name = models.CharField(_("grid"), max_length=100)
    area = models.CharField(_("area covered"), max_length=200, blank=True)
    households = models.PositiveIntegerField(_("households"), default=0)

    class Meta:
        ordering = ["project", "id"]
        verbose_name = _("grid")
        verbose_name_plural = _("grids")

    def __str__(self):
        return self.name


class GridWorker(models.Model):
    grid = models.ForeignKey(Grid, verbose_name=_("grid"), on_delete=models.CASCADE, related_name="workers")
    name = models.CharField(_("full name"), max_length=50)
    role = models.CharField(_("role"), max_length=16, choices=GridWorkerRole.choices, default=GridWorkerRole.WORKER)

    class Meta:
        ordering = ["grid", "role", "id"]
        verbose_name = _("grid worker")
        verbose_name_plural = _("grid workers")

    def __str__(self):
        return self.name


class GridIncident(models.Model):
    grid = models.ForeignKey(Grid, verbose_name=_("grid"), on_delete=models.CASCADE, related_name="incidents")
    reported_on = models.DateField(_("reported on"))
    category = models.CharField(_("category"), max_length=50)
    description = models.TextField(_("description"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)

    class Meta:
        ordering = ["grid", "-reported_on", "id"]
        verbose_name = _("grid incident")
        verbose_name_plural = _("grid incidents")
        indexes = [models.Index(fields=["grid", "closed_on"], name="showcase_incident_closed_idx")]

    def __str__(self):
        return f"{self.category} · {self.reported_on}"
