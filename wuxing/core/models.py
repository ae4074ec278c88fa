"""Core records: the append-only audit log and the account policy the system administrator sets."""

import datetime
import hashlib
import ipaddress
import json
import time
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .querysets import written_per_vendor

# The audit chain: each row stores the hash of the row before it (`prev_hash`) and its own hash over a canonical
# serialisation of its fields plus `prev_hash`. The first row chains from GENESIS_HASH. AuditChainHead holds the
# last sequence number and hash; writers lock it, so rows are chained in the order they commit.
GENESIS_HASH = hashlib.sha256(b"wuxing audit chain genesis").hexdigest()
AUDIT_RETENTION_MIN_DAYS = 180
CHAIN_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "ip_address",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "note",
    "prev_hash",
)


def audit_retention_days() -> int:
    """The configured retention (setting WUXING_AUDIT_RETENTION_DAYS), never below the 180-day minimum."""
    return max(
        int(getattr(settings, "WUXING_AUDIT_RETENTION_DAYS", AUDIT_RETENTION_MIN_DAYS)), AUDIT_RETENTION_MIN_DAYS
    )


def refuse_audit_deletion(rows) -> None:
    """Audit rows are never deleted by the application; rows inside the retention period are refused explicitly."""
    cutoff = timezone.now() - datetime.timedelta(days=audit_retention_days())
    if isinstance(rows, models.QuerySet):
        young = rows.filter(at__gt=cutoff).exists()
    else:
        young = any(r.at is None or r.at > cutoff for r in rows)
    if young:
        raise PermissionDenied(
            _("Audit records must be kept for at least %(days)s days and cannot be deleted.")
            % {"days": audit_retention_days()}
        )
    raise PermissionDenied(_("The audit log is append-only."))


def canonical_value(name: str, value):
    if value is None:
        return None
    if name == "at":
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if name == "ip_address":
        return str(ipaddress.ip_address(value))
    if name in ("before", "after"):
        # The value as it reads back from the database (JSON round trip), so writer and verifier agree.
        return json.loads(json.dumps(value))
    return value


def chain_hash(values: dict, prev_hash: str) -> str:
    """sha256 over the canonical JSON of the row's chained fields (prev_hash included)."""
    data = {name: canonical_value(name, values.get(name)) for name in CHAIN_FIELDS}
    data["prev_hash"] = prev_hash
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# The canonical JSON's keys are sorted and "prev_hash", "seq" come last: a row's text is its other chained fields'
# text, then `"prev_hash":"<hash>","seq":<n>}` (a hash is hex, a sequence number an integer: nothing to escape).
# PostgreSQL finishes the text and hashes it in the statement that takes the head's values (`chain_prefix`).
CHAIN_TAIL = ("prev_hash", "seq")
assert CHAIN_FIELDS[-1] == "prev_hash" and "seq" in CHAIN_FIELDS
assert all(name < CHAIN_TAIL[0] for name in CHAIN_FIELDS if name not in CHAIN_TAIL) and CHAIN_TAIL[0] < CHAIN_TAIL[1]


def chain_prefix(values: dict) -> str:
    """The canonical JSON of `chain_hash` up to the previous hash's value: the text hashed for the row is this,
    the previous hash, `","seq":`, the sequence number and `}`."""
    data = {name: canonical_value(name, values.get(name)) for name in CHAIN_FIELDS if name not in CHAIN_TAIL}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text[:-1] + ',"prev_hash":"'


def chain_text_end(prev_hash: str, seq: int) -> str:
    """What follows `chain_prefix` in the hashed text."""
    return f'{prev_hash}","seq":{int(seq)}}}'


class AuditChainHead(models.Model):
    """One row: the sequence number and hash of the last audit row. Locked by every audit write."""

    seq = models.BigIntegerField(_("sequence"), default=0)
    hash = models.CharField(_("hash"), max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self):
        return f"{self.seq} {self.hash}"

    @classmethod
    def locked(cls, using: str) -> "AuditChainHead":
        """The head row, locked until the surrounding transaction ends (SQLite serialises writers instead); read
        with the statement written out (the ORM's query built for one row by its key cost more than the round trip).
        An audit row on PostgreSQL locks it inside its own insert instead (`AuditLog._insert_chained`)."""
        connection = connections[using]
        qn = connection.ops.quote_name
        names = ["id", "seq", "hash"]
        sql = f"SELECT {', '.join(map(qn, names))} FROM {qn(cls._meta.db_table)} WHERE {qn('id')} = %s"
        if connection.features.has_select_for_update:
            sql += " FOR UPDATE"
        with connection.cursor() as cursor:
            cursor.execute(sql, [1])
            row = cursor.fetchone()
        if row is None:
            cls.objects.using(using).get_or_create(pk=1)
            return cls.objects.using(using).select_for_update().get(pk=1)
        return cls.from_db(using, names, row)


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied(_("The audit log is append-only."))

    def delete(self):
        refuse_audit_deletion(self)

    def bulk_create(self, objs, *args, **kwargs):
        # Each row must be chained to the one before it, so rows are written one by one.
        for obj in objs:
            obj.save(using=self.db)
        return list(objs)

    def restrict(self, user, action: str = "view"):
        if action != "view" or not (user and user.is_authenticated and user.has_perm("core.view_auditlog")):
            return self.none()
        return self


class AuditLog(models.Model):
    """Who did what, when, from where, to which object, with the values before and after (R17)."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    seq = models.BigIntegerField(_("sequence"), null=True, unique=True, editable=False)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_at_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, using=None, **kwargs):
        if self.pk is not None:
            raise PermissionDenied(_("The audit log is append-only."))
        using = using or "default"
        # The row joins the caller's transaction (services write it inside theirs) without a savepoint of its own:
        # a failure here fails the caller's work too, which is what an unaudited change must do. Outside any
        # transaction it opens one. The head stays locked until that transaction ends, so rows chain in commit order.
        with transaction.atomic(using=using, savepoint=False):
            if connections[using].vendor == "postgresql" and not args and not kwargs:
                if not self._insert_chained(using):  # no head row yet: made once, then the row chained to it
                    AuditChainHead.objects.using(using).get_or_create(pk=1)
                    if not self._insert_chained(using):
                        raise DatabaseError("The audit chain's head row cannot be read.")
                return
            head = AuditChainHead.locked(using)
            self.at = self.at or timezone.now()
            self.seq = head.seq + 1
            self.prev_hash = head.hash
            self.hash = self.compute_hash()
            super().save(*args, using=using, **kwargs)
            head.seq, head.hash = self.seq, self.hash
            head.save(using=using, update_fields=["seq", "hash"])

    def _insert_chained(self, using: str) -> bool:
        """On PostgreSQL, one statement (`_chained_insert_sql`): the head locked (`SELECT … FOR UPDATE`), the row
        inserted with the head's sequence number plus one, its hash as `previous hash` and its own hash, which the
        database computes as `chain_hash` does (sha256 of `chain_prefix`, the previous hash and the sequence
        number, `chain_text_end`), and the head moved onto it; all of it or none, one round trip. Values are
        prepared by the fields as Model.save prepares them. False (nothing written) when there is no head row."""
        connection = connections[using]
        self.at = self.at or timezone.now()
        fields = _chained_fields()
        values = [f.get_db_prep_save(f.pre_save(self, True), connection) for f in fields]
        prefix = chain_prefix({name: getattr(self, name) for name in CHAIN_FIELDS})
        with connection.cursor() as cursor:
            cursor.execute(_chained_insert_sql(connection), [*values, prefix])
            row = cursor.fetchone()
        if row is None:
            return False
        self.pk, self.seq, self.prev_hash, self.hash = row
        self._state.adding = False
        self._state.db = using
        return True

    def compute_hash(self) -> str:
        return chain_hash({name: getattr(self, name) for name in CHAIN_FIELDS}, self.prev_hash)

    def delete(self, *args, **kwargs):
        refuse_audit_deletion([self])


def _chained_fields() -> list:
    """The audit row's fields a writer gives (the chain's own three are the database's)."""
    meta = AuditLog._meta
    return [f for f in meta.local_concrete_fields if f is not meta.pk and f.name not in ("seq", "prev_hash", "hash")]


def _cast_type(field, connection) -> str:
    # A text without its length: a value too long is refused by the column, as an insert's would be, not cut short.
    if isinstance(field, models.CharField):
        return connection.ops.cast_char_field_without_max_length
    return field.cast_db_type(connection)


@written_per_vendor
def _chained_insert_sql(connection) -> str:
    """`AuditLog._insert_chained`'s statement, written once per process. Its values are cast to their columns'
    types (they are selected with the head's values, not inserted as a VALUES list)."""
    qn = connection.ops.quote_name
    log, head = qn(AuditLog._meta.db_table), qn(AuditChainHead._meta.db_table)
    fields = _chained_fields()
    casts = ", ".join(f"CAST(%s AS {_cast_type(f, connection)})" for f in fields)
    seq, prev, digest, pk = qn("seq"), qn("hash"), qn("hash"), qn("id")
    return (
        f"WITH head AS (SELECT {pk}, {seq}, {prev} FROM {head} WHERE {pk} = 1 FOR UPDATE), "
        f"new_row AS (INSERT INTO {log} ({', '.join(qn(f.column) for f in fields)}, {seq}, {qn('prev_hash')}, "
        f"{digest}) SELECT {casts}, head.{seq} + 1, head.{prev}, "
        f"encode(sha256(convert_to(%s || head.{prev} || '\",\"seq\":' || (head.{seq} + 1)::text || '}}', "
        f"'UTF8')), 'hex') FROM head RETURNING {pk}, {seq}, {qn('prev_hash')}, {digest}), "
        f"moved AS (UPDATE {head} SET {seq} = new_row.{seq}, {prev} = new_row.{digest} FROM new_row "
        f"WHERE {head}.{pk} = 1) "
        f"SELECT {pk}, {seq}, {qn('prev_hash')}, {digest} FROM new_row"
    )


class AccountPolicy(models.Model):
    """Account rules of R18; one row, edited by the system administrator."""

    failed_login_limit = models.PositiveSmallIntegerField(
        _("failed logins before lock-out"), default=settings.WUXING_FAILED_LOGIN_LIMIT
    )
    lockout_minutes = models.PositiveIntegerField(_("lock-out minutes"), default=settings.WUXING_LOCKOUT_MINUTES)
    idle_minutes = models.PositiveIntegerField(
        _("idle session timeout (minutes)"), default=settings.WUXING_IDLE_MINUTES
    )
    password_min_length = models.PositiveSmallIntegerField(_("minimum password length"), default=10)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("account policy")
        verbose_name_plural = _("account policy")
        constraints = [
            models.CheckConstraint(condition=models.Q(failed_login_limit__gte=1), name="policy_limit_positive"),
            models.CheckConstraint(condition=models.Q(idle_minutes__gte=1), name="policy_idle_positive"),
            models.CheckConstraint(condition=models.Q(password_min_length__gte=8), name="policy_pw_len_min"),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.forget(kwargs.get("using") or self._state.db or "default")

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.forget(kwargs.get("using") or self._state.db or "default")
        return result

    # Every signed-in request reads the policy (the idle rule): it is kept in the cache (Redis when several app
    # servers share one) and dropped there whenever it is saved, at once and again when the saving transaction
    # commits (a reader in between could have put the old row back). The timeout bounds a change made around save().
    # Each app server also keeps the copy it read for LOCAL_SECONDS, dropped at once when it saves the policy
    # itself: a change made through another server applies here within that time.
    CACHE_KEY = "core:account-policy:v1"
    CACHE_SECONDS = 300
    LOCAL_SECONDS = 10
    _local: tuple["AccountPolicy", float] | None = None

    @classmethod
    def current(cls) -> "AccountPolicy":
        local, now = cls._local, time.monotonic()
        if local is not None and local[1] > now:
            return local[0]
        policy = cache.get(cls.CACHE_KEY)
        if policy is None:
            policy, _created = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, policy, cls.CACHE_SECONDS)
        cls._local = (policy, now + cls.LOCAL_SECONDS)
        return policy

    @classmethod
    def forget(cls, using: str = "default") -> None:
        def drop():
            cls._local = None
            cache.delete(cls.CACHE_KEY)

        drop()
        transaction.on_commit(drop, using=using)


class DeletedRecord(models.Model):
    """A deleted record kept whole for a short while, so its deletion can be undone (`core.trash`).

    `payload` is the record and the rows deleted with it, in Django's JSON serialisation (primary keys kept), so
    a restore puts back exactly what was deleted. Files on disk are not removed by a deletion.
    """

    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    payload = models.JSONField(_("content"))
    reason = models.CharField(_("reason"), max_length=300)
    deleted_at = models.DateTimeField(_("deleted"), default=timezone.now)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    restored_at = models.DateTimeField(_("restored"), null=True, blank=True)

    class Meta:
        ordering = ["-deleted_at", "-id"]
        verbose_name = _("deleted record")
        verbose_name_plural = _("deleted records")
        indexes = [models.Index(fields=["object_type", "object_id"], name="deleted_record_object_idx")]

    def __str__(self):
        return self.object_repr


class ExportJob(models.Model):
    """An Excel export running as a background task, with progress the user can watch."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    exporter = models.CharField(_("export"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    params = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    file_path = models.CharField(_("file"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["user", "created_at"], name="export_user_created_idx")]

    def __str__(self):
        return self.title or self.exporter

    @property
    def progress(self) -> float:
        if self.status == self.Status.DONE:
            return 1.0
        return (self.done / self.total) if self.total else 0.0


def evidence_upload_path(instance, filename: str) -> str:
    """Stored under a random name: the uploader's file name is kept only as data, never as a path."""
    now = timezone.now()
    suffix = PurePosixPath(filename).suffix.lower()
    return f"evidence/{instance._meta.app_label}/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class EvidenceFileBase(models.Model):
    """An uploaded evidence file (an image or a PDF), checked and cleaned by wuxing.core.uploads.store_evidence.

    Subclass it with a ForeignKey to the object the file is evidence for. Files are served only through views
    that check the user's scope first (wuxing.core.uploads.evidence_response), never as static media.
    """

    file = models.FileField(_("file"), upload_to=evidence_upload_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=evidence_upload_path, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("checksum"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
