"""The organisation's to-dos: role requests awaiting this user's approval."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wuxing.core.todos import DUE, Todo

from .choices import GrantStatus
from .selectors import role_grant_list


def todo_items(user, campaign) -> list[Todo]:
    if campaign is not None or not user.has_perm("org.approve_rolegrant"):
        return []
    n = role_grant_list(user=user).filter(status=GrantStatus.PENDING).count()
    if not n:
        return []
    title = ngettext("Approve or reject %(n)d role request", "Approve or reject %(n)d role requests", n) % {"n": n}
    return [Todo(title=title, url=reverse("org:role_grant_list"), group=_("Accounts"), urgency=DUE, count=n)]
