"""Agenda and minutes of a meeting as an A4 PDF (WeasyPrint, core.pdf) and as a Word document (python-docx), both
built from the same plain sections."""

import io

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from wuxing.core.exports import XLSX
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


# ---------------------------------------------------------------------------------------------------------------
# Annual summary
# ---------------------------------------------------------------------------------------------------------------


def summary_tables(figures: dict) -> list[tuple[str, list[str], list[list]]]:
    """[(title, headers, rows)]: the summary's tables, the same in Word, PDF and Excel."""
    branches = [
        [
            b["name"],
            b["target_level"] or "",
            b.get("rated_level") if b.get("rated_level") is not None else "",
            "、".join(b.get("rated_stars") or []),
            "、".join(f"{s['name']} {s['progress'] if s['progress'] is not None else '—'}%" for s in b["stars"]),
            b["overall"] if b["overall"] is not None else "",
            f"{b['done']}/{b['items']}",
            b["overdue"],
            b["rank"] or "",
        ]
        for b in figures["branches"]
    ]
    tables = [
        (
            _("Targets and results per star"),
            [
                _("Branch"),
                _("Target level"),
                _("Stars (progress)"),
                _("Overall %"),
                _("Items done"),
                _("Overdue"),
                _("Rank"),
            ],
            branches,
        ),
        (
            _("“Five ones” per department"),
            [_("Department or leader"), _("Assignments"), _("Complete"), _("Activities")],
            [[r["responsible"], r["assignments"], r["complete"], r["activities"]] for r in figures["five_ones"]],
        ),
    ]
    for ranking in figures.get("rankings", []):
        tables.append((str(ranking["title"]), [_("Rank"), _("Branch"), _("Score")], [list(r) for r in ranking["rows"]]))
    return tables


def summary_facts(figures: dict) -> list[str]:
    """The year's figures in sentences."""
    c, m, a, r = figures["checklist"], figures["meetings"], figures["actions"], figures["reports"]
    facts = [
        _("Check-in items: %(done)d of %(items)d done, %(overdue)d overdue.") % c,
        _("Meetings: %(weekly)d weekly, %(mobilisation)d mobilisation, %(progress)d progress meetings.") % m,
        _("Actions: %(closed)d of %(total)d closed, %(overdue)d overdue.") % a,
    ]
    if r is not None:
        facts.append(_("Daily reports: %(on_time)d on time, %(late)d late, %(missing)d missing.") % r)
    if figures["sites"]:
        facts.append(
            _("Demonstration sites: %(sites)s.")
            % {"sites": "、".join(f"{s['branch']}（{s['feature']}）" for s in figures["sites"])}
        )
    return facts


NARRATIVE_LABELS = {
    "overview": _("Overall situation"),
    "highlights": _("Highlights"),
    "problems": _("Problems"),
    "next_year": _("Next year"),
}


def summary_title(summary) -> str:
    figures = summary.figures
    who = figures["branch"] or figures["office"]
    return _("%(who)s: annual summary %(year)d") % {"who": who, "year": figures["year"]}


def summary_docx(summary) -> bytes:
    import docx

    figures = summary.figures
    document = docx.Document()
    document.add_heading(summary_title(summary), level=1)
    document.add_paragraph(f"{figures['office']} · {figures['campaign']} · {figures['as_of']}")
    for key, label in NARRATIVE_LABELS.items():
        text = summary.narrative.get(key) or ""
        if text:
            document.add_heading(str(label), level=2)
            for line in text.splitlines():
                document.add_paragraph(line)
    document.add_heading(str(_("The year's figures")), level=2)
    for fact in summary_facts(figures):
        document.add_paragraph(str(fact), style="List Bullet")
    for title, headers, rows in summary_tables(figures):
        document.add_heading(str(title), level=2)
        table = document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, header in zip(table.rows[0].cells, headers):
            cell.text = str(header)
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row):
                cell.text = str(value)
    if summary.final:
        document.add_paragraph(f"SHA-256 {summary.content_hash}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def summary_response(summary, *, fmt: str, request=None) -> HttpResponse:
    name = f"summary-{summary.figures['year']}-{summary.pk}"
    if fmt == "pdf":
        context = {
            "summary": summary,
            "title": summary_title(summary),
            "facts": summary_facts(summary.figures),
            "tables": summary_tables(summary.figures),
            "narrative": [(label, summary.narrative.get(key) or "") for key, label in NARRATIVE_LABELS.items()],
        }
        return pdf_response(render_pdf("rhythm/summary_pdf.html", context, request=request), f"{name}.pdf")
    if fmt == "docx":
        response = HttpResponse(summary_docx(summary), content_type=DOCX_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, f"{name}.docx")
        response["X-Content-Type-Options"] = "nosniff"
        return response
    if fmt == "xlsx":
        response = HttpResponse(summary_xlsx(summary), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, f"{name}.xlsx")
        return response
    raise Http404


def summary_xlsx(summary) -> bytes:
    """Every table of the summary on a sheet of its own."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for n, (title, headers, rows) in enumerate(summary_tables(summary.figures), start=1):
        ws = wb.create_sheet(title=f"{n} {title}"[:31])
        ws.append([str(h) for h in headers])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
