"""The standard data file: the example loads and round-trips; a bad file is refused whole, naming where."""

from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.standards.fileformat import (
    StandardFileError,
    parse_standard,
    standard_export,
    standard_load,
    standard_rules,
)
from wuxing.standards.models import Indicator, Standard, Star
from wuxing.standards.rules import apply_star_rules

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example-standard.yaml"


def example_text():
    return EXAMPLE.read_text(encoding="utf-8")


def test_example_is_labelled_and_has_3_to_6_indicators_per_star():
    data = parse_standard(example_text())
    assert data["example"] is True and "示例" in data["name"]
    for set_code, sdata in data["star_sets"].items():
        assert [s["position"] for s in sdata["stars"]] == [1, 2, 3, 4, 5], set_code
        for star in sdata["stars"]:
            assert 3 <= len(star["indicators"]) <= 6, star["code"]
    rural = [s["name"] for s in data["star_sets"]["rural"]["stars"]]
    urban = [s["name"] for s in data["star_sets"]["urban"]["stars"]]
    assert rural == ["支部过硬", "产业兴旺", "生态宜居", "平安法治", "文明幸福"]
    assert urban == ["支部过硬", "共建共享", "宜业兴业", "平安法治", "幸福和谐"]


@pytest.mark.django_db
def test_example_round_trips():
    standard = standard_load(actor=SYSTEM, text=example_text())
    assert standard.stars.count() == 10
    exported = standard_export(standard)
    assert parse_standard(exported) == parse_standard(example_text())
    again = standard_load(
        actor=SYSTEM,
        text=exported.replace('version: "2026.1"', 'version: "2026.2"').replace(
            "version: '2026.1'", "version: '2026.2'"
        ),
    )
    assert standard_export(again).replace("2026.2", "2026.1") == exported


@pytest.mark.django_db
def test_loaded_rules_drive_the_pure_rule_functions():
    standard = standard_load(actor=SYSTEM, text=example_text())
    rules = standard_rules(standard, "rural")
    kept, lost = apply_star_rules({"strong_branch", "safety_rule_of_law"}, {"r_sf_zero_case"}, rules)
    assert kept == {"strong_branch"} and "safety_rule_of_law" in lost


def _broken(mutator):
    doc = yaml.safe_load(example_text())
    mutator(doc)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def _line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.mark.django_db
def test_bad_kind_is_refused_whole_naming_line_and_field():
    text = _broken(lambda d: d["star_sets"]["rural"]["stars"][1]["indicators"][0].update(kind="percentage"))
    with pytest.raises(StandardFileError) as err:
        standard_load(actor=SYSTEM, text=text)
    line = _line_of(text, "kind: percentage")
    assert any(f"第 {line} 行" in e and "star_sets.rural.stars[1].indicators[0].kind" in e for e in err.value.errors), (
        err.value.errors
    )
    assert Standard.objects.count() == 0 and Star.objects.count() == 0 and Indicator.objects.count() == 0


def test_every_problem_is_reported():
    def mutate(d):
        d["star_sets"]["urban"]["stars"][0]["code"] = "industry"  # not an urban star
        d["star_sets"]["rural"]["stars"][2]["indicators"][0].pop("threshold")
        d["star_sets"]["rural"]["rules"][0]["requires"] = "nonexistent"

    with pytest.raises(StandardFileError) as err:
        parse_standard(_broken(mutate))
    text = "\n".join(err.value.errors)
    assert "star_sets.urban.stars[0].code" in text
    assert "star_sets.rural.stars[2].indicators[0].threshold" in text
    assert "star_sets.rural.rules[0].requires" in text


@pytest.mark.parametrize(
    "text,needle",
    [
        ("format: wuxing-standard/1\ncode: [unclosed", "YAML"),
        ("- just\n- a list\n", "第 1 行"),
        ("format: other/9\ncode: x\nversion: '1'\nname: n\nstar_sets: {}\n", "format"),
    ],
)
def test_malformed_files(text, needle):
    with pytest.raises(StandardFileError) as err:
        parse_standard(text)
    assert needle in "\n".join(err.value.errors)


@pytest.mark.django_db
def test_same_version_cannot_be_loaded_twice():
    standard_load(actor=SYSTEM, text=example_text())
    with pytest.raises(StandardFileError):
        standard_load(actor=SYSTEM, text=example_text())
    assert Standard.objects.count() == 1


@pytest.mark.django_db
def test_upload_page_refuses_a_bad_file_with_messages(client, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wuxing.testing import users_for

    u = users_for(org)
    text = _broken(lambda d: d["star_sets"]["rural"]["stars"][0]["indicators"][0].update(weight="heavy"))
    client.force_login(u.secretary)
    response = client.post(reverse("standards:standard_list"), {"file": SimpleUploadedFile("s.yaml", text.encode())})
    assert response.status_code == 403
    client.force_login(u.staff)
    response = client.post(reverse("standards:standard_list"), {"file": SimpleUploadedFile("s.yaml", text.encode())})
    assert response.status_code == 200
    assert "weight" in response.content.decode() and Standard.objects.count() == 0
    response = client.post(
        reverse("standards:standard_list"), {"file": SimpleUploadedFile("s.yaml", example_text().encode())}
    )
    assert response.status_code == 302 and Standard.objects.count() == 0  # compared first, then published
    response = client.post(response["Location"])
    standard = Standard.objects.get()
    assert response.status_code == 302
    detail = client.get(reverse("standards:standard_detail", args=[standard.pk])).content.decode()
    assert "产业兴旺" in detail and "共建共享" in detail
    download = client.get(reverse("standards:standard_download", args=[standard.pk]))
    assert parse_standard(download.content.decode()) == parse_standard(example_text())
