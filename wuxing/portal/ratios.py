"""`manage.py benchmark --ratios`: each main page against hand-written SQL computing the same figures, on the
database that `generate_province` filled (PostgreSQL), in one run; and check-in POSTs against a bare JSON view.

A page is timed in-process through the test Client, signed in as an office leader of the right level (the users
`scale-office`, `scale-district`, `scale-city`, `scale-province`); the SQL is run on the same connection. The
ratio page/SQL is what the tests pin (loosely): it stays put when the machine is slower, and grows when a page
starts reading rows it does not need.

Check-in POSTs are compared with a bare JSON view in this process (the test Client) and, with `--gunicorn`, over
HTTP through one gunicorn serving both (`wuxing.portal.bench_wsgi`, the only place the bare view is mounted
outside this module). `--export` times the Excel table of every branch in scope and its peak memory.
"""

import contextlib
import http.client
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.views.decorators.csrf import csrf_exempt

from wuxing.campaigns.models import Campaign
from wuxing.checklists.models import ChecklistItem
from wuxing.org.models import Branch, OrgUnit, User
from wuxing.testing_servers import PROJECT_DIR, free_port, stop, wait_for_port

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
    where: str = "in-process"

    @property
    def ratio(self) -> float:
        return self.checkin_per_s / self.bare_per_s if self.bare_per_s else 0.0


def _checkin_bodies(ctx) -> list[bytes]:
    """A check-in for each quantitative item of the first branch, half-way to its target, in turn: the POSTs are
    spread over the branch's items as a secretary's would be."""
    items = ChecklistItem.objects.filter(
        campaign=ctx["campaign"], branch=ctx["branch"], kind="quantitative", retired_at__isnull=True
    ).order_by("id")
    return [json.dumps({"item": i.pk, "value": str((i.target_value or 10) / 2)}).encode() for i in items]


def _interleaved(post_checkin, post_bare, bodies: list[bytes], posts: int, rounds: int) -> tuple[float, float]:
    """Requests a second of each: the two are timed in alternating rounds, so that a change in the machine's load
    during the run weighs on both alike."""
    post_checkin(bodies[0])
    post_bare(bodies[0])
    per_round = max(1, posts // rounds)
    spent = {"checkin": 0.0, "bare": 0.0}
    for r in range(rounds):
        for name, post in (("checkin", post_checkin), ("bare", post_bare)):
            t0 = time.perf_counter()
            for k in range(per_round):
                post(bodies[(r * per_round + k) % len(bodies)])
            spent[name] += time.perf_counter() - t0
    done = per_round * rounds
    return done / spent["checkin"], done / spent["bare"]


def measure_checkins(ctx, posts: int = 50, rounds: int = 5) -> Throughput:
    """Check-ins recorded through the API (the service, its audit row and the item's cached figure) against the
    bare JSON view, both through the same client and middleware in this process, in alternating rounds."""
    client = Client()
    client.force_login(ctx["users"]["office"])

    def poster(url):
        def post(body):
            response = client.post(url, body, content_type="application/json")
            assert response.status_code == 201, (url, response.status_code, response.content[:300])

        return post

    with override_settings(ROOT_URLCONF=__name__):
        checkin, bare = _interleaved(
            poster("/api/v1/checkins/"), poster("/__bare__/"), _checkin_bodies(ctx), posts, rounds
        )
    return Throughput(posts=posts, checkin_per_s=checkin, bare_per_s=bare)


@contextlib.contextmanager
def gunicorn_server(*, workers: int = 1, threads: int = 2):
    """gunicorn on a free local port serving `wuxing.portal.bench_wsgi` (the product's URLs and the bare view) on
    this process's database, cache and sessions (its environment); yields the port and stops the server after."""
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn if gunicorn.exists() else "gunicorn"),
        "wuxing.portal.bench_wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--log-level",
        "warning",
    ]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "wuxing.config.settings", "DEBUG": "0"}
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    # The API needs no collected static files; WhiteNoise would warn once per worker that there are none.
    env["PYTHONWARNINGS"] = "ignore:No directory at"
    process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL)
    try:
        wait_for_port("127.0.0.1", port, timeout=60, process=process)
        yield port
    finally:
        stop(process)


def measure_checkins_gunicorn(
    ctx, posts: int = 200, rounds: int = 5, workers: int = 1, threads: int = 2, clients: int = 1
) -> Throughput:
    """The same comparison over HTTP: gunicorn serves both the API and the bare view on the same database; the
    office leader's session (cookie, CSRF token) POSTs from `clients` keep-alive connections in turn."""
    login = Client()
    login.force_login(ctx["users"]["office"])
    csrf = get_random_string(32)
    headers = {
        "Content-Type": "application/json",
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={login.cookies[settings.SESSION_COOKIE_NAME].value}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf}",
        "X-CSRFToken": csrf,
    }
    with gunicorn_server(workers=workers, threads=threads) as port:
        local = threading.local()

        def poster(path):
            def post_one(body):
                if not hasattr(local, "connection"):
                    local.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                local.connection.request("POST", path, body=body, headers={**headers, "Host": f"127.0.0.1:{port}"})
                response = local.connection.getresponse()
                content = response.read()
                assert response.status == 201, (path, response.status, content[:300])

            if clients == 1:
                return post_one

            def post(body):
                # `clients` requests at once, each on its own connection; counted as one step of the round.
                with ThreadPoolExecutor(clients) as pool:
                    list(pool.map(post_one, [body] * clients))

            return post

        checkin, bare = _interleaved(
            poster("/api/v1/checkins/"), poster("/__bare__/"), _checkin_bodies(ctx), posts, rounds
        )
    return Throughput(
        posts=posts * clients,
        checkin_per_s=checkin * clients,
        bare_per_s=bare * clients,
        where=f"gunicorn ({workers} worker{'s' if workers > 1 else ''} × {threads} threads, {clients} client"
        f"{'s' if clients > 1 else ''})",
    )


# --- the Excel table of every branch: time and peak memory ------------------------------------------------


@dataclass
class ExportMeasure:
    rows: int
    seconds: float
    peak_traced_mb: float  # tracemalloc's peak while the file is produced (Python objects)
    rss_growth_mb: float  # growth of the process's maximum resident size (everything, the C libraries too)
    file_mb: float
    queries: int


def measure_export(user, params: dict | None = None) -> ExportMeasure:
    """The export of every branch in the user's scope with its progress (checklists.exports.scope_progress_export)
    written as the export task writes it (to a temporary file), timed; then again under tracemalloc for its
    peak. ru_maxrss only grows, so its growth is the first run's excess over what the process had used before."""
    from wuxing.checklists.exports import scope_progress_export
    from wuxing.core.exports import write_xlsx

    def run():
        spec = scope_progress_export(user, params or {})
        with tempfile.TemporaryFile() as out:
            rows = write_xlsx(out, spec.title, spec.headers, spec.rows)
            return rows, out.tell()

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        rows, size = run()
    seconds = time.perf_counter() - t0
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    tracemalloc.start()
    try:
        run()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return ExportMeasure(
        rows=rows,
        seconds=seconds,
        peak_traced_mb=peak / 1024 / 1024,
        rss_growth_mb=rss_growth / 1024,
        file_mb=size / 1024 / 1024,
        queries=len(queries.captured_queries),
    )


def report(
    results: list[Result],
    throughput: Throughput | None,
    served: Throughput | None = None,
    export: ExportMeasure | None = None,
) -> dict:
    def post(t):
        return None if t is None else {**asdict(t), "ratio": round(t.ratio, 3)}

    return {
        "database": connection.vendor,
        "branches": Branch.objects.filter(office__path__startswith=f"/{scale.ROOT}/").count(),
        "pages": [{**asdict(r), "ratio": round(r.ratio, 2)} for r in results],
        "checkin_post": post(throughput),
        "checkin_post_gunicorn": post(served),
        "export": None if export is None else asdict(export),
    }
