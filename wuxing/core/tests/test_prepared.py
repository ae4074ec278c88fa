"""core.querysets.Prepared: a read built and compiled once, then run with new values, gives what the ORM's queryset
gives for the same values, in one statement; a read whose statement depends on its values in another way than by
taking them as they are is refused before it gives anything."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db.models import Count, F, FloatField, Q, Value
from django.db.models.functions import Cast

from wuxing.core.models import AuditLog
from wuxing.core.querysets import NotKept, Prepared

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
        # Model instances, not values.
        (lambda seq: AuditLog.objects.filter(seq=seq), {"seq": 3}),
        # A value written into the SQL (a slice).
        (lambda n: AuditLog.objects.order_by("id").values_list("id", flat=True)[: abs(n) % 5 + 1], {"n": 2}),
        # A value of a type that stand-ins cannot tell apart (True and 1).
        (lambda flag: AuditLog.objects.filter(seq__isnull=flag).values_list("id", flat=True), {"flag": True}),
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
