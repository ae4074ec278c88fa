"""Every page of the check-in lists as anonymous, as an outsider (no permission or out of scope) and as an insider."""

import re

import pytest
from django.urls import reverse

from wuxing.checklists import services
from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg

# url name, args (from the world), method, in-scope user, [(outsider, expected status)], in-scope status
PAGES = [
    (
        "checklists:branch_checklist",
        lambda w: [w.a1.pk],
        "get",
        "secretary",
        [("leader_b", 404), ("auditor", 403), ("nobody", 403)],
        200,
    ),
    (
        "checklists:item_create",
        lambda w: [w.a1.pk],
        "get",
        "secretary",
        [("leader_b", 404), ("cadre", 403), ("reviewer", 403)],
        200,
    ),
    ("checklists:items_import", lambda w: [w.a1.pk], "get", "staff", [("leader_b", 404), ("cadre", 403)], 200),
    ("checklists:items_generate", lambda w: [w.a1.pk], "post", "secretary", [("leader_b", 404), ("cadre", 403)], 302),
    ("checklists:import_template", lambda w: [], "get", "secretary", [("auditor", 403)], 200),
    ("checklists:item_detail", lambda w: [w.item.pk], "get", "cadre", [("leader_b", 404), ("auditor", 403)], 200),
    ("checklists:item_edit", lambda w: [w.item.pk], "get", "secretary", [("leader_b", 404), ("cadre", 403)], 200),
    ("checklists:checkin_create", lambda w: [w.item.pk], "post", "secretary", [("leader_b", 404), ("cadre", 403)], 400),
    ("checklists:evidence_file", lambda w: [w.evidence.pk], "get", "cadre", [("leader_b", 404), ("auditor", 403)], 200),
    (
        "checklists:evidence_thumb",
        lambda w: [w.evidence.pk],
        "get",
        "reviewer",
        [("leader_b", 404), ("auditor", 403)],
        200,
    ),
    (
        "checklists:evidence_publish",
        lambda w: [w.evidence.pk],
        "post",
        "staff",
        [("leader_b", 404), ("cadre", 403)],
        302,
    ),
    (
        "checklists:evidence_publish_batch",
        lambda w: [w.item.pk],
        "post",
        "staff",
        [("leader_b", 404), ("cadre", 403)],
        302,
    ),
    ("checklists:report_card", lambda w: [w.a1.pk], "get", "cadre", [("leader_b", 404), ("auditor", 403)], 200),
    (
        "checklists:report_card_print",
        lambda w: [w.a1.pk],
        "get",
        "secretary",
        [("leader_b", 404), ("auditor", 403)],
        200,
    ),
    ("checklists:report_card_pdf", lambda w: [w.a1.pk], "get", "secretary", [("leader_b", 404), ("auditor", 403)], 200),
    ("checklists:progress_table", lambda w: [], "get", "leader", [("auditor", 403), ("security", 403)], 200),
    ("checklists:dashboard", lambda w: [], "get", "staff", [("auditor", 403), ("sysadmin", 403)], 200),
    ("checklists:policy_update", lambda w: [], "post", "leader", [("cadre", 403), ("secretary", 403)], 302),
]

PUBLIC = [
    ("checklists_public:board", lambda w: [w.org.office_a.code], 200),
    ("checklists_public:report_card", lambda w: [w.org.office_a.code, w.a1.code], 200),
    ("checklists_public:evidence_thumb", lambda w: [w.org.office_a.code, w.public_evidence.pk], 200),
]

COVERED = {name for name, *_ in PAGES} | {name for name, *_ in PUBLIC}


@pytest.fixture
def access_world(world, make_item, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world.a1 = world.org.branches["a1"]
    world.item = make_item("a1", target=4)
    checkin = services.checkin_record(
        actor=SYSTEM, item=world.item, value=1, evidence=[as_upload(sample_jpeg("会议"), "a.jpg", "image/jpeg")]
    )
    world.evidence = checkin.evidence.get()
    published = services.checkin_record(
        actor=SYSTEM,
        item=world.item,
        value=2,
        evidence=[as_upload(sample_jpeg("公开"), "b.jpg", "image/jpeg")],
        publish=True,
    )
    world.public_evidence = published.evidence.get()
    return world


@pytest.mark.parametrize("name,args,method,insider,outsiders,ok", PAGES, ids=[p[0] for p in PAGES])
def test_page_access(client, access_world, name, args, method, insider, outsiders, ok):
    w = access_world
    url = reverse(name, args=args(w))
    call = getattr(client, method)
    anonymous = call(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login")), "anonymous"
    for username, expected in outsiders:
        client.force_login(getattr(w.users, username))
        assert call(url).status_code == expected, username
    client.force_login(getattr(w.users, insider))
    assert call(url).status_code == ok, insider


@pytest.mark.parametrize("name,args,ok", PUBLIC, ids=[p[0] for p in PUBLIC])
def test_public_pages_need_no_sign_in(client, access_world, name, args, ok):
    assert client.get(reverse(name, args=args(access_world))).status_code == ok


def test_public_pages_refuse_other_offices_and_unpublished_files(client, access_world):
    w = access_world
    office_b = w.org.office_b.code
    assert client.get(reverse("checklists_public:report_card", args=[office_b, w.a1.code])).status_code == 404
    assert (
        client.get(reverse("checklists_public:evidence_thumb", args=[office_b, w.public_evidence.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("checklists_public:evidence_thumb", args=[w.org.office_a.code, w.evidence.pk])).status_code
        == 404
    )
    assert client.get(reverse("checklists_public:board", args=[w.org.district.code])).status_code == 404


PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")


def test_public_pages_show_no_unmasked_phone_or_id_number(client, access_world):
    w = access_world
    person = w.org.secretary_a1
    person.id_number = "410105198001011234"
    person.position = "村党支部书记"
    person.save()
    for name, args, _ok in PUBLIC[:2]:
        html = client.get(reverse(name, args=args(w))).content.decode()
        assert person.name in html  # names are shown…
        assert not PHONE.search(html), name  # …numbers never
        assert not ID_NUMBER.search(html), name
        assert person.phone not in html


def test_ticked_files_are_published_in_one_go_and_only_the_items_own(client, access_world):
    from wuxing.checklists.models import CheckInEvidence
    from wuxing.core.models import AuditLog

    w = access_world
    client.force_login(w.users.staff)
    url = reverse("checklists:evidence_publish_batch", args=[w.item.pk])
    others = CheckInEvidence.objects.exclude(checkin__item=w.item).filter(published=False)
    other = others.first()
    ids = [w.evidence.pk] + ([other.pk] if other else [])
    response = client.post(url, {"evidence": ids, "published": "1"}, follow=True)
    assert "1 个文件" in response.content.decode()
    w.evidence.refresh_from_db()
    assert w.evidence.published
    if other:
        other.refresh_from_db()
        assert not other.published  # another item's file is not touched from this page
    assert AuditLog.objects.filter(action="checklist.evidence_publish", object_id=str(w.evidence.pk)).exists()
    client.post(url, {"evidence": [w.evidence.pk], "published": "0"})
    w.evidence.refresh_from_db()
    assert not w.evidence.published
    nothing = client.post(url, {"published": "1"}, follow=True).content.decode()
    assert "请先勾选" in nothing
