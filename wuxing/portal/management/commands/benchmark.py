"""Measure page speed, query counts and memory at district scale, on a throw-away test database."""

import dataclasses
import json
import os
import statistics
import time
import tracemalloc
import unicodedata
import warnings
from collections import Counter
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client, override_settings
from django.test.utils import (
    CaptureQueriesContext,
    setup_databases,
    setup_test_environment,
    teardown_databases,
    teardown_test_environment,
)
from django.urls import reverse
from django.utils import timezone

from wuxing.campaigns.choices import CampaignStatus
from wuxing.campaigns.models import Campaign, Quota
from wuxing.checklists.choices import ItemKind, ItemSource
from wuxing.checklists.models import CheckIn, ChecklistItem
from wuxing.core.actors import SystemActor
from wuxing.core.roles import Role
from wuxing.liaison.choices import ActivityKind
from wuxing.liaison.models import Activity, CampaignAssignment
from wuxing.org.choices import BranchKind, UnitLevel
from wuxing.org.models import Assignment, Branch, Department, OrgUnit, Person, RoleAssignment, User
from wuxing.org.rules import unit_path
from wuxing.participation.models import Issue, IssueCategory
from wuxing.participation.rules import new_tracking_code
from wuxing.rating.choices import StarState
from wuxing.rating.models import Rating, RatingStar
from wuxing.rhythm import rules as rhythm_rules
from wuxing.rhythm.models import Action, DailyReport, HelpRequest, Meeting
from wuxing.showcase.models import FeatureProject, Milestone, ProjectKind
from wuxing.showcase.services import site_claim
from wuxing.standards.fileformat import standard_load
from wuxing.standards.models import Star
from wuxing.supervision.models import (
    Criterion,
    Evaluation,
    EvaluationRow,
    Finding,
    Inspection,
    Observation,
    Observer,
    Rectification,
    RouteStop,
    ScoreCard,
    ScoreSheet,
)
from wuxing.supervision.rules import competition_ranks, compute_boards
from wuxing.targets.choices import TargetStatus
from wuxing.targets.models import Target

YEAR = 2026
ITEMS_PER_BRANCH = 8
ACTIVITIES_PER_ASSIGNMENT = 2
OBSERVERS = 6
RECTIFICATIONS_PER_BRANCH = 2
BATCH = 500
RHYTHM_DAYS = 20
ISSUES_PER_BRANCH = 10


def _pad(text: str, width: int) -> str:
    """Left-justify to a terminal width, Chinese characters counting two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


BENCHMARK = SystemActor("benchmark")


class Command(BaseCommand):
    help = (
        "Build a synthetic district (default 20 offices × 25 branches, each office with a running campaign, confirmed targets, "
        "check-in lists, 五个一 records) in a test database and time the main pages."
    )

    def add_arguments(self, parser):
        parser.add_argument("--offices", type=int, default=20)
        parser.add_argument("--branches", type=int, default=25, help="branches per office")
        parser.add_argument(
            "--repeat", type=int, default=None, help="requests timed per page (default 5; with --ratios, 15 rounds)"
        )
        parser.add_argument(
            "--ratios",
            action="store_true",
            help="on the configured PostgreSQL database filled by generate_province: each page against hand-written "
            "SQL computing the same figures, and check-in POSTs against a bare JSON view",
        )
        parser.add_argument("--posts", type=int, default=50, help="check-in POSTs timed with --ratios")
        parser.add_argument(
            "--gunicorn",
            action="store_true",
            help="with --ratios: also compare check-in POSTs with the bare view over HTTP, both served by one "
            "gunicorn started on a free port against the same database",
        )
        parser.add_argument("--gunicorn-workers", type=int, default=1)
        parser.add_argument("--gunicorn-threads", type=int, default=2)
        parser.add_argument("--clients", type=int, default=1, help="with --gunicorn: connections POSTing at once")
        parser.add_argument(
            "--export",
            action="store_true",
            help="on the database generate_province filled: time the Excel table of every branch with its progress "
            "(as scale-province sees it) and its peak memory; with --ratios, after the pages",
        )
        parser.add_argument("--json", action="store_true", help="with --ratios: print the results as JSON")

    def handle(self, *args, offices, branches, repeat, **options):
        if options["ratios"]:
            return self._ratios(repeat or 15, options["posts"], options["json"], options)
        repeat = repeat or 5
        if options["export"]:
            return self._export(options["json"])
        setup_test_environment()
        # WhiteNoise warns once that collectstatic has not been run; the pages are served from the finders instead.
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        # Pages link static files by name: without collectstatic's manifest the production storage refuses every
        # page, so the benchmark uses the plain storage (the lookup costs the same).
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        old = setup_databases(verbosity=0, interactive=False)
        try:
            with override_settings(STORAGES=storages):
                self._run(offices, branches, repeat)
        finally:
            teardown_databases(old, verbosity=0)
            teardown_test_environment()

    def _export(self, as_json):
        from wuxing.portal import ratios

        if not User.objects.filter(username="scale-province").exists():
            raise CommandError("No generated province here: run generate_province first.")
        measure = ratios.measure_export(User.objects.get(username="scale-province"))
        if as_json:
            self.stdout.write(json.dumps(dataclasses.asdict(measure), indent=2))
        else:
            self._write_export(measure)

    def _write_export(self, m):
        self.stdout.write(
            f"Excel table of every branch: {m.rows} rows in {m.seconds:.1f} s ({m.queries} queries), "
            f"tracemalloc peak {m.peak_traced_mb:.1f} MB, max RSS growth {m.rss_growth_mb:.1f} MB, "
            f"file {m.file_mb:.1f} MB ({connection.vendor})"
        )

    def _ratios(self, repeat, posts, as_json, options):
        from wuxing.portal import ratios

        if connection.vendor != "postgresql":
            raise CommandError("--ratios runs on PostgreSQL (set DATABASE_URL) after generate_province.")
        if not User.objects.filter(username="scale-office").exists():
            raise CommandError("No generated province here: run generate_province --preset district first.")
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(STORAGES=storages, ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS]):
            ctx = ratios.context()
            results = ratios.measure_pages(ctx, repeat)
            throughput = ratios.measure_checkins(ctx, posts) if posts else None
        served = None
        if posts and options["gunicorn"]:
            served = ratios.measure_checkins_gunicorn(
                ctx,
                posts=max(posts, 100),
                workers=options["gunicorn_workers"],
                threads=options["gunicorn_threads"],
                clients=options["clients"],
            )
        export = ratios.measure_export(ctx["users"]["province"]) if options["export"] else None
        data = ratios.report(results, throughput, served, export)
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{data['branches']} branches, {connection.vendor}, {repeat} alternating rounds; load average "
            + " ".join(f"{x:.1f}" for x in os.getloadavg())
        )
        width = max([28, *(len(r.label) for r in results)])
        self.stdout.write(
            f"{'page':{width}} {'CPU ms':>8} {'SQL CPU':>8} {'page/SQL':>9}   {'wall ms':>8} {'SQL wall':>8} "
            f"{'page/SQL':>9} {'queries':>8} {'status':>7}"
        )
        self.stdout.write(f"{'':{width}} {'least CPU: process + backend':>27}   {'median wall':>27}")
        for r in results:
            mark = "" if r.clock == "cpu" else " (wall: the database is not on this machine)"
            self.stdout.write(
                f"{_pad(r.label, width)} {r.page_cpu_ms:8.1f} {r.sql_cpu_ms:8.2f} {r.ratio:9.1f}   {r.page_ms:8.1f} "
                f"{r.sql_ms:8.2f} {r.wall_ratio:9.1f} {r.queries:8d} {r.status:7d}{mark}"
            )
        for t in (throughput, served):
            if t:
                self.stdout.write(
                    f"check-in POST {t.checkin_per_s:.1f}/s, bare JSON view {t.bare_per_s:.1f}/s "
                    f"(ratio {t.ratio:.3f}, {t.where}, {t.posts} each)"
                )
        if export:
            self._write_export(export)

    def _step(self, text):
        self.stdout.write(text)
        self.stdout.flush()
        self._step_started = time.perf_counter()

    def _done(self, text=""):
        self.stdout.write(f"      {text}{' ' if text else ''}({time.perf_counter() - self._step_started:.2f} s)")

    def _run(self, offices, branches, repeat):

        started = time.perf_counter()
        data = self._build_org(offices, branches)
        self._build_campaigns(data)
        self._build_targets(data)
        self._build_checklists(data)
        self._build_liaison(data)
        self._build_showcase(data)
        self._build_rhythm(data)
        self._build_supervision(data)
        self._build_rating(data)
        self._build_participation(data)
        self.stdout.write(f"      data built in {time.perf_counter() - started:.2f} s")

        leader, office_leader = data["leader"], data["office_leader"]
        first_office, first_branch = data["offices"][0], data["branches"][data["offices"][0].pk][0]
        progress, dashboard, tracker = (
            reverse("checklists:progress_table"),
            reverse("checklists:dashboard"),
            reverse("liaison:tracker"),
        )
        board = reverse("checklists_public:board", args=[first_office.code])
        branch_page = reverse("portal:branch_detail", args=[first_branch.pk])
        ranking = reverse("supervision:observation_detail", args=[data["observation"].pk])
        evaluation = reverse("supervision:evaluation_detail", args=[data["evaluation"].pk])
        overdue, by_branch = reverse("supervision:overdue_board"), reverse("supervision:board")
        cases = [
            ("district leader: branch list", leader, "/org/branches/"),
            ("district leader: API branches (limit 500)", leader, "/api/v1/branches/?limit=500"),
            ("district leader: overview", leader, "/"),
            ("district leader: targets", leader, "/targets/"),
            ("district leader: progress table", leader, progress),
            ("district leader: dashboard", leader, dashboard),
            ("district leader: 五个一 tracker", leader, tracker),
            ("office leader: overview", office_leader, "/"),
            ("office leader: branch list", office_leader, "/org/branches/"),
            ("office leader: departments", office_leader, "/org/departments/"),
            ("office leader: targets", office_leader, "/targets/"),
            ("office leader: progress table", office_leader, progress),
            ("office leader: dashboard", office_leader, dashboard),
            ("office leader: 五个一 tracker", office_leader, tracker),
            ("office leader: branch page", office_leader, branch_page),
            ("office leader: daily digest", office_leader, f"{reverse('rhythm:digest')}?day={data['rhythm_day']}"),
            (
                "office leader: weekly agenda",
                office_leader,
                f"{reverse('rhythm:week_agenda')}?week={data['rhythm_week']}",
            ),
            ("office leader: weekly meeting", office_leader, reverse("rhythm:meeting_detail", args=[data["meeting"]])),
            ("office leader: observation ranking", office_leader, ranking),
            ("office leader: evaluation ranking", office_leader, evaluation),
            ("office leader: overdue board", office_leader, overdue),
            ("office leader: board per branch", office_leader, by_branch),
            ("district leader: overdue board", leader, overdue),
            ("district leader: board per inspector", leader, f"{by_branch}?by=inspector"),
            ("district leader: API evaluations", leader, "/api/v1/evaluations/?limit=50"),
            ("anonymous: public board", None, board),
            ("district leader: rating readiness matrix", leader, reverse("rating:readiness")),
            ("district leader: rating district summary", leader, reverse("rating:district_summary")),
            ("city leader: rating city summary", data["city_leader"], reverse("rating:city_summary")),
            (
                "city leader: rating district summary (drill-down)",
                data["city_leader"],
                f"{reverse('rating:district_summary')}?district={data['district'].pk}",
            ),
            (
                "anonymous: district rating announcement",
                None,
                reverse("rating_public:district_announcement", args=[data["district"].code]),
            ),
            ("district leader: summary across offices", leader, reverse("portal:summary")),
            ("district leader: API summary", leader, "/api/v1/summary/?level=office"),
            ("district leader: command screen", leader, reverse("portal:screen")),
            ("office leader: command screen", office_leader, reverse("portal:screen")),
            ("office leader: rating readiness matrix", office_leader, reverse("rating:readiness")),
            ("office leader: ratings", office_leader, reverse("rating:home")),
            ("office leader: residents' work orders", office_leader, reverse("participation:issue_list")),
            ("office leader: residents' issue figures", office_leader, reverse("participation:figures")),
            ("district leader: residents' issue figures", leader, reverse("participation:figures")),
            ("district leader: API work-order figures", leader, "/api/v1/work-orders/figures/"),
            (
                "anonymous: residents' issue board",
                None,
                reverse("participation_public:board", args=[first_office.code]),
            ),
        ]
        self.stdout.write(f"[10/11] timing {len(cases)} pages × {repeat} …")
        results = []
        for label, user, url in cases:
            client = Client()
            if user is not None:
                client.force_login(user)
            client.get(url)  # warm caches and the session
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            # Queries and peak memory from one more request (tracing slows it, so it is not timed).
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                tracemalloc.start()
                client.get(url)
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
            results.append(
                (
                    label,
                    statistics.median(times),
                    max(times),
                    len(queries.captured_queries),
                    peak / 1024 / 1024,
                    len(response.content) / 1024,
                )
            )
            self.stdout.write(f"      {label}: {statistics.median(times):.1f} ms")
        self.stdout.write(f"[11/11] results ({offices} offices × {branches} branches, {connection.vendor})")
        self.stdout.write(f"{'page':45} {'median ms':>10} {'max ms':>8} {'queries':>8} {'peak MiB':>9} {'KiB':>7}")
        for label, median, worst, queries, peak, size in results:
            self.stdout.write(f"{_pad(label, 45)} {median:10.1f} {worst:8.1f} {queries:8d} {peak:9.1f} {size:7.1f}")

    # --- synthetic data ----------------------------------------------------------------------------------
    # Rows are written with bulk_create, not through the services (they audit every row and are slow), but
    # filled the way the services fill them, cached figures included, so every page reads valid data.

    def _build_org(self, offices, branches):

        self._step(f"[1/11] organisation: {offices} offices × {branches} branches …")
        province = OrgUnit.objects.create(
            code="B41", name="基准省", level=UnitLevel.PROVINCE, path=unit_path(None, "B41")
        )
        city = OrgUnit.objects.create(
            code="B4101", name="基准市", level=UnitLevel.CITY, parent=province, path=unit_path(province.path, "B4101")
        )
        district = OrgUnit.objects.create(
            code="B410101", name="基准区", level=UnitLevel.DISTRICT, parent=city, path=unit_path(city.path, "B410101")
        )
        kinds = [BranchKind.URBAN_COMMUNITY, BranchKind.RURAL_VILLAGE, BranchKind.RESETTLEMENT_VILLAGE]
        data = {"offices": [], "branches": {}, "assignments": {}, "leaders": {}}
        for o in range(offices):
            code = f"B410101{o:02d}"
            office = OrgUnit.objects.create(
                code=code,
                name=f"基准街道{o}",
                level=UnitLevel.OFFICE,
                parent=district,
                path=unit_path(district.path, code),
            )
            depts = Department.objects.bulk_create(
                Department(office=office, code=f"D{d}", name=f"部门{d}") for d in range(7)
            )
            created = Branch.objects.bulk_create(
                Branch(
                    office=office,
                    code=f"{code}{b:03d}",
                    name=f"支部{o}-{b}",
                    kind=kinds[b % 3],
                    star_set="urban" if b % 3 == 0 else "rural",
                )
                for b in range(branches)
            )
            data["offices"].append(office)
            data["branches"][office.pk] = created
            data["assignments"][office.pk] = Assignment.objects.bulk_create(
                Assignment(branch=br, department=depts[i % 7]) for i, br in enumerate(created)
            )
            data["leaders"][office.pk] = Person.objects.bulk_create(
                Person(office=office, name=f"领导{o}-{p}", position="党工委委员", is_leader=True) for p in range(2)
            )
            if (o + 1) % 5 == 0:
                self.stdout.write(f"      {o + 1}/{offices} offices")
        leader = User.objects.create_user("bench-district", password="Bench-pass-2026")
        RoleAssignment.objects.create(user=leader, role=Role.OFFICE_LEADER, unit=district)
        office_leader = User.objects.create_user("bench-office", password="Bench-pass-2026")
        RoleAssignment.objects.create(user=office_leader, role=Role.OFFICE_LEADER, unit=data["offices"][0])
        city_leader = User.objects.create_user("bench-city", password="Bench-pass-2026")
        RoleAssignment.objects.create(user=city_leader, role=Role.OFFICE_LEADER, unit=city)
        data.update(leader=leader, office_leader=office_leader, city_leader=city_leader, district=district)
        self._done()
        return data

    def _build_campaigns(self, data):

        self._step("[2/11] standard and campaigns …")
        text = (Path(settings.BASE_DIR) / "standards" / "data" / "example-standard.yaml").read_text(encoding="utf-8")
        standard = standard_load(actor=BENCHMARK, text=text)
        stars = {}
        for star in (
            Star.objects.filter(standard=standard).prefetch_related("indicators").order_by("star_set", "position")
        ):
            stars.setdefault(star.star_set, []).append(star)
        campaigns = Campaign.objects.bulk_create(
            Campaign(
                office=office,
                year=YEAR,
                name=f"{office.name}{YEAR}年五星支部创建",
                standard=standard,
                status=CampaignStatus.RUNNING,
            )
            for office in data["offices"]
        )
        data.update(standard=standard, stars=stars, campaigns={c.office_id: c for c in campaigns})
        self._done(f"{len(campaigns)} campaigns")

    def _build_targets(self, data):

        self._step("[3/11] confirmed targets and quotas …")
        now = timezone.now()
        targets, quotas, links = [], [], []
        data["targeted"] = {}
        for office in data["offices"]:
            campaign = data["campaigns"][office.pk]
            per_level = Counter()
            for b, branch in enumerate(data["branches"][office.pk]):
                level = 3 + b % 3  # 3–5 stars, always from the first (支部过硬, which the others require)
                chosen = data["stars"][branch.star_set][:level]
                data["targeted"][branch.pk] = chosen
                per_level[level] += 1
                targets.append(
                    Target(
                        campaign=campaign,
                        branch=branch,
                        level=level,
                        status=TargetStatus.CONFIRMED,
                        reason="基准数据",
                        submitted_at=now,
                        agreed_at=now,
                        confirmed_at=now,
                    )
                )
            quotas.extend(Quota(campaign=campaign, level=level, count=count) for level, count in per_level.items())
        targets = Target.objects.bulk_create(targets, batch_size=BATCH)
        Quota.objects.bulk_create(quotas, batch_size=BATCH)
        for target in targets:
            links.extend(
                Target.stars.through(target_id=target.pk, star_id=star.pk)
                for star in data["targeted"][target.branch_id]
            )
        Target.stars.through.objects.bulk_create(links, batch_size=BATCH)
        self._done(f"{len(targets)} targets, {len(links)} target stars, {len(quotas)} quotas")

    def _build_checklists(self, data):

        self._step(f"[4/11] check-in lists ({ITEMS_PER_BRANCH} items per branch) and check-ins …")
        items = []
        for office in data["offices"]:
            campaign = data["campaigns"][office.pk]
            for b, branch in enumerate(data["branches"][office.pk]):
                indicators = [ind for star in data["targeted"][branch.pk] for ind in star.indicators.all()]
                used = set()
                for i in range(ITEMS_PER_BRANCH):
                    ind = indicators[(b + i * 3) % len(indicators)]
                    # An indicator used a second time (few stars, few indicators) is a hand-entered item of its own.
                    generated = ind.pk not in used
                    used.add(ind.pk)
                    quantitative = ind.kind == ItemKind.QUANTITATIVE
                    items.append(
                        ChecklistItem(
                            campaign=campaign,
                            branch=branch,
                            star=ind.star,
                            indicator=ind,
                            title=ind.text[:200],
                            kind=ItemKind.QUANTITATIVE if quantitative else ItemKind.YES_NO,
                            start_value=Decimal("0"),
                            target_value=(ind.threshold or Decimal("10")) if quantitative else None,
                            unit=ind.unit,
                            weight=ind.weight,
                            start_date=date(YEAR, 1, 1),
                            # A few fall due mid-year, so the dashboard has overdue items to list.
                            due_date=date(YEAR, 6, 30) if i == 0 else date(YEAR, 12, 31),
                            source=ItemSource.INDICATOR if generated else ItemSource.MANUAL,
                            source_key=f"indicator:{ind.code}" if generated else "",
                        )
                    )
        items = ChecklistItem.objects.bulk_create(items, batch_size=BATCH)
        # Check-ins on about half the items (two on some); the item keeps the latest as its cached figure,
        # as checklists.services.checkin_record does.
        checkins = []
        for n, item in enumerate(items):
            if n % 2:
                continue
            days = [date(YEAR, 3, 15), date(YEAR, 9, 15)] if n % 4 == 0 else [date(YEAR, 5, 20)]
            for k, day in enumerate(days, start=1):
                if item.kind == ItemKind.QUANTITATIVE:
                    value = (item.target_value * k / (len(days) + 1)).quantize(Decimal("0.01"))
                    checkins.append(CheckIn(item=item, value=value, effective_on=day, recorded_by_name="基准"))
                    item.current_value, item.done = value, False
                else:
                    checkins.append(CheckIn(item=item, done=k == len(days), effective_on=day, recorded_by_name="基准"))
                    item.current_value, item.done = None, k == len(days)
                item.last_checkin_on = day
        CheckIn.objects.bulk_create(checkins, batch_size=BATCH)
        ChecklistItem.objects.bulk_update(
            [i for i in items if i.last_checkin_on], ["current_value", "done", "last_checkin_on"], batch_size=BATCH
        )
        self._done(f"{len(items)} items, {len(checkins)} check-ins")

    def _build_liaison(self, data):

        self._step(f"[5/11] campaign assignments and {ACTIVITIES_PER_ASSIGNMENT} 五个一 activities each …")
        rows = CampaignAssignment.objects.bulk_create(
            (
                CampaignAssignment(
                    campaign=data["campaigns"][office.pk],
                    assignment=a,
                    pledged_people=2,
                    pledged_funds=Decimal("5"),
                    delivered_people=1,
                    delivered_funds=Decimal("2"),
                )
                for office in data["offices"]
                for a in data["assignments"][office.pk]
            ),
            batch_size=BATCH,
        )
        kinds = list(ActivityKind.values)
        activities = Activity.objects.bulk_create(
            (
                Activity(
                    campaign_assignment=row,
                    kind=kinds[(n + k) % len(kinds)],
                    held_on=date(YEAR, 2 + k, 10),
                    participants="部门干部、支部委员",
                )
                for n, row in enumerate(rows)
                for k in range(ACTIVITIES_PER_ASSIGNMENT)
            ),
            batch_size=BATCH,
        )
        self._done(f"{len(rows)} assignments, {len(activities)} activities")

    def _build_rhythm(self, data):

        self._step(f"[7/11] daily reports of the last {RHYTHM_DAYS} working days, help requests, weekly meetings …")
        last = rhythm_rules.last_working_day(min(timezone.localdate(), date(YEAR, 12, 31)))
        days = [d for d in rhythm_rules.working_days(date(YEAR, 1, 1), last)][-RHYTHM_DAYS:]
        now = timezone.now()
        reports, helps = [], []
        for office in data["offices"]:
            campaign = data["campaigns"][office.pk]
            for b, branch in enumerate(data["branches"][office.pk]):
                for d, day in enumerate(days):
                    if (b + d) % 11 == 0:
                        continue  # missing
                    at = timezone.make_aware(datetime.combine(day, time_of_day(19 if (b * d) % 7 == 0 else 16)))
                    reports.append(
                        DailyReport(
                            campaign=campaign,
                            branch=branch,
                            day=day,
                            status="late" if (b * d) % 7 == 0 else "on_time",
                            progress="基准进展",
                            problems="基准问题" if b % 5 == 0 else "",
                            submitted_at=at,
                            updated_at=at,
                        )
                    )
                if b % 4 == 0:
                    helps.append(HelpRequest(campaign=campaign, branch=branch, text="基准求助", created_at=now))
        DailyReport.objects.bulk_create(reports, batch_size=BATCH)
        HelpRequest.objects.bulk_create(helps, batch_size=BATCH)
        office = data["offices"][0]
        campaign = data["campaigns"][office.pk]
        department = Department.objects.filter(office=office).order_by("code").first()
        meetings = Meeting.objects.bulk_create(
            Meeting(campaign=campaign, kind="weekly", title="周例会", held_on=day, held=True)
            for day in sorted({rhythm_rules.week_start(d) for d in days})
        )
        Action.objects.bulk_create(
            Action(
                campaign=campaign,
                meeting=m,
                title=f"督办事项{m.pk}-{k}",
                owner_department=department,
                branch=data["branches"][office.pk][k],
                due_on=m.held_on,
            )
            for m in meetings
            for k in range(5)
        )
        data.update(
            rhythm_day=last.isoformat(), rhythm_week=rhythm_rules.week_start(last).isoformat(), meeting=meetings[-1].pk
        )
        self._done(f"{len(reports)} reports, {len(helps)} help requests, {len(meetings)} meetings")

    def _build_supervision(self, data):

        self._step(
            f"[8/11] supervision: an observation of every branch by {OBSERVERS} observers, an evaluation and "
            f"{RECTIFICATIONS_PER_BRANCH} rectifications per branch (half overdue) in every office …"
        )
        observers = User.objects.bulk_create(
            User(username=f"bench-observer-{i}", password="!") for i in range(OBSERVERS)
        )
        today = timezone.localdate()
        cards = rows = rects = 0
        for o, office in enumerate(data["offices"]):
            campaign, branches = data["campaigns"][office.pk], data["branches"][office.pk]
            sheet = ScoreSheet.objects.create(office=office, version=1, name="评分表")
            Criterion.objects.bulk_create(
                Criterion(sheet=sheet, position=i + 1, text=f"评分项{i + 1}", max_points=20) for i in range(5)
            )
            observation = Observation.objects.create(
                campaign=campaign, title="观摩", held_on=date(YEAR, 5, 15), sheet=sheet
            )
            RouteStop.objects.bulk_create(
                RouteStop(observation=observation, position=i + 1, branch=b) for i, b in enumerate(branches)
            )
            Observer.objects.bulk_create(Observer(observation=observation, user=u) for u in observers)
            cards += len(
                ScoreCard.objects.bulk_create(
                    (
                        ScoreCard(
                            observation=observation,
                            branch=b,
                            observer=u,
                            total=Decimal(60 + (i * 7 + k * 3) % 40),
                            submitted_at=timezone.now(),
                        )
                        for i, b in enumerate(branches)
                        for k, u in enumerate(observers)
                    ),
                    batch_size=BATCH,
                )
            )
            evaluation = Evaluation.objects.create(
                campaign=campaign,
                quarter=2,
                title="第二季度评比",
                weights={"observation": "50", "checklist": "50"},
                computed_at=timezone.now(),
            )
            scores = [Decimal(50 + (i * 13) % 50) for i in range(len(branches))]
            ranks = competition_ranks(scores)
            boards = compute_boards(ranks, top=3, bottom=3)
            rows += len(
                EvaluationRow.objects.bulk_create(
                    EvaluationRow(
                        evaluation=evaluation,
                        branch=b,
                        observation=scores[i],
                        checklist=scores[i],
                        score=scores[i],
                        rank=ranks[i],
                        board=boards[i],
                        missing=["punctuality", "rectification", "satisfaction"],
                    )
                    for i, b in enumerate(branches)
                )
            )
            inspection = Inspection.objects.create(
                campaign=campaign, mode="field_check", held_on=date(YEAR, 4, 1), title="实地查验"
            )
            inspection.inspectors.set(data["leaders"][office.pk])
            inspection.branches.set(branches)
            findings = Finding.objects.bulk_create(
                Finding(
                    campaign=campaign,
                    inspection=inspection,
                    branch=b,
                    category=["progress", "effect", "cause", "responsibility"][(i + k) % 4],
                    description="基准问题",
                    found_on=date(YEAR, 4, 1),
                )
                for i, b in enumerate(branches)
                for k in range(RECTIFICATIONS_PER_BRANCH)
            )
            rects += len(
                Rectification.objects.bulk_create(
                    Rectification(
                        finding=f,
                        task="基准整改",
                        due_on=today - timedelta(days=10) if n % 2 else today + timedelta(days=10),
                        state=["open", "in_progress", "submitted", "returned"][n % 4],
                        leader=data["leaders"][office.pk][n % 2],
                    )
                    for n, f in enumerate(findings)
                )
            )
            if o == 0:
                data.update(observation=observation, evaluation=evaluation)
        self._done(f"{cards} score cards, {rows} evaluation rows, {rects} rectifications")

    def _build_rating(self, data):

        self._step("[9/11] ratings: every branch, its stars at every stage …")
        stages = [StarState.DRAFT, StarState.CLAIMED, StarState.OFFICE_PASSED, StarState.DISTRICT_PASSED]
        ratings = Rating.objects.bulk_create(
            Rating(campaign=data["campaigns"][office.pk], branch=branch)
            for office in data["offices"]
            for branch in data["branches"][office.pk]
        )
        RatingStar.objects.bulk_create(
            RatingStar(rating=rating, star=star, claimed=i % 4 != 0, state=stages[(rating.pk + i) % 4])
            for rating in ratings
            for i, star in enumerate(data["stars"][rating.branch.star_set])
        )
        self._done(f"{len(ratings)} ratings")

    def _build_participation(self, data):

        self._step(f"[9/11] residents' issues: {ISSUES_PER_BRANCH} per branch in every state …")
        states = ["received", "dispatched", "answered", "closed", "closed", "closed", "closed", "rejected"]
        now = timezone.now()
        rows = []
        for office in data["offices"]:
            categories = IssueCategory.objects.bulk_create(
                IssueCategory(office=office, code=f"c{i}", name=f"类别{i}", due_days=3, sort_order=i) for i in range(6)
            )
            for b, branch in enumerate(data["branches"][office.pk]):
                for i in range(ISSUES_PER_BRANCH):
                    state = states[(b + i) % len(states)]
                    received = now - timedelta(days=20 + i, hours=b % 24)
                    handled = state in ("dispatched", "answered", "closed")
                    rows.append(
                        Issue(
                            campaign=data["campaigns"][office.pk],
                            office=office,
                            tracking_code=new_tracking_code(),
                            category=categories[(b + i) % 6],
                            description="基准问题",
                            branch=branch,
                            phone="13900000000",
                            state=state,
                            received_at=received,
                            dispatched_at=received + timedelta(hours=2) if handled else None,
                            due_on=(received + timedelta(days=4)).date() if handled else None,
                            answered_at=received + timedelta(days=2 + i % 4)
                            if state in ("answered", "closed")
                            else None,
                            answer="基准答复" if state in ("answered", "closed") else "",
                            closed_at=received + timedelta(days=3 + i % 4) if state in ("closed", "rejected") else None,
                            satisfaction=("satisfied" if i % 5 else "not_satisfied") if state == "closed" else "",
                        )
                    )
        Issue.objects.bulk_create(rows, batch_size=BATCH)
        self._done(f"{len(rows)} issues")

    def _build_showcase(self, data):

        self._step("[6/11] one demonstration site in the first office …")
        office = data["offices"][0]
        campaign, branch = data["campaigns"][office.pk], data["branches"][office.pk][0]
        site = site_claim(
            actor=BENCHMARK,
            campaign=campaign,
            branch=branch,
            leader=data["leaders"][office.pk][0],
            feature="基准特色",
            claimed_on=date(YEAR, 2, 1),
        )
        kind = ProjectKind.objects.filter(office=office).order_by("sort_order").first()
        project = FeatureProject.objects.create(
            site=site, kind=kind, title="基准项目", started_on=date(YEAR, 2, 1), due_on=date(YEAR, 12, 1)
        )
        Milestone.objects.bulk_create(
            [
                Milestone(
                    project=project, title="启动", due_on=date(YEAR, 3, 1), done_on=date(YEAR, 3, 1), sort_order=1
                ),
                Milestone(project=project, title="完成", due_on=date(YEAR, 12, 1), sort_order=2),
            ]
        )
        self._done()
