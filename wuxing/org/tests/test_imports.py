"""Importing an organisation workbook: preview first, row errors with sheet/row/column, all or nothing,
idempotent by code, capped, audited as one import with its file kept."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.org import imports
from wuxing.org.models import Branch, Department, OrgImport, OrgUnit, Person
from wuxing.testing import organisation_rows, users_for, xlsx_of

pytestmark = pytest.mark.django_db


def _upload(actor, sheets):
    return imports.import_upload(actor=actor, data=xlsx_of(sheets), name="org.xlsx")


def _counts():
    return (OrgUnit.objects.count(), Branch.objects.count(), Department.objects.count(), Person.objects.count())


def test_a_district_leader_imports_an_office_previewed_first_then_confirmed(org):
    u = users_for(org)
    sheets = organisation_rows(district_code=org.district.code)
    before = _counts()
    record, plan = _upload(u.district, sheets)
    assert plan.errors == []
    assert plan.counts()["branches"]["create"] == 12 and plan.counts()["people"]["create"] == 40
    assert _counts() == before  # the preview writes nothing but the kept file
    assert record.file.name and record.status == OrgImport.Status.PREVIEWED
    imports.import_apply(actor=u.district, record=record)
    office = OrgUnit.objects.get(code=f"{org.district.code}51")
    assert office.parent == org.district and office.branches.count() == 12
    assert office.departments.count() == 6 and office.people.count() == 40
    branch = Branch.objects.get(code=f"{office.code}001")
    assert branch.secretary.name == "书记1-1" and branch.star_set == "urban"  # kind 城市社区, star set by default
    entry = AuditLog.objects.get(action="org.import")
    assert entry.after["counts"]["people"]["create"] == 40 and entry.after["sha256"] == record.sha256
    # Same workbook twice: nothing to change, nothing changes.
    again, plan = _upload(u.district, sheets)
    assert not plan.changes_anything and plan.errors == []
    snapshot = list(Person.objects.order_by("pk").values())
    imports.import_apply(actor=u.district, record=again)
    assert list(Person.objects.order_by("pk").values()) == snapshot
    assert _counts()[1:] == (before[1] + 12, before[2] + 6, before[3] + 40)
    with pytest.raises(ValidationError):
        imports.import_apply(actor=u.district, record=again)  # applied already


def test_a_changed_row_is_a_change_and_the_rest_unchanged(org):
    sheets = organisation_rows(district_code=org.district.code, branches=3, departments=2, people=5)
    imports.import_apply(actor=SYSTEM, record=_upload(SYSTEM, sheets)[0])
    sheets["支部"][1][5] = 99  # party members of the first branch
    record, plan = _upload(SYSTEM, sheets)
    changed = [r for r in plan.rows if r.action == "change"]
    assert [(r.sheet, r.row, r.changes) for r in changed] == [("branches", 2, ["party_members"])]
    imports.import_apply(actor=SYSTEM, record=record)
    assert Branch.objects.get(code=f"{org.district.code}51001").party_members == 99


def _error_texts(plan):
    return [(e.sheet, e.row, e.column, e.message) for e in plan.errors]


def test_each_kind_of_row_error_is_named_with_sheet_row_and_column(org):
    sheets = organisation_rows(district_code=org.district.code, branches=3, departments=2, people=5)
    office = f"{org.district.code}51"
    sheets["单位"].append(["T999", "无上级", "乡镇（街道）", "NOPE"])  # row 3: unknown parent
    sheets["单位"].append(["T998", "错层", "乡镇（街道）", office])  # row 4: office under an office
    sheets["支部"].append([f"{office}001", "重复村", office, "农村（行政村）", "", 1, 1, 1, 1, "否"])  # row 5 dup
    sheets["支部"].append(["X1", "无办村", "ZZ", "农村（行政村）", "", 1, 1, 1, 1, "否"])  # row 6 unknown office
    sheets["支部"].append(["X2", "错星村", office, "城市社区", "农村星系列", 1, 1, 1, 1, "否"])  # row 7 star set
    sheets["支部"].append(["X3", "怪村", office, "城堡", "", "很多", 1, 1, 1, "也许"])  # row 8 kind, number, yes/no
    sheets["人员"].append([office, "坏电话", "", "", "", "12345", "", "否", "否", "否"])  # row 7 phone
    sheets["人员"].append([office, "坏身份证", "", "", "", "", "110105194912310021", "否", "否", "否"])  # row 8
    sheets["人员"].append([office, "无部门", "", "D77", "", "", "", "否", "否", "否"])  # row 9
    sheets["人员"].append([office, "坏电话", "", "", "", "", "", "否", "否", "否"])  # row 10 duplicate name
    sheets["部门"].append([office, "D01", "重复部门", ""])  # row 4 duplicate code
    before = _counts()
    record, plan = _upload(SYSTEM, sheets)
    errors = _error_texts(plan)
    expected = [
        ("units", 3, "上级单位编码", "NOPE"),
        ("units", 4, "层级", ""),
        ("branches", 5, "支部编码", "重复"),
        ("branches", 6, "所属办事处编码", "ZZ"),
        ("branches", 7, "星级类别", ""),
        ("branches", 8, "类型", "城堡"),
        ("branches", 8, "党员数", "很多"),
        ("branches", 8, "书记兼任村（居）委会主任", "也许"),
        ("departments", 4, "部门编码", "D01"),
        ("people", 7, "电话", "12345"),
        ("people", 8, "身份证号", ""),
        ("people", 9, "部门编码", "D77"),
        ("people", 10, "姓名", "坏电话"),
    ]
    for sheet, row, column, fragment in expected:
        assert any(e[:3] == (sheet, row, column) and fragment in e[3] for e in errors), (sheet, row, column, errors)
    text = str(plan.errors[0])
    assert "单位" in text and "第3行" in text and "上级单位编码" in text
    with pytest.raises(ValidationError):
        imports.import_apply(actor=SYSTEM, record=record)
    assert _counts() == before  # one bad row: nothing written


def test_one_bad_row_writes_nothing(org):
    sheets = organisation_rows(district_code=org.district.code)
    sheets["人员"][-1][5] = "1234"  # the last person's phone
    before = _counts()
    record, plan = _upload(SYSTEM, sheets)
    assert len(plan.errors) == 1 and plan.errors[0].row == 41
    with pytest.raises(ValidationError):
        imports.import_apply(actor=SYSTEM, record=record)
    assert _counts() == before and not AuditLog.objects.filter(action="org.import").exists()


def test_scope_and_permission_are_checked_per_row(org):
    u = users_for(org)
    sheets = {
        "支部": [
            organisation_rows(district_code="x")["支部"][0],
            ["T-c1", "越界村", org.office_b.code, "农村（行政村）"],
        ]
    }
    record, plan = _upload(u.leader, sheets)
    assert [(e.sheet, e.row, e.column) for e in plan.errors] == [("branches", 2, "所属办事处编码")]
    assert "范围" in plan.errors[0].message or "scope" in plan.errors[0].message
    with pytest.raises(PermissionDenied):  # campaign staff do not shape the tree
        _upload(u.staff, {"单位": [["单位编码"], ["T5", "某办", "乡镇（街道）", org.district.code]]})
    with pytest.raises(PermissionDenied):
        imports.import_apply(actor=u.leader_b, record=record)


def test_twenty_offices_of_25_branches_fit_and_a_larger_workbook_is_refused(org):
    sheets = organisation_rows(district_code=org.district.code, offices=20, branches=25, departments=5, people=40)
    total = sum(len(rows) - 1 for rows in sheets.values())
    assert total == 20 * (1 + 25 + 5 + 40) <= imports.IMPORT_MAX_ROWS
    record, plan = _upload(SYSTEM, sheets)
    assert plan.errors == []
    imports.import_apply(actor=SYSTEM, record=record)
    assert Branch.objects.filter(office__parent=org.district).count() == 20 * 25 + 5
    bigger = organisation_rows(district_code="T9", offices=30, branches=25, departments=5, people=40)
    with pytest.raises(ValidationError, match="2000"):
        _upload(SYSTEM, bigger)
    assert OrgImport.objects.count() == 1  # a refused file is not kept


def test_not_a_workbook_is_refused_in_chinese(client, org):
    u = users_for(org)
    client.force_login(u.leader)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("org:import_upload"), {"file": SimpleUploadedFile("x.xlsx", b"not a zip", content_type="text/plain")}
    )
    assert response.status_code == 200 and "不是Excel" in response.content.decode()
    assert not OrgImport.objects.exists()


def test_template_has_chinese_headers_validation_lists_and_an_example_row(client, org):
    u = users_for(org)
    client.force_login(u.leader)
    response = client.get(reverse("org:import_template"))
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["单位", "支部", "部门", "人员"]
    branches = wb["支部"]
    assert [c.value for c in branches[1]][:4] == ["支部编码", "支部名称", "所属办事处编码", "类型"]
    assert branches["A2"].value.startswith(imports.EXAMPLE_PREFIX)
    lists = [dv.formula1 for dv in branches.data_validations.dataValidation]
    assert any("城市社区" in f for f in lists) and any("是,否" in f for f in lists)
    # The template as downloaded imports as nothing (its examples are skipped).
    with pytest.raises(ValidationError):
        imports.import_upload(actor=u.leader, data=response.content, name="t.xlsx")


def test_pages_upload_preview_and_confirm(client, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    u = users_for(org)
    client.force_login(u.district)
    data = xlsx_of(organisation_rows(district_code=org.district.code, branches=2, departments=1, people=3))
    response = client.post(reverse("org:import_upload"), {"file": SimpleUploadedFile("o.xlsx", data)})
    record = OrgImport.objects.get()
    assert response["Location"] == reverse("org:import_preview", args=[record.pk])
    html = client.get(response["Location"]).content.decode()
    assert "确认导入" in html and "新建" in html
    assert not Branch.objects.filter(code=f"{org.district.code}51001").exists()
    client.force_login(u.leader)  # someone else's import is not theirs to see or confirm
    assert client.get(reverse("org:import_preview", args=[record.pk])).status_code == 404
    assert client.post(reverse("org:import_confirm", args=[record.pk])).status_code == 404
    client.force_login(u.district)
    client.post(reverse("org:import_confirm", args=[record.pk]))
    assert Branch.objects.filter(code=f"{org.district.code}51001").exists()
    client.force_login(u.secretary)
    assert client.post(reverse("org:import_confirm", args=[record.pk])).status_code == 403
