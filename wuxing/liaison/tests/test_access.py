"""Every page of the assignments app as anonymous, outsider (no permission or out of scope) and insider."""

import datetime

import pytest
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.liaison.services import activity_record

# url name, args (from the world), in-scope user, [(outsider, expected status)]
PAGES = [
    ("liaison:tracker", lambda w: [], "cadre", [("auditor", 403), ("reviewer", 403)]),
    ("liaison:assignment_create", lambda w: [], "staff", [("cadre", 403), ("secretary", 403)]),
    ("liaison:assignment_detail", lambda w: [w.own.pk], "cadre", [("leader_b", 404), ("auditor", 403)]),
    ("liaison:assignment_detail", lambda w: [w.other.pk], "leader", [("cadre", 404), ("secretary", 404)]),
    ("liaison:assignment_edit", lambda w: [w.own.pk], "cadre", [("leader_b", 404), ("secretary", 403)]),
    ("liaison:activity_create", lambda w: [w.own.pk], "cadre", [("leader_b", 404), ("secretary", 403)]),
    ("liaison:activity_create", lambda w: [w.other.pk], "staff", [("cadre", 404)]),
    ("liaison:activity_list", lambda w: [], "secretary", [("auditor", 403)]),
    ("liaison:activity_detail", lambda w: [w.activity.pk], "secretary", [("leader_b", 404), ("auditor", 403)]),
    ("liaison:activity_edit", lambda w: [w.activity.pk], "cadre", [("leader_b", 404), ("secretary", 403)]),
    ("liaison:activity_evidence_add", lambda w: [w.activity.pk], "cadre", [("leader_b", 404), ("secretary", 403)]),
    ("liaison:evidence_file", lambda w: [w.evidence.pk], "secretary", [("leader_b", 404), ("auditor", 404)]),
    ("liaison:evidence_thumbnail", lambda w: [w.evidence.pk], "leader", [("leader_b", 404)]),
    ("liaison:finding_list", lambda w: [], "secretary", [("auditor", 403)]),
    ("liaison:finding_create", lambda w: [w.org.branches["a1"].pk], "cadre", [("leader_b", 404), ("secretary", 403)]),
]

# POST-only actions and the test covering them.
POST_ONLY = {
    "liaison:assignment_sync": "test_sync_takes_new_standing_assignments_in_for_staff_only",
    "liaison:activity_delete": "test_edit_undo.py::test_delete_and_undo_stay_in_scope",
    "liaison:activity_restore": "test_edit_undo.py::test_delete_and_undo_stay_in_scope",
}

COVERED = {p[0] for p in PAGES} | set(POST_ONLY)


class World:
    def __init__(self, org, users, assignments):
        self.org, self.users = org, users
        self.own = assignments[("T-a1", "A1")]
        self.other = assignments[("T-a3", "A2")]
        self.activity = activity_record(
            actor=SYSTEM,
            campaign_assignment=self.own,
            kind="party_lecture",
            held_on=datetime.date.today(),
            participants="x",
            evidence=[as_upload(sample_jpeg("党课"), "a.jpg", "image/jpeg")],
        )
        self.evidence = self.activity.evidence.get()


@pytest.fixture
def world(org, users, assignments):
    return World(org, users, assignments)


@pytest.mark.parametrize("name,args,insider,outsiders", PAGES, ids=[f"{p[0]}-{i}" for i, p in enumerate(PAGES)])
def test_page_access(client, world, name, args, insider, outsiders):
    url = reverse(name, args=args(world))
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login")), "anonymous"
    for username, expected in outsiders:
        client.force_login(getattr(world.users, username))
        assert client.get(url).status_code == expected, username
    client.force_login(getattr(world.users, insider))
    assert client.get(url).status_code == 200, insider


def test_sync_takes_new_standing_assignments_in_for_staff_only(client, world):
    from wuxing.liaison.models import CampaignAssignment
    from wuxing.org.models import Assignment

    Assignment.objects.create(branch=world.org.branches["a2"], department=world.org.dept_a2)
    url = reverse("liaison:assignment_sync")
    assert client.post(url).status_code == 302 and CampaignAssignment.objects.count() == 4
    client.force_login(world.users.cadre)
    assert client.post(url).status_code == 403
    assert CampaignAssignment.objects.count() == 4
    client.force_login(world.users.staff)
    page = client.get(reverse("liaison:tracker")).content.decode()
    assert "尚未纳入" in page
    client.post(url)
    assert CampaignAssignment.objects.count() == 5
    assert "尚未纳入" not in client.get(reverse("liaison:tracker")).content.decode()
