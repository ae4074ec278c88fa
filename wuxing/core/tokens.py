"""API tokens: issued at sign-in, stored hashed, expiring after idle hours and at an absolute age, revoked whenever
the account's standing changes (lock-out, password change, role change, "sign out everywhere").

Tokens are django-rest-knox tokens (SHA-512 digests, sliding expiry capped by `AUTO_REFRESH_MAX_TTL`); this module is
the one place that issues or revokes them, so every issue and revocation leaves an audit row.
"""

from django.db import transaction
from django.utils import timezone
from knox.models import get_token_model

from .audit import audit_record

AuthToken = get_token_model()


def token_issue(*, user) -> str:
    """A new token for `user`; only its digest is stored, the returned text is shown once."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    instance, text = AuthToken.objects.create(user=user)
    audit_record(actor=user, action="token.issue", obj=user, after={"token": instance.token_key})
    return text


def token_list(*, user):
    """The user's own tokens that are still valid, newest first."""
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")


@transaction.atomic
def token_revoke(*, actor, token_key: str) -> int:
    """Revoke one of the actor's own tokens, named by its visible prefix."""
    deleted, _detail = AuthToken.objects.filter(user=actor, token_key=token_key).delete()
    if deleted:
        audit_record(actor=actor, action="token.revoke", obj=actor, after={"token": token_key})
    return deleted


def tokens_revoke_all(*, actor, user, reason: str) -> int:
    """Revoke every token of `user` (the caller's transaction, if any, holds it together with its cause)."""
    deleted, _detail = AuthToken.objects.filter(user=user).delete()
    if deleted:
        audit_record(actor=actor, action="token.revoke_all", obj=user, note=reason, after={"count": deleted})
    return deleted
