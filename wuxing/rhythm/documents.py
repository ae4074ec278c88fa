"""Agenda and minutes of a meeting as an A4 PDF (WeasyPrint, core.pdf) and as a Word document (python-docx), both
built from the same plain sections."""

import io

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from wuxing.core.pdf import pdf_response, render_pdf

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def meeting_sections(meeting, agenda, actions) -> list[tuple[str, list[str]]]:
    """[(heading, lines)]: the agenda (a weekly meeting's generated one), then the record and the decisions."""
    sections = []
    if agenda is not None:
        sections.append(
            (
                _("Agenda: items behind or overdue"),
                [
                    f"{branch.name} · {row.item.title} · "
                    + (_("overdue") if row.status.overdue else _("behind"))
                    + f" · {row.item.due_date:%Y-%m-%d}"
                    for branch, row in agenda["flagged"]
                ],
            )
        )
        sections.append(
            (
                _("Agenda: daily reports missing or late"),
                [
                    _("%(branch)s: %(missing)d missing, %(late)d late")
                    % {"branch": r["branch"].name, "missing": len(r["missing"]), "late": len(r["late"])}
                    for r in agenda["reports"]
                ],
            )
        )
        sections.append((_("Agenda: open help requests"), [f"{h.branch.name}: {h.text[:80]}" for h in agenda["help"]]))
        sections.append(
            (
                _("Agenda: unfinished actions"),
                [
                    f"{a.title} · {a.owner} · {a.due_on:%Y-%m-%d}" + (f" · {_('overdue')}" if a.overdue else "")
                    for a in agenda["actions"]
                ],
            )
        )
        for extra in agenda["extensions"]:
            sections.append((str(extra["title"]), [str(i) for i in extra["items"]]))
    record = [
        (_("Attendance"), meeting.attendees),
        (_("Absent"), meeting.absentees),
        (_("Participants"), meeting.participants),
        (_("Documents"), meeting.documents),
        (_("Meeting minutes"), meeting.minutes),
    ]
    for heading, text in record:
        if text:
            sections.append((str(heading), text.splitlines()))
    sections.append(
        (
            _("Decisions and actions"),
            [
                f"{a.title} · {a.owner}" + (f" · {a.branch.name}" if a.branch_id else "") + f" · {a.due_on:%Y-%m-%d}"
                for a in actions
            ],
        )
    )
    return sections


def meeting_docx(meeting, sections) -> bytes:
    import docx  # python-docx; imported on use (a large import no other page needs)

    document = docx.Document()
    document.add_heading(f"{meeting.campaign.office.name} · {meeting.title}", level=1)
    document.add_paragraph(f"{meeting.get_kind_display()} · {meeting.held_on:%Y-%m-%d}")
    for heading, lines in sections:
        document.add_heading(str(heading), level=2)
        for line in lines or [_("None.")]:
            document.add_paragraph(str(line), style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def meeting_response(meeting, agenda, actions, *, fmt: str, request=None) -> HttpResponse:
    sections = meeting_sections(meeting, agenda, actions)
    name = f"meeting-{meeting.held_on:%Y%m%d}-{meeting.pk}"
    if fmt == "pdf":
        data = render_pdf("rhythm/meeting_pdf.html", {"meeting": meeting, "sections": sections}, request=request)
        return pdf_response(data, f"{name}.pdf")
    if fmt == "docx":
        response = HttpResponse(meeting_docx(meeting, sections), content_type=DOCX_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, f"{name}.docx")
        response["X-Content-Type-Options"] = "nosniff"
        return response
    raise Http404
