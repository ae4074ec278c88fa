"""满意度测评: a questionnaire, one-time codes printed as QR codes, one answer per code, results per branch with
the response rate, and a hash chain whose verify command detects an edited answer."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from wuxing.participation import selectors, services
from wuxing.participation.models import SurveyCode, SurveyResponse

QUESTIONS = [
    {"kind": "scale", "text": "您对支部班子的工作是否满意？"},
    {"kind": "scale", "text": "您对村里的环境是否满意？"},
    {"kind": "choice", "text": "最希望先解决什么？", "choices": ["道路", "照明", "卫生"]},
]


@pytest.fixture
def survey(org, users, campaign):
    survey = services.survey_create(
        actor=users.staff, campaign=campaign, title="2026年群众满意度测评", questions=QUESTIONS
    )
    services.survey_codes_issue(actor=users.staff, survey=survey, branch=org.branches["a1"], count=4)
    services.survey_codes_issue(actor=users.staff, survey=survey, branch=org.branches["a2"], count=2, holder="member")
    services.survey_set_status(actor=users.staff, survey=survey, status="open")
    return survey


def _answers(survey, scale="5", choice="照明"):
    return {str(q.pk): (scale if q.kind == "scale" else choice) for q in survey.questions.all()}


def test_only_the_office_prepares_surveys(org, users, campaign):
    with pytest.raises(PermissionDenied):
        services.survey_create(actor=users.secretary, campaign=campaign, title="x", questions=QUESTIONS)
    with pytest.raises(ValidationError):
        services.survey_create(actor=users.staff, campaign=campaign, title="x", questions=[])
    with pytest.raises(ValidationError):
        services.survey_create(
            actor=users.staff,
            campaign=campaign,
            title="x",
            questions=[{"kind": "choice", "text": "?", "choices": ["a"]}],
        )


def test_one_answer_per_code_and_a_code_used_twice_is_refused(org, survey):
    code = SurveyCode.objects.filter(survey=survey).first()
    services.survey_answer(office=org.office_a, code=code.code, answers=_answers(survey), address="10.0.0.1")
    with pytest.raises(ValidationError, match="已经使用|already been used"):
        services.survey_answer(office=org.office_a, code=code.code, answers=_answers(survey), address="10.0.0.2")
    with pytest.raises(ValidationError):
        services.survey_answer(office=org.office_b, code=code.code, answers=_answers(survey))  # another office
    other = SurveyCode.objects.filter(survey=survey, used_at__isnull=True).first()
    with pytest.raises(ValidationError):
        services.survey_answer(office=org.office_a, code=other.code, answers=_answers(survey, scale="9"))
    assert SurveyResponse.objects.count() == 1 and SurveyCode.objects.filter(used_at__isnull=False).count() == 1


def test_results_per_branch_with_the_response_rate(org, survey):
    a1 = list(SurveyCode.objects.filter(survey=survey, branch=org.branches["a1"]))
    services.survey_answer(office=org.office_a, code=a1[0].code, answers=_answers(survey, "5"), comment="路灯要修")
    services.survey_answer(office=org.office_a, code=a1[1].code, answers=_answers(survey, "3", "道路"))
    results = selectors.survey_results(survey)
    row = next(r for r in results["branches"] if r.pk == org.branches["a1"].pk)
    assert (row.codes, row.answered, str(row.response_rate), str(row.satisfaction)) == (4, 2, "50.00", "75.00")
    a2 = next(r for r in results["branches"] if r.pk == org.branches["a2"].pk)
    assert (a2.codes, a2.answered, a2.response_rate, a2.satisfaction) == (2, 0, 0, None)
    assert str(results["response_rate"]) == "33.33" and results["comments"] == ["路灯要修"]
    choice = results["questions"][2]["counts"]
    assert dict(choice) == {"道路": 1, "照明": 1, "卫生": 0}


def test_verify_command_detects_an_edited_answer(org, survey, capsys):
    for code in SurveyCode.objects.filter(survey=survey)[:3]:
        services.survey_answer(office=org.office_a, code=code.code, answers=_answers(survey))
    call_command("survey_verify")
    assert "chain intact" in capsys.readouterr().out
    row = SurveyResponse.objects.order_by("id")[1]
    row.answers = {**row.answers, next(iter(row.answers)): "1"}
    row.save()
    with pytest.raises(CommandError):
        call_command("survey_verify", survey=survey.pk)
    assert f"broken at answer {row.pk}" in capsys.readouterr().out
    assert services.survey_chain_problem(survey) == row.pk


def test_public_answer_page_and_the_printed_codes(client, org, users, survey):
    code = SurveyCode.objects.filter(survey=survey).first()
    entry = reverse("participation_public:survey_entry", args=[org.office_a.code])
    assert client.get(entry, {"code": code.code.lower()})["Location"].endswith(f"/surveys/{code.code}/")
    url = reverse("participation_public:survey_answer", args=[org.office_a.code, code.code])
    data = {f"q{k}": v for k, v in _answers(survey).items()}
    assert client.post(url, data).status_code == 302
    page = client.get(url).content.decode()
    assert 'id="survey-used"' in page and 'id="survey-form"' not in page
    assert client.post(url, data).status_code == 200 and SurveyResponse.objects.count() == 1
    client.force_login(users.staff)
    pdf = client.get(reverse("participation:survey_codes_pdf", args=[survey.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    detail = client.get(reverse("participation:survey_detail", args=[survey.pk])).content.decode()
    assert "16.7" in detail  # 1 answer of 6 codes
