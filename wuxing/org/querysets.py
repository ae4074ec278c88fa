"""RestrictedQuerySet: one mechanism narrows every query to what a user may see (after NetBox's restrict).

The permission half is Django's own (`user.has_perm`); the scope half is the organisation's (`org.scopes`).
"""

from django.db import models

from wuxing.core.actors import is_system

from .scopes import scope_for


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Rows of this model that `user` may `action` ("view" or "change"): permission, then data scope.

        A model takes part by defining `scope_filter(cls, scope) -> Q | None` (None: outside any scope).
        A system actor (demo loader, commands) sees every row.
        """
        if is_system(user):
            return self
        model = self.model
        perm = f"{model._meta.app_label}.{action}_{model._meta.model_name}"
        if user is None or not user.is_authenticated or not user.is_active or not user.has_perm(perm):
            return self.none()
        scope = scope_for(user)
        if scope.everything:
            return self
        q = model.scope_filter(scope)
        if q is None:
            return self.none()
        return self.filter(q)


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):
    pass
