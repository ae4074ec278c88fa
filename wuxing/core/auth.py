"""Authentication: model passwords, lock-out of locked accounts, permissions derived from roles, API tokens."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from .roles import permissions_for_roles
from .rules import is_locked


class LockoutRoleBackend(ModelBackend):
    def user_can_authenticate(self, user):
        if is_locked(getattr(user, "locked_until", None), timezone.now()):
            return False
        return super().user_can_authenticate(user)

    def get_user(self, user_id):
        # The person is shown on every page; fetch it with the account.
        # The account model's manager reads it with its person by a statement written out once (org's
        # AccountManager.for_request): every signed-in request asks.
        user = get_user_model()._default_manager.for_request(user_id)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        # Permissions come from roles only: no per-user or group grants are used, so none are queried.
        if not hasattr(user_obj, "_wuxing_role_perms"):
            user_obj._wuxing_role_perms = set(permissions_for_roles(user_obj.role_codes()))
        return user_obj._wuxing_role_perms


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token …` with hashed, expiring tokens; a locked or deactivated account's token is refused
    even in the moment before its tokens are revoked."""

    def validate_user(self, auth_token):
        user = auth_token.user
        if not user.is_active or is_locked(getattr(user, "locked_until", None), timezone.now()):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().validate_user(auth_token)

    def _cleanup_token(self, auth_token) -> bool:
        # Only the presented token is checked here (one query less per request); a user's other expired tokens
        # are purged when a new one is issued.
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    """The token scheme in the OpenAPI schema, under the name DRF's token authentication had."""

    target_class = "wuxing.core.auth.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
