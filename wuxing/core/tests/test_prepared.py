"""core.querysets.Prepared: a read built and compiled once, then run with new values, gives what the ORM's queryset
gives for the same values (rows or model instances), in one statement; a read whose statement depends on its values
in another way than by taking them as they are is refused before it gives anything. PreparedFor keeps one statement
per reader's key and reads as the ORM reads for a reader it cannot keep."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db.models import Count, F, FloatField, Q, Value
from django.db.models.functions import Cast

from wuxing.core.models import AuditLog
from wuxing.core.querysets import NotKept, Prepared, PreparedFor
from wuxing.org.models import Branch, OrgUnit

pytestmark = pytest.mark.django_db

DAYS = [date(2026, 3, d) for d in range(1, 6)]


@pytest.fixture
def rows():
    """Audit rows on five days, with sequence numbers 1–15."""
    created = []
    for i in range(15):
        at = datetime(2026, 3, 1 + i % 5, 10, tzinfo=UTC)
        created.append(AuditLog.objects.create(at=at, action=f"test.{i % 3}", object_id=str(i), seq=i + 1))
    return created


def _by_day_and_seq(day, seq, share):
    """Counts per action from a day on, with a figure computed from the number and a float compared in SQL."""
    return (
        AuditLog.objects.filter(at__date__gte=day, seq__lte=seq)
        .annotate(part=Cast("seq", FloatField()) * Value(0.5))
        .values("action")
        .annotate(n=Count("id"), big=Count("id", filter=Q(part__gt=share)))
        .order_by("action")
    )


def test_the_kept_read_gives_what_the_queryset_gives_for_every_value(rows, django_assert_num_queries):
    read = Prepared(_by_day_and_seq)
    seen = set()
    for day in DAYS:
        for seq in (0, 3, 9, 15):
            for share in (0.5, 2.25, 4.0):
                expected = list(_by_day_and_seq(day, seq, share))
                with django_assert_num_queries(1):
                    got = read(day=day, seq=seq, share=share)
                assert got == expected, (day, seq, share)
                seen.add(len(got))
    assert len(seen) > 2  # the values did change the answer


def test_values_list_and_flat_reads(rows):
    pairs = Prepared(lambda day: AuditLog.objects.filter(at__date=day).order_by("seq").values_list("seq", "object_id"))
    flat = Prepared(lambda day: AuditLog.objects.filter(at__date=day).order_by("-seq").values_list("at", flat=True))
    for day in DAYS:
        assert pairs(day=day) == list(
            AuditLog.objects.filter(at__date=day).order_by("seq").values_list("seq", "object_id")
        )
        found = flat(day=day)
        assert found == list(AuditLog.objects.filter(at__date=day).order_by("-seq").values_list("at", flat=True))
        assert all(isinstance(at, datetime) and at.tzinfo is not None for at in found)  # converted as the ORM does


def test_the_statement_is_compiled_once(rows, monkeypatch):
    built = []

    def build(seq):
        built.append(seq)
        return AuditLog.objects.filter(seq__gt=seq).values_list("seq", flat=True).order_by("seq")

    read = Prepared(build)
    assert read(seq=10) == [11, 12, 13, 14, 15]
    assert read(seq=13) == [14, 15]
    assert len(built) == 2  # the two stand-in builds of the first call; none after
    assert all(value < 0 for value in built)  # never the caller's values


@pytest.mark.parametrize(
    "build, values",
    [
        # A value derived from one: the year of the date.
        (lambda day: AuditLog.objects.filter(at__year=day.year).values_list("id", flat=True), {"day": DAYS[0]}),
        # A date moved by a day.
        (
            lambda day: AuditLog.objects.filter(at__date=day + timedelta(days=1)).values_list("id", flat=True),
            {"day": DAYS[0]},
        ),
        # A list whose length follows the value.
        (lambda n: AuditLog.objects.filter(seq__in=list(range(abs(n) % 7))).values_list("id", flat=True), {"n": 3}),
        # A value the statement does not use.
        (lambda seq: AuditLog.objects.values_list("id", flat=True), {"seq": 3}),
        # Model instances whose statement follows the value in another way: a slice of its length.
        (lambda n: AuditLog.objects.order_by("id")[: abs(n) % 5 + 1], {"n": 2}),
        # A value written into the SQL (a slice).
        (lambda n: AuditLog.objects.order_by("id").values_list("id", flat=True)[: abs(n) % 5 + 1], {"n": 2}),
        # A value of a type that stand-ins cannot tell apart (True and 1).
        (lambda flag: AuditLog.objects.filter(seq__isnull=flag).values_list("id", flat=True), {"flag": True}),
        # A bound the ORM drops from the statement when it lies outside the column's range, as a stand-in does.
        (lambda after: Branch.objects.filter(sort_order__gt=after), {"after": 1}),
        # A text value.
        (lambda action: AuditLog.objects.filter(action=action).values_list("id", flat=True), {"action": "x"}),
    ],
)
def test_a_read_that_cannot_be_kept_is_refused_before_it_answers(rows, build, values):
    with pytest.raises(NotKept):
        Prepared(build)(**values)


def test_a_read_asked_with_another_kind_of_value_is_prepared_again(rows):
    read = Prepared(
        lambda limit: (
            AuditLog.objects.annotate(half=Cast("seq", FloatField()) / Value(2.0))
            .filter(half__gt=limit)
            .values_list("seq", flat=True)
            .order_by("seq")
        )
    )
    assert read(limit=6) == [13, 14, 15]
    assert read(limit=6.5) == [14, 15]
    assert read(limit=7) == [15]


def test_an_integer_column_compared_with_a_fraction_is_refused(rows):
    """The ORM makes 13.5 an integer for an integer column: a value changed on its way is not taken as it is."""
    with pytest.raises(NotKept):
        Prepared(lambda limit: AuditLog.objects.filter(seq__gt=limit).values_list("seq", flat=True))(limit=13.5)


def test_a_sql_expression_on_the_value_follows_the_value(rows):
    """F() arithmetic with the value happens in the database, so the value still goes in as it is."""
    read = Prepared(
        lambda base: (
            AuditLog.objects.annotate(shifted=F("seq") + base)
            .filter(shifted__gt=base + 0)
            .values_list("shifted", flat=True)
            .order_by("shifted")
        )
    )
    assert read(base=100) == list(range(101, 116))


def test_a_finished_threads_connection_is_not_kept_alive():
    """The statement kept for a thread's connection goes with the thread (a threaded server's request threads
    come and go)."""
    import gc
    import threading
    import weakref

    from django.db import connections

    read = Prepared(lambda seq: AuditLog.objects.filter(seq__gt=seq).values_list("seq", flat=True))
    refs = []

    def work():
        assert read(seq=0) == []
        refs.append(weakref.ref(connections["default"]))
        connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    del thread
    gc.collect()
    assert refs and refs[0]() is None


def _instance_state(obj) -> dict:
    return {k: v for k, v in vars(obj).items() if k != "_state"}


def test_model_instances_with_their_related_rows(rows, django_assert_num_queries):
    district = OrgUnit.objects.create(code="D1", name="区", level="district", path="/D1/")
    offices = [
        OrgUnit.objects.create(code=f"O{i}", name=f"街道{i}", level="office", parent=district, path=f"/D1/O{i}/")
        for i in range(3)
    ]
    first, *_ = [
        Branch.objects.create(office=office, code=f"B{i}", name=f"支部{i}", sort_order=i)
        for i, office in enumerate(offices * 2)
    ]

    def build(office, after):
        return Branch.objects.select_related("office").filter(office_id=office, pk__gt=after).order_by("code")

    read = Prepared(build)
    for office in offices:
        for after in (0, first.pk, first.pk + 3):
            expected = list(build(office.pk, after))
            with django_assert_num_queries(1):
                got = read(office=office.pk, after=after)
                # The related row came with it: reading it asks nothing more.
                names = [branch.office.name for branch in got]
            assert [_instance_state(b) for b in got] == [_instance_state(b) for b in expected]
            assert names == [office.name] * len(expected)
            assert all(type(b) is Branch and not b._state.adding and b._state.db == "default" for b in got)
    assert read(office=offices[0].pk, after=first.pk + 100) == []


def test_a_read_with_a_prefetch_reads_it_after_as_the_orm_does(rows, django_assert_num_queries):
    district = OrgUnit.objects.create(code="D1", name="区", level="district", path="/D1/")
    office = OrgUnit.objects.create(code="O1", name="街道", level="office", parent=district, path="/D1/O1/")
    Branch.objects.create(office=office, code="B1", name="一村", sort_order=1)
    Branch.objects.create(office=office, code="B2", name="二村", sort_order=2)
    read = Prepared(lambda pk: OrgUnit.objects.filter(pk=pk).prefetch_related("branches"))
    read(pk=office.pk)
    with django_assert_num_queries(2):  # the unit, then its branches
        [found] = read(pk=office.pk)
        assert sorted(b.code for b in found.branches.all()) == ["B1", "B2"]


def test_a_read_that_can_return_nothing_asks_nothing(rows, django_assert_num_queries):
    read = Prepared(lambda seq: AuditLog.objects.none().filter(seq=seq))
    with django_assert_num_queries(0):
        assert read(seq=3) == []


def test_a_read_kept_per_reader(rows, django_assert_num_queries):
    """One statement per reader's key, built with that reader; a reader keyed None is read as the ORM reads."""
    built = []

    def build(who, seq):
        built.append(who)
        return AuditLog.objects.filter(action=f"test.{who}", seq__gte=seq).order_by("seq")

    read = PreparedFor(build, key=lambda who: None if who == 2 else f"k{who}")
    for who in (0, 1, 2):
        for seq in (1, 7, 13):
            expected = list(AuditLog.objects.filter(action=f"test.{who}", seq__gte=seq).order_by("seq"))
            with django_assert_num_queries(1):
                got = read(who, seq=seq)
            assert [r.pk for r in got] == [r.pk for r in expected] and expected, (who, seq)
    # Two stand-in builds for each kept reader on its first read; the reader not kept was built on every read.
    assert built.count(0) == built.count(1) == 2
    assert built.count(2) == 3


def test_a_reader_whose_statement_cannot_be_kept_is_read_as_the_orm_reads(rows):
    """A scope that takes the clock, say: the reader gets the ORM's answer, and later reads do not try again."""
    built = []

    def build(who, seq):
        built.append(who)
        qs = AuditLog.objects.filter(seq__gte=seq).order_by("seq")
        return qs.filter(at__lt=datetime.now(UTC) + timedelta(microseconds=len(built))) if who == "clock" else qs

    read = PreparedFor(build, key=lambda who: who)
    assert [r.seq for r in read("clock", seq=14)] == [14, 15]
    before = len(built)
    assert [r.seq for r in read("clock", seq=15)] == [15]
    assert len(built) == before + 1  # read as the ORM reads: one build, no new attempt to keep it
    assert [r.seq for r in read("plain", seq=15)] == [15]


def test_the_statements_kept_are_bounded(rows):
    read = PreparedFor(lambda who, seq: AuditLog.objects.filter(seq__gt=seq).order_by("seq"), key=lambda who: who)
    for who in range(Prepared.LIMIT + 10):
        assert [r.seq for r in read(who, seq=14)] == [15]
    from django.db import connections

    assert len(read._kept.get(connections["default"])) == Prepared.LIMIT
