"""Every page of the plans app as anonymous, outsider and insider (wuxing/tests/test_view_access.py checks coverage)."""

import pytest
from django.urls import reverse

COVERED = {
    "plans:plan_detail",
    "plans:plan_measure_add",
    "plans:pledge_generate",
    "plans:plan_measure_delete",
    "plans:plan_milestone_add",
    "plans:plan_milestone_delete",
    "plans:pledge_list",
    "plans:pledge_detail",
    "plans:pledge_pdf",
    "plans:pledge_confirm",
    "plans:pledges_remind",
}

# (url name, args from the world, method, insider role, outsider role, outsider status)
PAGES = [
    ("plans:plan_detail", lambda w: [w.target.pk], "get", "secretary", "leader_b", 404),
    ("plans:pledge_list", lambda w: [], "get", "leader", "nobody", 403),
    ("plans:pledge_detail", lambda w: [w.pledge.pk], "get", "secretary", "leader_b", 404),
    ("plans:pledge_pdf", lambda w: [w.pledge.pk], "get", "secretary", "leader_b", 404),
    ("plans:plan_measure_add", lambda w: [w.target.pk], "post", "secretary", "leader_b", 404),
    ("plans:pledge_generate", lambda w: [w.target.pk], "post", "staff", "leader_b", 404),
    ("plans:plan_measure_delete", lambda w: [w.measure.pk], "post", "secretary", "leader_b", 404),
    ("plans:plan_milestone_add", lambda w: [w.measure.pk], "post", "secretary", "leader_b", 404),
    ("plans:plan_milestone_delete", lambda w: [w.milestone.pk], "post", "secretary", "leader_b", 404),
    ("plans:pledge_confirm", lambda w: [w.pledge.pk], "post", "secretary", "leader_b", 404),
    ("plans:pledges_remind", lambda w: [], "post", "staff", "secretary", 403),
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
