"""Core services: sign-in with lock-out (R18), the account policy, scope re-checks for edits."""

from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .actors import SystemActor
from .audit import audit_record, snapshot
from .models import AccountPolicy, ExportJob
from .rules import compute_lock_after_failure, is_locked

# Failed sign-ins are recorded by the sign-in itself: nobody is signed in yet.
SIGN_IN = SystemActor("sign-in")


def account_authenticate(*, request, username: str, password: str):
    """The user for these credentials, or a ValidationError with a clear Chinese message.

    Used by the login page and the API token endpoint alike, so both lock out in the same way.
    """
    User = get_user_model()
    policy = AccountPolicy.current()
    now = timezone.now()
    user = User.objects.filter(username__iexact=(username or "").strip()).first()
    if user is not None and is_locked(user.locked_until, now):
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise ValidationError(
            _(
                "This account is locked after too many failed sign-ins. Try again in %(minutes)d minutes or ask the security administrator to unlock it."
            )
            % {"minutes": minutes},
            code="locked",
        )
    authed = authenticate(request, username=user.username if user else username, password=password)
    if authed is None:
        if user is None:
            raise ValidationError(_("Wrong user name or password."), code="invalid_login")
        # Count the failure in its own transaction: the error raised below must not roll it back.
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
            user.refresh_from_db(fields=["failed_logins"])
            lock = compute_lock_after_failure(
                user.failed_logins, policy.failed_login_limit, now, policy.lockout_minutes
            )
            audit_record(actor=SIGN_IN, action="account.login_failed", obj=user, note=str(user.failed_logins))
            if lock:
                User.objects.filter(pk=user.pk).update(locked_until=lock, failed_logins=0)
                audit_record(actor=SIGN_IN, action="account.locked", obj=user, after={"locked_until": lock})
        if lock:
            raise ValidationError(
                _("Too many failed sign-ins: this account is locked for %(minutes)d minutes.")
                % {"minutes": policy.lockout_minutes},
                code="locked",
            )
        left = policy.failed_login_limit - user.failed_logins
        raise ValidationError(
            _("Wrong user name or password. %(left)d attempts left before the account is locked.") % {"left": left},
            code="invalid_login",
        )
    if authed.failed_logins or authed.locked_until:
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
