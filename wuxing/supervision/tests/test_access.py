"""Every page of supervision as anonymous, outsider (no permission or out of scope) and insider; the public pages
without sign-in."""

import pytest
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.supervision import services

from .conftest import card_of, full_marks


def _photo(label="现场"):
    return as_upload(sample_jpeg(label), "photo.jpg", "image/jpeg")


# url name, args (from the world), in-scope user, [(outsider, expected status)]
PAGES = [
    ("supervision:home", lambda w: [], "leader", [("auditor", 403), ("nobody", 403)]),
    ("supervision:sheet_list", lambda w: [], "secretary", [("auditor", 403)]),
    ("supervision:sheet_create", lambda w: [], "staff", [("secretary", 403), ("leader_b", 404)]),
    ("supervision:observation_list", lambda w: [], "cadre", [("auditor", 403)]),
    ("supervision:observation_create", lambda w: [], "staff", [("secretary", 403), ("leader_b", 404)]),
    ("supervision:observation_detail", lambda w: [w.observation.pk], "leader", [("leader_b", 404), ("auditor", 404)]),
    ("supervision:card_score", lambda w: [w.card.pk], "leader", [("staff", 404), ("leader_b", 404)]),
    ("supervision:photo_file", lambda w: [w.photo.pk], "leader", [("leader_b", 404), ("auditor", 404)]),
    ("supervision:photo_thumbnail", lambda w: [w.photo.pk], "staff", [("leader_b", 404)]),
    ("supervision:evaluation_list", lambda w: [], "secretary", [("auditor", 403)]),
    ("supervision:evaluation_create", lambda w: [], "staff", [("secretary", 403), ("leader_b", 404)]),
    ("supervision:evaluation_detail", lambda w: [w.evaluation.pk], "secretary", [("leader_b", 404), ("auditor", 403)]),
    ("supervision:evaluation_compute", lambda w: [w.evaluation.pk], "staff", [("secretary", 403), ("leader_b", 404)]),
    ("supervision:tag_create", lambda w: [], "staff", [("secretary", 403), ("leader_b", 404)]),
    ("supervision:inspection_list", lambda w: [], "cadre", [("auditor", 403)]),
    ("supervision:inspection_create", lambda w: [], "staff", [("cadre", 403), ("leader_b", 404)]),
    ("supervision:inspection_plan", lambda w: [], "staff", [("cadre", 403), ("secretary", 403), ("leader_b", 404)]),
    ("supervision:inspection_update", lambda w: [w.inspection.pk], "staff", [("cadre", 403), ("leader_b", 404)]),
    ("supervision:finding_update", lambda w: [w.finding.pk], "staff", [("secretary", 403), ("leader_b", 404)]),
    ("supervision:finding_delete", lambda w: [w.finding.pk], "leader", [("secretary", 403), ("leader_b", 404)]),
    ("supervision:inspection_detail", lambda w: [w.inspection.pk], "cadre", [("leader_b", 404), ("auditor", 403)]),
    ("supervision:finding_create", lambda w: [w.inspection.pk], "staff", [("secretary", 403), ("leader_b", 404)]),
    ("supervision:finding_list", lambda w: [], "secretary", [("auditor", 403)]),
    ("supervision:finding_detail", lambda w: [w.finding.pk], "secretary", [("leader_b", 404), ("auditor", 403)]),
    ("supervision:finding_triage", lambda w: [w.report.finding_id], "staff", [("secretary", 403), ("leader_b", 404)]),
    ("supervision:rectification_create", lambda w: [w.finding.pk], "staff", [("secretary", 403), ("leader_b", 404)]),
    ("supervision:accountability_create", lambda w: [w.finding.pk], "leader", [("staff", 403), ("leader_b", 404)]),
    ("supervision:finding_photo", lambda w: [w.finding_photo.pk], "secretary", [("leader_b", 404)]),
    ("supervision:finding_thumbnail", lambda w: [w.finding_photo.pk], "leader", [("leader_b", 404)]),
    ("supervision:rectification_list", lambda w: [], "secretary", [("auditor", 403)]),
    (
        "supervision:rectification_detail",
        lambda w: [w.rectification.pk],
        "secretary",
        [("leader_b", 404), ("auditor", 403)],
    ),
    (
        "supervision:rectification_reschedule",
        lambda w: [w.rectification.pk],
        "staff",
        [("secretary", 403), ("leader_b", 404)],
    ),
    ("supervision:rectification_evidence", lambda w: [w.evidence.pk], "secretary", [("leader_b", 404)]),
    ("supervision:rectification_thumbnail", lambda w: [w.evidence.pk], "cadre", [("leader_b", 404)]),
    ("supervision:board", lambda w: [], "leader", [("auditor", 403)]),
    ("supervision:overdue_board", lambda w: [], "leader", [("auditor", 403)]),
    ("supervision:accountability_list", lambda w: [], "leader", [("staff", 403), ("auditor", 403), ("secretary", 403)]),
    ("supervision:public_report_list", lambda w: [], "staff", [("secretary", 403), ("cadre", 403)]),
]

PUBLIC = [
    ("supervision_public:rankings", lambda w: [w.org.office_a.code]),
    ("supervision_public:evaluation", lambda w: [w.org.office_a.code, w.published.pk]),
    ("supervision_public:observation", lambda w: [w.org.office_a.code, w.observation.pk]),
    ("supervision_public:report", lambda w: [w.org.office_a.code]),
]

# POST-only actions and the test covering them.
POST_ONLY = {
    "supervision:observation_public": "test_access.py::test_observation_public_toggle",
    "supervision:evaluation_publish": "test_evaluation.py::test_publishing_freezes_with_a_hash_and_detects_tampering",
    "supervision:rectification_transition": "test_inspection.py::test_transition_page_refuses_a_forbidden_step",
    "supervision:public_report_reveal": "test_public.py::test_contact_is_masked_and_revealed_only_with_the_permission",
    "supervision:finding_restore": "test_findings.py::test_delete_with_a_reason_and_undo_within_ten_seconds",
}

COVERED = {p[0] for p in PAGES} | {p[0] for p in PUBLIC} | set(POST_ONLY)


@pytest.fixture
def full(world):
    """The world with a photo on a card, a finding photo, rectification evidence, a public report and a published
    evaluation."""
    w = world
    w.card = card_of(w.observation, w.users.leader, w.org.branches["a1"])
    services.card_save(actor=w.users.leader, card=w.card, points=full_marks(w.card), photos=[_photo()])
    w.photo = w.card.photos.get()
    finding = services.finding_record(
        actor=SYSTEM,
        inspection=w.inspection,
        branch=w.org.branches["a1"],
        category="progress",
        severity="low",
        description="进度滞后",
        photos=[_photo("问题")],
    )
    w.finding_photo = finding.photos.get()
    services.rectification_transition(actor=SYSTEM, rectification=w.rectification, to="in_progress")
    services.rectification_transition(
        actor=SYSTEM, rectification=w.rectification, to="submitted", evidence=[_photo("整改")]
    )
    w.evidence = w.rectification.evidence.get()
    w.report = services.public_report_submit(
        office=w.org.office_a,
        branch=w.org.branches["a2"],
        text="公示栏没有更新",
        address="10.0.0.1",
        phone="13912345678",
    )
    w.published = services.evaluation_create(
        actor=SYSTEM, campaign=w.campaign, quarter=1, title="第一季度评比", weights={"observation": 50, "checklist": 50}
    )
    services.evaluation_compute(actor=SYSTEM, evaluation=w.published)
    services.evaluation_publish(actor=SYSTEM, evaluation=w.published)
    services.observation_set_public(actor=SYSTEM, observation=w.observation, public=True)
    return w


@pytest.mark.parametrize("name,args,insider,outsiders", PAGES, ids=[f"{p[0]}-{i}" for i, p in enumerate(PAGES)])
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
def test_public_pages_need_no_sign_in_and_show_no_contact(client, full, name, args):
    response = client.get(reverse(name, args=args(full)))
    assert response.status_code == 200
    text = response.content.decode()
    assert "13912345678" not in text and "3912345678"[1:] not in text and "甲一书记" not in text


def test_public_pages_of_another_office_or_unpublished_are_not_found(client, full):
    code_b = full.org.office_b.code
    assert client.get(reverse("supervision_public:evaluation", args=[code_b, full.published.pk])).status_code == 404
    draft = reverse("supervision_public:evaluation", args=[full.org.office_a.code, full.evaluation.pk])
    assert client.get(draft).status_code == 404
    services.observation_set_public(actor=SYSTEM, observation=full.observation, public=False)
    hidden = reverse("supervision_public:observation", args=[full.org.office_a.code, full.observation.pk])
    assert client.get(hidden).status_code == 404


def test_observation_public_toggle(client, full):
    url = reverse("supervision:observation_public", args=[full.observation.pk])
    assert client.post(url, {"public": "0"}).status_code == 302
    full.observation.refresh_from_db()
    assert full.observation.public
    client.force_login(full.users.secretary)
    assert client.post(url, {"public": "0"}).status_code == 403
    client.force_login(full.users.leader_b)
    assert client.post(url, {"public": "0"}).status_code == 404
    client.force_login(full.users.staff)
    assert client.post(url, {"public": "0"}).status_code == 302
    full.observation.refresh_from_db()
    assert not full.observation.public


def test_links_on_the_public_board(client, full):
    page = client.get(reverse("checklists_public:board", args=[full.org.office_a.code])).content.decode()
    assert reverse("supervision_public:rankings", args=[full.org.office_a.code]) in page
    assert reverse("supervision_public:report", args=[full.org.office_a.code]) in page
