"""Authentication: model passwords, lock-out of locked accounts, and permissions derived from roles."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from .roles import permissions_for_roles
from .rules import is_locked


class LockoutRoleBackend(ModelBackend):
    def user_can_authenticate(self, user):
        if is_locked(getattr(user, "locked_until", None), timezone.now()):
            return False
        return super().user_can_authenticate(user)

    def get_user(self, user_id):
        # The person is shown on every page; fetch it with the account.
        user = get_user_model().objects.select_related("person").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        # Permissions come from roles only: no per-user or group grants are used, so none are queried.
        if not hasattr(user_obj, "_wuxing_role_perms"):
            user_obj._wuxing_role_perms = set(permissions_for_roles(user_obj.role_codes()))
        return user_obj._wuxing_role_perms
