"""What the audit log calls this app's actions (the audit log page, its filter and its export)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "account.locked": _("Account locked"),
    "account.login": _("Signed in"),
    "account.login_failed": _("Sign-in failed"),
    "account.login_refused_locked": _("Sign-in refused (account locked)"),
    "account.login_throttled": _("Sign-in refused (too many attempts)"),
    "account_policy.update": _("Account policy changed"),
    "evidence.upload": _("Evidence uploaded"),
    "export.download": _("Exported to Excel"),
    "export.request": _("Excel export requested"),
    "export.retry": _("Excel export retried"),
    "token.issue": _("API token issued"),
    "token.revoke": _("API token revoked"),
    "token.revoke_all": _("All API tokens revoked"),
}
