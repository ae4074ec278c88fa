"""一屏统揽: the command screen of an office (and of a district), its polled figures, and the display pass that
keeps a meeting-room screen signed in without a person's account — read-only, that screen only, revocable,
audited."""

import json

import pytest
from django.urls import reverse

from wuxing.core.models import AuditLog
from wuxing.org.demo import NEIGHBOUR_CODES, OFFICE_CODE
from wuxing.org.models import Branch, KioskToken, User
from wuxing.org.services import kiosk_token_issue, kiosk_token_revoke


def _data(html: str) -> dict:
    start = html.index('id="screen-data"')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def test_the_office_screen_shows_every_branch_and_refreshes_by_fragment(client, demo_office):
    client.force_login(User.objects.get(username="demo-leader"))
    response = client.get(reverse("portal:screen"))
    assert response.status_code == 200
    html = response.content.decode()
    data = _data(html)
    codes = set(Branch.objects.filter(office=demo_office).values_list("code", flat=True))
    assert {r["name"] for r in data["map"]} == codes
    assert all(r["url"].startswith("/org/branches/") for r in data["map"])
    assert reverse("org:unit_map_geojson", kwargs={"pk": demo_office.pk}) in html
    assert 'hx-trigger="every 45s"' in html
    assert "vendor/echarts/echarts.min.js" in html
    part = client.get(reverse("portal:screen_part", kwargs={"part": "data"}), {"unit": demo_office.pk})
    assert part.status_code == 200
    fragment = part.content.decode()
    assert {r["name"] for r in _data(fragment)["map"]} == codes
    assert 'hx-swap-oob="true"' in fragment and "<html" not in fragment
    # Every chart has its table: the branches' figures are there as text.
    assert all(b.name in fragment for b in Branch.objects.filter(office=demo_office))
    assert client.get(reverse("portal:screen_part", kwargs={"part": "nope"})).status_code == 404


def test_the_map_holds_a_shape_for_every_branch(client, demo_office):
    client.force_login(User.objects.get(username="demo-leader"))
    geo = client.get(reverse("org:unit_map_geojson", kwargs={"pk": demo_office.pk})).json()
    assert sorted(f["properties"]["name"] for f in geo["features"]) == sorted(
        Branch.objects.filter(office=demo_office).values_list("code", flat=True)
    )


def test_branch_roles_do_not_get_the_office_screen(client, demo_office):
    for username in ("demo-dept", "demo-secretary"):
        client.force_login(User.objects.get(username=username))
        assert client.get(reverse("portal:screen")).status_code == 403
        assert client.get(reverse("portal:screen"), {"unit": demo_office.pk}).status_code == 403


def test_the_district_screen_colours_its_offices(client, demo_office):
    client.force_login(User.objects.get(username="demo-district"))
    html = client.get(reverse("portal:screen")).content.decode()
    assert {r["name"] for r in _data(html)["map"]} == {OFFICE_CODE, *NEIGHBOUR_CODES}
    geo = client.get(reverse("org:unit_map_geojson", kwargs={"pk": demo_office.parent_id})).json()
    assert {f["properties"]["code"] for f in geo["features"]} == {OFFICE_CODE, *NEIGHBOUR_CODES}
    # From the district's screen, an office's own screen.
    assert client.get(reverse("portal:screen"), {"unit": demo_office.pk}).status_code == 200


def test_a_display_pass_opens_the_screen_only_read_only_revocable_and_audited(client, demo_office):
    leader = User.objects.get(username="demo-leader")
    client.force_login(leader)
    response = client.post(reverse("org:unit_displays", kwargs={"pk": demo_office.pk}), {"label": "三楼会议室"})
    html = response.content.decode()
    assert "/screen/kiosk/" in html
    token = KioskToken.objects.get(label="三楼会议室")
    assert AuditLog.objects.filter(action="kiosk.issue").exists()
    text = html.split("/screen/kiosk/")[1].split("/")[0]
    assert token.digest != text and len(text) > 30  # only the digest is kept
    client.logout()
    url = reverse("portal:screen_kiosk", kwargs={"token": text})
    screen = client.get(url)
    assert screen.status_code == 200
    data = _data(screen.content.decode())
    assert len(data["map"]) == 14 and all(r["url"] == "" for r in data["map"])  # no drilling into pages
    assert AuditLog.objects.filter(action="kiosk.open", actor_name=f"system:kiosk:{token.key}").count() == 1
    # Thumbnails on a display: only published ones, from the public site.
    assert "/checklists/evidence/" not in screen.content.decode()
    assert client.get(reverse("portal:screen_kiosk_part", kwargs={"token": text, "part": "data"})).status_code == 200
    assert client.get(reverse("portal:screen_kiosk_map", kwargs={"token": text})).json()["features"]
    # The pass is no session: the rest of the app still asks to sign in; writing is impossible.
    assert client.get(reverse("portal:screen")).status_code == 302
    assert client.post(url).status_code == 405
    kiosk_token_revoke(actor=leader, token=token)
    assert client.get(url).status_code == 404
    assert client.get(reverse("portal:screen_kiosk_part", kwargs={"token": text, "part": "data"})).status_code == 404
    assert client.get(reverse("portal:screen_kiosk", kwargs={"token": "not-a-pass"})).status_code == 404


def test_a_pass_is_issued_only_within_scope(demo_office):
    from django.core.exceptions import PermissionDenied

    from wuxing.org.models import OrgUnit

    staff = User.objects.get(username="demo-staff")
    kiosk_token_issue(actor=staff, unit=demo_office, label="大厅")
    with pytest.raises(PermissionDenied):
        kiosk_token_issue(actor=staff, unit=OrgUnit.objects.get(code=NEIGHBOUR_CODES[0]), label="别人的")
    with pytest.raises(PermissionDenied):
        kiosk_token_issue(actor=User.objects.get(username="demo-secretary"), unit=demo_office, label="x")


def test_a_pass_is_revoked_from_its_page_within_scope(client, demo_office):
    token, _text = kiosk_token_issue(actor=User.objects.get(username="demo-leader"), unit=demo_office, label="大屏")
    url = reverse("org:display_revoke", kwargs={"pk": token.pk})
    client.force_login(User.objects.get(username="demo-secretary"))
    assert client.post(url).status_code == 403
    client.force_login(User.objects.get(username="demo-district-dept"))
    assert client.post(url).status_code in (403, 404)
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(User.objects.get(username="demo-staff"))
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditLog.objects.filter(action="kiosk.revoke").count() == 1


def test_the_screen_refreshing_itself_does_not_keep_a_session_alive(client, demo_office):
    import time

    client.force_login(User.objects.get(username="demo-leader"))
    session = client.session
    seen = time.time() - 10 * 60
    session["_wuxing_last_seen"] = seen
    session.save()
    part = reverse("portal:screen_part", kwargs={"part": "data"})
    assert client.get(part, {"unit": demo_office.pk}, headers={"X-Wuxing-Poll": "1"}).status_code == 200
    assert client.session["_wuxing_last_seen"] == seen
    # A person's own request still slides the window.
    assert client.get(part, {"unit": demo_office.pk}).status_code == 200
    assert client.session["_wuxing_last_seen"] > seen
