"""Measure page speed, query counts and memory at district scale, on a throw-away test database."""

import statistics
import time
import tracemalloc

from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_databases, setup_test_environment, teardown_databases, teardown_test_environment


class Command(BaseCommand):
    help = "Build a synthetic district (default 20 offices × 25 branches) in a test database and time the main pages."

    def add_arguments(self, parser):
        parser.add_argument("--offices", type=int, default=20)
        parser.add_argument("--branches", type=int, default=25, help="branches per office")
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, offices, branches, repeat, **options):
        setup_test_environment()
        old = setup_databases(verbosity=0, interactive=False)
        try:
            self._run(offices, branches, repeat)
        finally:
            teardown_databases(old, verbosity=0)
            teardown_test_environment()

    def _run(self, offices, branches, repeat):
        from wuxing.core.roles import Role
        from wuxing.org.choices import BranchKind, UnitLevel
        from wuxing.org.models import Assignment, Branch, Department, OrgUnit, RoleAssignment, User
        from wuxing.org.rules import unit_path

        self.stdout.write(f"[1/3] building {offices} offices × {branches} branches …")
        started = time.perf_counter()
        province = OrgUnit.objects.create(code="B41", name="基准省", level=UnitLevel.PROVINCE, path=unit_path(None, "B41"))
        city = OrgUnit.objects.create(code="B4101", name="基准市", level=UnitLevel.CITY, parent=province, path=unit_path(province.path, "B4101"))
        district = OrgUnit.objects.create(code="B410101", name="基准区", level=UnitLevel.DISTRICT, parent=city, path=unit_path(city.path, "B410101"))
        kinds = [BranchKind.URBAN_COMMUNITY, BranchKind.RURAL_VILLAGE, BranchKind.RESETTLEMENT_VILLAGE]
        first_office = None
        for o in range(offices):
            code = f"B410101{o:02d}"
            office = OrgUnit.objects.create(code=code, name=f"基准街道{o}", level=UnitLevel.OFFICE, parent=district, path=unit_path(district.path, code))
            first_office = first_office or office
            depts = Department.objects.bulk_create(Department(office=office, code=f"D{d}", name=f"部门{d}") for d in range(7))
            created = Branch.objects.bulk_create(
                Branch(office=office, code=f"{code}{b:03d}", name=f"支部{o}-{b}", kind=kinds[b % 3], star_set="urban" if b % 3 == 0 else "rural") for b in range(branches)
            )
            Assignment.objects.bulk_create(Assignment(branch=br, department=depts[i % 7]) for i, br in enumerate(created))
            if (o + 1) % 5 == 0:
                self.stdout.write(f"      {o + 1}/{offices} offices")
        leader = User.objects.create_user("bench-district", password="Bench-pass-2026")
        RoleAssignment.objects.create(user=leader, role=Role.OFFICE_LEADER, unit=district)
        office_leader = User.objects.create_user("bench-office", password="Bench-pass-2026")
        RoleAssignment.objects.create(user=office_leader, role=Role.OFFICE_LEADER, unit=first_office)
        self.stdout.write(f"      built in {time.perf_counter() - started:.2f} s")

        self.stdout.write("[2/3] timing pages …")
        cases = [
            ("district leader: branch list", leader, "/org/branches/"),
            ("district leader: API branches (limit 500)", leader, "/api/v1/branches/?limit=500"),
            ("office leader: overview", office_leader, "/"),
            ("office leader: branch list", office_leader, "/org/branches/"),
            ("office leader: departments", office_leader, "/org/departments/"),
        ]
        results = []
        for label, user, url in cases:
            client = Client()
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
            results.append((label, statistics.median(times), max(times), len(queries.captured_queries), peak / 1024 / 1024, len(response.content) / 1024))
        self.stdout.write("[3/3] results")
        self.stdout.write(f"{'page':45} {'median ms':>10} {'max ms':>8} {'queries':>8} {'peak MiB':>9} {'KiB':>7}")
        for label, median, worst, queries, peak, size in results:
            self.stdout.write(f"{label:45} {median:10.1f} {worst:8.1f} {queries:8d} {peak:9.1f} {size:7.1f}")
