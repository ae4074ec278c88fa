"""`manage.py benchmark --ratios`: each main page against hand-written SQL computing the same figures, on the
database that `generate_province` filled (PostgreSQL), in one run; and check-in POSTs against a bare JSON view.

A page is timed in-process through the test Client, signed in as an office leader of the right level (the users
`scale-office`, `scale-district`, `scale-city`, `scale-province`); the SQL is run on the same connection. The
ratio page/SQL is what the tests pin (loosely): it stays put when the machine is slower, and grows when a page
starts reading rows it does not need.
"""

import json
import statistics
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from wuxing.campaigns.models import Campaign
from wuxing.checklists.models import ChecklistItem
from wuxing.org.models import Branch, OrgUnit, User

from . import scale, summary_cache

# --- the bare view, mounted beside the product's URLs for the throughput comparison ------------------------

PRODUCT_URLCONF = settings.ROOT_URLCONF


@csrf_exempt
def bare_json(request):
    """What any Django JSON endpoint costs: the middleware stack, a JSON body parsed, a JSON answer."""
    body = json.loads(request.body or b"{}")
    return JsonResponse({"ok": True, "item": body.get("item")}, status=201)


urlpatterns = [path("__bare__/", bare_json), path("", include(PRODUCT_URLCONF))]


# --- hand-written SQL: the same figures the pages show ---------------------------------------------------

# R10 per item (rules.item_progress, expected_progress) over the active items of some campaigns.
FACTS = """
WITH f AS (
  SELECT i.id, i.campaign_id, i.branch_id, i.star_id, i.due_date, i.weight::float8 AS w,
    CASE WHEN i.kind = 'yes_no' THEN (CASE WHEN i.done THEN 1.0 ELSE 0.0 END)
         WHEN i.current_value IS NULL OR i.target_value IS NULL THEN 0.0
         WHEN i.target_value = i.start_value THEN (CASE WHEN i.current_value >= i.target_value THEN 1.0 ELSE 0.0 END)
         ELSE GREATEST(0.0, LEAST(1.0, (i.current_value::float8 - i.start_value::float8)
                                       / (i.target_value::float8 - i.start_value::float8))) END AS p,
    CASE WHEN i.start_date >= %(today)s THEN 0.0 WHEN i.due_date <= %(today)s THEN 1.0
         ELSE (%(today)s::date - i.start_date)::float8 / (i.due_date - i.start_date) END AS e
  FROM checklists_checklistitem i
  {join}
  WHERE i.retired_at IS NULL AND {where}
)
"""
SUMS = """
SELECT {group}, SUM(w), SUM(w * p), SUM(w * e), COUNT(*), COUNT(*) FILTER (WHERE p >= 1),
       COUNT(*) FILTER (WHERE NOT (due_date < %(today)s AND p < 1) AND round((e - p)::numeric, 9) > %(tol)s),
       COUNT(*) FILTER (WHERE due_date < %(today)s AND p < 1)
FROM f GROUP BY {group}
"""
BRANCHES = """
SELECT b.id, b.code, b.name, b.kind, b.star_set, b.sort_order FROM org_branch b
WHERE b.office_id = %(office)s ORDER BY b.sort_order, b.code
"""
FLAGGED = """
SELECT f.id, f.branch_id, f.due_date, f.p, f.e, i.title FROM f JOIN checklists_checklistitem i ON i.id = f.id
WHERE (f.due_date < %(today)s AND f.p < 1) OR round((f.e - f.p)::numeric, 9) > %(tol)s
ORDER BY (f.due_date < %(today)s AND f.p < 1) DESC, f.due_date, f.id
"""
OFFICE_SCOPE = "i.campaign_id = %(campaign)s"
BRANCH_SCOPE = "i.campaign_id = %(campaign)s AND i.branch_id = %(branch)s"
SUBTREE_JOIN = "JOIN campaigns_campaign c ON c.id = i.campaign_id JOIN org_orgunit o ON o.id = c.office_id"
SUBTREE_SCOPE = "c.year = %(year)s AND o.path LIKE %(prefix)s"
# The other figures of the summary across offices, for the campaigns of the year under a unit.
CAMPAIGNS_IN = "JOIN campaigns_campaign c ON c.id = {alias}.campaign_id JOIN org_orgunit o ON o.id = c.office_id"
SUMMARY_FIGURES = [
    # campaigns and their quotas
    "SELECT c.id, c.office_id, q.level, q.count FROM campaigns_campaign c JOIN org_orgunit o ON o.id = c.office_id "
    "LEFT JOIN campaigns_quota q ON q.campaign_id = c.id WHERE " + SUBTREE_SCOPE,
    # targets agreed (or confirmed) and confirmed
    "SELECT t.campaign_id, COUNT(*) FILTER (WHERE t.status IN ('agreed', 'confirmed')), "
    "COUNT(*) FILTER (WHERE t.status = 'confirmed') FROM targets_target t "
    + CAMPAIGNS_IN.format(alias="t")
    + " WHERE "
    + SUBTREE_SCOPE
    + " GROUP BY t.campaign_id",
    # 五个一: assignments with all five kinds recorded, and all assignments
    "SELECT ca.campaign_id, COUNT(*) FILTER (WHERE k.kinds = 5), COUNT(*) FROM liaison_campaignassignment ca "
    + CAMPAIGNS_IN.format(alias="ca")
    + " LEFT JOIN (SELECT a.campaign_assignment_id, COUNT(DISTINCT a.kind) AS kinds FROM liaison_activity a "
    "GROUP BY a.campaign_assignment_id) k ON k.campaign_assignment_id = ca.id WHERE "
    + SUBTREE_SCOPE
    + " GROUP BY ca.campaign_id",
    # rating results by level
    "SELECT r.campaign_id, r.level, COUNT(*) FROM campaigns_campaignresult r "
    + CAMPAIGNS_IN.format(alias="r")
    + " WHERE "
    + SUBTREE_SCOPE
    + " GROUP BY r.campaign_id, r.level",
    # branches
    "SELECT b.office_id, COUNT(*) FROM org_branch b JOIN org_orgunit o ON o.id = b.office_id "
    "WHERE o.path LIKE %(prefix)s AND b.retired_at IS NULL GROUP BY b.office_id",
]


def _facts(where, join=""):
    return FACTS.format(where=where, join=join)


SQL = {
    "office": [_facts(OFFICE_SCOPE) + SUMS.format(group="branch_id"), BRANCHES],
    "progress": [_facts(OFFICE_SCOPE) + SUMS.format(group="branch_id, star_id"), BRANCHES],
    "dashboard": [_facts(OFFICE_SCOPE) + SUMS.format(group="branch_id"), _facts(OFFICE_SCOPE) + FLAGGED, BRANCHES],
    "subtree": [
        _facts(SUBTREE_SCOPE, SUBTREE_JOIN) + SUMS.format(group="campaign_id"),
        "SELECT o.id, o.code, o.name, o.level FROM org_orgunit o WHERE o.path LIKE %(prefix)s ORDER BY o.path",
        *SUMMARY_FIGURES,
    ],
    "branch": [
        _facts(BRANCH_SCOPE) + SUMS.format(group="star_id"),
        "SELECT i.* FROM checklists_checklistitem i WHERE i.campaign_id = %(campaign)s AND i.branch_id = %(branch)s "
        "AND i.retired_at IS NULL ORDER BY i.due_date, i.id",
    ],
    "api_branches": [
        "SELECT b.* FROM org_branch b JOIN org_orgunit o ON o.id = b.office_id WHERE o.path LIKE %(prefix)s "
        "ORDER BY b.office_id, b.sort_order, b.code LIMIT 100",
        "SELECT COUNT(*) FROM org_branch b JOIN org_orgunit o ON o.id = b.office_id WHERE o.path LIKE %(prefix)s",
    ],
    "api_checkins": [
        "SELECT ci.* FROM checklists_checkin ci JOIN checklists_checklistitem i ON i.id = ci.item_id "
        "JOIN org_branch b ON b.id = i.branch_id JOIN org_orgunit o ON o.id = b.office_id "
        "WHERE o.path LIKE %(prefix)s ORDER BY ci.effective_on DESC, ci.id DESC LIMIT 100",
        "SELECT COUNT(*) FROM checklists_checkin ci JOIN checklists_checklistitem i ON i.id = ci.item_id "
        "JOIN org_branch b ON b.id = i.branch_id JOIN org_orgunit o ON o.id = b.office_id "
        "WHERE o.path LIKE %(prefix)s",
    ],
}


@dataclass
class Result:
    label: str
    url: str
    page_ms: float
    sql_ms: float
    queries: int
    status: int

    @property
    def ratio(self) -> float:
        return self.page_ms / self.sql_ms if self.sql_ms else float("inf")


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _run_sql(statements, params):
    def run():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


def context() -> dict:
    """The generated province's users, first office, its campaign and first branch."""
    users = {level: User.objects.get(username=f"scale-{level}") for level in ("office", "district", "city", "province")}
    office = OrgUnit.objects.filter(code__startswith=scale.ROOT, level="office").order_by("path").first()
    campaign = Campaign.objects.filter(office=office).order_by("-year").first()
    branch = Branch.objects.filter(office=office).order_by("sort_order", "code").first()
    return {"users": users, "office": office, "campaign": campaign, "branch": branch}


def cases(ctx) -> list[tuple[str, str, User | None, str, dict]]:
    """(label, url, user, SQL key, SQL parameters) for every page and API list measured."""
    office, campaign, branch, users = ctx["office"], ctx["campaign"], ctx["branch"], ctx["users"]
    district, city, province = office.parent, office.parent.parent, office.parent.parent.parent
    today = timezone.localdate()
    base = {"today": today, "campaign": campaign.pk, "office": office.pk, "branch": branch.pk, "tol": 0.1}
    base["year"] = campaign.year

    def at(unit):
        return {**base, "prefix": f"{unit.path}%"}

    return [
        ("office overview", "/", users["office"], "office", base),
        ("progress table", reverse("checklists:progress_table"), users["office"], "progress", base),
        ("dashboard", reverse("checklists:dashboard"), users["office"], "dashboard", base),
        ("branch page", reverse("portal:branch_detail", args=[branch.pk]), users["office"], "branch", base),
        ("public board", reverse("checklists_public:board", args=[office.code]), None, "progress", base),
        ("district summary", reverse("portal:summary"), users["district"], "subtree", at(district)),
        ("city summary", reverse("portal:summary"), users["city"], "subtree", at(city)),
        ("province summary", reverse("portal:summary"), users["province"], "subtree", at(province)),
        ("API branches (district)", "/api/v1/branches/?limit=100", users["district"], "api_branches", at(district)),
        ("API check-ins (office)", "/api/v1/checkins/?limit=100", users["office"], "api_checkins", at(office)),
        ("API check-ins (district)", "/api/v1/checkins/?limit=100", users["district"], "api_checkins", at(district)),
    ]


def _summary_offices(user):
    """The offices whose figures a summary page reads (the user's scope), with their figures versions."""
    return list(
        summary_cache.with_versions(
            OrgUnit.objects.restrict(user, "view").filter(level="office", retired_at__isnull=True)
        )
    )


def _cold_ms(client, url, offices, year, repeat: int) -> tuple[float, int]:
    """A summary read with every office's cached figures dropped first (outside the timing): the median time and
    the queries of one more such read."""
    today = timezone.localdate()
    times = []
    for _ in range(repeat):
        summary_cache.forget(offices, year=year, today=today)
        t0 = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    summary_cache.forget(offices, year=year, today=today)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), len(queries.captured_queries)


def measure_pages(ctx, repeat: int = 5) -> list[Result]:
    """Every case read warm (the page read once before the timing; the summaries' figures then come from the
    cache); the summaries also cold (each office's figures computed), each against the same SQL."""
    results = []
    for label, url, user, key, params in cases(ctx):
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        page_ms = _median_ms(lambda: client.get(url), repeat)  # noqa: B023
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        sql_ms = _median_ms(_run_sql(SQL[key], params), repeat)
        results.append(Result(label, url, page_ms, sql_ms, len(queries.captured_queries), response.status_code))
        if key == "subtree":
            offices = _summary_offices(user)
            cold_ms, cold_queries = _cold_ms(client, url, offices, params["year"], repeat)
            results.append(Result(f"{label} (cold)", url, cold_ms, sql_ms, cold_queries, response.status_code))
    return results


@dataclass
class Throughput:
    posts: int
    checkin_per_s: float
    bare_per_s: float

    @property
    def ratio(self) -> float:
        return self.checkin_per_s / self.bare_per_s if self.bare_per_s else 0.0


def measure_checkins(ctx, posts: int = 50) -> Throughput:
    """Check-ins recorded through the API (the service, its audit row and the item's cached figure) against the
    bare JSON view, both through the same client and middleware in this process, one after the other."""
    item = (
        ChecklistItem.objects.filter(campaign=ctx["campaign"], branch=ctx["branch"], kind="quantitative")
        .order_by("id")
        .first()
    )
    value = str((item.target_value or 10) / 2)
    client = Client()
    client.force_login(ctx["users"]["office"])
    body = json.dumps({"item": item.pk, "value": value})
    with override_settings(ROOT_URLCONF=__name__):

        def rate(url):
            first = client.post(url, body, content_type="application/json")
            assert first.status_code == 201, (url, first.status_code, first.content[:300])
            t0 = time.perf_counter()
            for _ in range(posts):
                client.post(url, body, content_type="application/json")
            return posts / (time.perf_counter() - t0)

        checkin = rate("/api/v1/checkins/")
        bare = rate("/__bare__/")
    return Throughput(posts=posts, checkin_per_s=checkin, bare_per_s=bare)


def report(results: list[Result], throughput: Throughput | None) -> dict:
    return {
        "database": connection.vendor,
        "branches": Branch.objects.filter(office__path__startswith=f"/{scale.ROOT}/").count(),
        "pages": [{**asdict(r), "ratio": round(r.ratio, 2)} for r in results],
        "checkin_post": None if throughput is None else {**asdict(throughput), "ratio": round(throughput.ratio, 3)},
    }
