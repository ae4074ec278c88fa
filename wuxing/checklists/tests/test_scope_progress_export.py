"""The Excel table of every branch in scope with its progress (the province's 50,000 branches): written a chunk of
branches at a time, so its peak memory does not grow with the rows; every branch once, with the figures of the
office's progress table; run as a task beyond the synchronous limit and downloaded streamed."""

import io
import tempfile
import tracemalloc

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from wuxing.campaigns.models import Campaign
from wuxing.checklists import selectors
from wuxing.checklists.exports import scope_progress_export
from wuxing.core import exports as core_exports
from wuxing.core.exports import write_xlsx
from wuxing.core.models import ExportJob
from wuxing.org.choices import UnitLevel
from wuxing.org.models import Branch, OrgUnit, User
from wuxing.org.rules import unit_path
from wuxing.portal import scale

pytestmark = pytest.mark.django_db

CHUNK = 20  # one generated office a chunk


def _export_peak(user) -> tuple[int, bytes]:
    """Peak traced memory while the whole export is produced and written, and the file."""
    spec = scope_progress_export(user, {})
    with tempfile.TemporaryFile() as out:
        tracemalloc.start()
        try:
            write_xlsx(out, spec.title, spec.headers, spec.rows)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        out.seek(0)
        return peak, out.read()


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_the_peak_memory_does_not_grow_with_the_branches_and_every_branch_has_its_figures(monkeypatch):
    monkeypatch.setattr(selectors, "SCOPE_CHUNK", CHUNK)
    # The sheet holds back its first rows to size the columns (core.exports.WIDTH_SAMPLE, 200): fewer here, so
    # that both sizes measured are past it, as a province's table is.
    monkeypatch.setattr(core_exports, "WIDTH_SAMPLE", 10)
    call_command("generate_province", preset="ci", verbosity=0)
    user = User.objects.get(username="scale-province")
    _export_peak(user)  # warm: translations, the standard's stars, openpyxl's modules
    small, _data = _export_peak(user)
    call_command("generate_province", preset="district", verbosity=0)
    large, data = _export_peak(user)
    branches = Branch.objects.filter(office__path__startswith=f"/{scale.ROOT}/")
    assert branches.count() == 16 * CHUNK == 4 * scale.PRESETS["ci"].total_branches
    # Four times the branches, sixteen chunks instead of four: about the same peak. Holding the rows would add
    # about 5 KB a branch, 1.2 MB here, to a peak of about half a megabyte.
    assert large < small * 1.3, (small, large)

    ws = _sheet(data)
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    rows = {r[3]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == ws.max_row - 1 == branches.count()
    assert set(rows) == set(branches.values_list("code", flat=True))
    # The figures of each office's own progress table (progress_rows), as numbers.
    for campaign in Campaign.objects.filter(office__path__startswith=f"/{scale.ROOT}/").select_related("office"):
        for expected in selectors.progress_rows(campaign=campaign, branches=selectors.branches_of(campaign)):
            row = rows[expected.branch.code]
            assert row["街道"] == campaign.office.name
            assert row["总体进度"] == pytest.approx(round(expected.progress.overall * 100, 1) / 100)
            assert row["应有进度"] == pytest.approx(round(expected.progress.expected * 100, 1) / 100)
            assert (row["事项"], row["已完成"], row["进度滞后"], row["已逾期"]) == (
                expected.progress.items,
                expected.progress.done,
                expected.progress.behind,
                expected.progress.overdue,
            )
            assert row["目标星级"] == expected.target_level
            assert row["街道内排名"] == expected.rank
    percent = ws.cell(row=2, column=header.index("总体进度") + 1)
    assert isinstance(percent.value, float) and percent.number_format.endswith("%")
    assert isinstance(ws.cell(row=2, column=header.index("事项") + 1).value, int)


def _export_queries(user) -> int:
    spec = scope_progress_export(user, {})
    with tempfile.TemporaryFile() as out, CaptureQueriesContext(connection) as queries:
        write_xlsx(out, spec.title, spec.headers, spec.rows)
    return len(queries.captured_queries)


def test_the_queries_do_not_grow_with_the_offices_beyond_a_few_per_chunk(monkeypatch):
    """Each chunk reads its campaigns, assignments, figures and targets in one query each, whatever the number of
    offices in it: in one chunk the export of 16 offices reads what the export of 4 reads; in chunks of one
    office, each office adds the same four queries (the targets were two queries per office's campaign)."""
    call_command("generate_province", preset="ci", verbosity=0)
    user = User.objects.get(username="scale-province")
    _export_queries(user)  # warm: the standard's stars are read once an export
    small = _export_queries(user)
    monkeypatch.setattr(selectors, "SCOPE_CHUNK", CHUNK)
    small_chunked = _export_queries(user)
    monkeypatch.setattr(selectors, "SCOPE_CHUNK", 2000)
    call_command("generate_province", preset="district", verbosity=0)
    large = _export_queries(user)
    monkeypatch.setattr(selectors, "SCOPE_CHUNK", CHUNK)
    large_chunked = _export_queries(user)
    # The branches, one star list, and per chunk: campaigns, assignments, figures, targets.
    assert small == large == 2 + 4
    assert (small_chunked, large_chunked) == (2 + 4 * 4, 2 + 16 * 4)


def test_a_district_user_gets_only_its_district(org, world, make_item):
    """The table is the user's scope: another office's branches never appear."""
    users = world.users
    make_item("a1", target=10)
    spec = scope_progress_export(users.district, {})
    codes = {row[3] for row in spec.rows}
    assert codes == set(Branch.objects.filter(office__parent=org.district).values_list("code", flat=True))
    assert spec.total == len(codes)
    spec = scope_progress_export(users.leader_b, {})
    assert {row[3] for row in spec.rows} == set(org.office_b.branches.values_list("code", flat=True))


def test_the_summary_page_exports_every_branch_as_a_task_and_streams_the_file(
    client, org, world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    settings.WUXING_SYNC_EXPORT_ROWS = 0
    users = world.users
    url = f"{reverse('portal:summary')}?export=branches"
    assert client.get(url).status_code == 302 and "login" in client.get(url)["Location"]  # anonymous
    client.force_login(users.district)
    # A unit outside the user's scope is not found.
    other = OrgUnit.objects.create(
        code="T999", name="别区", level=UnitLevel.DISTRICT, parent=org.city, path=unit_path(org.city.path, "T999")
    )
    assert client.get(f"{url}&unit={other.pk}").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        r = client.get(url)
    assert r.status_code == 302
    job = ExportJob.objects.get(user=users.district)
    assert r["Location"] == reverse("core:export_detail", args=[job.pk])
    assert (
        job.status == ExportJob.Status.DONE
        and job.done == job.total == Branch.objects.filter(office__parent=org.district).count()
    )
    download = client.get(reverse("core:export_download", args=[job.pk]))
    assert download.status_code == 200 and download.streaming
    ws = _sheet(b"".join(download.streaming_content))
    assert ws.max_row - 1 == job.total
    # Another user may not download it.
    client.force_login(users.leader_b)
    assert client.get(reverse("core:export_download", args=[job.pk])).status_code in (403, 404)
