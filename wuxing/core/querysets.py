"""RestrictedQuerySet: one mechanism narrows every query to what a user may see (after NetBox's restrict)."""

from django.db import models


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Rows of this model that `user` may `action` ("view" or "change"): permission, then data scope.

        A model takes part by defining `scope_filter(cls, scope) -> Q | None` (None: outside any scope).
        """
        model = self.model
        perm = f"{model._meta.app_label}.{action}_{model._meta.model_name}"
        if user is None or not user.is_authenticated or not user.is_active or not user.has_perm(perm):
            return self.none()
        from wuxing.org.scopes import scope_for

        scope = scope_for(user)
        if scope.everything:
            return self
        q = model.scope_filter(scope)
        if q is None:
            return self.none()
        return self.filter(q)


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):
    pass


def prefix_q(q: models.Q, prefix: str) -> models.Q:
    """The same condition seen through a relation (`office__`, `branch__`, …)."""
    children = []
    for child in q.children:
        if isinstance(child, models.Q):
            children.append(prefix_q(child, prefix))
        else:
            key, value = child
            children.append((prefix + key, value))
    new = models.Q()
    new.connector, new.negated, new.children = q.connector, q.negated, children
    return new
