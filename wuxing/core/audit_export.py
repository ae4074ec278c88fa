"""Excel export of the audit log, read through the same selector and FilterSet as its page.

(core.exports is the export machinery every app uses; this is core's own exporter.)
"""

from django.utils.translation import gettext as _

from .exports import ExportSpec, exporter
from .filtersets import AuditLogFilterSet
from .selectors import audit_list


@exporter
def audit_export(user, params) -> ExportSpec:
    qs = AuditLogFilterSet(params, audit_list(user=user), user=user).qs
    return ExportSpec(
        filename="audit-log.xlsx",
        title=_("Audit log"),
        headers=[
            _("Time"),
            _("User"),
            _("Address"),
            _("Action"),
            _("Object type"),
            _("Object id"),
            _("Object"),
            _("Before"),
            _("After"),
            _("Note"),
        ],
        rows=(
            (
                r.at,
                r.actor_name,
                r.ip_address,
                r.action,
                r.object_type,
                r.object_id,
                r.object_repr,
                r.before,
                r.after,
                r.note,
            )
            for r in qs.iterator(chunk_size=2000)
        ),
        total=qs.count(),
    )
