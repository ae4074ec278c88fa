"""A synthetic province for measuring the product at scale (`manage.py generate_province`).

The tree is province → cities → districts → offices → branches; every office gets a running campaign of the
current year with quotas and confirmed targets, check-in lists (ITEMS_PER_BRANCH items a branch) with a year of
check-ins, 五个一 records, daily reports of the last working days and ratings. Rows are written the way the
services fill them (the items' cached figures included) but not through the services: on PostgreSQL with COPY
(psycopg 3, `cursor.copy`), elsewhere with bulk_create (small presets only).

Work is done in batches of offices, each in one transaction; an office whose campaign exists is done, so a run
that was stopped continues where it stopped and a second run adds nothing. Each batch (and each chunk of branches)
moves its offices' figures version on in its transaction (`org.figures.office_figures_changed`), as the services
do, so figures cached before it (a summary read while a stopped run had built the tree only) are not read again.
"""

import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
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
from wuxing.org.figures import office_figures_changed
from wuxing.org.models import (
    Assignment,
    Branch,
    Department,
    FiguresVersion,
    OrgUnit,
    Person,
    RoleAssignment,
    User,
)
from wuxing.org.rules import unit_path
from wuxing.rating.choices import StarState
from wuxing.rating.models import Rating, RatingStar
from wuxing.rhythm import rules as rhythm_rules
from wuxing.rhythm.models import DailyReport
from wuxing.standards.fileformat import parse_standard, standard_load
from wuxing.standards.models import Standard, Star
from wuxing.targets.choices import TargetStatus
from wuxing.targets.models import Target

GENERATOR = SystemActor("generate_province")
ITEMS_PER_BRANCH = 8
DEPARTMENTS = 7
ACTIVITIES_PER_ASSIGNMENT = 2
RHYTHM_DAYS = 10
PASSWORD = "Scale-pass-2026"
ROOT = "G41"


@dataclass(frozen=True)
class Preset:
    cities: int
    districts: int  # per city
    offices: int  # per district
    branches: int  # per office
    checkins: int  # per item, on average

    @property
    def total_offices(self) -> int:
        return self.cities * self.districts * self.offices

    @property
    def total_branches(self) -> int:
        return self.total_offices * self.branches


# Henan: 18 cities, ~160 districts, ~2,500 offices, ~50,000 branches; 8 items × ~25 check-ins a branch ≈ 10 M rows.
PRESETS = {
    "office": Preset(cities=1, districts=1, offices=1, branches=20, checkins=25),
    "ci": Preset(cities=1, districts=1, offices=4, branches=20, checkins=25),
    "district": Preset(cities=1, districts=1, offices=16, branches=20, checkins=25),
    "city": Preset(cities=1, districts=9, offices=16, branches=20, checkins=25),
    "province": Preset(cities=18, districts=9, offices=16, branches=20, checkins=25),
}


# --- writing ---------------------------------------------------------------------------------------------


class Writer:
    """Rows as tuples of attnames, ids chosen here so children can point at them before the parents are read
    back. COPY on PostgreSQL; bulk_create elsewhere. Columns left out take the field's default."""

    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self.now = timezone.now()
        self.rows = Counter()

    def next_id(self, model) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(model._meta.db_table)}")
            return cursor.fetchone()[0] + 1

    def _tail(self, model, columns):
        """The columns not given and their constant values (defaults, auto_now times)."""
        names, values = [], []
        for f in model._meta.concrete_fields:
            if f.attname in columns or f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = self.now
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif f.blank and f.get_internal_type() in ("CharField", "TextField"):
                value = ""
            elif f.has_db_default():
                continue
            else:
                raise ValueError(f"{model.__name__}.{f.attname} needs a value")
            names.append(f.attname)
            values.append(f.get_db_prep_save(value, connection) if self.pg else value)
        return names, tuple(values)

    def write(self, model, columns, rows) -> int:
        columns = list(columns)
        names, tail = self._tail(model, set(columns))
        count = 0
        if self.pg:
            fields = {f.attname: f.column for f in model._meta.concrete_fields}
            cols = ", ".join(connection.ops.quote_name(fields[c]) for c in columns + names)
            table = connection.ops.quote_name(model._meta.db_table)
            with connection.cursor() as cursor:
                with cursor.connection.cursor().copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + tail)
                        count += 1
        else:
            batch = []
            for row in rows:
                batch.append(model(**dict(zip(columns + names, row + tail))))
                if len(batch) >= 500:
                    model.objects.bulk_create(batch)
                    count += len(batch)
                    batch = []
            model.objects.bulk_create(batch)
            count += len(batch)
        self.rows[model._meta.label] += count
        return count

    def fix_sequences(self, models_):
        if not self.pg:
            return
        with connection.cursor() as cursor:
            for model in models_:
                table = model._meta.db_table
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}), 1))",
                    [table],
                )


OFFICE_MODELS = [
    Department,
    Person,
    Assignment,
    Campaign,
    Quota,
    Target,
    Target.stars.through,
    ChecklistItem,
    CheckIn,
    CampaignAssignment,
    Activity,
    DailyReport,
    Rating,
    RatingStar,
]


# --- the data ------------------------------------------------------------------------------------------


def _units(preset: Preset):
    """(code, name, level, parent code) of every unit, parents first."""
    yield ROOT, "合成省", UnitLevel.PROVINCE, None
    for c in range(preset.cities):
        city = f"{ROOT}{c + 1:02d}"
        yield city, f"合成市{c + 1}", UnitLevel.CITY, ROOT
        for d in range(preset.districts):
            district = f"{city}{d + 1:02d}"
            yield district, f"合成区{c + 1}-{d + 1}", UnitLevel.DISTRICT, city
            for o in range(preset.offices):
                yield f"{district}{o + 1:03d}", f"合成街道{c + 1}-{d + 1}-{o + 1}", UnitLevel.OFFICE, district


def _standard():
    text = (Path(settings.BASE_DIR) / "standards" / "data" / "example-standard.yaml").read_text(encoding="utf-8")
    data = parse_standard(text)
    standard = Standard.objects.filter(code=data["code"], version=data["version"]).first()
    if standard is None:
        standard = standard_load(actor=GENERATOR, text=text)
    stars = {}
    for star in Star.objects.filter(standard=standard).prefetch_related("indicators").order_by("star_set", "position"):
        stars.setdefault(star.star_set, []).append(star)
    return standard, stars


class Generator:
    def __init__(self, preset: Preset, *, year: int | None = None, today: date | None = None, say=print):
        self.preset = preset
        self.today = today or timezone.localdate()
        self.year = year or self.today.year
        self.say = say
        self.w = Writer()

    # the tree ---------------------------------------------------------------------------------------

    def build_tree(self) -> list[OrgUnit]:
        existing = dict(OrgUnit.objects.filter(path__startswith=f"/{ROOT}/").values_list("code", "path"))
        ids = dict(OrgUnit.objects.filter(code__in=existing).values_list("code", "pk"))
        missing = [u for u in _units(self.preset) if u[0] not in existing]
        with transaction.atomic():
            for code, name, level, parent in missing:
                unit = OrgUnit.objects.create(
                    code=code,
                    name=name,
                    level=level,
                    parent_id=ids.get(parent),
                    path=unit_path(existing.get(parent), code),
                )
                ids[code], existing[code] = unit.pk, unit.path
        wanted = [u[0] for u in _units(self.preset) if u[2] == UnitLevel.OFFICE]
        return list(OrgUnit.objects.filter(code__in=wanted).order_by("path"))

    def build_branches(self, offices):
        have = set(Branch.objects.filter(office__in=offices).values_list("office_id", flat=True).distinct())
        todo = [o for o in offices if o.pk not in have]
        kinds = [BranchKind.URBAN_COMMUNITY, BranchKind.RURAL_VILLAGE, BranchKind.RESETTLEMENT_VILLAGE]
        for start in range(0, len(todo), 200):
            chunk = todo[start : start + 200]
            with transaction.atomic():
                self.w.write(
                    Branch,
                    ["office_id", "code", "name", "kind", "star_set", "sort_order", "party_members", "households"],
                    (
                        (
                            office.pk,
                            f"{office.code}{b + 1:03d}",
                            f"{office.name}支部{b + 1}",
                            kinds[b % 3],
                            "urban" if b % 3 == 0 else "rural",
                            b + 1,
                            20 + b % 30,
                            300 + 7 * b,
                        )
                        for office in chunk
                        for b in range(self.preset.branches)
                    ),
                )
                office_figures_changed(*(o.pk for o in chunk))  # the summaries count the branches
        self.w.fix_sequences([Branch])

    def build_users(self, offices) -> dict[str, User]:
        """One office leader at each level, on the first unit of the level (the benchmark signs in as them)."""
        first = offices[0]
        district = first.parent
        units = {"office": first, "district": district, "city": district.parent, "province": district.parent.parent}
        users = {}
        for level, unit in units.items():
            user, created = User.objects.get_or_create(username=f"scale-{level}")
            if created:
                user.set_password(PASSWORD)
                user.save(update_fields=["password"])
            RoleAssignment.objects.get_or_create(user=user, role=Role.OFFICE_LEADER, unit=unit, branch=None)
            users[level] = user
        return users

    # one batch of offices -------------------------------------------------------------------------

    def pending(self, offices):
        done = set(Campaign.objects.filter(office__in=offices, year=self.year).values_list("office_id", flat=True))
        return [o for o in offices if o.pk not in done]

    def build_offices(self, offices, standard, stars):
        """Everything below the office, for a batch of offices, in one transaction."""
        w, year, today = self.w, self.year, self.today
        branches = {}
        for pk, office_id, star_set in (
            Branch.objects.filter(office__in=offices)
            .order_by("office_id", "sort_order", "code")
            .values_list("pk", "office_id", "star_set")
        ):
            branches.setdefault(office_id, []).append((pk, star_set))
        with transaction.atomic():
            ids = {m: w.next_id(m) for m in OFFICE_MODELS}

            def take(model, n=1):
                first = ids[model]
                ids[model] += n
                return first

            dept_rows, person_rows, assign_rows, campaign_rows, quota_rows = [], [], [], [], []
            target_rows, link_rows, item_rows, checkin_rows, ca_rows, act_rows, report_rows = [], [], [], [], [], [], []
            rating_rows, rstar_rows = [], []
            year_start = date(year, 1, 1)
            last_day = min(today, date(year, 12, 31))
            span = max((last_day - year_start).days, 1)
            working = list(rhythm_rules.working_days(year_start, rhythm_rules.last_working_day(last_day)))
            report_days = working[-RHYTHM_DAYS:]
            kinds = list(ActivityKind.values)
            stages = [StarState.DRAFT, StarState.CLAIMED, StarState.OFFICE_PASSED, StarState.DISTRICT_PASSED]
            for office in offices:
                depts = [take(Department) for _ in range(DEPARTMENTS)]
                dept_rows += [(d, office.pk, f"D{i + 1}", f"部门{i + 1}") for i, d in enumerate(depts)]
                leaders = [take(Person) for _ in range(2)]
                person_rows += [(p, office.pk, f"领导{i + 1}", "党工委委员", True) for i, p in enumerate(leaders)]
                campaign = take(Campaign)
                campaign_rows.append(
                    (
                        campaign,
                        office.pk,
                        year,
                        f"{office.name}{year}年五星支部创建",
                        standard.pk,
                        CampaignStatus.RUNNING,
                    )
                )
                per_level = Counter()
                for b, (branch, star_set) in enumerate(branches.get(office.pk, [])):
                    assignment = take(Assignment)
                    # Every fourth branch is assigned to a leader, the others to a department (one of the two, never both).
                    if b % 4 == 3:
                        assign_rows.append((assignment, branch, None, leaders[b % 2], True))
                    else:
                        assign_rows.append((assignment, branch, depts[b % DEPARTMENTS], None, True))
                    ca = take(CampaignAssignment)
                    ca_rows.append((ca, campaign, assignment, 2, Decimal("5"), 1, Decimal("2")))
                    for k in range(ACTIVITIES_PER_ASSIGNMENT):
                        act_rows.append(
                            (
                                take(Activity),
                                ca,
                                kinds[(b + k) % len(kinds)],
                                date(year, 2 + k, 10),
                                "部门干部、支部委员",
                            )
                        )
                    level = 3 + b % 3
                    chosen = stars[star_set][:level]
                    per_level[level] += 1
                    target = take(Target)
                    now = w.now
                    target_rows.append(
                        (target, campaign, branch, level, TargetStatus.CONFIRMED, "合成数据", now, now, now)
                    )
                    link_rows += [(take(Target.stars.through), target, s.pk) for s in chosen]
                    indicators = [ind for s in chosen for ind in s.indicators.all()]
                    used = set()
                    for i in range(ITEMS_PER_BRANCH):
                        ind = indicators[(b + i * 3) % len(indicators)]
                        generated = ind.pk not in used
                        used.add(ind.pk)
                        quantitative = ind.kind == ItemKind.QUANTITATIVE
                        target_value = (ind.threshold or Decimal("10")) if quantitative else None
                        item = take(ChecklistItem)
                        seq = item * 7 + b
                        n = seq % (2 * self.preset.checkins + 1)
                        # How far the item got by now: some ahead, some behind the straight line, a few untouched.
                        reach = Decimal((seq * 13) % 120) / 100
                        current, done, last = None, False, None
                        for j in range(n):
                            day = year_start + timedelta(days=(span * (j + 1)) // (n + 1))
                            if quantitative:
                                value = (target_value * reach * (j + 1) / n).quantize(Decimal("0.01"))
                                checkin_rows.append((take(CheckIn), item, value, None, day, "合成", now))
                                current = value
                            else:
                                done = j == n - 1 and seq % 3 != 0
                                checkin_rows.append((take(CheckIn), item, None, done, day, "合成", now))
                            last = day
                        item_rows.append(
                            (
                                item,
                                campaign,
                                branch,
                                ind.star_id,
                                ind.pk,
                                ind.text[:200],
                                ItemKind.QUANTITATIVE if quantitative else ItemKind.YES_NO,
                                Decimal("0"),
                                target_value,
                                ind.unit,
                                ind.weight,
                                year_start,
                                date(year, 6, 30) if i == 0 else date(year, 12, 31),
                                ItemSource.INDICATOR if generated else ItemSource.MANUAL,
                                f"indicator:{ind.code}" if generated else "",
                                current,
                                done,
                                last,
                            )
                        )
                    for d, day in enumerate(report_days):
                        if (b + d) % 11 == 0:
                            continue  # missing
                        late = (b * d) % 7 == 0
                        at = timezone.make_aware(datetime.combine(day, time_of_day(19 if late else 16)))
                        report_rows.append(
                            (
                                take(DailyReport),
                                campaign,
                                branch,
                                day,
                                "late" if late else "on_time",
                                "合成进展",
                                "合成问题" if b % 5 == 0 else "",
                                at,
                                at,
                            )
                        )
                    rating = take(Rating)
                    rating_rows.append((rating, campaign, branch))
                    rstar_rows += [
                        (take(RatingStar), rating, s.pk, i % 4 != 0, stages[(rating + i) % 4])
                        for i, s in enumerate(stars[star_set])
                    ]
                quota_rows += [(take(Quota), campaign, lv, count) for lv, count in sorted(per_level.items())]

            w.write(Department, ["id", "office_id", "code", "name"], dept_rows)
            w.write(Person, ["id", "office_id", "name", "position", "is_leader"], person_rows)
            w.write(Assignment, ["id", "branch_id", "department_id", "leader_id", "active"], assign_rows)
            w.write(Campaign, ["id", "office_id", "year", "name", "standard_id", "status"], campaign_rows)
            w.write(Quota, ["id", "campaign_id", "level", "count"], quota_rows)
            w.write(
                Target,
                [
                    "id",
                    "campaign_id",
                    "branch_id",
                    "level",
                    "status",
                    "reason",
                    "submitted_at",
                    "agreed_at",
                    "confirmed_at",
                ],
                target_rows,
            )
            w.write(Target.stars.through, ["id", "target_id", "star_id"], link_rows)
            w.write(
                ChecklistItem,
                [
                    "id",
                    "campaign_id",
                    "branch_id",
                    "star_id",
                    "indicator_id",
                    "title",
                    "kind",
                    "start_value",
                    "target_value",
                    "unit",
                    "weight",
                    "start_date",
                    "due_date",
                    "source",
                    "source_key",
                    "current_value",
                    "done",
                    "last_checkin_on",
                ],
                item_rows,
            )
            w.write(
                CheckIn,
                ["id", "item_id", "value", "done", "effective_on", "recorded_by_name", "recorded_at"],
                checkin_rows,
            )
            w.write(
                CampaignAssignment,
                [
                    "id",
                    "campaign_id",
                    "assignment_id",
                    "pledged_people",
                    "pledged_funds",
                    "delivered_people",
                    "delivered_funds",
                ],
                ca_rows,
            )
            w.write(Activity, ["id", "campaign_assignment_id", "kind", "held_on", "participants"], act_rows)
            w.write(
                DailyReport,
                [
                    "id",
                    "campaign_id",
                    "branch_id",
                    "day",
                    "status",
                    "progress",
                    "problems",
                    "submitted_at",
                    "updated_at",
                ],
                report_rows,
            )
            w.write(Rating, ["id", "campaign_id", "branch_id"], rating_rows)
            w.write(RatingStar, ["id", "rating_id", "star_id", "claimed", "state"], rstar_rows)
            w.fix_sequences(OFFICE_MODELS)
            # Written beside the services, so moved on as they would: a summary read while the tree stood without
            # these rows (a stopped run, continued later) cached the offices' figures under their old version.
            office_figures_changed(*(o.pk for o in offices))


# Written through the ORM rather than COPY: the tree, the standard, the users and their roles, the offices' figures
# versions (every scoped page's cache key reads them by the offices' paths).
ORM_WRITTEN = (OrgUnit, User, RoleAssignment, FiguresVersion)


def settled_tables() -> list[str]:
    """Every table the generator writes rows to: the branches' and the offices' (COPY) and those it writes through
    the ORM, the standard's among them; all of them also after a run that copied nothing, whose predecessor may have
    stopped before settling them. Left unanalysed where autovacuum is off, a table has no statistics and the planner
    guesses: with org_orgunit unanalysed, an office's path was taken to select 16 offices' rows and its newest
    check-ins were read by walking every check-in of the province (5 s; docs/scale.md)."""
    models = [Branch, *OFFICE_MODELS, *ORM_WRITTEN, *apps.get_app_config("standards").get_models()]
    return sorted({model._meta.db_table for model in models})


def settle_tables(tables: list[str], *, say=print) -> str:
    """After a bulk load on PostgreSQL: `VACUUM (ANALYZE)` the tables written, or only `ANALYZE` them inside a
    transaction block (a caller's atomic block, a test's), where VACUUM cannot run. Returns the command run.

    ANALYZE gives the planner the tables' statistics (without them, filters by an office's path were misjudged a
    thousand-fold: settled_tables). VACUUM also sets the visibility map: until it does, an index-only read visits
    the heap page of every row it returns, and the first reads set the rows' hint bits, writing the pages they read.
    The tables written, not the whole database: a bare ANALYZE also takes the shared catalogs (pg_authid…), and
    waits there for any other session's open transaction that holds them."""
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"{command} " + ", ".join(connection.ops.quote_name(t) for t in tables))
    say(f"{command}: {len(tables)} tables in {time.perf_counter() - started:.1f} s")
    return command


def run(preset_name: str, *, batch: int = 25, say=print, progress=None, today: date | None = None) -> dict:
    """Build (or complete) the preset; returns the counts and the seconds it took."""
    preset = PRESETS[preset_name]
    if connection.vendor != "postgresql" and preset.total_branches > 5000:
        raise ValueError("Presets beyond a city need PostgreSQL (COPY); SQLite takes the small ones only.")
    started = time.perf_counter()
    gen = Generator(preset, today=today, say=say)
    offices = gen.build_tree()
    gen.build_branches(offices)
    standard, stars = _standard()
    pending = gen.pending(offices)
    if progress is not None:
        progress.start(total=len(offices), done=len(offices) - len(pending))
    for start in range(0, len(pending), batch):
        chunk = pending[start : start + batch]
        gen.build_offices(chunk, standard, stars)
        if progress is not None:
            progress.advance(len(chunk))
    users = gen.build_users(offices)
    settled = None
    if connection.vendor == "postgresql":
        # Also after a run that had nothing left to build: the one before it may have stopped short of this.
        settled = settle_tables(settled_tables(), say=say)
    return {
        "preset": preset_name,
        "offices": len(offices),
        "offices_built": len(pending),
        "rows": dict(gen.w.rows),
        "seconds": round(time.perf_counter() - started, 1),
        "users": {level: u.username for level, u in users.items()},
        "year": gen.year,
        "settled": settled,  # VACUUM (ANALYZE), ANALYZE (inside a transaction block), or None (SQLite)
    }
