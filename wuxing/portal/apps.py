from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .audit_labels import AUDIT_ACTIONS


class PortalConfig(AppConfig):
    """The top layer: pages made of several apps (home, the office overview, the branch page, later the district
    view and the command screen), the demo orchestrator and the benchmark."""

    name = "wuxing.portal"
    label = "portal"
    verbose_name = _("Portal")
    audit_actions = AUDIT_ACTIONS  # action → what the audit log calls it
