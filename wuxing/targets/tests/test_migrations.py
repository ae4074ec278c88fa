"""Splitting deliberations and plans out of targets keeps every row.

On a database of its own (the suite's test database is never migrated backwards): migrate to the state before the
split, write rows through the historical models of that state, migrate forward, and read the rows back through the
models of the new apps. Then back again: the split migrates in reverse too.
"""

import copy
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from wuxing.deliberations.models import Deliberation, DeliberationStep
from wuxing.plans.models import PlanMeasure, PlanMilestone, Pledge
from wuxing.targets.models import Target

ALIAS = "split_check"
BEFORE_SPLIT = [("targets", "0001_initial")]


@pytest.fixture
def scratch_db(django_db_setup, django_db_blocker, db):
    """A fresh test database under its own alias, fully migrated, dropped afterwards.

    `db` first: a data step of django-tasks-db's migrations reads the default database, whatever alias migrates."""
    base = connections["default"].settings_dict
    config = copy.deepcopy(base)
    sqlite = base["ENGINE"].endswith("sqlite3")
    config["TEST"] = {**config.get("TEST", {}), "NAME": None if sqlite else f"{base['NAME']}_split"}
    settings.DATABASES[ALIAS] = config  # the dict the connection handler reads (the same object once configured)
    connections.settings.setdefault(ALIAS, config)
    connection = connections[ALIAS]
    old_name = config["NAME"]
    with django_db_blocker.unblock():
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            yield connection
        finally:
            ContentType.objects.clear_cache()
            connection.creation.destroy_test_db(old_name, verbosity=0)
            connection.close()
            del connections[ALIAS]
            connections.settings.pop(ALIAS, None)
            settings.DATABASES.pop(ALIAS, None)


def _migrate(connection, targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def _write_rows_before_split(apps):
    """A target with a deliberation and one of its steps, a plan measure with a milestone and a letter."""
    OrgUnit = apps.get_model("org", "OrgUnit")
    Branch = apps.get_model("org", "Branch")
    Person = apps.get_model("org", "Person")
    Standard = apps.get_model("standards", "Standard")
    Star = apps.get_model("standards", "Star")
    Campaign = apps.get_model("campaigns", "Campaign")
    db = ALIAS
    office = OrgUnit.objects.using(db).create(code="S1", name="迁移街道", level="office", path="/S1/")
    person = Person.objects.using(db).create(office=office, name="迁移书记", position="书记")
    branch = Branch.objects.using(db).create(
        office=office, code="S1-001", name="迁移村", kind="rural_village", star_set="rural", secretary=person
    )
    standard = Standard.objects.using(db).create(code="split", version="1", name="迁移标准")
    star = Star.objects.using(db).create(
        standard=standard, star_set="rural", position=1, code="strong_branch", name="支部过硬"
    )
    campaign = Campaign.objects.using(db).create(office=office, year=2026, name="2026年度", standard=standard)
    target = (
        apps.get_model("targets", "Target")
        .objects.using(db)
        .create(campaign=campaign, branch=branch, level=1, status="confirmed", reason="迁移前的目标")
    )
    target.stars.set([star])
    deliberation = (
        apps.get_model("targets", "Deliberation")
        .objects.using(db)
        .create(branch=branch, campaign=campaign, target=target, subject="迁移前的决策", procedure="four_two")
    )
    apps.get_model("targets", "DeliberationStep").objects.using(db).create(
        deliberation=deliberation, step="propose", position=1, held_on=date(2026, 2, 9), minutes="迁移前的提议"
    )
    measure = (
        apps.get_model("targets", "PlanMeasure")
        .objects.using(db)
        .create(target=target, star=star, title="迁移前的措施", position=1)
    )
    measure.responsible.set([person])
    apps.get_model("targets", "PlanMilestone").objects.using(db).create(
        measure=measure, title="迁移前的节点", due_on=date(2026, 6, 30), target_value=Decimal("90"), unit="%"
    )
    apps.get_model("targets", "Pledge").objects.using(db).create(
        target=target, number=1, status="frozen", content={"level": 1}, content_sha256="a" * 64
    )
    return target.pk


def test_rows_written_before_the_split_are_read_by_the_new_apps(scratch_db):
    executor = _migrate(scratch_db, BEFORE_SPLIT)
    before = executor.loader.project_state(BEFORE_SPLIT).apps
    target_pk = _write_rows_before_split(before)

    executor = _migrate(scratch_db, executor.loader.graph.leaf_nodes())
    db = ALIAS
    target = Target.objects.using(db).get(pk=target_pk)
    deliberation = Deliberation.objects.using(db).get(target=target)
    assert deliberation.subject == "迁移前的决策" and deliberation.branch_id == target.branch_id
    step = DeliberationStep.objects.using(db).get(deliberation=deliberation)
    assert (step.step, step.held_on, step.minutes) == ("propose", date(2026, 2, 9), "迁移前的提议")
    measure = PlanMeasure.objects.using(db).get(target=target)
    assert measure.title == "迁移前的措施" and [p.name for p in measure.responsible.all()] == ["迁移书记"]
    milestone = PlanMilestone.objects.using(db).get(measure=measure)
    assert (milestone.title, milestone.target_value, milestone.unit) == ("迁移前的节点", Decimal("90.00"), "%")
    pledge = Pledge.objects.using(db).get(target=target)
    assert (pledge.status, pledge.content, pledge.content_sha256) == ("frozen", {"level": 1}, "a" * 64)
    # The reverse relations from the target still reach the moved rows.
    assert list(target.deliberations.values_list("pk", flat=True)) == [deliberation.pk]
    assert list(target.pledges.values_list("pk", flat=True)) == [pledge.pk]
    # The moved models' content types (and their permissions) belong to the new apps; none is left behind.
    labels = set(ContentType.objects.using(db).values_list("app_label", "model"))
    assert ("deliberations", "deliberation") in labels and ("plans", "pledge") in labels
    assert not {("targets", m) for m in ("deliberation", "deliberationstep", "planmeasure", "pledge")} & labels

    # And back: before the split, the same rows are the targets app's again.
    executor = _migrate(scratch_db, BEFORE_SPLIT)
    before = executor.loader.project_state(BEFORE_SPLIT).apps
    assert before.get_model("targets", "Deliberation").objects.using(db).get().subject == "迁移前的决策"
    assert before.get_model("targets", "PlanMilestone").objects.using(db).get().title == "迁移前的节点"
    assert before.get_model("targets", "Pledge").objects.using(db).get().content_sha256 == "a" * 64
