"""The deliberations app (四议两公开 / 一征三议两公开): its role permissions, menu entry and the sections it adds."""

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxing.core.nav import NavItem

from .audit_labels import AUDIT_ACTIONS

_VIEW = {"deliberations.view_deliberation", "deliberations.view_deliberationstep", "deliberations.view_stepattachment"}
_OFFICE = _VIEW | {"deliberations.view_proceduresetting", "deliberations.change_proceduresetting"}
_BRANCH = _VIEW | {"deliberations.add_deliberation", "deliberations.record_deliberation"}


class DeliberationsConfig(AppConfig):
    name = "wuxing.deliberations"
    # Its panels show nothing a check-in changes: kept across check-ins (org.figures.OfficePanels).
    checkin_free_panels = ("branch_panels",)
    label = "deliberations"
    verbose_name = _("Deliberations")
    audit_actions = AUDIT_ACTIONS  # action → what the audit log calls it

    # Permissions this app adds to each role (see wuxing.core.roles); merged into ROLE_PERMISSIONS.
    role_permissions: dict[str, set[str]] = {
        "office_leader": set(_OFFICE),
        "campaign_staff": set(_OFFICE),
        "department_cadre": set(_VIEW),
        "branch_secretary": set(_BRANCH),
        "branch_member": set(_BRANCH),
    }

    def public_links(self, office):
        """This app's pages on the office's public site (see wuxing.core.extensions.app_links)."""
        return [(_("Public notices"), reverse("deliberations_public:notice_list", args=[office.code]))]

    def nav_items(self, user):
        """Menu entries (key, label, url) this app adds for the user; see wuxing.portal.context_processors."""
        if user.has_perm("deliberations.view_deliberation"):
            return [
                NavItem(
                    "deliberations",
                    _("Deliberations"),
                    reverse("deliberations:deliberation_list"),
                    "work",
                    "chat-square-text",
                )
            ]
        return []

    def branch_panels(self, request, branch, campaign):
        """Rendered sections this app adds to the branch page (see wuxing.core.extensions): what is being decided."""
        from .panels import branch_panel  # apps.py is imported before the models are ready

        return branch_panel(request, branch, campaign)

    def target_panels(self, request, target):
        """Rendered sections this app adds to a target's page (see wuxing.core.extensions): its deliberations."""
        from .panels import target_panel  # apps.py is imported before the models are ready

        return target_panel(request, target)

    def target_agree_warnings(self, target):
        """Why agreeing `target` now deserves a second look: its deliberation is not through (see
        core.extensions.app_problems)."""
        from django.utils.translation import gettext as _

        from .selectors import target_open_deliberations  # apps.py is imported before the models are ready

        return [
            _("The deliberation “%(subject)s” is not finished: %(done)d of %(total)d steps recorded, next “%(next)s”.")
            % {"subject": d.subject, "done": d.done, "total": d.total, "next": d.next_label or "—"}
            for d in target_open_deliberations(target=target)
        ]

    def todo_items(self, user, campaign):
        """This app's 待办 for the user (see wuxing.core.todos)."""
        from .todos import todo_items  # apps.py is imported before the models are ready

        return todo_items(user, campaign)
