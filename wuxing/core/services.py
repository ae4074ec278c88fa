"""Core services: sign-in with lock-out and address throttling (R18), the account policy, scope re-checks for edits."""

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .actors import SystemActor
from .audit import audit_record, current_ip, snapshot
from .models import AccountPolicy, ExportJob
from .rules import compute_lock_after_failure

# Failed sign-ins are recorded by the sign-in itself: nobody is signed in yet.
SIGN_IN = SystemActor("sign-in")


def _refused():
    # One answer for an unknown name, a wrong password and a locked account, so none of them tells an account
    # exists; the owner who knows the password still learns that a lock may be the cause.
    return ValidationError(
        _("Wrong user name or password, or the account is locked for a while after too many failed sign-ins."),
        code="invalid_login",
    )


def _address_key(request) -> str | None:
    # The client's address as the request middleware resolved it (through trusted proxies only, see
    # middleware.client_ip), so users behind the office's reverse proxy do not share one counter.
    address = current_ip.get() or (request.META.get("REMOTE_ADDR") if request is not None else None) or None
    return f"wuxing:sign-in-failures:{address}" if address else None


def _address_throttled(key: str | None) -> bool:
    return key is not None and (cache.get(key) or 0) >= settings.WUXING_SIGN_IN_ADDRESS_LIMIT


def _address_failed(key: str | None) -> None:
    if key is None:
        return
    # A fixed window opened by the first failure; add() then incr() is atomic in every cache backend.
    cache.add(key, 0, timeout=settings.WUXING_SIGN_IN_ADDRESS_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=settings.WUXING_SIGN_IN_ADDRESS_WINDOW)


def _reserve_attempt(user, limit: int, now) -> int | None:
    """Count one attempt against the account before its password is checked, atomically.

    The conditional UPDATE admits at most `limit` attempts per lock period however many arrive at once: each takes
    the row lock (PostgreSQL) or the write lock (SQLite, IMMEDIATE transactions) and re-reads the count. None when
    the account is locked or its attempts are used up.
    """
    User = get_user_model()
    with transaction.atomic():
        admitted = (
            User.objects.filter(pk=user.pk, failed_logins__lt=limit)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
            .update(failed_logins=F("failed_logins") + 1)
        )
        if not admitted:
            return None
        return User.objects.filter(pk=user.pk).values_list("failed_logins", flat=True).get()


def account_authenticate(*, request, username: str, password: str):
    """The user for these credentials, or a ValidationError with a clear Chinese message.

    Used by the login page and the API token endpoint alike, so both lock out and throttle in the same way: a
    per-account lock after the policy's number of consecutive failures, and a per-address limit on failures.
    """
    from .tokens import tokens_revoke_all  # tokens → knox models: loaded on use, after the app registry

    User = get_user_model()
    policy = AccountPolicy.current()
    now = timezone.now()
    username = (username or "").strip()[:150]
    address = _address_key(request)
    if _address_throttled(address):
        audit_record(actor=SIGN_IN, action="account.login_throttled", note=username)
        raise ValidationError(
            _("Too many failed sign-ins from this address. Try again in %(minutes)d minutes.")
            % {"minutes": max(1, settings.WUXING_SIGN_IN_ADDRESS_WINDOW // 60)},
            code="throttled",
        )
    user = User.objects.filter(username__iexact=username).first() if username else None
    if user is None:
        # Check a password anyway so an unknown name takes as long as a known one.
        authenticate(request, username=username, password=password)
        _address_failed(address)
        audit_record(actor=SIGN_IN, action="account.login_failed", note=username, object_type="org.user")
        raise _refused()
    count = _reserve_attempt(user, policy.failed_login_limit, now)
    if count is None:
        _address_failed(address)
        audit_record(actor=SIGN_IN, action="account.login_refused_locked", obj=user)
        raise _refused()
    authed = authenticate(request, username=user.username, password=password)
    if authed is None:
        _address_failed(address)
        with transaction.atomic():
            audit_record(actor=SIGN_IN, action="account.login_failed", obj=user, note=str(count))
            lock = compute_lock_after_failure(count, policy.failed_login_limit, now, policy.lockout_minutes)
            if lock:
                User.objects.filter(pk=user.pk).update(locked_until=lock, failed_logins=0)
                audit_record(actor=SIGN_IN, action="account.locked", obj=user, after={"locked_until": lock})
                tokens_revoke_all(actor=SIGN_IN, user=user, reason="locked")
        raise _refused()
    User.objects.filter(pk=authed.pk).update(failed_logins=0, locked_until=None)
    authed.failed_logins, authed.locked_until = 0, None
    audit_record(actor=authed, action="account.login", obj=authed)
    return authed


@transaction.atomic
def account_policy_update(
    *, actor, failed_login_limit: int, lockout_minutes: int, idle_minutes: int, password_min_length: int
) -> AccountPolicy:
    if not actor.has_perm("core.change_accountpolicy"):
        raise PermissionDenied(_("Only the system administrator changes the account policy."))
    policy = AccountPolicy.objects.select_for_update().get(pk=AccountPolicy.current().pk)
    before = snapshot(policy)
    errors = {}
    if failed_login_limit < 1 or failed_login_limit > 20:
        errors["failed_login_limit"] = _("Must be between 1 and 20.")
    if idle_minutes < 1 or idle_minutes > 24 * 60:
        errors["idle_minutes"] = _("Must be between 1 and 1440 minutes.")
    if lockout_minutes < 1:
        errors["lockout_minutes"] = _("Must be at least 1 minute.")
    if password_min_length < 8 or password_min_length > 64:
        errors["password_min_length"] = _("Must be between 8 and 64.")
    if errors:
        raise ValidationError(errors)
    policy.failed_login_limit = failed_login_limit
    policy.lockout_minutes = lockout_minutes
    policy.idle_minutes = idle_minutes
    policy.password_min_length = password_min_length
    policy.save()
    audit_record(actor=actor, action="account_policy.update", obj=policy, before=before, after=snapshot(policy))
    return policy


@transaction.atomic
def export_enqueue(*, actor, exporter_path: str, params: dict, title: str = ""):
    """Create an export job and queue its task once the job row is committed."""
    from .tasks import run_export  # tasks → exports → services: imported on use

    job = ExportJob.objects.create(user=actor, exporter=exporter_path, params=params, title=title[:200])
    audit_record(actor=actor, action="export.request", obj=job, after={"exporter": exporter_path, "params": params})
    transaction.on_commit(lambda: run_export.enqueue(job.pk))
    return job
