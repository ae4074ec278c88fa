"""The annual summary: generated figures of the office and of a branch, the narrative kept apart (regenerating
keeps it), frozen with a content hash when finalised; Word, PDF and Excel carry the office, the stars, the figures."""

import datetime
import io
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.rhythm import rules, services
from wuxing.rhythm.models import AnnualSummary

from .conftest import frozen


@pytest.fixture
def year(world):
    from wuxing.checklists.services import checkin_record, item_create

    a1 = world.org.branches["a1"]
    with frozen(datetime.datetime(2026, 3, 2, 9, 0)):
        item = item_create(
            actor=SYSTEM,
            branch=a1,
            campaign=world.campaign,
            star=world.stars[(a1.star_set, "strong_branch")],
            title="发展党员",
            target_value=4,
        )
        checkin_record(actor=SYSTEM, item=item, value=4, effective_on=datetime.date(2026, 3, 2))
        meeting = services.meeting_create(
            actor=SYSTEM, campaign=world.campaign, kind="mobilisation", held_on="2026-03-02"
        )
        action = services.action_create(
            actor=SYSTEM, meeting=meeting, title="制定清单", due_on="2026-03-20", owner_department=world.org.dept_a1
        )
        services.action_close(actor=SYSTEM, action=action, evidence="已制定")
    with frozen(datetime.datetime(2026, 3, 2, 17, 0)):
        services.report_submit(actor=world.users.secretary, branch=a1, day=datetime.date(2026, 3, 2), progress="x")
    return world


def test_figures_of_the_office_and_a_branch(year):
    with frozen(datetime.datetime(2026, 12, 31, 10, 0)):
        office = services.summary_generate(actor=year.users.staff, campaign=year.campaign)
        branch = services.summary_generate(
            actor=year.users.staff, campaign=year.campaign, branch=year.org.branches["a1"]
        )
    figures = office.figures
    assert figures["office"] == "甲街道" and figures["year"] == 2026
    assert [b["name"] for b in figures["branches"]] == ["甲一村", "甲二社区", "甲三安置村"]
    a1 = figures["branches"][0]
    assert a1["overall"] == 100.0 and a1["stars"][0]["progress"] == 100.0 and a1["done"] == 1
    assert figures["checklist"] == {"items": 1, "done": 1, "behind": 0, "overdue": 0, "completion": 100.0}
    assert figures["meetings"]["mobilisation"] == 1 and figures["actions"] == {"total": 1, "closed": 1, "overdue": 0}
    working = len(rules.working_days(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)))
    assert figures["reports"] == {"on_time": 1, "late": 0, "missing": 3 * working - 1}
    assert figures["rankings"][0]["rows"][0][1] == "甲一村"
    assert [b["name"] for b in branch.figures["branches"]] == ["甲一村"]
    assert branch.figures["reports"]["missing"] == working - 1


def test_regenerating_keeps_the_narrative_and_finalising_freezes_it(year):
    summary = services.summary_generate(actor=year.users.staff, campaign=year.campaign)
    services.summary_edit(
        actor=year.users.staff, summary=summary, overview="全年工作扎实推进", highlights="甲一村进步明显"
    )
    summary = services.summary_generate(actor=year.users.staff, campaign=year.campaign)
    assert summary.narrative["overview"] == "全年工作扎实推进"
    summary = services.summary_finalise(actor=year.users.leader, summary=summary)
    assert summary.final and summary.content_hash == rules.content_hash(
        {"figures": summary.figures, "narrative": summary.narrative}
    )
    assert services.summary_intact(summary)
    for attempt in [
        lambda: services.summary_generate(actor=year.users.staff, campaign=year.campaign),
        lambda: services.summary_edit(actor=year.users.staff, summary=summary, overview="改"),
        lambda: services.summary_finalise(actor=year.users.staff, summary=summary),
    ]:
        with pytest.raises(ValidationError):
            attempt()
    AnnualSummary.objects.filter(pk=summary.pk).update(narrative={**summary.narrative, "overview": "篡改"})
    summary.refresh_from_db()
    assert not services.summary_intact(summary)


def test_the_secretary_reads_the_branch_summary_only(client, year):
    office = services.summary_generate(actor=year.users.staff, campaign=year.campaign)
    a1 = services.summary_generate(actor=year.users.staff, campaign=year.campaign, branch=year.org.branches["a1"])
    a2 = services.summary_generate(actor=year.users.staff, campaign=year.campaign, branch=year.org.branches["a2"])
    client.force_login(year.users.secretary)
    assert client.get(reverse("rhythm:summary_detail", args=[a1.pk])).status_code == 200
    assert client.get(reverse("rhythm:summary_detail", args=[a2.pk])).status_code == 404
    # The office summary is read by the office's people, and a secretary sees the office it belongs to.
    assert client.get(reverse("rhythm:summary_detail", args=[office.pk])).status_code == 200
    assert client.post(reverse("rhythm:summary_finalise", args=[a1.pk])).status_code == 403


def test_word_pdf_and_excel_carry_the_office_the_stars_and_the_figures(client, year):
    import docx
    from openpyxl import load_workbook

    summary = services.summary_generate(actor=year.users.staff, campaign=year.campaign)
    services.summary_edit(actor=year.users.staff, summary=summary, overview="全年工作扎实推进")
    services.summary_finalise(actor=year.users.staff, summary=summary)
    client.force_login(year.users.leader)
    word = client.get(reverse("rhythm:summary_docx", args=[summary.pk]))
    document = docx.Document(io.BytesIO(word.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "甲街道" in text and "全年工作扎实推进" in text and "1/1" in cells and "甲二社区" in cells
    assert year.stars[(year.org.branches["a1"].star_set, "strong_branch")].name in cells
    assert summary.content_hash in text
    pdf = client.get(reverse("rhythm:summary_pdf", args=[summary.pk]))
    assert pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
        ).stdout.decode()
        assert "甲街道" in out and "甲一村" in out
    workbook = load_workbook(io.BytesIO(client.get(reverse("rhythm:summary_xlsx", args=[summary.pk])).content))
    first = workbook.worksheets[0]
    assert [c.value for c in first[2]][0] == "甲一村" and len(workbook.worksheets) >= 2


def test_the_summary_page_draws_its_chart_and_the_list_generates(client, year):
    client.force_login(year.users.staff)
    page = client.get(reverse("rhythm:summary_list")).content.decode()
    assert "甲街道" in page
    response = client.post(reverse("rhythm:summary_generate"), {"branch": ""})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'id="summary-data"' in page and "echarts.min.js" in page
    assert client.post(reverse("rhythm:summary_generate"), {"branch": year.org.branches["b1"].pk}).status_code == 404
