"""Data scope and input safety of the check-in lists: owners, stars, indicators, campaigns and corrections of
another office, branch or item are refused by the service (so by the page and the API alike); files are served
only within scope; the public board shows only what is published and only of the office in its address."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wuxing.checklists import services
from wuxing.checklists.models import CheckIn, CheckInEvidence, ChecklistItem, ProgressPolicy
from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.org.models import Person
from wuxing.testing import api_token


def auth(api_client, user):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")


@pytest.fixture
def outsider(world):
    """A person of office B."""
    return Person.objects.create(office=world.org.office_b, name="乙干部", position="党建办主任", phone="13700001111")


def _photo(label="现场"):
    return as_upload(sample_jpeg(label), "photo.jpg", "image/jpeg")


# ---------------------------------------------------------------------------------------------------------
# Items
# ---------------------------------------------------------------------------------------------------------


def test_an_owner_of_another_office_is_refused_by_the_service(world, make_item, outsider):
    branch = world.org.branches["a1"]
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            actor=world.users.secretary,
            branch=branch,
            campaign=world.campaign,
            star=world.stars[("rural", "strong_branch")],
            title="党员大会",
            target_value=4,
            owner=outsider,
        )
    assert "owner" in exc.value.message_dict and "街道" in exc.value.message_dict["owner"][0]
    item = make_item("a1")
    with pytest.raises(ValidationError):
        services.item_update(actor=world.users.secretary, item=item, owner=outsider)
    item.refresh_from_db()
    assert item.owner == world.org.secretary_a1
    assert not ChecklistItem.objects.filter(owner=outsider).exists()


def test_an_owner_of_another_office_is_refused_by_the_api(api_client, world, make_item, outsider):
    auth(api_client, world.users.secretary)
    branch = world.org.branches["a1"]
    r = api_client.post(
        "/api/v1/checklist-items/",
        {"branch": branch.pk, "title": "党员大会", "star": "strong_branch", "target_value": "4", "owner": outsider.pk},
        format="json",
    )
    assert r.status_code == 400 and "owner" in r.json()
    item = make_item("a1")
    r = api_client.patch(f"/api/v1/checklist-items/{item.pk}/", {"owner": outsider.pk}, format="json")
    assert r.status_code == 400 and "owner" in r.json()
    assert not ChecklistItem.objects.filter(owner=outsider).exists()


def test_the_item_page_offers_and_accepts_no_owner_of_another_office(client, world, make_item, outsider):
    item = make_item("a1")
    client.force_login(world.users.secretary)
    page = client.get(reverse("checklists:item_edit", args=[item.pk])).content.decode()
    assert outsider.name not in page
    data = {
        "title": item.title,
        "star": item.star_id,
        "kind": item.kind,
        "start_value": "0",
        "target_value": "4",
        "unit": "",
        "weight": "1",
        "owner": outsider.pk,
        "start_date": item.start_date.isoformat(),
        "due_date": item.due_date.isoformat(),
    }
    assert client.post(reverse("checklists:item_edit", args=[item.pk]), data).status_code == 200
    item.refresh_from_db()
    assert item.owner == world.org.secretary_a1


def test_stars_and_indicators_of_another_set_or_star_are_refused(world, make_item):
    branch = world.org.branches["a1"]
    urban = world.stars[("urban", "co_building")]
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            actor=world.users.secretary,
            branch=branch,
            campaign=world.campaign,
            star=urban,
            title="共建",
            target_value=3,
        )
    assert "star" in exc.value.message_dict
    strong = world.stars[("rural", "strong_branch")]
    other_indicator = world.stars[("rural", "industry")].indicators.first()
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            actor=world.users.secretary,
            branch=branch,
            campaign=world.campaign,
            star=strong,
            indicator=other_indicator,
            title="x",
            target_value=3,
        )
    assert "indicator" in exc.value.message_dict
    item = make_item("a1")
    with pytest.raises(ValidationError):
        services.item_update(actor=world.users.secretary, item=item, star=urban)
    assert not ChecklistItem.objects.filter(star=urban).exists()


def test_a_campaign_of_another_office_is_refused(api_client, world):
    branch = world.org.branches["a1"]
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            actor=world.users.leader,
            branch=branch,
            campaign=world.campaign_b,
            star=world.stars[("rural", "strong_branch")],
            title="x",
            target_value=2,
        )
    assert "campaign" in exc.value.message_dict
    auth(api_client, world.users.secretary)
    r = api_client.post(
        "/api/v1/checklist-items/",
        {
            "branch": branch.pk,
            "campaign": world.campaign_b.pk,
            "title": "x",
            "star": "strong_branch",
            "target_value": "2",
        },
        format="json",
    )
    assert r.status_code == 400
    assert not ChecklistItem.objects.exists()


def test_items_of_another_branch_cannot_be_changed(api_client, world, make_item):
    other = make_item("a2")
    with pytest.raises(PermissionDenied):
        services.item_update(actor=world.users.secretary, item=other, title="改别人的")
    with pytest.raises(PermissionDenied):
        services.item_create(
            actor=world.users.leader_b,
            branch=world.org.branches["a1"],
            campaign=world.campaign,
            star=world.stars[("rural", "strong_branch")],
            title="x",
            target_value=1,
        )
    auth(api_client, world.users.secretary)
    assert (
        api_client.patch(f"/api/v1/checklist-items/{other.pk}/", {"title": "改别人的"}, format="json").status_code
        == 404
    )
    other.refresh_from_db()
    assert other.title != "改别人的"


def test_the_api_deletes_neither_items_nor_check_ins(api_client, world, make_item):
    item = make_item("a1")
    checkin = services.checkin_record(actor=world.users.secretary, item=item, value=1)
    auth(api_client, world.users.leader)
    assert api_client.delete(f"/api/v1/checklist-items/{item.pk}/").status_code == 405
    for method in ("put", "patch", "delete"):
        assert (
            getattr(api_client, method)(f"/api/v1/checkins/{checkin.pk}/", {"value": "9"}, format="json").status_code
            == 405
        )
    assert ChecklistItem.objects.filter(pk=item.pk).exists()
    checkin.refresh_from_db()
    assert checkin.value == 1


# ---------------------------------------------------------------------------------------------------------
# Check-ins and corrections (R11)
# ---------------------------------------------------------------------------------------------------------


def test_a_correction_of_another_items_check_in_is_refused_everywhere(client, api_client, world, make_item):
    mine = make_item("a1", title="党员大会")
    theirs = make_item("a1", title="主题党日")
    foreign = make_item("b1", title="乙一社区事项")
    other = services.checkin_record(actor=SYSTEM, item=theirs, value=2)
    far = services.checkin_record(actor=SYSTEM, item=foreign, value=3)
    for corrects in (other, far):
        with pytest.raises(ValidationError) as exc:
            services.checkin_record(actor=world.users.secretary, item=mine, value=1, corrects=corrects, reason="更正")
        assert "corrects" in exc.value.message_dict
    auth(api_client, world.users.secretary)
    r = api_client.post(
        "/api/v1/checkins/", {"item": mine.pk, "value": "1", "corrects": other.pk, "reason": "更正"}, format="json"
    )
    assert r.status_code == 400 and "corrects" in r.json()
    client.force_login(world.users.secretary)
    r = client.post(
        reverse("checklists:checkin_create", args=[mine.pk]), {"value": "1", "corrects": str(far.pk), "reason": "更正"}
    )
    assert r.status_code == 400
    assert not CheckIn.objects.filter(item=mine).exists()
    assert not CheckIn.objects.filter(corrects__in=[other, far]).exists()


def test_check_ins_for_another_branch_are_refused(api_client, world, make_item):
    other = make_item("a2")
    with pytest.raises(PermissionDenied):
        services.checkin_record(actor=world.users.secretary, item=other, value=1)
    with pytest.raises(PermissionDenied):
        services.checkin_record(actor=world.users.cadre, item=other, value=1)  # the cadre only reads check-in lists
    auth(api_client, world.users.leader_b)
    assert api_client.post("/api/v1/checkins/", {"item": other.pk, "value": "1"}, format="json").status_code == 400
    assert not CheckIn.objects.exists()


# ---------------------------------------------------------------------------------------------------------
# Evidence files
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def a2_evidence(world, make_item):
    item = make_item("a2")
    checkin = services.checkin_record(actor=SYSTEM, item=item, value=1, evidence=[_photo()])
    return checkin.evidence.get()


@pytest.mark.parametrize("name", ["checklists:evidence_file", "checklists:evidence_thumb"])
def test_evidence_of_another_branch_is_not_found_by_id(client, world, a2_evidence, name):
    url = reverse(name, args=[a2_evidence.pk])
    for user in (world.users.secretary, world.users.leader_b):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(world.users.cadre)  # department A-1 is assigned a2
    assert client.get(url).status_code == 200


def test_evidence_of_another_branch_is_not_found_through_the_api(api_client, world, a2_evidence):
    url = reverse("api-checklists-evidence", args=[a2_evidence.pk])
    auth(api_client, world.users.secretary)
    assert api_client.get(url).status_code == 404
    auth(api_client, world.users.leader)
    assert api_client.get(url).status_code == 200


def test_evidence_of_another_branch_cannot_be_published(client, world, a2_evidence):
    client.force_login(world.users.secretary)
    assert (
        client.post(reverse("checklists:evidence_publish", args=[a2_evidence.pk]), {"published": "1"}).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        services.evidence_set_published(actor=world.users.secretary, evidence=a2_evidence, published=True)
    a2_evidence.refresh_from_db()
    assert a2_evidence.published is False


def test_uploads_go_through_the_evidence_checks(world, make_item):
    item = make_item("a1")
    html = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")
    with pytest.raises(ValidationError):
        services.checkin_record(actor=world.users.secretary, item=item, value=1, evidence=[html])
    assert not CheckIn.objects.exists() and not CheckInEvidence.objects.exists()
    checkin = services.checkin_record(
        actor=world.users.secretary,
        item=item,
        value=1,
        evidence=[as_upload(sample_jpeg("x", exif_gps=True), "../../etc/x.jpg", "image/jpeg")],
    )
    evidence = checkin.evidence.get()
    assert evidence.original_name == "x.jpg" and ".." not in evidence.file.name


# ---------------------------------------------------------------------------------------------------------
# The office's settings and the public board
# ---------------------------------------------------------------------------------------------------------


def test_the_tolerance_of_another_office_cannot_be_set(world):
    with pytest.raises(PermissionDenied):
        services.policy_set(actor=world.users.leader, office=world.org.office_b, behind_tolerance="0.3")
    assert not ProgressPolicy.objects.filter(office=world.org.office_b).exists()


def test_the_public_board_shows_published_evidence_of_its_own_office_only(client, world, make_item):
    item = make_item("a1")
    checkin = services.checkin_record(actor=SYSTEM, item=item, value=1, evidence=[_photo("公开"), _photo("内部")])
    shown, hidden = list(checkin.evidence.order_by("id"))
    services.evidence_set_published(actor=SYSTEM, evidence=shown, published=True)
    code_a, code_b = world.org.office_a.code, world.org.office_b.code
    assert client.get(reverse("checklists_public:evidence_thumb", args=[code_a, shown.pk])).status_code == 200
    assert client.get(reverse("checklists_public:evidence_thumb", args=[code_a, hidden.pk])).status_code == 404
    assert client.get(reverse("checklists_public:evidence_thumb", args=[code_b, shown.pk])).status_code == 404
    card = client.get(reverse("checklists_public:report_card", args=[code_a, "T-a1"]))
    assert card.status_code == 200 and [e.pk for e in card.context["card"].evidence] == [shown.pk]
    assert client.get(reverse("checklists_public:report_card", args=[code_b, "T-a1"])).status_code == 404
    board_b = client.get(reverse("checklists_public:board", args=[code_b])).content.decode()
    assert "甲一村" not in board_b
    # A superseded check-in's evidence leaves the public site.
    services.checkin_record(actor=SYSTEM, item=item, value=2, corrects=checkin, reason="更正")
    assert client.get(reverse("checklists_public:evidence_thumb", args=[code_a, shown.pk])).status_code == 404


def test_an_id_outside_the_scope_reads_as_unknown_in_the_api(api_client, world, make_item, outsider):
    """The API does not tell an id of another office from one that does not exist (no probing for ids)."""
    auth(api_client, world.users.secretary)
    theirs = make_item("b1")
    mine = make_item("a1")

    def error(field, given, url="/api/v1/checkins/", **data):
        r = api_client.post(url, {field: given, **data}, format="json")
        assert r.status_code == 400
        return [message.replace(str(given), "N") for message in r.json()[field]]

    assert error("item", theirs.pk, value="1") == error("item", 999999, value="1")
    assert error(
        "owner",
        outsider.pk,
        url="/api/v1/checklist-items/",
        branch=mine.branch_id,
        title="x",
        star="strong_branch",
        target_value="2",
    ) == error(
        "owner",
        999999,
        url="/api/v1/checklist-items/",
        branch=mine.branch_id,
        title="x",
        star="strong_branch",
        target_value="2",
    )
    assert error("branch", theirs.branch_id, url="/api/v1/checklist-items/", title="x", star="strong_branch") == error(
        "branch", 999999, url="/api/v1/checklist-items/", title="x", star="strong_branch"
    )
