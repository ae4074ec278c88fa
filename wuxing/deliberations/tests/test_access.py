"""Every page of the deliberations app as anonymous, outsider and insider, and its public pages
(wuxing/tests/test_view_access.py checks coverage)."""

import pytest
from django.urls import reverse

COVERED = {
    "deliberations:deliberation_list",
    "deliberations:deliberation_create",
    "deliberations:deliberation_detail",
    "deliberations:deliberation_step",
    "deliberations:deliberation_implementation",
    "deliberations:deliberation_close",
    "deliberations:step_attachment",
    "deliberations:step_edit",
    "deliberations:step_delete",
    "deliberations:step_restore",
    "deliberations:procedure_settings",
    "deliberations_public:notice_list",
    "deliberations_public:notice_detail",
}

# (url name, args from the world, method, insider role, outsider role, outsider status)
PAGES = [
    ("deliberations:deliberation_list", lambda w: [], "get", "secretary", "nobody", 403),
    ("deliberations:deliberation_create", lambda w: [], "get", "secretary", "leader", 403),
    ("deliberations:deliberation_detail", lambda w: [w.deliberation.pk], "get", "secretary", "leader_b", 404),
    ("deliberations:step_attachment", lambda w: [w.attachment.pk], "get", "secretary", "leader_b", 404),
    ("deliberations:procedure_settings", lambda w: [], "get", "leader", "secretary", 403),
    ("deliberations:deliberation_step", lambda w: [w.deliberation.pk], "post", "secretary", "leader", 403),
    ("deliberations:deliberation_implementation", lambda w: [w.deliberation.pk], "post", "secretary", "leader", 403),
    ("deliberations:deliberation_close", lambda w: [w.deliberation.pk], "post", "secretary", "leader", 403),
    ("deliberations:step_edit", lambda w: [w.step.pk], "get", "secretary", "leader", 403),
    ("deliberations:step_edit", lambda w: [w.step.pk], "get", "secretary", "leader_b", 403),
    ("deliberations:step_delete", lambda w: [w.step.pk], "post", "secretary", "leader", 403),
    ("deliberations:step_restore", lambda w: [w.step.pk], "post", "secretary", "leader", 403),
]


@pytest.mark.parametrize(
    ("name", "args", "method", "insider", "outsider", "outsider_status"), PAGES, ids=[p[0] for p in PAGES]
)
def test_page_access(client, world, name, args, method, insider, outsider, outsider_status):
    url = reverse(name, args=args(world))
    call = getattr(client, method)
    response = call(url)
    assert response.status_code == 302 and "/login" in response["Location"]
    client.force_login(getattr(world.tc.users, outsider))
    assert call(url).status_code == outsider_status
    client.force_login(getattr(world.tc.users, insider))
    response = call(url)
    # an empty POST reaches the view: it redirects back with a message, or shows the form's errors
    assert response.status_code in ((200,) if method == "get" else (302, 400))
    assert "/login" not in response.get("Location", "")


def test_public_pages_need_no_login_and_show_no_numbers(client, world):
    office = world.tc.org.office_a
    response = client.get(reverse("deliberations_public:notice_list", args=[office.code]))
    assert response.status_code == 200
    assert "社区停车改造" in response.content.decode()
    detail = client.get(reverse("deliberations_public:notice_detail", args=[office.code, world.notice.pk]))
    assert detail.status_code == 200 and "经居民代表会议表决通过" in detail.content.decode()
    assert "13800001111" not in detail.content.decode()
    # a notice of another office is not found under this office's site
    assert (
        client.get(
            reverse("deliberations_public:notice_detail", args=[world.tc.org.office_b.code, world.notice.pk])
        ).status_code
        == 404
    )
    # a step that is not a publication is never public
    assert (
        client.get(reverse("deliberations_public:notice_detail", args=[office.code, world.step.pk])).status_code == 404
    )
