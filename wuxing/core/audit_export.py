"""Excel export of the audit log, read through the same selector and FilterSet as its page.

(core.exports is the export machinery every app uses; this is core's own exporter.)

The first line under the headers records the audit chain's head (sequence and hash) when the export started, and
every row carries its own sequence number and hash, so the file can be checked against `manage.py audit_verify`.
"""

from itertools import chain

from django.utils.translation import gettext as _

from .audit import chain_head
from .exports import ExportSpec, exporter
from .filtersets import AuditLogFilterSet
from .selectors import audit_list


@exporter
def audit_export(user, params) -> ExportSpec:
    qs = AuditLogFilterSet(params, audit_list(user=user), user=user).qs
    head_seq, head_hash = chain_head(qs.db)
    head_line = (_("Audit chain head"), *[""] * 9)
    return ExportSpec(
        filename=f"audit-log-{head_hash[:12]}.xlsx",
        context=(head_hash[:12],),
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
            _("Sequence"),
            _("Hash"),
        ],
        rows=chain(
            [(*head_line, head_seq, head_hash)],
            (
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
                    r.seq,
                    r.hash,
                )
                for r in qs.iterator(chunk_size=2000)
            ),
        ),
        total=qs.count(),
    )
