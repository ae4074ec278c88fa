"""Every page of the rating app as anonymous, outsider (no permission or out of scope) and insider; its POST-only
actions; its public pages; and a closed campaign that refuses every write with a message, not a 500."""

import pytest
from django.urls import reverse

from wuxing.campaigns.services import campaign_set_status
from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.rating.choices import StarState

from .conftest import COMMITTEE, star_of

# url name, args (from the world), in-scope user, [(outsider, expected status)]
PAGES = [
    ("rating:home", lambda w: [], "staff", [("auditor", 403), ("security", 403)]),
    ("rating:readiness", lambda w: [], "staff", [("auditor", 403)]),
    ("rating:branch_readiness", lambda w: [w.branch.pk], "secretary", [("leader_b", 404), ("auditor", 403)]),
    ("rating:rating_detail", lambda w: [w.rating.pk], "secretary", [("leader_b", 404), ("auditor", 403)]),
    ("rating:rating_detail", lambda w: [w.rating.pk], "dept_org", [("leader_b", 404)]),
    ("rating:certificate_pdf", lambda w: [w.named.pk], "staff", [("leader_b", 404), ("auditor", 403)]),
    ("rating:star_evaluate", lambda w: [star_of(w.rating, "industry").pk], "secretary", [("staff", 403)]),
    ("rating:queue", lambda w: [], "staff", [("auditor", 403)]),
    ("rating:objection_list", lambda w: [], "staff", [("secretary", 403), ("auditor", 403)]),
    ("rating:objection_close", lambda w: [w.objection.pk], "staff", [("leader_b", 404), ("secretary", 403)]),
    ("rating:veto_list", lambda w: [], "staff", [("auditor", 403)]),
    ("rating:veto_file", lambda w: [w.veto.pk], "staff", [("leader_b", 404), ("secretary", 404)]),
    ("rating:district_summary", lambda w: [], "district", [("secretary", 403), ("auditor", 403), ("staff", 403)]),
    ("rating:city_summary", lambda w: [], "district", [("secretary", 403), ("auditor", 403), ("leader", 403)]),
    ("rating:objection_file", lambda w: [w.objection_file.pk], "staff", [("leader_b", 404), ("secretary", 403)]),
]

POST_ONLY = {
    "rating:rating_open": "test_secretary_opens_evaluates_and_submits",
    "rating:rating_submit": "test_secretary_opens_evaluates_and_submits",
    "rating:star_review": "test_reviews_from_the_pages",
    "rating:publicity_start": "test_publicity_and_naming_from_the_pages",
    "rating:rating_name": "test_publicity_and_naming_from_the_pages",
    "rating:star_withdrawal": "test_withdrawal.test_withdrawal_from_the_pages_the_public_site_and_the_reissued_certificate",
}
PUBLIC = {"rating_public:announcement", "rating_public:result", "rating_public:district_announcement"}

COVERED = {p[0] for p in PAGES} | set(POST_ONLY) | PUBLIC


@pytest.mark.parametrize("name,args,insider,outsiders", PAGES, ids=[f"{p[0]}-{i}" for i, p in enumerate(PAGES)])
def test_page_access(client, full, name, args, insider, outsiders):
    from wuxing.core.uploads import as_upload, sample_jpeg
    from wuxing.rating.models import ObjectionEvidence
    from wuxing.rating.services import objection_submit

    with_file = objection_submit(
        rating=full.rating, text="附照片", evidence=as_upload(sample_jpeg("x"), "x.jpg", "image/jpeg")
    )
    full.objection_file = ObjectionEvidence.objects.get(objection=with_file)
    url = reverse(name, args=args(full))
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login")), "anonymous"
    for username, expected in outsiders:
        client.force_login(getattr(full.users, username))
        assert client.get(url).status_code == expected, username
    client.force_login(getattr(full.users, insider))
    assert client.get(url).status_code == 200, insider


def test_secretary_opens_evaluates_and_submits(client, world):
    branch = world.org.branches["a1"]
    rating = world.rating
    url = reverse("rating:rating_open", args=[branch.pk])
    client.force_login(world.users.staff)
    assert client.post(url).status_code == 403
    client.force_login(world.users.secretary)
    assert client.post(url).status_code == 302
    rs = star_of(rating, "strong_branch")
    page = client.post(
        reverse("rating:star_evaluate", args=[rs.pk]),
        {"claimed": "on", "statement": "全年召开党员大会4次", "evidence": [f"checkin_evidence:{world.evidence.pk}"]},
    )
    assert page.status_code == 302
    assert rs.evidence_links.get().ref_id == world.evidence.pk
    bad = client.post(reverse("rating:rating_submit", args=[rating.pk]), {"committee_attendance": "500"})
    assert bad.status_code == 302
    rs.refresh_from_db()
    assert rs.state == StarState.DRAFT
    # 支部过硬 needs the 两委 decision: a date without the members present is refused, nothing written.
    page = client.post(
        reverse("rating:rating_submit", args=[rating.pk]), {"committee_decided_on": "2026-09-01"}, follow=True
    )
    assert "须有两委决议：请填写到会的两委成员人数" in page.content.decode()
    rs.refresh_from_db()
    rating.refresh_from_db()
    assert rs.state == StarState.DRAFT and rating.committee_decided_on is None and rating.submitted_at is None
    client.post(
        reverse("rating:rating_submit", args=[rating.pk]),
        {"committee_decided_on": "2026-09-01", "committee_attendance": "7"},
    )
    rs.refresh_from_db()
    assert rs.state == StarState.CLAIMED
    detail = client.get(reverse("rating:rating_detail", args=[rating.pk])).content.decode()
    assert "待街道初审" in detail


def test_reviews_from_the_pages(client, world):
    from wuxing.rating import services

    from .conftest import push_to_publicity  # noqa: F401

    rs = star_of(world.rating, "strong_branch")
    services.star_self_evaluate(actor=world.users.secretary, rating_star=rs, claimed=True, statement="好")
    services.rating_submit(actor=world.users.secretary, rating=world.rating, **COMMITTEE)
    url = reverse("rating:star_review", args=[rs.pk])
    client.force_login(world.users.leader_b)
    assert client.post(url, {"decision": "pass"}).status_code == 404
    client.force_login(world.users.staff)
    queue = client.get(reverse("rating:queue")).content.decode()
    assert world.branch.name in queue
    response = client.post(url, {"decision": "return", "reason": ""}, follow=True)
    assert "退回或不通过时请填写理由" in response.content.decode()
    client.post(url, {"decision": "pass", "next": "queue"})
    rs.refresh_from_db()
    assert rs.state == StarState.OFFICE_PASSED
    client.force_login(world.users.dept_law)
    assert world.branch.name not in client.get(reverse("rating:queue")).content.decode()
    response = client.post(url, {"decision": "pass"}, follow=True)
    rs.refresh_from_db()
    assert rs.state == StarState.OFFICE_PASSED
    client.force_login(world.users.dept_org)
    assert world.branch.name in client.get(reverse("rating:queue")).content.decode()
    client.post(url, {"decision": "pass"})
    rs.refresh_from_db()
    assert rs.state == StarState.DISTRICT_PASSED


def test_publicity_and_naming_from_the_pages(client, world):
    from wuxing.rating import services

    rs = star_of(world.rating, "strong_branch")
    services.star_self_evaluate(actor=SYSTEM, rating_star=rs, claimed=True, statement="好")
    services.rating_submit(actor=SYSTEM, rating=world.rating, **COMMITTEE)
    for step in ("office_review", "district_review"):
        services.star_review(
            actor=SYSTEM, rating_star=star_of(world.rating, "strong_branch"), step=step, decision="pass"
        )
    client.force_login(world.users.secretary)
    assert client.post(reverse("rating:publicity_start", args=[world.rating.pk]), {"days": 5}).status_code == 403
    client.force_login(world.users.staff)
    client.post(reverse("rating:publicity_start", args=[world.rating.pk]), {"start": "2026-09-30", "days": 5})
    world.rating.refresh_from_db()
    assert str(world.rating.publicity_end) == "2026-10-12"
    # Naming by the office is refused; by the district it names (the publicity of 2026-09-30 is long over).
    assert client.post(reverse("rating:rating_name", args=[world.rating.pk])).status_code == 403
    assert star_of(world.rating, "strong_branch").state == StarState.PUBLICITY
    client.force_login(world.users.district)
    client.post(reverse("rating:rating_name", args=[world.rating.pk]))
    world.rating.refresh_from_db()
    assert world.rating.level == 1
    pdf = client.get(reverse("rating:certificate_pdf", args=[world.rating.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_public_pages_show_results_and_take_objections_without_the_contact(client, full):
    office = full.org.office_a.code
    page = client.get(reverse("rating_public:announcement", args=[office])).content.decode()
    assert full.branch.name in page and full.named.branch.name in page
    url = reverse("rating_public:result", args=[office, full.rating.pk])
    response = client.post(url, {"text": "公示材料不实", "contact": "13912340000", "rating_star": ""})
    assert response.status_code == 302
    assert full.rating.objections.count() == 2
    page = client.get(url).content.decode()
    assert "13800001234" not in page and "13912340000" not in page
    assert client.post(url, {"text": ""}).status_code == 200  # redisplayed with the error
    # A rating of office A is not found under office B's site; nor a rating still in review.
    assert client.get(reverse("rating_public:result", args=[full.org.office_b.code, full.rating.pk])).status_code == 404
    other = full.named.pk + 1000
    assert client.get(reverse("rating_public:result", args=[office, other])).status_code == 404
    named = client.get(reverse("rating_public:result", args=[office, full.named.pk]))
    assert named.status_code == 200 and "objection-form" not in named.content.decode()


def test_closed_campaign_refuses_every_write_view_with_a_message(client, full):
    from wuxing.campaigns.services import campaign_create

    campaign_set_status(actor=SYSTEM, campaign=full.campaign, status="closed")
    # A later year closed too: 2026 is no longer the latest closed year, whose stars 摘星 may still withdraw.
    later = campaign_create(actor=SYSTEM, office=full.org.office_a, year=2027, standard=full.standard)
    campaign_set_status(actor=SYSTEM, campaign=later, status="closed")
    before = AuditLog.objects.count()
    posts = [
        ("secretary", reverse("rating:star_evaluate", args=[star_of(full.rating, "industry").pk]), {"claimed": ""}),
        ("secretary", reverse("rating:rating_submit", args=[full.rating.pk]), {}),
        ("staff", reverse("rating:star_review", args=[star_of(full.rating, "strong_branch").pk]), {"decision": "pass"}),
        ("staff", reverse("rating:publicity_start", args=[full.rating.pk]), {"days": 5}),
        ("district", reverse("rating:rating_name", args=[full.rating.pk]), {}),
        (
            "staff",
            reverse("rating:objection_close", args=[full.objection.pk]),
            {"decision": "dismissed", "answer": "x"},
        ),
        ("staff", reverse("rating:veto_list"), {}),
        (
            "district",
            reverse("rating:star_withdrawal", args=[star_of(full.named, "strong_branch").pk]),
            {"step": "start", "reason": "指标下滑"},
        ),
    ]
    for username, url, data in posts:
        client.force_login(getattr(full.users, username))
        response = client.post(url, data, follow=True)
        assert response.status_code == 200, url
    assert AuditLog.objects.count() == before
