"""The one way a service checks its actor: permission, then data scope, then the same scope again after the write.

Every service of every app calls `ensure_allowed` before it writes and `ensure_in_scope` on what it wrote, inside
its transaction, so an edit that would leave the actor's scope rolls back whole. A missing actor is an error in
the caller (TypeError), never a silent "system"; the system acts as a named `SystemActor`.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from wuxing.core.actors import is_system, require_actor


def ensure_allowed(
    actor, perm: str | None = None, obj=None, *, action: str = "view", message: str | None = None
) -> None:
    """Refuse (PermissionDenied, with `message`) unless `actor` holds `perm` and may `action` `obj`.

    `obj` is any model instance with a restricted manager (a branch, an office, a campaign, …); it is looked up
    through `Model.objects.restrict(actor, action)`, so the scope rule is the one the pages read with.
    """
    require_actor(actor)
    if is_system(actor):
        return
    if perm and not actor.has_perm(perm):
        raise PermissionDenied(message or _("You do not have permission to do this."))
    if obj is not None:
        ensure_in_scope(obj, actor=actor, action=action, message=message)


def ensure_in_scope(obj, *, actor, action: str = "change", message: str | None = None) -> None:
    """Re-check inside the transaction that `actor` may still `action` this object; refuse (and roll back) if not."""
    require_actor(actor)
    if is_system(actor):
        return
    model = type(obj)
    if not model.objects.restrict(actor, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(message or _("You do not have permission to change this record."))
