"""Every page of the targets app as anonymous, outsider and insider (wuxing/tests/test_view_access.py checks coverage)."""

import pytest
from django.urls import reverse

COVERED = {
    "targets:target_list",
    "targets:target_detail",
    "targets:target_review",
    "targets:plan_detail",
    "targets:plan_measure_add",
    "targets:pledge_generate",
    "targets:targets_confirm",
    "targets:target_apply",
    "targets:target_require",
    "targets:baseline_edit",
    "targets:plan_measure_delete",
    "targets:plan_milestone_add",
    "targets:plan_milestone_delete",
    "targets:baseline_matrix",
    "targets:baseline_evidence",
    "targets:deliberation_list",
    "targets:deliberation_create",
    "targets:deliberation_detail",
    "targets:deliberation_step",
    "targets:deliberation_implementation",
    "targets:deliberation_close",
    "targets:step_attachment",
    "targets:procedure_settings",
    "targets:pledge_list",
    "targets:pledge_detail",
    "targets:pledge_pdf",
    "targets:pledge_confirm",
    "targets_public:notice_list",
    "targets_public:notice_detail",
}

# (url name, args from the world, method, insider role, outsider role, outsider status)
PAGES = [
    ("targets:target_list", lambda w: [], "get", "secretary", "nobody", 403),
    ("targets:target_detail", lambda w: [w.target.pk], "get", "secretary", "leader_b", 404),
    ("targets:plan_detail", lambda w: [w.target.pk], "get", "secretary", "leader_b", 404),
    ("targets:target_apply", lambda w: [w.tc.campaign.pk, w.tc.a1.pk], "get", "secretary", "leader_b", 403),
    ("targets:target_require", lambda w: [w.tc.campaign.pk, w.tc.a1.pk], "get", "leader", "leader_b", 404),
    ("targets:baseline_edit", lambda w: [w.tc.campaign.pk, w.tc.a1.pk], "get", "secretary", "leader_b", 404),
    ("targets:baseline_matrix", lambda w: [], "get", "leader", "nobody", 403),
    ("targets:baseline_evidence", lambda w: [w.evidence.pk], "get", "secretary", "leader_b", 404),
    ("targets:deliberation_list", lambda w: [], "get", "secretary", "nobody", 403),
    ("targets:deliberation_create", lambda w: [], "get", "secretary", "leader", 403),
    ("targets:deliberation_detail", lambda w: [w.deliberation.pk], "get", "secretary", "leader_b", 404),
    ("targets:step_attachment", lambda w: [w.attachment.pk], "get", "secretary", "leader_b", 404),
    ("targets:procedure_settings", lambda w: [], "get", "leader", "secretary", 403),
    ("targets:pledge_list", lambda w: [], "get", "leader", "nobody", 403),
    ("targets:pledge_detail", lambda w: [w.pledge.pk], "get", "secretary", "leader_b", 404),
    ("targets:pledge_pdf", lambda w: [w.pledge.pk], "get", "secretary", "leader_b", 404),
    ("targets:target_review", lambda w: [w.target.pk], "post", "leader", "leader_b", 404),
    ("targets:plan_measure_add", lambda w: [w.target.pk], "post", "secretary", "leader_b", 404),
    ("targets:pledge_generate", lambda w: [w.target.pk], "post", "staff", "leader_b", 404),
    ("targets:targets_confirm", lambda w: [w.tc.campaign.pk], "post", "leader", "leader_b", 404),
    ("targets:plan_measure_delete", lambda w: [w.measure.pk], "post", "secretary", "leader_b", 404),
    ("targets:plan_milestone_add", lambda w: [w.measure.pk], "post", "secretary", "leader_b", 404),
    ("targets:plan_milestone_delete", lambda w: [w.milestone.pk], "post", "secretary", "leader_b", 404),
    ("targets:deliberation_step", lambda w: [w.deliberation.pk], "post", "secretary", "leader", 403),
    ("targets:deliberation_implementation", lambda w: [w.deliberation.pk], "post", "secretary", "leader", 403),
    ("targets:deliberation_close", lambda w: [w.deliberation.pk], "post", "secretary", "leader", 403),
    ("targets:pledge_confirm", lambda w: [w.pledge.pk], "post", "secretary", "leader_b", 404),
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
    response = client.get(reverse("targets_public:notice_list", args=[office.code]))
    assert response.status_code == 200
    assert "社区停车改造" in response.content.decode()
    detail = client.get(reverse("targets_public:notice_detail", args=[office.code, world.notice.pk]))
    assert detail.status_code == 200 and "经居民代表会议表决通过" in detail.content.decode()
    assert "13800001111" not in detail.content.decode()
    # a notice of another office is not found under this office's site
    assert (
        client.get(
            reverse("targets_public:notice_detail", args=[world.tc.org.office_b.code, world.notice.pk])
        ).status_code
        == 404
    )
    # a step that is not a publication is never public
    assert client.get(reverse("targets_public:notice_detail", args=[office.code, world.step.pk])).status_code == 404
