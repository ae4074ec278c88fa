"""A new standard version uploaded (YAML or the Excel form), compared with the previous one, then published."""

import io

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.standards.fileformat import parse_standard, standard_load, standard_text_from_xlsx
from wuxing.standards.models import Standard, StandardDraft
from wuxing.standards.rules import indicator_diff
from wuxing.testing import users_for
from wuxing.tests.test_view_access import EXAMPLE


def test_indicator_diff_names_added_removed_and_changed_fields():
    old = {("rural", "a"): {"text": "甲", "threshold": 4}, ("rural", "b"): {"text": "乙"}}
    new = {("rural", "a"): {"text": "甲", "threshold": 4.0, "weight": 2}, ("urban", "c"): {"text": "丙"}}
    diff = indicator_diff(old, new)
    assert diff == {"added": [("urban", "c")], "removed": [("rural", "b")], "changed": [(("rural", "a"), ["weight"])]}
    assert indicator_diff(old, old) == {"added": [], "removed": [], "changed": []}


def _next_version_text():
    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    doc["version"] = "2027.1"
    rural = doc["star_sets"]["rural"]["stars"][0]["indicators"]
    rural[0]["threshold"] = 6  # changed
    removed = rural.pop(1)["code"]  # removed
    rural.append({"code": "r_sb_new", "text": "新增指标", "kind": "yes_no", "weight": 1})  # added
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), removed


@pytest.mark.django_db
def test_upload_shows_the_comparison_before_publishing(client, org):
    u = users_for(org)
    previous = standard_load(actor=SYSTEM, text=EXAMPLE.read_text(encoding="utf-8"))
    text, removed = _next_version_text()
    client.force_login(u.staff)
    response = client.post(reverse("standards:standard_list"), {"file": SimpleUploadedFile("s.yaml", text.encode())})
    draft = StandardDraft.objects.get()
    assert response["Location"] == reverse("standards:draft_detail", args=[draft.pk])
    assert Standard.objects.count() == 1  # nothing published yet
    html = client.get(response["Location"]).content.decode()
    # In words: the indicator's text and the field's name; the code only in a tooltip.
    assert 'data-indicator="r_sb_new"' in html and "新增指标" in html and f'data-indicator="{removed}"' in html
    assert "阈值" in html and "threshold" not in html and previous.version in html
    client.force_login(u.leader)  # someone else's upload is not theirs to publish
    assert client.post(response["Location"]).status_code == 404
    client.force_login(u.staff)
    client.post(response["Location"])
    assert Standard.objects.filter(version="2027.1").exists()
    assert AuditLog.objects.filter(action="standard.load").exists()
    assert "已发布" in client.get(response["Location"]).content.decode()
    client.post(response["Location"])  # published once only
    assert Standard.objects.count() == 2


@pytest.mark.django_db
def test_the_excel_form_round_trips_and_uploads_like_yaml(client, org):
    u = users_for(org)
    standard = standard_load(actor=SYSTEM, text=EXAMPLE.read_text(encoding="utf-8"))
    client.force_login(u.staff)
    data = client.get(reverse("standards:standard_download_xlsx", args=[standard.pk])).content
    assert parse_standard(standard_text_from_xlsx(data)) == parse_standard(EXAMPLE.read_text(encoding="utf-8"))
    wb = load_workbook(io.BytesIO(data))
    wb["标准"]["B3"] = "2027.2"
    wb["指标"]["L2"] = 8  # the first indicator's threshold
    out = io.BytesIO()
    wb.save(out)
    response = client.post(reverse("standards:standard_list"), {"file": SimpleUploadedFile("s.xlsx", out.getvalue())})
    draft = StandardDraft.objects.get()
    assert draft.version == "2027.2"
    html = client.get(response["Location"]).content.decode()
    assert "阈值" in html and 'data-indicator="r_sb_meetings"' in html


def test_star_diff_names_the_stars_own_fields():
    from wuxing.standards.rules import star_diff

    old = {("rural", "industry"): {"name": "产业兴旺", "requires_committee_decision": False}}
    new = {("rural", "industry"): {"name": "产业兴旺", "requires_committee_decision": True}}
    assert star_diff(old, new) == [(("rural", "industry"), ["requires_committee_decision"])]
    assert star_diff(old, old) == []


@pytest.mark.django_db
def test_the_committee_decision_flag_is_set_per_star_in_the_file_the_excel_form_the_page_and_the_api(
    client, api_client, org
):
    """两委决议: a star's `requires_committee_decision` is loaded, shown, compared, exported and read back."""
    from wuxing.standards.models import Star
    from wuxing.testing import api_as

    u = users_for(org)
    standard = standard_load(actor=SYSTEM, text=EXAMPLE.read_text(encoding="utf-8"))
    required = set(
        Star.objects.filter(standard=standard, requires_committee_decision=True).values_list("star_set", "code")
    )
    assert required == {("rural", "strong_branch"), ("rural", "industry"), ("urban", "strong_branch")}
    client.force_login(u.staff)
    page = client.get(reverse("standards:standard_detail", args=[standard.pk])).content.decode()
    assert page.count('data-committee="required"') == 3 and "需两委决议" in page
    body = api_as(api_client, u.staff).get(f"/api/v1/standards/{standard.pk}/").json()
    flags = {(s["star_set"], s["code"]): s["requires_committee_decision"] for s in body["stars"]}
    assert flags[("rural", "industry")] is True and flags[("rural", "civility")] is False
    # The Excel form carries it in its last column; unticking it shows as a change of the star in the comparison.
    data = client.get(reverse("standards:standard_download_xlsx", args=[standard.pk])).content
    wb = load_workbook(io.BytesIO(data))
    sheet = wb["指标"]
    assert sheet.cell(row=1, column=sheet.max_column).value == "星需两委决议"
    wb["标准"]["B3"] = "2027.3"
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == "industry":
            row[-1].value = "否"
    out = io.BytesIO()
    wb.save(out)
    response = client.post(reverse("standards:standard_list"), {"file": SimpleUploadedFile("s.xlsx", out.getvalue())})
    html = client.get(response["Location"]).content.decode()
    assert 'data-indicator="industry"' in html and "需两委决议" in html
    client.post(response["Location"])
    new = Standard.objects.get(version="2027.3")
    assert not new.stars.get(star_set="rural", code="industry").requires_committee_decision
    assert new.stars.get(star_set="rural", code="strong_branch").requires_committee_decision
    # Not a boolean in the file: refused, naming the field.
    bad = EXAMPLE.read_text(encoding="utf-8").replace(
        "requires_committee_decision: true", "requires_committee_decision: 是", 1
    )
    with pytest.raises(Exception, match="requires_committee_decision"):
        parse_standard(bad)
