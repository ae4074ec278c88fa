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
        if not permitted(user, model, action):
            return self.none()
        scope = scope_for(user)
        if scope.everything:
            return self
        q = model.scope_filter(scope)
        if q is None:
            return self.none()
        return self.filter(q)


def permitted(user, model, action: str) -> bool:
    """The permission half of `restrict`: an active, signed-in user holding `<app>.<action>_<model>`."""
    perm = f"{model._meta.app_label}.{action}_{model._meta.model_name}"
    return user is not None and user.is_authenticated and user.is_active and user.has_perm(perm)


def admits_branch_row(user, model, action: str, *, branch_id: int, office_path: str) -> bool:
    """Whether `model.objects.restrict(user, action)` holds a row whose scope is its branch's (a model whose
    `scope_filter` is `Branch.scope_filter` through its branch), given the branch and its office's path: the same
    rules (system actor, permission, scope) decided without a query (`Scope.covers_branch`)."""
    if is_system(user):
        return True
    if not permitted(user, model, action):
        return False
    return scope_for(user).covers_branch(branch_id, office_path)


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):
    pass
