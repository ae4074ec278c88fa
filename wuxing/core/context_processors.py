"""Navigation by role: what each user's menu shows."""

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _items(user):
    items = []
    if user.has_perm("org.view_branch"):
        items.append(("home", _("Overview"), reverse("home")))
        items.append(("branches", _("Branches"), reverse("org:branch_list")))
    if user.has_perm("campaigns.view_campaign"):
        items.append(("campaigns", _("Campaigns"), reverse("campaigns:campaign_list")))
    if user.has_perm("standards.view_standard"):
        items.append(("standards", _("Standards"), reverse("standards:standard_list")))
    if user.has_perm("org.view_department"):
        items.append(("departments", _("Departments"), reverse("org:department_list")))
    if user.has_perm("org.view_person"):
        items.append(("people", _("People"), reverse("org:person_list")))
    # The domain apps' own entries (nav_items on their AppConfig), in INSTALLED_APPS order.
    for config in apps.get_app_configs():
        if hasattr(config, "nav_items"):
            items.extend(config.nav_items(user))
    if user.has_perm("core.view_auditlog"):
        items.append(("audit", _("Audit log"), reverse("core:audit_list")))
    if user.has_perm("org.view_user"):
        items.append(("users", _("Accounts & roles"), reverse("org:user_list")))
    if user.has_perm("core.view_accountpolicy"):
        items.append(("settings", _("System settings"), reverse("core:policy")))
    return items


# Set-up pages used now and then: shown under one "Management" menu so the daily pages fit on one line.
MANAGEMENT_KEYS = ("campaigns", "standards", "departments", "people")


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_more": []}
    items = _items(user)
    more = [item for item in items if item[0] in MANAGEMENT_KEYS]
    main = [item for item in items if item[0] not in MANAGEMENT_KEYS]
    if len(more) == 1:
        main, more = items, []
    return {"nav_items": main, "nav_more": more}
