"""The organisation: the unit tree, branches, departments, people, accounts, roles and assignments."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxing.core.querysets import Selected, prefix_q, written_per_vendor
from wuxing.core.roles import Role

from .choices import BoundaryKind, BranchKind, Crs, GrantStatus, StarSet, UnitLevel
from .querysets import RestrictedManager, RestrictedQuerySet
from .rules import default_star_set


class OrgUnit(models.Model):
    """A node of province → city → district/county → township/sub-district office. Branches hang off offices."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(pgettext_lazy("org unit", "level"), max_length=16, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of codes ("/41/4101/410199/…/"): subtree queries are a prefix match on any database.
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    # Never deleted: a retired unit is hidden from pickers but history keeps pointing at it.
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope):
        q = Q(pk__in=scope.office_ids)
        for root in scope.unit_paths:
            q |= Q(path__startswith=root)
        return q


class Branch(models.Model):
    """A village or community party organisation (支部), the unit that earns stars."""

    office = models.ForeignKey(
        OrgUnit,
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="branches",
        limit_choices_to={"level": UnitLevel.OFFICE},
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=24, choices=BranchKind.choices)
    star_set = models.CharField(_("star set"), max_length=8, choices=StarSet.choices, blank=True)
    secretary = models.ForeignKey(
        "Person", verbose_name=_("secretary"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    party_members = models.PositiveIntegerField(_("party members"), default=0)
    representatives = models.PositiveIntegerField(_("villager / resident representatives"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    adult_population = models.PositiveIntegerField(_("adult villagers / residents"), default=0)
    secretary_chairs_committee = models.BooleanField(
        _("secretary also chairs the village / resident committee"), default=False
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["office", "sort_order", "code"]
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        indexes = [models.Index(fields=["office", "kind"], name="branch_office_kind_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.star_set:
            self.star_set = default_star_set(self.kind)
        super().save(*args, **kwargs)

    def clean(self):
        if self.office_id and self.office.level != UnitLevel.OFFICE:
            raise ValidationError({"office": _("A branch must belong to a township or sub-district office.")})

    @classmethod
    def scope_filter(cls, scope):
        q = Q(pk__in=scope.branch_ids)
        for root in scope.unit_paths:
            q |= Q(office__path__startswith=root)
        return q


class Department(models.Model):
    """A functional department of an office (职能部门)."""

    office = models.ForeignKey(OrgUnit, verbose_name=_("office"), on_delete=models.PROTECT, related_name="departments")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    duties = models.TextField(_("duties"), blank=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["office", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [models.UniqueConstraint(fields=["office", "code"], name="department_code_unique_in_office")]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope):
        # A unit's roles see its departments; a branch's secretary and a department cadre only the departments
        # assigned to their branches (联系分包), not the office's whole list.
        q = Q(pk__in=[])
        for root in scope.unit_paths:
            q |= Q(office__path__startswith=root)
        if scope.branch_ids:
            q |= Q(pk__in=_active_assignments(scope.branch_ids).values("department_id"))
        return q


def _active_assignments(branch_ids):
    return Assignment.objects.filter(branch_id__in=branch_ids, active=True)


class Person(models.Model):
    """Someone who appears in the campaign: a leader, a cadre, a secretary. Not necessarily a user."""

    office = models.ForeignKey(OrgUnit, verbose_name=_("office"), on_delete=models.PROTECT, related_name="people")
    name = models.CharField(_("full name"), max_length=50)
    position = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    is_leader = models.BooleanField(_("leadership member"), default=False, help_text=_("党工委班子成员"))
    party_member = models.BooleanField(_("party member"), default=False, db_default=False)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["office", "-is_leader", "name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [("reveal_personal", "Can reveal unmasked phone and ID numbers")]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope):
        # A unit's roles see its people. A branch-scoped role (the secretary, a department cadre) sees the people of
        # its branches and those who help them: the assigned leaders and the assigned departments' members (R16
        # still masks their phone and ID numbers).
        q = Q(pk__in=[])
        for root in scope.unit_paths:
            q |= Q(office__path__startswith=root)
        if scope.branch_ids:
            active = _active_assignments(scope.branch_ids)
            q |= (
                Q(branch_id__in=scope.branch_ids)
                | Q(pk__in=active.filter(leader__isnull=False).values("leader_id"))
                | Q(department_id__in=active.filter(department__isnull=False).values("department_id"))
            )
        return q


class AccountManager(UserManager.from_queryset(RestrictedQuerySet)):
    def for_request(self, pk):
        """The account of `pk` with its person and its roles (`cached_role_assignments`), as
        `select_related("person").get(pk=pk)` and the roles' own query read them, or None: the signed-in user of
        every request, read by one statement written out once (`_account_sql`; a row per role)."""
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        if not 0 < pk < 2**63:
            return None  # no account has it (the ORM's lookup would find none either)
        connection = connections[router.db_for_read(self.model)]
        with connection.cursor() as cursor:
            cursor.execute(_account_sql(connection), [pk])
            rows = cursor.fetchall()
        if not rows:
            return None
        user_end = len(_USER_COLUMNS)
        roles_start = user_end + len(_PERSON_COLUMNS)
        first = rows[0]
        user = _USER_COLUMNS.instance(connection, first[:user_end])
        person = (
            _PERSON_COLUMNS.instance(connection, first[user_end:roles_start]) if user.person_id is not None else None
        )
        User.person.field.set_cached_value(user, person)
        # Without a role the joined role columns are all NULL (its id among them): no row of roles.
        user._wuxing_role_assignments = _role_assignments(
            connection, [row[roles_start:] for row in rows if row[roles_start] is not None]
        )
        return user


class User(AbstractUser):
    """An account. Its roles and their units decide what it may see and do."""

    person = models.OneToOneField(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    failed_logins = models.PositiveSmallIntegerField(_("consecutive failed sign-ins"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    # Set for an account a person created with an initial password: nothing but the change is reachable until then.
    must_change_password = models.BooleanField(_("must change the password"), default=False)

    objects = AccountManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("assign_role", "Can assign roles")]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.person_id:
            return self.person.name
        return self.get_full_name() or self.username

    def cached_role_assignments(self) -> list["RoleAssignment"]:
        """This account's roles with their units, fetched once per user object (i.e. per request): the rows of
        `RoleAssignment.objects.filter(user=self).select_related("unit")` in its order, read by a statement written
        out once (`_role_assignments_sql`), as every API call and page asks for them. The signed-in user of a
        request has them already: `AccountManager.for_request` reads them with the account."""
        if not hasattr(self, "_wuxing_role_assignments"):
            connection = connections[router.db_for_read(RoleAssignment)]
            with connection.cursor() as cursor:
                cursor.execute(_role_assignments_sql(connection), [self.pk])
                rows = cursor.fetchall()
            self._wuxing_role_assignments = _role_assignments(connection, rows)
        return self._wuxing_role_assignments

    def role_codes(self) -> list[str]:
        return [ra.role for ra in self.cached_role_assignments()]

    @classmethod
    def scope_filter(cls, scope):
        # Accounts are the security administrator's, who alone holds org.view_user: the permission is the scope.
        return Q()


class RoleAssignment(models.Model):
    """A role a user holds, attached to the unit (or branch) whose data it covers."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit", "branch"], name="role_assignment_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"


class RoleGrant(models.Model):
    """A role the security administrator asked to give; it becomes a RoleAssignment when a second person approves.

    Office leaders approve business roles within their unit, the system administrator administrator roles, so
    one administrator can never give an account (their own second account included) powers on their own.
    """

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=GrantStatus.choices, default=GrantStatus.PENDING)
    requested_by = models.ForeignKey(
        User, verbose_name=_("asked by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        permissions = [("approve_rolegrant", "Can approve role grants asked for by the security administrator")]
        indexes = [models.Index(fields=["status", "role"], name="role_grant_status_idx")]
        constraints = [
            # One open request per user, role and place: asking twice does not make two approvals possible.
            models.UniqueConstraint(
                fields=["user", "role", "unit", "branch"],
                condition=Q(status="pending"),
                name="role_grant_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.get_status_display()}"

    def target_path(self) -> str | None:
        """The org path the granted role would cover: its unit, its branch's office, or the grantee's office."""
        if self.unit_id:
            return self.unit.path
        if self.branch_id:
            return self.branch.office.path
        person = self.user.person
        return person.office.path if person else None


_ROLE_COLUMNS, _UNIT_COLUMNS = Selected(RoleAssignment), Selected(OrgUnit)
_USER_COLUMNS, _PERSON_COLUMNS = Selected(User), Selected(Person)


def _role_assignments(connection, rows) -> list["RoleAssignment"]:
    """Role assignments with their units from rows of `_ROLE_COLUMNS` then `_UNIT_COLUMNS` values."""
    found = []
    split = len(_ROLE_COLUMNS)
    for row in rows:
        ra = _ROLE_COLUMNS.instance(connection, row[:split])
        unit = _UNIT_COLUMNS.instance(connection, row[split:]) if ra.unit_id is not None else None
        RoleAssignment.unit.field.set_cached_value(ra, unit)
        found.append(ra)
    return found


@written_per_vendor
def _account_sql(connection) -> str:
    qn = connection.ops.quote_name
    user, person = qn(User._meta.db_table), qn(Person._meta.db_table)
    role, unit = qn(RoleAssignment._meta.db_table), qn(OrgUnit._meta.db_table)
    return (
        f"SELECT {_USER_COLUMNS.columns(connection)}, {_PERSON_COLUMNS.columns(connection)}, "
        f"{_ROLE_COLUMNS.columns(connection)}, {_UNIT_COLUMNS.columns(connection)} FROM {user} "
        f"LEFT OUTER JOIN {person} ON ({user}.{qn('person_id')} = {person}.{qn('id')}) "
        f"LEFT OUTER JOIN {role} ON ({role}.{qn('user_id')} = {user}.{qn('id')}) "
        f"LEFT OUTER JOIN {unit} ON ({role}.{qn('unit_id')} = {unit}.{qn('id')}) "
        f"WHERE {user}.{qn('id')} = %s ORDER BY {role}.{qn('role')} ASC"
    )


@written_per_vendor
def _role_assignments_sql(connection) -> str:
    qn = connection.ops.quote_name
    role, unit = qn(RoleAssignment._meta.db_table), qn(OrgUnit._meta.db_table)
    return (
        f"SELECT {_ROLE_COLUMNS.columns(connection)}, {_UNIT_COLUMNS.columns(connection)} FROM {role} "
        f"LEFT OUTER JOIN {unit} ON ({role}.{qn('unit_id')} = {unit}.{qn('id')}) "
        f"WHERE {role}.{qn('user_id')} = %s ORDER BY {role}.{qn('user_id')} ASC, {role}.{qn('role')} ASC"
    )


class Assignment(models.Model):
    """联系分包: a department or a leader takes responsibility for helping a branch."""

    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    leader = models.ForeignKey(
        Person, verbose_name=_("leader"), null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    active = models.BooleanField(_("active"), default=True)
    since = models.DateField(_("since"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["branch", "department", "leader"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=(Q(department__isnull=False) & Q(leader__isnull=True))
                | (Q(department__isnull=True) & Q(leader__isnull=False)),
                name="assignment_department_xor_leader",
            ),
        ]
        indexes = [models.Index(fields=["department", "active"], name="assignment_dept_active_idx")]

    def __str__(self):
        return f"{self.branch} ← {self.department or self.leader}"

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(Branch.scope_filter(scope), "branch__")


def _import_upload_path(instance, filename):
    import uuid

    return f"imports/{uuid.uuid4().hex}.xlsx"


class OrgImport(models.Model):
    """An uploaded organisation workbook: previewed first (nothing written), applied once confirmed, kept."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        APPLIED = "applied", pgettext_lazy("import status", "Applied")

    file = models.FileField(_("file"), upload_to=_import_upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("checksum"), max_length=64)
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PREVIEWED)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    # What the import did (or the preview found): counts per sheet and action, and the number of row errors.
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("organisation import")
        verbose_name_plural = _("organisation imports")

    def __str__(self):
        return self.original_name


class UserSession(models.Model):
    """A browser signed in to an account: kept at sign-in so the user can see and end their other sessions.

    The session itself lives in Django's session store; this row names it, with where and in what it was opened.
    """

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="browser_sessions")
    session_key = models.CharField(_("session"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("signed in"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"


class Grid(models.Model):
    """A grid (网格) of a branch: the smallest area of 可视网格化管理, kept by the office. Its code is unique in the
    office; a map's grid shape names it by that code."""

    office = models.ForeignKey(OrgUnit, verbose_name=_("office"), on_delete=models.PROTECT, related_name="grids")
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="grids")
    code = models.CharField(_("code"), max_length=48)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["office", "branch__sort_order", "branch__code", "order", "code"]
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        constraints = [models.UniqueConstraint(fields=["office", "code"], name="grid_code_unique_in_office")]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(Branch.scope_filter(scope), "branch__")


class Boundary(models.Model):
    """One shape of a unit's map, uploaded as GeoJSON: on an office's map its branches (and their grids), on a
    district's map its offices. An upload replaces the unit's whole map; the command screen draws it."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("map of"), on_delete=models.CASCADE, related_name="boundaries")
    kind = models.CharField(_("kind"), max_length=16, choices=BoundaryKind.choices)
    code = models.CharField(_("code"), max_length=48)
    name = models.CharField(_("name in the file"), max_length=100, blank=True)
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), null=True, blank=True, on_delete=models.CASCADE, related_name="boundaries"
    )
    child = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    geometry = models.JSONField(_("geometry"))
    crs = models.CharField(_("coordinate system"), max_length=8, choices=Crs.choices, default=Crs.WGS84)
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["unit", "kind", "code"]
        verbose_name = _("boundary")
        verbose_name_plural = _("boundaries")
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="boundary_code_unique_in_unit")]

    def __str__(self):
        return self.code

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(OrgUnit.scope_filter(scope), "unit__")


class KioskToken(models.Model):
    """A meeting-room display's pass to one unit's command screen: read-only, that screen only, revocable.

    Only a digest is stored; the text is shown once, when it is issued."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    label = models.CharField(_("display"), max_length=100)
    key = models.CharField(_("visible key"), max_length=8)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        User, verbose_name=_("issued by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("display pass")
        verbose_name_plural = _("display passes")

    def __str__(self):
        return f"{self.label} ({self.key}…)"

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(OrgUnit.scope_filter(scope), "unit__")


class FiguresVersion(models.Model):
    """A counter per office, moved on in the same transaction as every write that changes a figure the summaries
    across offices show (progress, targets, 五个一, results, quotas, branches): the key of the office's cached
    figures (`wuxing.portal.summary_cache`). Written only by `org.figures.office_figures_changed` (and, for a
    check-in, `figures_changed_write(checkin=True)`); an office without a row is at version 0."""

    office = models.OneToOneField(
        OrgUnit, on_delete=models.CASCADE, primary_key=True, related_name="figures_version", editable=False
    )
    version = models.PositiveBigIntegerField(default=0, editable=False)
    # Moved on with `version` by every change except a check-in: the key of the panels that show no figure a
    # check-in changes (`org.figures.OfficePanels`), which a check-in therefore leaves in the cache.
    records_version = models.PositiveBigIntegerField(default=0, editable=False)
