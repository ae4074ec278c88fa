"""Every page of the targets app as anonymous, outsider and insider (wuxing/tests/test_view_access.py checks coverage)."""

import pytest
from django.urls import reverse

COVERED = {
    "targets:target_list",
    "targets:target_detail",
    "targets:target_review",
    "targets:targets_confirm",
    "targets:targets_agree",
    "targets:targets_remind",
    "targets:target_apply",
    "targets:target_require",
    "targets:baseline_edit",
    "targets:baseline_matrix",
    "targets:baseline_evidence",
}

# (url name, args from the world, method, insider role, outsider role, outsider status)
PAGES = [
    ("targets:target_list", lambda w: [], "get", "secretary", "nobody", 403),
    ("targets:target_detail", lambda w: [w.target.pk], "get", "secretary", "leader_b", 404),
    ("targets:target_apply", lambda w: [w.tc.campaign.pk, w.tc.a1.pk], "get", "secretary", "leader_b", 403),
    ("targets:target_require", lambda w: [w.tc.campaign.pk, w.tc.a1.pk], "get", "leader", "leader_b", 404),
    ("targets:baseline_edit", lambda w: [w.tc.campaign.pk, w.tc.a1.pk], "get", "secretary", "leader_b", 404),
    ("targets:baseline_matrix", lambda w: [], "get", "leader", "nobody", 403),
    ("targets:baseline_evidence", lambda w: [w.evidence.pk], "get", "secretary", "leader_b", 404),
    ("targets:target_review", lambda w: [w.target.pk], "post", "leader", "leader_b", 404),
    ("targets:targets_confirm", lambda w: [w.tc.campaign.pk], "post", "leader", "leader_b", 404),
    ("targets:targets_agree", lambda w: [w.tc.campaign.pk], "post", "leader", "leader_b", 404),
    ("targets:targets_remind", lambda w: [w.tc.campaign.pk], "post", "leader", "leader_b", 404),
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
