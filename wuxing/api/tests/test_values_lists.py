"""The branch and check-in lists are written from plain values (api.views.ValuesListMixin): byte for byte what their
serializers write from model instances, over the demo data at each kind of account, through filters, orders and
pages; their query counts; the filter backend's shortcut."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from wuxing.api import filters
from wuxing.checklists.api import CheckInSerializer, CheckInViewSet
from wuxing.checklists.filtersets import CheckInFilterSet
from wuxing.checklists.models import CheckIn, CheckInEvidence
from wuxing.core.filtersets import AuditLogFilterSet
from wuxing.org.api import BranchSerializer, BranchViewSet
from wuxing.org.figures import office_figures_changed
from wuxing.org.filtersets import BranchFilterSet
from wuxing.org.models import Assignment, Branch, Department, OrgUnit, Person, User
from wuxing.org.selectors import branch_list, branch_rows, branch_rows_read

pytestmark = pytest.mark.django_db

# Each kind of account that may list branches and check-ins: office, district, a department's cadre, a secretary.
USERS = ["demo-leader", "demo-staff", "demo-dept", "demo-secretary", "demo-reviewer", "demo-district"]


@pytest.fixture
def odd_rows(demo_office):
    """Rows the demo has none of: a branch without secretary or star set, one with two departments and two leaders
    (and an inactive assignment), a retired branch, a check-in with two evidence files, one with a figure of 0."""
    branches = list(Branch.objects.filter(office=demo_office).order_by("sort_order", "code"))
    Branch.objects.filter(pk=branches[0].pk).update(secretary=None, star_set="")
    Branch.objects.filter(pk=branches[-1].pk).update(retired_at=timezone.now())
    crowded = branches[1]
    departments = list(Department.objects.filter(office=demo_office).order_by("-code")[:3])
    leaders = list(Person.objects.filter(office=demo_office, is_leader=True).order_by("-name")[:3])
    Assignment.objects.filter(branch=crowded).delete()
    for department in departments[:2]:
        Assignment.objects.create(branch=crowded, department=department)
    for leader in leaders[:2]:
        Assignment.objects.create(branch=crowded, leader=leader)
    Assignment.objects.create(branch=crowded, department=departments[2], active=False)
    Assignment.objects.create(branch=crowded, leader=leaders[2], active=False)
    checkin = CheckIn.objects.filter(item__branch=crowded, evidence=None).order_by("-effective_on", "-id").first()
    for n, published in ((2, True), (1, False)):
        CheckInEvidence.objects.create(
            checkin=checkin,
            file=f"evidence/test-{n}.pdf",
            original_name=f"记录 {n}.pdf",
            content_type="application/pdf",
            size=1000 + n,
            sha256=str(n) * 64,
            published=published,
        )
    zero = CheckIn.objects.filter(value__isnull=False).order_by("id").first()
    CheckIn.objects.filter(pk=zero.pk).update(value=0)
    return SimpleNamespace(crowded=crowded, checkin=checkin)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _expected(viewset_class, filterset_class, serializer_class, user, query, offset, limit):
    """What the list wrote through its serializer: the filtered queryset of the viewset, its page, each row through
    the model serializer."""
    view = viewset_class()
    view.request = SimpleNamespace(user=user, method="GET")
    queryset = filterset_class(QueryDict(query), queryset=view.get_queryset(), user=user).qs
    rows = serializer_class(queryset[offset : offset + limit], many=True).data
    return queryset.count(), JSONRenderer().render(rows)


def _listed(client, url, query, offset, limit):
    response = client.get(f"{url}?{query}&offset={offset}&limit={limit}")
    assert response.status_code == 200, response.content
    return response.data["count"], JSONRenderer().render(response.data["results"])


BRANCH_QUERIES = ["", "sort=-name", "sort=code", "q=村", "kind=rural_village", "star_set=urban"]


@pytest.mark.parametrize("username", USERS)
def test_branch_rows_are_the_serializers(odd_rows, username):
    user = User.objects.get(username=username)
    client = _client(user)
    # The department and office filters take one of those the account may choose from.
    department = Department.objects.restrict(user, "view").filter(assignments__active=True).order_by("-pk").first()
    office = OrgUnit.objects.restrict(user, "view").filter(level="office").order_by("-path").first()
    queries = [
        *BRANCH_QUERIES,
        f"department={department.pk}" if department else "",
        f"office={office.code}" if office else "",
    ]
    seen = 0
    for query in queries:
        for offset, limit in ((0, 1000), (1, 3), (7, 100)):
            expected = _expected(BranchViewSet, BranchFilterSet, BranchSerializer, user, query, offset, limit)
            assert _listed(client, "/api/v1/branches/", query, offset, limit) == expected, (query, offset, limit)
            seen += expected[0]
    assert seen > 0


@pytest.mark.parametrize("username", USERS)
def test_checkin_rows_are_the_serializers(odd_rows, username):
    user = User.objects.get(username=username)
    client = _client(user)
    # Items the account may filter by: one with evidence, one with a correction (where it sees such).
    visible = CheckIn.objects.restrict(user, "view").order_by("-pk")
    items = [
        visible.exclude(evidence=None).values_list("item_id", flat=True).first(),
        visible.exclude(corrects=None).values_list("item_id", flat=True).first(),
    ]
    seen = 0
    for query in ["", *(f"item={item}" for item in items if item)]:
        for offset, limit in ((0, 1000), (1000, 1000), (3, 50)):
            expected = _expected(CheckInViewSet, CheckInFilterSet, CheckInSerializer, user, query, offset, limit)
            assert _listed(client, "/api/v1/checkins/", query, offset, limit) == expected, (query, offset, limit)
            seen += expected[0]
    assert seen > 0


def test_the_odd_rows_are_listed(odd_rows):
    """The rows above reach the lists as the comparison expects them (so it compares something)."""
    client = _client(User.objects.get(username="demo-leader"))
    branches = client.get("/api/v1/branches/?limit=1000").json()["results"]
    crowded = next(b for b in branches if b["id"] == odd_rows.crowded.pk)
    assert len(crowded["departments"]) == 2 and len(crowded["leaders"]) == 2
    assert any(b["secretary"] is None and b["star_set"] == "" for b in branches)
    checkins = client.get(f"/api/v1/checkins/?item={odd_rows.checkin.item_id}").json()["results"]
    two = next(c for c in checkins if c["id"] == odd_rows.checkin.pk)
    assert [(e["name"], e["published"]) for e in two["evidence"]] == [("记录 2.pdf", True), ("记录 1.pdf", False)]
    everything = client.get("/api/v1/checkins/?limit=1000").json()["results"]
    assert any(c["superseded"] for c in everything) and any(c["value"] == "0.00" for c in everything)
    assert any(c["done"] is True for c in everything) and any(c["value"] is None for c in everything)


def test_assignment_names_keep_the_prefetchs_order(odd_rows):
    """The office overview's rows (branch_rows_read) name who answers for each branch as the list's prefetch does."""
    branches = list(branch_list(user=User.objects.get(username="demo-district")))
    read = [(row["departments"], row["leaders"]) for row in branch_rows_read(branches)]
    assert read == [(row["departments"], row["leaders"]) for row in branch_rows(branches)]
    assert any("、" in departments and "、" in leaders for departments, leaders in read)


@pytest.mark.parametrize(
    "url,queries",
    [
        # session, account with its roles; the versions of the offices in scope (the key of the page kept in the
        # cache); the count, the page, the page's assignments
        ("/api/v1/branches/", 6),
        # A search is never kept: no versions read.
        ("/api/v1/branches/?sort=-name&kind=rural_village&q=村", 5),
        # session, account with its roles; the versions; the count, the page, the page's superseded flags and evidence
        ("/api/v1/checkins/", 6),
        ("/api/v1/checkins/?limit=5&offset=10", 6),
    ],
)
def test_list_queries(demo_office, django_assert_num_queries, url, queries):
    client = _client(User.objects.get(username="demo-district"))
    client.get(url)
    office_figures_changed(demo_office.pk)  # a page kept in the cache is not read again
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/branches/", "/api/v1/checkins/?limit=5&offset=10"])
def test_a_page_read_again_is_kept_in_the_cache(demo_office, django_assert_num_queries, url):
    client = _client(User.objects.get(username="demo-district"))
    first = client.get(url).json()
    # session, account with its roles, the versions of the offices in scope; no branch, check-in or count read
    with django_assert_num_queries(3) as queries:
        assert client.get(url).json() == first
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "checklists_checkin" not in sql and "org_branch" not in sql


def test_an_empty_page_reads_nothing_more(demo_office):
    client = _client(User.objects.get(username="demo-leader"))
    client.get("/api/v1/checkins/")
    for url in ("/api/v1/checkins/?offset=100000", "/api/v1/branches/?offset=100000"):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(url).json()
        assert body["results"] == [] and body["count"] > 0
        assert len(queries) == 3, [q["sql"] for q in queries]


def test_the_filter_backend_builds_no_filterset_the_query_does_not_name(demo_office, monkeypatch):
    built = []
    real = BranchFilterSet.__init__

    def counting(self, *args, **kwargs):
        built.append(kwargs.get("data"))
        real(self, *args, **kwargs)

    monkeypatch.setattr(BranchFilterSet, "__init__", counting)
    client = _client(User.objects.get(username="demo-leader"))
    assert client.get("/api/v1/branches/?limit=3&offset=1&format=json").status_code == 200
    assert built == []
    assert client.get("/api/v1/branches/?limit=3&kind=").status_code == 200
    assert client.get("/api/v1/branches/?kind=bogus").status_code == 400
    assert len(built) == 2


def test_filters_nothing_reads_each_filters_names():
    assert filters._filters_nothing(BranchFilterSet, QueryDict("limit=10&offset=5&format=json&unknown=1"))
    for query in ("q=x", "office=", "kind=a", "star_set=5", "department=1", "sort=name", "office_0=1"):
        assert not filters._filters_nothing(BranchFilterSet, QueryDict(query)), query
    # A FilterSet with its own form or its own qs always takes the full way.
    assert not filters._filters_nothing(AuditLogFilterSet, QueryDict(""))


def test_field_representation_is_the_serializers_field():
    fields = CheckInSerializer().fields
    samples = {"value": Decimal("3.5"), "effective_on": date(2026, 1, 2), "recorded_at": timezone.now()}
    for name, sample in samples.items():
        assert CheckInSerializer.field_representation(name)(sample) == fields[name].to_representation(sample)
    assert CheckInSerializer.field_representation("value")(Decimal("3.5")) == "3.50"
