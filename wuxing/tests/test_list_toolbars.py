"""The one toolbar on every list (issue 16): search, filters, sort (also by a column header), page size, the Excel
export of the same filters, batch actions; each list seen by whom it may be, and its query count flat.

The lists of this module: the targets board, the responsibility letters, the ratings and objections, the readiness
matrix, the district and city summaries, campaigns, standards, departments, accounts, notifications, the
demonstration sites, the deliberations, and the public board, notices, closed issues and rating results.
"""

import io
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from wuxing.org.demo import OFFICE_CODE
from wuxing.org.models import Branch, User
from wuxing.rhythm.models import Notification
from wuxing.testing import api_as


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@dataclass
class ListSpec:
    """A list of the module: where it is, who reads it, what a search finds, a filter, a sort key."""

    url: str
    user: str | None
    search: str  # a word found in some rows, not all
    names: callable  # response → the names of the rows shown, in order
    sort: str  # a sort key (as `?sort=` takes it)
    sort_value: callable  # row → the value it is sorted on (for the order check)
    filters: dict = field(default_factory=dict)  # a filter that narrows the list
    export_title: str = ""  # the Excel file's name starts with this (none: no export)
    few: str = ""  # a word found in a few rows only (the query-count test); else the first row's first letters


def _page(response):
    return list(response.context["page"])


def _office_url(name):
    return lambda: reverse(name, args=[OFFICE_CODE])


SPECS = {
    "targets": ListSpec(
        url=lambda: reverse("targets:target_list"),
        user="demo-staff",
        search="新村",
        names=lambda r: [b.name for b, _t in r.context["rows"]],
        sort="-level",
        sort_value=lambda row: (row[1].level or 0) if row[1] else 0,
        filters={"kind": "resettlement_village"},
        export_title="目标申领",
    ),
    "letters": ListSpec(
        url=lambda: reverse("plans:pledge_list"),
        user="demo-staff",
        search="社区",
        names=lambda r: [p.target.branch.name for p in _page(r)],
        sort="status",
        sort_value=lambda p: p.status,
        filters={"unsigned": "leader"},
        export_title="责任书",
    ),
    "ratings": ListSpec(
        url=lambda: reverse("rating:home"),
        user="demo-staff",
        search="村",
        names=lambda r: [row.rating.branch.name for row in r.context["rows"]],
        sort="-branch_name",
        sort_value=lambda row: row.rating.branch.name,
        filters={"level": "3"},
        export_title="评星定级结果",
    ),
    "readiness": ListSpec(
        url=lambda: reverse("rating:readiness"),
        user="demo-staff",
        search="社区",
        names=lambda r: [row.branch.name for row in r.context["rows"]],
        sort="-name",
        sort_value=lambda row: row.branch.name,
        filters={"kind": "rural_village"},
        export_title="对标自查",
    ),
    "district summary": ListSpec(
        url=lambda: reverse("rating:district_summary"),
        user="demo-district",
        search="街道",
        names=lambda r: [row.office.name for row in r.context["rows"]],
        sort="-name",
        sort_value=lambda row: row.office.name,
        export_title="区县汇总",
    ),
    "demonstration sites": ListSpec(
        url=lambda: reverse("showcase:site_list"),
        user="demo-staff",
        search="明湖",
        names=lambda r: [s.branch.name for s in r.context["sites"]],
        sort="-branch_name",
        sort_value=lambda s: s.branch.name,
        filters={"kind": "urban_community"},
        export_title="示范点",
    ),
    "deliberations": ListSpec(
        url=lambda: reverse("deliberations:deliberation_list"),
        user="demo-staff",
        search="2027",
        names=lambda r: [d.subject for d, _next in r.context["rows"]],
        sort="subject",
        sort_value=lambda row: row[0].subject,
        filters={"status": "closed"},
        export_title="民主决策",
        few="社区广场",
    ),
    "campaigns": ListSpec(
        url=lambda: reverse("campaigns:campaign_list"),
        user="demo-district",
        search="2026",
        names=lambda r: [c.name for c in _page(r)],
        sort="-year",
        sort_value=lambda c: c.year,
        filters={"status": "closed"},
        export_title="创建活动",
        few="2027",
    ),
    "departments": ListSpec(
        url=lambda: reverse("org:department_list"),
        user="demo-staff",
        search="建设",
        names=lambda r: [d.name + d.code + d.duties for d, _b in r.context["rows"]],
        sort="-code",
        sort_value=lambda row: row[0].code,
        filters={},
        export_title="职能部门",
    ),
    "accounts": ListSpec(
        url=lambda: reverse("org:user_list"),
        user="demo-security",
        search="observer",
        names=lambda r: [u.username for u in _page(r)],
        sort="-username",
        sort_value=lambda u: u.username,
        filters={"role": "branch_secretary"},
        export_title="账号",
    ),
    "public board": ListSpec(
        url=_office_url("checklists_public:board"),
        user=None,
        search="社区",
        names=lambda r: [row.branch.name for row in _page(r)],
        sort="behind",
        sort_value=lambda row: -row.progress.behind - row.progress.overdue,
        filters={"kind": "rural_village"},
    ),
    "public notices": ListSpec(
        url=_office_url("deliberations_public:notice_list"),
        user=None,
        search="村",
        names=lambda r: [n.deliberation.branch.name + n.deliberation.subject for n in _page(r)],
        sort="held_on",
        sort_value=lambda n: n.held_on,
        filters={"step": "result_published"},
    ),
    "public rating results": ListSpec(
        url=_office_url("rating_public:announcement"),
        user=None,
        search="社区",
        names=lambda r: [row.branch.name for row in _page(r)],
        sort="-level",
        sort_value=lambda row: row.level,
        filters={"year": "2026"},
    ),
    "closed issues": ListSpec(
        url=_office_url("participation_public:closed"),
        user=None,
        search="路灯",
        names=lambda r: [i.description + i.answer + i.branch.name + i.category.name for i in _page(r)],
        sort="closed_at",
        sort_value=lambda i: i.closed_at,
        filters={},
    ),
}


def _client(client, spec):
    if spec.user:
        client.force_login(User.objects.get(username=spec.user))
    return client


def _get(client, spec, **params):
    url = spec.url()
    base, _, query = url.partition("?")
    data = {k: v[0] for k, v in parse_qs(query).items()}
    data.update(params)
    response = client.get(base, data)
    assert response.status_code == 200, (base, data, response.status_code)
    return response


@pytest.mark.parametrize("name", list(SPECS))
def test_each_list_searches_filters_sorts_and_pages_with_one_toolbar(client, demo_office, name):
    spec = SPECS[name]
    _client(client, spec)
    everything = _get(client, spec)
    html = everything.content.decode()
    assert 'class="card card-body mb-3 wx-filter wx-toolbar' in html and 'name="per_page"' in html
    assert 'name="q"' in html and 'name="sort"' in html
    all_names = spec.names(everything)
    assert all_names, f"{name}: the demo has no row to list"

    found = _get(client, spec, q=spec.search)
    names = spec.names(found)
    assert (
        names
        and len(names) < len(all_names)
        or found.context["page"].paginator.count < everything.context["page"].paginator.count
    ), f"{name}: the search narrows nothing"
    assert all(spec.search in n for n in names), (name, names)

    if spec.filters:
        narrowed = _get(client, spec, **spec.filters)
        assert narrowed.context["page"].paginator.count < everything.context["page"].paginator.count, name

    descending = spec.sort.startswith("-")
    rows = list(_get(client, spec, sort=spec.sort).context.get("rows") or _page(_get(client, spec, sort=spec.sort)))
    values = [spec.sort_value(r) for r in rows]
    assert values == sorted(values, reverse=descending), (name, values)

    small = _get(client, spec, per_page="20")
    assert small.context["page"].paginator.per_page == 20
    default = everything.context["page"].paginator.per_page
    assert _get(client, spec, per_page="7").context["page"].paginator.per_page == default  # not one of the sizes


@pytest.mark.parametrize("name", [n for n, s in SPECS.items() if s.export_title])
def test_the_excel_export_keeps_the_filters_with_a_chinese_name_and_a_frozen_header(client, demo_office, name):
    spec = SPECS[name]
    _client(client, spec)
    page = _get(client, spec, q=spec.search)
    html = page.content.decode()
    link = re.search(r'href="([^"]*export=xlsx[^"]*)"', html).group(1).replace("&amp;", "&")
    params = parse_qs(urlsplit(link).query)
    assert params["q"] == [spec.search] and "page" not in params and "per_page" not in params
    response = client.get(urlsplit(link).path or spec.url(), {k: v[0] for k, v in params.items()})
    assert response.status_code == 200
    disposition = unquote(response["Content-Disposition"])
    assert f"filename*=UTF-8''{spec.export_title}" in disposition, disposition
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row - 1 == page.context["page"].paginator.count  # the same rows as the filtered page
    assert all(cell.value for cell in sheet[1])


@pytest.mark.parametrize("name", list(SPECS))
def test_the_query_count_does_not_grow_with_the_rows(client, demo_office, django_assert_max_num_queries, name):
    """One row found by the search, then every row: the same number of queries (and at most the pinned one)."""
    spec = SPECS[name]
    _client(client, spec)
    everything = _get(client, spec)
    word = spec.few or spec.names(everything)[0][:3]
    with django_assert_max_num_queries(QUERIES[name]) as few:
        response = _get(client, spec, q=word)
    assert 0 < len(spec.names(response)) < len(spec.names(everything)) or len(spec.names(everything)) == 1
    with django_assert_max_num_queries(len(few.captured_queries)):
        _get(client, spec)


# The pinned query counts (session and user included); a list that queries per row fails the test above first.
QUERIES = {
    "targets": 22,
    "letters": 18,
    "ratings": 24,
    "campaigns": 16,
    "departments": 14,
    "accounts": 18,
    "readiness": 18,
    "district summary": 16,
    "demonstration sites": 26,
    "deliberations": 12,
    "public board": 8,
    "public rating results": 11,
    "public notices": 6,
    "closed issues": 6,
}


def test_a_column_header_sorts_both_ways_and_tells_the_direction(client, demo_office):
    client.force_login(User.objects.get(username="demo-staff"))
    url = reverse("org:department_list")
    html = client.get(url, {"q": "办公室", "sort": "name", "page": "1"}).content.decode()
    header = re.search(
        r'<th scope="col" class="wx-sort " aria-sort="(\w+)"><a class="wx-sort-link" href="([^"]+)"[^>]*>'
        r"职能部门",
        html,
    )
    assert header.group(1) == "ascending"
    href = header.group(2).replace("&amp;", "&")
    query = parse_qs(urlsplit(href).query)
    assert query["sort"] == ["-name"] and query["q"] == ["办公室"] and "page" not in query
    html = client.get(url, {"sort": "-name"}).content.decode()
    assert re.search(r'aria-sort="descending"><a class="wx-sort-link" href="[^"]*sort=name[^"]*"[^>]*>职能部门', html)
    assert re.search(r'aria-sort="none"><a class="wx-sort-link" href="[^"]*sort=code[^"]*"[^>]*>编码', html)
    names = [d.name for d, _b in client.get(url, {"sort": "-name"}).context["rows"]]
    assert names == sorted(names, reverse=True)


def test_every_changed_list_has_sortable_headers(client, demo_office):
    client.force_login(User.objects.get(username="demo-staff"))
    for url in (
        reverse("targets:target_list"),
        reverse("plans:pledge_list"),
        reverse("rating:home"),
        reverse("rating:objection_list"),
        reverse("org:department_list"),
        reverse("org:branch_list"),
        reverse("org:person_list"),
        reverse("standards:standard_list"),
        reverse("checklists:progress_table"),
        reverse("rating:veto_list"),
        reverse("rating:readiness"),
        reverse("rating_public:announcement", args=[OFFICE_CODE]),
        # the lists that had the toolbar before
        reverse("supervision:observation_list"),
        reverse("supervision:evaluation_list"),
        reverse("supervision:inspection_list"),
        reverse("supervision:finding_list"),
        reverse("supervision:rectification_list"),
        reverse("rhythm:meeting_list"),
        reverse("rhythm:action_list"),
        reverse("rhythm:help_list"),
        reverse("liaison:activity_list"),
        reverse("liaison:finding_list"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert 'aria-sort="' in html and "wx-sort-link" in html, url
        # each header's key is one the list's sort takes: following it sorts, it is never refused
        for href in re.findall(r'class="wx-sort-link" href="([^"]+)"', html)[:3]:
            sorted_page = client.get(href.replace("&amp;", "&"))
            assert sorted_page.status_code == 200, href
            form = sorted_page.context.get("form")
            assert form is None or "sort" not in form.errors, (href, form.errors)


# ---------------------------------------------------------------------------------------------------------------
# Who sees what
# ---------------------------------------------------------------------------------------------------------------


INTERNAL = [
    "targets",
    "letters",
    "ratings",
    "readiness",
    "district summary",
    "demonstration sites",
    "deliberations",
    "campaigns",
    "departments",
    "accounts",
]


@pytest.mark.parametrize("name", INTERNAL)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, demo_office, name):
    response = client.get(SPECS[name].url().partition("?")[0])
    assert response.status_code == 302 and "/login" in response["Location"]
    response = client.get(SPECS[name].url().partition("?")[0], {"export": "xlsx"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "url_name,outsider",
    [
        ("org:user_list", "demo-staff"),
        ("org:department_list", "demo-auditor"),
        ("standards:standard_list", "demo-auditor"),
        ("campaigns:campaign_list", "demo-security"),
        ("rating:district_summary", "demo-staff"),
        ("rating:city_summary", "demo-staff"),
        ("rating:readiness", "demo-security"),
    ],
)
def test_a_user_without_the_list_is_refused_page_and_export(client, demo_office, url_name, outsider):
    client.force_login(User.objects.get(username=outsider))
    assert client.get(reverse(url_name)).status_code == 403
    assert client.get(reverse(url_name), {"export": "xlsx"}).status_code == 403


@pytest.mark.parametrize(
    "url_name,names",
    [
        ("targets:target_list", lambda r: [b.name for b, _t in r.context["rows"]]),
        ("plans:pledge_list", lambda r: [p.target.branch.name for p in r.context["page"]]),
        ("rating:home", lambda r: [row.rating.branch.name for row in r.context["rows"]]),
        ("rating:readiness", lambda r: [row.branch.name for row in r.context["rows"]]),
        ("deliberations:deliberation_list", lambda r: sorted({d.branch.name for d, _n in r.context["rows"]})),
    ],
)
def test_the_secretary_finds_only_their_branch_whatever_the_search(client, demo_office, url_name, names):
    secretary = User.objects.get(username="demo-secretary")
    own = secretary.person.branch.name if secretary.person.branch_id else "柳营村"
    client.force_login(secretary)
    assert names(client.get(reverse(url_name))) == [own]
    assert names(client.get(reverse(url_name), {"q": "社区"})) == []
    export = client.get(reverse(url_name), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)] and all(
        own in row for row in sheet.iter_rows(min_row=2, values_only=True)
    )


def test_an_office_sees_its_own_branches_and_the_district_every_office(client, demo_office):
    client.force_login(User.objects.get(username="demo-staff"))
    own = client.get(reverse("org:department_list")).context["page"].paginator.count
    html = client.get(reverse("org:department_list")).content.decode()
    assert 'name="office"' not in html  # one office: no office filter
    client.force_login(User.objects.get(username="demo-district"))
    response = client.get(reverse("org:department_list"))
    assert response.context["page"].paginator.count >= own and 'name="office"' in response.content.decode()
    narrowed = client.get(reverse("org:department_list"), {"office": OFFICE_CODE})
    assert narrowed.context["page"].paginator.count == own
    assert client.get(reverse("org:department_list"), {"office": "x" * 40}).context["page"].paginator.count == 0


def test_the_public_lists_are_of_one_office_and_an_unknown_office_is_not_found(client, demo_office):
    for name in ("checklists_public:board", "deliberations_public:notice_list", "participation_public:closed"):
        assert client.get(reverse(name, args=["99999999"])).status_code == 404
    rows = client.get(reverse("checklists_public:board", args=[OFFICE_CODE])).context["page"]
    offices = {row.branch.office_id for row in rows}
    assert offices == {demo_office.pk}
    html = client.get(reverse("checklists_public:board", args=[OFFICE_CODE])).content.decode()
    assert "export=xlsx" not in html and "13" not in re.findall(r"1\d{10}", html)  # no export, no phone


def test_the_readiness_matrix_keeps_the_branches_with_a_star_in_a_state_or_a_held_star_slipping(client, demo_office):
    client.force_login(User.objects.get(username="demo-staff"))
    url = reverse("rating:readiness")
    everything = client.get(url, {"per_page": "100"}).context["rows"]
    slipping = client.get(url, {"readiness": "warning"}).context["rows"]
    assert slipping and all(row.warnings for row in slipping)
    assert {row.branch.name for row in slipping} == {row.branch.name for row in everything if row.warnings}
    not_ready = client.get(url, {"readiness": "not_ready", "kind": "rural_village"}).context["rows"]
    assert not_ready and all(row.counts.get("not_ready") and row.branch.kind == "rural_village" for row in not_ready)
    refused = client.get(url, {"readiness": "bogus"})
    assert refused.status_code == 200 and list(refused.context["rows"]) == []
    # the API reads the same filters
    from rest_framework.test import APIClient

    api = APIClient()
    api_as(api, User.objects.get(username="demo-staff"))
    rows = api.get("/api/v1/ratings/readiness/", {"readiness": "warning"}).json()
    names = [r["branch_name"] for r in (rows["results"] if isinstance(rows, dict) else rows)]
    assert sorted(names) == sorted(row.branch.name for row in slipping)
    assert api.get("/api/v1/ratings/readiness/", {"readiness": "bogus"}).status_code == 400


def test_the_summaries_keep_their_year_and_total_every_row_the_filters_keep(client, demo_office):
    client.force_login(User.objects.get(username="demo-district"))
    url = reverse("rating:district_summary")
    response = client.get(url, {"year": "2025", "per_page": "20"})
    html = response.content.decode()
    assert response.context["year"] == 2025 and 'name="year"' in html
    assert 'name="district"' not in html  # one district: no district filter
    one = client.get(url, {"year": "2025", "q": "明湖"})
    assert [r.office.name for r in one.context["rows"]] == ["明湖街道办事处"]
    assert one.context["totals"] == {
        level: sum(r.counts.get(level, 0) for r in one.context["rows"]) for level in range(5, -1, -1)
    }
    assert sum(response.context["totals"].values()) >= sum(one.context["totals"].values()) > 0
    export = client.get(url, {"year": "2025", "q": "明湖", "export": "xlsx"})
    assert "区县汇总-2025.xlsx" in unquote(export["Content-Disposition"])
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.freeze_panes == "A2" and sheet.max_row == 2 and sheet["B2"].value == "明湖街道办事处"
    city = reverse("rating:city_summary")
    page = client.get(city, {"year": "2025"})
    assert 'class="card card-body mb-3 wx-filter wx-toolbar' in page.content.decode()
    assert [r.district.name for r in page.context["rows"]] == ["龙泽新区"]
    assert list(client.get(city, {"year": "2025", "q": "白沙"}).context["rows"]) == []
    export = client.get(city, {"year": "2025", "export": "xlsx"})
    assert "市级汇总-2025.xlsx" in unquote(export["Content-Disposition"])
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.freeze_panes == "A2" and sheet["A2"].value == "龙泽新区" and sheet["B2"].value == 3
    assert client.get(url, {"district": "99999999"}).status_code == 404


def test_the_review_queue_searches_filters_and_sorts_the_stars_waiting(client, demo_office):
    client.force_login(User.objects.get(username="demo-staff"))
    url = reverse("rating:queue")
    response = client.get(url)
    html = response.content.decode()
    assert 'class="card card-body mb-3 wx-filter wx-toolbar' in html and 'name="q"' in html and "wx-sort-link" in html
    rows = response.context["office_rows"]
    assert rows, "the demo has no star waiting for the office's review"
    name = rows[-1].rating.branch.name
    found = client.get(url, {"q": name}).context["office_rows"]
    assert found and all(rs.rating.branch.name == name for rs in found)
    star = rows[0].star.name
    assert all(rs.star.name == star for rs in client.get(url, {"star": star}).context["office_rows"])
    ordered = [rs.rating.branch.name for rs in client.get(url, {"sort": "-rating_branch_name"}).context["office_rows"]]
    assert ordered == sorted(ordered, reverse=True)
    # a secretary has no queue; an anonymous visitor is sent to sign in
    client.force_login(User.objects.get(username="demo-secretary"))
    assert client.get(url, {"q": name}).context["office_rows"] == []
    client.logout()
    assert client.get(url).status_code == 302


def test_the_review_queue_pages_and_exports_what_it_shows(client, demo_office):
    client.force_login(User.objects.get(username="demo-staff"))
    url = reverse("rating:queue")
    everything = client.get(url)
    total = everything.context["office_total"]
    assert total >= 3, "the demo has too few stars waiting for the office's review"
    first = client.get(url, {"per_page": 10, "sort": "rating_branch_name"})
    assert first.context["page"].paginator.count == total
    assert len(first.context["office_rows"]) == min(10, total)
    # the export holds every waiting star the filters keep, not only the page, with the page's filters
    export = client.get(url, {"export": "xlsx", "per_page": 10})
    assert "待审核" in unquote(export["Content-Disposition"])
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.freeze_panes == "A2" and sheet.max_row == total + 1
    shown = client.get(url, {"per_page": 100}).context["office_rows"]
    assert len(shown) == total <= 100
    exported = sorted(sheet.cell(row=r, column=3).value for r in range(2, total + 2))
    assert exported == sorted(rs.rating.branch.name for rs in shown)
    name = everything.context["office_rows"][0].rating.branch.name
    narrowed = load_workbook(io.BytesIO(client.get(url, {"export": "xlsx", "q": name}).content)).active
    assert narrowed.max_row >= 2 and {narrowed.cell(row=r, column=3).value for r in range(2, narrowed.max_row + 1)} == {
        name
    }
    # a secretary's export is empty; an anonymous visitor is sent to sign in
    client.force_login(User.objects.get(username="demo-secretary"))
    mine = load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content)).active
    assert mine.max_row == 1
    client.logout()
    assert client.get(url, {"export": "xlsx"}).status_code == 302


def test_the_public_rating_results_of_the_district_search_and_filter_every_office_alike(client, demo_office):
    url = reverse("rating_public:district_announcement", args=[demo_office.parent.code])
    everything = client.get(url)
    assert everything.status_code == 200 and 'name="q"' in everything.content.decode()
    named = [r for e in everything.context["offices"] for r in e["named"]]
    found = [r for e in client.get(url, {"q": "社区"}).context["offices"] for r in e["named"]]
    assert found and len(found) < len(named) and all("社区" in r.branch.name for r in found)
    years = {r.campaign.year for e in client.get(url, {"year": "2025"}).context["offices"] for r in e["named"]}
    assert years == {2025}
    refused = client.get(url, {"level": "9"})
    assert refused.status_code == 200 and all(e["named"] == [] for e in refused.context["offices"])


def test_a_branch_keeps_its_rank_on_the_public_board_whatever_the_search(client, demo_office):
    url = reverse("checklists_public:board", args=[OFFICE_CODE])
    ranks = {row.branch.name: row.rank for row in client.get(url).context["page"]}
    for row in client.get(url, {"q": "村"}).context["page"]:
        assert row.rank == ranks[row.branch.name]


# ---------------------------------------------------------------------------------------------------------------
# Batch actions
# ---------------------------------------------------------------------------------------------------------------


def test_the_office_reminds_whoever_has_not_confirmed_the_ticked_letters_once_a_day(client, demo_office):
    from wuxing.plans.models import Pledge

    staff = User.objects.get(username="demo-staff")
    client.force_login(staff)
    awaiting = Pledge.objects.get(status="awaiting", target__branch__office=demo_office, target__campaign__year=2026)
    frozen = Pledge.objects.filter(status="frozen", target__branch__office=demo_office).first()
    html = client.get(reverse("plans:pledge_list")).content.decode()
    assert f'name="pledge" value="{awaiting.pk}"' in html and f'name="pledge" value="{frozen.pk}"' not in html
    leaders = User.objects.filter(role_assignments__role="office_leader", role_assignments__unit=demo_office)
    before = Notification.objects.filter(kind="pledge_remind").count()
    response = client.post(
        reverse("plans:pledges_remind") + f"?campaign={awaiting.target.campaign_id}",
        {"pledge": [awaiting.pk, frozen.pk, "x" * 30]},
    )
    assert response.status_code == 302
    sent = Notification.objects.filter(kind="pledge_remind")
    assert sent.count() - before == leaders.filter(person__isnull=False).distinct().count() > 0
    assert set(sent.values_list("user_id", flat=True)) <= set(leaders.values_list("pk", flat=True))
    assert all(awaiting.target.branch.name in n.title for n in sent)
    client.post(reverse("plans:pledges_remind") + f"?campaign={awaiting.target.campaign_id}", {"pledge": [awaiting.pk]})
    assert Notification.objects.filter(kind="pledge_remind").count() == sent.count()  # once a day
    from wuxing.core.models import AuditLog

    assert AuditLog.objects.filter(action="pledge.remind", actor=staff).exists()


def test_nothing_ticked_or_no_right_to_remind_sends_nothing(client, demo_office):
    from wuxing.plans.models import Pledge

    awaiting = Pledge.objects.get(status="awaiting", target__branch__office=demo_office, target__campaign__year=2026)
    url = reverse("plans:pledges_remind") + f"?campaign={awaiting.target.campaign_id}"
    client.force_login(User.objects.get(username="demo-staff"))
    response = client.post(url, {}, follow=True)
    assert "请先勾选" in response.content.decode()
    client.force_login(User.objects.get(username="demo-secretary"))
    assert client.post(url, {"pledge": [awaiting.pk]}).status_code == 403
    assert client.get(reverse("plans:pledge_list")).content.decode().count('name="pledge"') == 0
    assert not Notification.objects.filter(kind="pledge_remind").exists()
    client.logout()
    assert client.post(url, {"pledge": [awaiting.pk]}).status_code == 302
    assert not Notification.objects.filter(kind="pledge_remind").exists()


def _submitted_2027(demo_office, count=2):
    """The 2027 applications waiting for review: the demo's one and, if needed, more submitted by the branches."""
    from wuxing.campaigns.models import Campaign
    from wuxing.core.actors import SYSTEM
    from wuxing.standards.models import Star
    from wuxing.targets import services
    from wuxing.targets.models import Target

    campaign = Campaign.objects.get(office=demo_office, year=2027)
    waiting = list(Target.objects.filter(campaign=campaign, status="submitted"))
    for branch in Branch.objects.filter(office=demo_office).exclude(
        pk__in=Target.objects.filter(campaign=campaign).exclude(status="draft").values("branch_id")
    )[: max(0, count - len(waiting))]:
        star = Star.objects.filter(standard=campaign.standard, star_set=branch.star_set).order_by("position").first()
        waiting.append(
            services.target_submit(
                actor=SYSTEM, campaign=campaign, branch=branch, stars=[star], reason="先创支部过硬星"
            )
        )
    return campaign, waiting


def test_the_office_agrees_the_ticked_applications_in_one_go_each_audited(client, demo_office):
    from wuxing.core.models import AuditLog
    from wuxing.targets.models import Target

    campaign, waiting = _submitted_2027(demo_office)
    staff = User.objects.get(username="demo-staff")
    client.force_login(staff)
    html = client.get(reverse("targets:target_list"), {"campaign": campaign.pk}).content.decode()
    assert 'id="wx-agree-batch"' in html and all(f'name="target" value="{t.pk}"' in html for t in waiting)
    response = client.post(
        reverse("targets:targets_agree", args=[campaign.pk]), {"target": [t.pk for t in waiting]}, follow=True
    )
    assert response.status_code == 200 and f"{len(waiting)}" in response.content.decode()
    assert set(Target.objects.filter(pk__in=[t.pk for t in waiting]).values_list("status", flat=True)) == {"agreed"}
    audited = AuditLog.objects.filter(action="target.agree", actor=staff, object_id__in=[str(t.pk) for t in waiting])
    assert audited.count() == len(waiting)
    # Nothing ticked: said so, nothing done.
    response = client.post(reverse("targets:targets_agree", args=[campaign.pk]), {}, follow=True)
    assert "请先勾选" in response.content.decode()


def test_a_batch_with_an_application_out_of_scope_or_not_waiting_changes_nothing(client, demo_office):
    from wuxing.targets.models import Target

    campaign, waiting = _submitted_2027(demo_office)
    staff = User.objects.get(username="demo-staff")
    client.force_login(staff)
    url = reverse("targets:targets_agree", args=[campaign.pk])
    elsewhere = Target.objects.exclude(branch__office=demo_office).first()
    if elsewhere is not None:
        assert client.post(url, {"target": [waiting[0].pk, elsewhere.pk]}).status_code == 403
    assert client.post(url, {"target": [waiting[0].pk, 10**15]}).status_code == 403  # not a target of the campaign
    other_year = Target.objects.filter(branch__office=demo_office, campaign__year=2026).first()
    assert client.post(url, {"target": [waiting[0].pk, other_year.pk]}).status_code == 403
    # All or nothing: the second is no longer waiting, so the first is not agreed either.
    waiting[1].status = "returned"
    waiting[1].save(update_fields=["status"])
    client.post(url, {"target": [waiting[0].pk, waiting[1].pk]}, HTTP_REFERER=reverse("targets:target_list"))
    assert Target.objects.get(pk=waiting[0].pk).status == "submitted"
    # A secretary (no right to decide) and an anonymous visitor are refused.
    client.force_login(User.objects.get(username="demo-secretary"))
    assert client.post(url, {"target": [waiting[0].pk]}).status_code == 403
    client.logout()
    response = client.post(url, {"target": [waiting[0].pk]})
    assert response.status_code == 302 and "/login" in response["Location"]
    assert Target.objects.get(pk=waiting[0].pk).status == "submitted"


@pytest.fixture
def inbox(demo_office):
    staff = User.objects.get(username="demo-staff")
    other = User.objects.get(username="demo-secretary")
    mine = [
        Notification.objects.create(user=staff, kind="test", title=f"{title}提醒", body="请处理")
        for title in ("路灯", "会议", "打卡", "材料")
    ]
    theirs = Notification.objects.create(user=other, kind="test", title="路灯提醒（书记）")
    return staff, mine, theirs


def test_notifications_filter_search_sort_and_mark_the_ticked_read(client, inbox):
    staff, mine, theirs = inbox
    client.force_login(staff)
    url = reverse("rhythm:notification_list")
    page = client.get(url, {"q": "路灯"}).context["page"]
    assert [n.pk for n in page] == [mine[0].pk]  # not the secretary's
    titles = [n.title for n in client.get(url, {"sort": "title"}).context["page"]]
    assert titles == sorted(titles)
    response = client.post(
        url.replace("notifications/", "notifications/read/"),
        {"batch": "1", "notification": [mine[0].pk, mine[1].pk, theirs.pk], "back": "state=unread&q="},
    )
    assert response.status_code == 302 and response["Location"].endswith("?state=unread&q=")
    ids = {n.pk for n in mine}
    read = set(Notification.objects.filter(user=staff, read_at__isnull=False).values_list("pk", flat=True))
    assert read & ids == {mine[0].pk, mine[1].pk}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    unread = {n.pk for n in client.get(url, {"state": "unread"}).context["page"]}
    assert unread & ids == {mine[2].pk, mine[3].pk} and all(
        n.read_at is None for n in Notification.objects.filter(pk__in=unread)
    )
    assert {n.pk for n in client.get(url, {"state": "read"}).context["page"]} & ids == {mine[0].pk, mine[1].pk}
    response = client.post(reverse("rhythm:notification_read"), {"batch": "1"}, follow=True)
    assert "请先勾选" in response.content.decode()
    assert client.get(url, {"state": "bogus"}).context["page"].paginator.count == 0


def test_notifications_query_count_is_flat(client, inbox, django_assert_max_num_queries):
    staff, mine, _theirs = inbox
    client.force_login(staff)
    url = reverse("rhythm:notification_list")
    client.get(url, {"q": "路灯"})  # warm: the first request after signing in also stamps the session, fills caches
    with django_assert_max_num_queries(12) as few:
        client.get(url, {"q": "路灯"})
    before = Notification.objects.filter(user=staff).count()
    for i in range(30):
        Notification.objects.create(user=staff, kind="test", title=f"更多{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).context["page"].paginator.count == before + 30


def test_anonymous_notifications_and_their_batch_are_refused(client, inbox):
    _staff, mine, _theirs = inbox
    assert client.get(reverse("rhythm:notification_list")).status_code == 302
    client.post(reverse("rhythm:notification_read"), {"batch": "1", "notification": [mine[0].pk]})
    mine[0].refresh_from_db()
    assert mine[0].read_at is None


# ---------------------------------------------------------------------------------------------------------------
# The API takes the same ?q= / ?sort= / filters
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path,user,params,check",
    [
        ("/api/v1/targets/", "demo-staff", {"q": "新村", "sort": "-level"}, lambda r: "新村" in r["branch_name"]),
        ("/api/v1/pledges/", "demo-staff", {"unsigned": "leader"}, lambda r: r["status"] == "awaiting"),
        ("/api/v1/ratings/", "demo-staff", {"q": "社区", "sort": "branch_name"}, None),
        (
            "/api/v1/departments/",
            "demo-staff",
            {"q": "建设", "sort": "-code"},
            lambda r: "建设" in r["name"] + r["duties"],
        ),
        ("/api/v1/campaigns/", "demo-staff", {"q": "2026", "sort": "-year"}, lambda r: r["year"] == 2026),
        ("/api/v1/standards/", "demo-staff", {"q": "五星", "sort": "name"}, None),
    ],
)
def test_the_api_lists_take_the_same_search_sort_and_filters(api_client, demo_office, path, user, params, check):
    api_as(api_client, User.objects.get(username=user))
    everything = api_client.get(path).json()
    response = api_client.get(path, params)
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert rows and (
        len(rows) < len(everything["results"])
        or "sort" in params
        and "q" not in params
        or path.endswith(("standards/", "ratings/"))
    )
    if check:
        assert all(check(r) for r in rows), rows
    bad = api_client.get(path, {"sort": "password"})
    assert bad.status_code == 400 and "sort" in bad.json().get("errors", bad.json())


def test_the_api_notifications_take_the_same_filters(api_client, inbox):
    staff, mine, _theirs = inbox
    api_as(api_client, staff)
    rows = api_client.get("/api/v1/notifications/", {"q": "路灯", "state": "unread"}).json()["results"]
    assert [r["id"] for r in rows] == [mine[0].pk]


def test_the_targets_board_names_the_branches_that_have_not_applied(client, demo_office):
    client.force_login(User.objects.get(username="demo-staff"))
    url = reverse("targets:target_list")
    campaign = client.get(url).context["campaign"]
    later = client.get(url, {"campaign": campaign.pk, "status": "none"})
    assert all(target is None for _b, target in later.context["rows"])
    confirmed = client.get(url, {"status": "confirmed"}).context["rows"]
    assert confirmed and all(t.status == "confirmed" for _b, t in confirmed)
    retired = Branch.objects.filter(office=demo_office).first()
    assert retired.name in [b.name for b, _t in client.get(url, {"q": retired.name}).context["rows"]]
