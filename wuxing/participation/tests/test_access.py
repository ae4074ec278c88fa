"""Every page of residents' issues as anonymous, outsider (no permission or out of scope) and insider; the public
pages without sign-in and without the resident's phone."""

import pytest
from django.urls import reverse
from django.utils import timezone

from .conftest import PHONE

# url name, args (from the world), in-scope user, [(outsider, expected status)]
PAGES = [
    ("participation:issue_list", lambda w: [], "secretary", [("auditor", 403), ("nobody", 403)]),
    ("participation:figures", lambda w: [], "cadre", [("auditor", 403)]),
    ("participation:category_list", lambda w: [], "staff", [("auditor", 403)]),
    ("participation:category_edit", lambda w: [w.category.pk], "staff", [("secretary", 403), ("leader_b", 404)]),
    ("participation:issue_detail", lambda w: [w.received.pk], "staff", [("leader_b", 404), ("auditor", 404)]),
    ("participation:issue_triage", lambda w: [w.received.pk], "staff", [("secretary", 403), ("leader_b", 404)]),
    ("participation:issue_note", lambda w: [w.dispatched.pk], "cadre", [("auditor", 403), ("leader_b", 404)]),
    ("participation:issue_answer", lambda w: [w.dispatched.pk], "leader", [("reviewer", 403), ("leader_b", 404)]),
    ("participation:photo_file", lambda w: [w.photo.pk], "secretary", [("leader_b", 404), ("auditor", 404)]),
    ("participation:photo_thumbnail", lambda w: [w.handling_photo.pk], "leader", [("leader_b", 404)]),
    ("participation:survey_list", lambda w: [], "reviewer", [("secretary", 403), ("auditor", 403)]),
    ("participation:survey_create", lambda w: [], "staff", [("reviewer", 403), ("secretary", 403)]),
    ("participation:survey_detail", lambda w: [w.survey.pk], "reviewer", [("leader_b", 404), ("secretary", 403)]),
    ("participation:survey_codes_pdf", lambda w: [w.survey.pk], "staff", [("leader_b", 404), ("reviewer", 403)]),
    ("participation:solicitation_list", lambda w: [], "cadre", [("auditor", 403)]),
    ("participation:solicitation_create", lambda w: [], "secretary", [("staff", 403), ("leader", 403)]),
    (
        "participation:solicitation_detail",
        lambda w: [w.solicitation.pk],
        "leader",
        [("leader_b", 404), ("auditor", 403)],
    ),
    ("participation:topic_list", lambda w: [], "secretary", [("auditor", 403), ("nobody", 403)]),
    ("participation:topic_detail", lambda w: [w.topic.pk], "cadre", [("leader_b", 404), ("auditor", 403)]),
    ("participation:topic_moderate", lambda w: [w.pending_topic.pk], "staff", [("cadre", 403), ("leader_b", 404)]),
    ("participation:topic_answer", lambda w: [w.topic.pk], "secretary", [("leader", 403), ("reviewer", 403)]),
    ("participation:topic_convert", lambda w: [w.topic.pk], "leader", [("cadre", 403), ("leader_b", 404)]),
    ("participation:session_list", lambda w: [], "reviewer", [("auditor", 403)]),
    ("participation:session_create", lambda w: [], "secretary", [("leader", 403), ("cadre", 403)]),
    ("participation:session_detail", lambda w: [w.session.pk], "cadre", [("leader_b", 404), ("auditor", 403)]),
    ("participation:session_edit", lambda w: [w.session.pk], "secretary", [("leader", 403), ("staff", 403)]),
]

PUBLIC = [
    ("participation_public:issue_submit", lambda w: [w.org.office_a.code]),
    ("participation_public:board", lambda w: [w.org.office_a.code]),
    ("participation_public:closed", lambda w: [w.org.office_a.code]),
    ("participation_public:find", lambda w: [w.org.office_a.code]),
    ("participation_public:issue_status", lambda w: [w.org.office_a.code, w.received.tracking_code]),
    ("participation_public:survey_entry", lambda w: [w.org.office_a.code]),
    ("participation_public:solicitations", lambda w: [w.org.office_a.code]),
    ("participation_public:solicitation", lambda w: [w.org.office_a.code, w.solicitation.pk]),
    ("participation_public:survey_answer", lambda w: [w.org.office_a.code, w.survey_code.code]),
    ("participation_public:tea", lambda w: [w.org.office_a.code]),
    ("participation_public:tea_board", lambda w: [w.org.office_a.code, w.org.branches["a1"].code]),
]

# POST-only actions and the test covering them.
POST_ONLY = {
    "participation:solicitation_close": (
        "test_solicitations.py::test_closing_records_the_summary_as_the_deliberation_step"
    ),
    "participation:survey_status": "test_closed_campaign.py::test_write_on_a_closed_campaign_is_refused_with_a_message",
    "participation:issue_reveal": (
        "test_issues.py::test_phone_masked_in_pages_and_exports_and_revealed_only_with_the_permission"
    ),
    "participation:topic_reveal": "test_tea.py::test_the_phone_is_masked_and_revealed_only_with_the_permission",
}

COVERED = {p[0] for p in PAGES} | {p[0] for p in PUBLIC} | set(POST_ONLY)


@pytest.fixture
def full(world):
    from wuxing.core.actors import SYSTEM
    from wuxing.participation import services
    from wuxing.participation.models import IssueCategory

    world.category = IssueCategory.objects.filter(office=world.org.office_a).first()
    world.survey = services.survey_create(
        actor=SYSTEM, campaign=world.campaign, title="满意度测评", questions=[{"kind": "scale", "text": "满意吗？"}]
    )
    services.survey_codes_issue(actor=SYSTEM, survey=world.survey, branch=world.org.branches["a1"], count=2)
    world.survey_code = world.survey.codes.first()
    from wuxing.deliberations.services import deliberation_create

    deliberation = deliberation_create(
        actor=SYSTEM, branch=world.org.branches["a2"], subject="改造广场", matter="project", campaign=world.campaign
    )
    world.solicitation = services.solicitation_create(
        actor=SYSTEM, deliberation_id=deliberation.pk, title="广场改造", proposal="方案", deadline=timezone.localdate()
    )
    office, a1 = world.org.office_a, world.org.branches["a1"]
    world.pending_topic = services.topic_submit(
        office=office, branch=a1, title="议题", text="内容", address="10.5.0.1", phone=PHONE
    )
    world.topic = services.topic_submit(
        office=office, branch=a1, title="公开议题", text="内容", address="10.5.0.2", phone=PHONE
    )
    world.topic = services.topic_moderate(actor=SYSTEM, topic=world.topic, decision="approve")
    world.session = services.session_save(
        actor=SYSTEM,
        branch=a1,
        campaign=world.campaign,
        held_on=timezone.localdate(),
        place="村委会",
        topics=[world.topic],
        attendees=12,
        outcomes="议定",
    )
    return world


@pytest.mark.parametrize("name,args,insider,outsiders", PAGES, ids=[p[0] for p in PAGES])
def test_page_access(client, full, name, args, insider, outsiders):
    url = reverse(name, args=args(full))
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login")), "anonymous"
    for username, expected in outsiders:
        client.force_login(getattr(full.users, username))
        assert client.get(url).status_code == expected, username
    client.force_login(getattr(full.users, insider))
    assert client.get(url).status_code == 200, insider


@pytest.mark.parametrize("name,args", PUBLIC, ids=[p[0] for p in PUBLIC])
def test_public_pages_need_no_sign_in_and_show_no_phone(client, full, name, args):
    response = client.get(reverse(name, args=args(full)))
    assert response.status_code == 200
    text = response.content.decode()
    assert PHONE not in text and PHONE[-4:] not in text


def test_a_tracking_code_of_another_office_is_not_found(client, full):
    url = reverse("participation_public:issue_status", args=[full.org.office_b.code, full.received.tracking_code])
    assert client.get(url).status_code == 404
    url = reverse("participation_public:issue_status", args=[full.org.office_a.code, "NOTACODE99"])
    assert client.get(url).status_code == 404


def test_links_on_the_public_board(client, full):
    page = client.get(reverse("checklists_public:board", args=[full.org.office_a.code])).content.decode()
    assert reverse("participation_public:issue_submit", args=[full.org.office_a.code]) in page


def test_the_secretary_sees_only_the_issues_of_their_branch(client, full):
    client.force_login(full.users.secretary)
    page = client.get(reverse("participation:issue_list")).content.decode()
    assert f'data-issue="{full.received.pk}"' in page  # a1
    assert f'data-issue="{full.dispatched.pk}"' not in page  # a2
