"""Services of the check-in lists: items, generation, import, check-ins and corrections (R11), evidence, scope."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone
from openpyxl import Workbook
from PIL import Image

from wuxing.checklists import selectors, services
from wuxing.checklists.models import CheckIn, CheckInEvidence, ChecklistItem
from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.core.uploads import as_upload, sample_jpeg, sample_pdf, sample_png


def test_item_defaults_owner_campaign_and_dates(world):
    branch = world.org.branches["a1"]
    item = services.item_create(
        actor=world.users.secretary,
        branch=branch,
        star=world.stars[("rural", "strong_branch")],
        title="讲党课",
        target_value=2,
    )
    assert item.campaign == world.campaign
    assert item.owner == world.org.secretary_a1
    assert (item.start_date, item.due_date) == (date(world.campaign.year, 1, 1), date(world.campaign.year, 12, 31))
    assert AuditLog.objects.filter(action="checklist.item_create", object_id=str(item.pk)).exists()


def test_item_star_must_be_of_the_branch_star_set(world):
    # R2: a rural branch cannot work on an urban-only star.
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            actor=SYSTEM,
            branch=world.org.branches["a1"],
            star=world.stars[("urban", "co_building")],
            title="共建",
            target_value=1,
        )
    assert "不是本支部星系列" in str(exc.value) or "star" in exc.value.error_dict
    assert not ChecklistItem.objects.exists()


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"target_value": None}, "target_value"),
        ({"target_value": 0}, "target_value"),
        ({"target_value": 5, "weight": 0}, "weight"),
        ({"target_value": 5, "start_date": date(2026, 6, 1), "due_date": date(2026, 5, 1)}, "due_date"),
    ],
)
def test_bad_items_are_refused(world, fields, field):
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            actor=SYSTEM,
            branch=world.org.branches["a1"],
            star=world.stars[("rural", "strong_branch")],
            title="x",
            **fields,
        )
    assert field in exc.value.error_dict
    assert not ChecklistItem.objects.exists()


def test_items_outside_scope_or_without_permission_are_refused(world):
    star = world.stars[("urban", "strong_branch")]
    with pytest.raises(PermissionDenied):
        services.item_create(
            actor=world.users.secretary, branch=world.org.branches["a2"], star=star, title="x", target_value=1
        )
    with pytest.raises(PermissionDenied):
        services.item_create(
            actor=world.users.cadre, branch=world.org.branches["a2"], star=star, title="x", target_value=1
        )
    with pytest.raises(PermissionDenied):
        services.item_create(
            actor=world.users.leader_b, branch=world.org.branches["a2"], star=star, title="x", target_value=1
        )
    assert not ChecklistItem.objects.exists()


def test_generation_from_indicators_is_idempotent(world):
    branch = world.org.branches["a1"]
    created = services.items_generate(actor=world.users.secretary, branch=branch)
    indicators = world.standard.stars.get(star_set="rural", code="strong_branch").indicators.count()
    assert len(created) >= indicators
    assert {i.star.star_set for i in created} == {"rural"}
    quantitative = next(i for i in created if i.indicator and i.indicator.code == "r_sb_meetings")
    assert (
        quantitative.kind == "quantitative" and quantitative.target_value == Decimal("4") and quantitative.unit == "次"
    )
    assert services.items_generate(actor=world.users.secretary, branch=branch) == []
    assert ChecklistItem.objects.filter(branch=branch).count() == len(created)


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(services.import_headers())
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_is_all_or_nothing_with_row_messages(world):
    branch = world.org.branches["a1"]
    good = [
        "党员大会",
        "strong_branch",
        "r_sb_meetings",
        "quantitative",
        0,
        4,
        "次",
        2,
        "甲一书记",
        "2026-01-01",
        "2026-12-31",
    ]
    yes_no = ["四议两公开", "支部过硬", "", "yes_no", "", "", "", 1, "", "", ""]
    bad_star = ["共建", "co_building", "", "quantitative", 0, 3, "个", 1, "", "", ""]
    bad_number = ["收入", "industry", "", "quantitative", 0, "二十", "万元", 1, "", "", ""]
    bad_date = ["环境", "eco_livable", "", "quantitative", 0, 5, "次", 1, "", "2026-13-01", ""]
    with pytest.raises(ValidationError) as exc:
        services.items_import(
            actor=world.users.secretary, branch=branch, data=_xlsx([good, yes_no, bad_star, bad_number, bad_date])
        )
    messages = exc.value.messages
    assert len(messages) == 3
    assert messages[0].startswith("第4行") and "co_building" in messages[0]
    assert messages[1].startswith("第5行") and "二十" in messages[1]
    assert messages[2].startswith("第6行")
    assert not ChecklistItem.objects.exists()
    created = services.items_import(actor=world.users.secretary, branch=branch, data=_xlsx([good, yes_no]))
    assert [i.kind for i in created] == ["quantitative", "yes_no"]
    assert ChecklistItem.objects.filter(branch=branch, source="import").count() == 2


def test_import_refuses_a_file_that_is_not_a_workbook(world):
    with pytest.raises(ValidationError) as exc:
        services.items_import(actor=SYSTEM, branch=world.org.branches["a1"], data=b"name,star\n")
    assert "Excel" in exc.value.messages[0]


def test_checkins_are_never_overwritten_and_corrections_supersede(world, make_item):
    item = make_item(target=10)
    today = timezone.localdate()
    first = services.checkin_record(
        actor=world.users.secretary, item=item, value=3, effective_on=today - timedelta(days=2)
    )
    second = services.checkin_record(actor=world.users.secretary, item=item, value=6, note="第二次")
    item.refresh_from_db()
    assert item.current_value == Decimal("6") and item.last_checkin_on == today
    with pytest.raises(ValidationError) as exc:
        services.checkin_record(actor=world.users.secretary, item=item, value=5, corrects=second, reason=" ")
    assert "reason" in exc.value.error_dict
    fix = services.checkin_record(actor=world.users.secretary, item=item, value=5, corrects=second, reason="录入错误")
    assert fix.effective_on == second.effective_on
    item.refresh_from_db()
    assert item.current_value == Decimal("5")
    # Every past figure is still there.
    assert list(CheckIn.objects.filter(item=item).order_by("id").values_list("value", flat=True)) == [
        Decimal("3"),
        Decimal("6"),
        Decimal("5"),
    ]
    history = selectors.checkin_history(item)
    assert [(c.value, c.superseded, c.is_current) for c in history] == [
        (Decimal("3"), False, False),
        (Decimal("6"), True, False),
        (Decimal("5"), False, True),
    ]
    with pytest.raises(ValidationError) as exc:
        services.checkin_record(actor=world.users.secretary, item=item, value=4, corrects=second, reason="再改")
    assert "corrects" in exc.value.error_dict
    assert AuditLog.objects.filter(action="checklist.checkin_correct", object_id=str(fix.pk)).exists()
    assert first.pk


def test_checkin_figures_are_checked(world, make_item):
    item = make_item()
    yes_no = make_item(kind="yes_no", title="公开")
    with pytest.raises(ValidationError):
        services.checkin_record(actor=SYSTEM, item=item, value=None)
    with pytest.raises(ValidationError):
        services.checkin_record(actor=SYSTEM, item=yes_no)
    with pytest.raises(ValidationError):
        services.checkin_record(actor=SYSTEM, item=item, value=1, effective_on=timezone.localdate() + timedelta(days=1))
    services.checkin_record(actor=SYSTEM, item=yes_no, done=True)
    yes_no.refresh_from_db()
    assert yes_no.done is True
    assert not CheckIn.objects.filter(item=item).exists()


def test_checkins_need_permission_and_scope(world, make_item):
    item = make_item("a2", star="strong_branch")
    for user in (world.users.secretary, world.users.cadre, world.users.leader_b, world.users.reviewer):
        with pytest.raises(PermissionDenied):
            services.checkin_record(actor=user, item=item, value=1)
    services.checkin_record(actor=world.users.staff, item=item, value=1)


def test_evidence_is_checked_by_content_and_cleaned(world, make_item, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = make_item()
    jpeg = sample_jpeg("党员大会", exif_gps=True)
    assert Image.open(io.BytesIO(jpeg)).getexif().get_ifd(0x8825)
    checkin = services.checkin_record(
        actor=world.users.secretary,
        item=item,
        value=1,
        evidence=[
            as_upload(jpeg, "meeting.jpg", "image/jpeg"),
            as_upload(sample_pdf(), "minutes.pdf", "application/pdf"),
        ],
    )
    photo, pdf = checkin.evidence.order_by("id")
    with photo.file.open("rb") as f:
        stored = Image.open(io.BytesIO(f.read()))
        exif = stored.getexif()
    assert not exif.get_ifd(0x8825) and 0x010F not in exif  # GPS and camera gone
    assert photo.thumbnail and pdf.content_type == "application/pdf" and not pdf.thumbnail

    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    refused = [
        as_upload(svg, "photo.svg", "image/svg+xml"),
        as_upload(svg, "photo.jpg", "image/jpeg"),  # an SVG claiming to be a JPEG
        as_upload(sample_png(), "photo.jpg", "image/jpeg"),  # a PNG named .jpg
        as_upload(sample_pdf(), "scan.png", "image/png"),
    ]
    for upload in refused:
        with pytest.raises(ValidationError):
            services.checkin_record(actor=world.users.secretary, item=item, value=2, evidence=[upload])
    with override_settings(WUXING_UPLOAD_MAX_MB=1):
        big = as_upload(sample_jpeg() + b"\0" * (1024 * 1024), "big.jpg", "image/jpeg")
        with pytest.raises(ValidationError) as exc:
            services.checkin_record(actor=world.users.secretary, item=item, value=2, evidence=[big])
        assert "MB" in exc.value.messages[0]
    # Nothing half-saved: the refused check-ins are gone with their files.
    assert CheckIn.objects.filter(item=item).count() == 1
    assert CheckInEvidence.objects.count() == 2
    item.refresh_from_db()
    assert item.current_value == Decimal("1")


def test_branch_progress_selector(world, make_item):
    a = make_item(target=10, weight=3)
    b = make_item(kind="yes_no", title="公开", weight=1)
    make_item(star="industry", target=20, title="集体收入", weight=2)
    services.checkin_record(actor=SYSTEM, item=a, value=5)
    services.checkin_record(actor=SYSTEM, item=b, done=True)
    p = selectors.branch_progress(branch=world.org.branches["a1"], campaign=world.campaign)
    assert p.by_star["strong_branch"] == pytest.approx((3 * 0.5 + 1) / 4)
    assert p.by_star["industry"] == 0
    assert p.overall == pytest.approx((1.5 + 1) / 6)
    assert (p.items, p.done) == (3, 1)


def test_tolerance_is_configurable_per_office(world, make_item):
    start = timezone.localdate() - timedelta(days=50)
    item = make_item(target=100, start_date=start, due_date=start + timedelta(days=100))
    services.checkin_record(actor=SYSTEM, item=item, value=35)  # expected 50%, at 35%
    assert selectors.branch_progress(branch=item.branch, campaign=item.campaign).behind == 1
    with pytest.raises(PermissionDenied):
        services.policy_set(actor=world.users.secretary, office=world.org.office_a, behind_tolerance="0.2")
    with pytest.raises(ValidationError):
        services.policy_set(actor=world.users.leader, office=world.org.office_a, behind_tolerance="1.5")
    services.policy_set(actor=world.users.leader, office=world.org.office_a, behind_tolerance="0.2")
    assert selectors.branch_progress(branch=item.branch, campaign=item.campaign).behind == 0


def test_generation_uses_the_plan_and_only_the_target_stars(world):
    from wuxing.plans.models import PlanMeasure, PlanMilestone
    from wuxing.targets.models import Target

    branch = world.org.branches["a1"]
    strong, industry = world.stars[("rural", "strong_branch")], world.stars[("rural", "industry")]
    target = Target.objects.create(campaign=world.campaign, branch=branch, level=2)
    target.stars.set([strong, industry])
    measure = PlanMeasure.objects.create(target=target, star=industry, title="发展集体经济")
    measure.responsible.set([world.org.secretary_a1])
    year = world.campaign.year
    PlanMilestone.objects.create(
        measure=measure, title="合作社分红", due_on=date(year, 6, 30), target_value=Decimal("12"), unit="万元"
    )
    PlanMilestone.objects.create(measure=measure, title="注册商标", due_on=date(year, 9, 30))
    created = services.items_generate(actor=world.users.secretary, branch=branch)
    plan = [i for i in created if i.source == "plan"]
    assert [(i.title, i.kind, i.target_value, i.unit, i.due_date) for i in plan] == [
        ("发展集体经济：合作社分红", "quantitative", Decimal("12"), "万元", date(year, 6, 30)),
        ("发展集体经济：注册商标", "yes_no", None, "", date(year, 9, 30)),
    ]
    assert {i.star.code for i in created} == {
        "strong_branch",
        "industry",
    }  # no items for stars the branch does not target
    progress = selectors.branch_progress(branch=branch, campaign=world.campaign)
    assert set(progress.by_star) == {"strong_branch", "industry"}
    assert services.items_generate(actor=world.users.secretary, branch=branch) == []


def test_checkins_outside_the_campaign_negative_or_oversized_change_nothing(world, make_item):
    item = make_item()
    year = item.campaign.year
    refusals = [
        ({"value": 1, "effective_on": date(year - 1, 12, 31)}, "effective_on", "年份"),
        ({"value": -3}, "value", "负数"),
        ({"value": "1e15"}, "value", "过大"),
        ({"value": "NaN"}, "value", "数"),
        ({"value": 1, "note": "长" * 200_000}, "note", "2000"),
    ]
    for kwargs, field, words in refusals:
        with pytest.raises(ValidationError) as err:
            services.checkin_record(actor=SYSTEM, item=item, **kwargs)
        assert field in err.value.message_dict and words in err.value.message_dict[field][0], kwargs
    assert not CheckIn.objects.filter(item=item).exists()


def test_a_percentage_outside_0_to_100_is_refused_and_the_progress_kept(world, make_item):
    item = make_item(unit="%", start=60, target=95)
    services.checkin_record(actor=SYSTEM, item=item, value=89)
    for value, words in ((-5, "负数"), (120, "0 到 100")):
        with pytest.raises(ValidationError) as err:
            services.checkin_record(actor=SYSTEM, item=item, value=value)
        assert words in err.value.message_dict["value"][0], value
    item.refresh_from_db()
    assert item.current_value == 89 and CheckIn.objects.filter(item=item).count() == 1
