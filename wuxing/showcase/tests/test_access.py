"""Every page of the demonstration sites as anonymous, outsider and insider; public pages without sign-in."""

import pytest
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.showcase import services

PAGES = [
    ("showcase:site_list", lambda w: [], "secretary", [("auditor", 403)]),
    ("showcase:site_claim", lambda w: [], "leader", [("staff", 403), ("cadre", 403)]),
    ("showcase:kind_list", lambda w: [], "staff", [("auditor", 403)]),
    ("showcase:site_detail", lambda w: [w.site.pk], "cadre", [("leader_b", 404), ("secretary", 404), ("auditor", 403)]),
    ("showcase:site_edit", lambda w: [w.site.pk], "leader", [("leader_b", 404), ("cadre", 403)]),
    ("showcase:project_create", lambda w: [w.site.pk], "staff", [("leader_b", 404), ("cadre", 403)]),
    ("showcase:project_detail", lambda w: [w.project.pk], "reviewer", [("leader_b", 404), ("secretary", 404)]),
    ("showcase:record_add", lambda w: ["team", w.project.pk], "staff", [("leader_b", 404), ("cadre", 403)]),
    ("showcase:record_edit", lambda w: ["team", w.team.pk], "staff", [("leader_b", 404), ("cadre", 403)]),
    ("showcase:evidence_file", lambda w: [w.evidence.pk], "leader", [("leader_b", 404), ("secretary", 404)]),
    ("showcase:evidence_thumbnail", lambda w: [w.evidence.pk], "staff", [("leader_b", 404)]),
]
POST_ONLY = {
    "showcase:milestone_add",
    "showcase:milestone_complete",
    "showcase:project_evidence_add",
    "showcase:record_delete",  # test_records_edit.py
    "showcase:record_restore",  # test_records_edit.py
}
PUBLIC = [
    ("showcase_public:site_list", lambda w: [w.org.office_a.code]),
    ("showcase_public:site_detail", lambda w: [w.org.office_a.code, w.site.pk]),
]

COVERED = {p[0] for p in PAGES} | POST_ONLY | {p[0] for p in PUBLIC}


class World:
    def __init__(self, org, users, site, kinds):
        self.org, self.users, self.site = org, users, site
        self.project = services.project_create(
            actor=SYSTEM, site=site, kind=kinds["volunteers"], title="志愿服务", milestones=[("组队", None)]
        )
        self.evidence = services.project_add_evidence(
            actor=SYSTEM, project=self.project, evidence=[as_upload(sample_jpeg("志愿"), "v.jpg", "image/jpeg")]
        )[0]
        self.team = services.team_add(actor=SYSTEM, project=self.project, name="红马甲")


@pytest.fixture
def world(org, users, site, kinds):
    return World(org, users, site, kinds)


@pytest.mark.parametrize("name,args,insider,outsiders", PAGES, ids=[p[0] for p in PAGES])
def test_page_access(client, world, name, args, insider, outsiders):
    url = reverse(name, args=args(world))
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login")), "anonymous"
    for username, expected in outsiders:
        client.force_login(getattr(world.users, username))
        assert client.get(url).status_code == expected, username
    client.force_login(getattr(world.users, insider))
    assert client.get(url).status_code == 200, insider


@pytest.mark.parametrize("name,args", PUBLIC, ids=[p[0] for p in PUBLIC])
def test_public_pages_need_no_sign_in(client, world, name, args):
    assert client.get(reverse(name, args=args(world))).status_code == 200
    wrong = [world.org.office_b.code, *args(world)[1:]]
    if len(wrong) > 1:
        assert client.get(reverse(name, args=wrong)).status_code == 404


def test_post_only_actions_check_scope(client, world):
    milestone = world.project.milestones.get()
    actions = [
        (reverse("showcase:milestone_add", args=[world.project.pk]), {"title": "招募", "weight": 1}),
        (reverse("showcase:milestone_complete", args=[milestone.pk]), {}),
        (
            reverse("showcase:project_evidence_add", args=[world.project.pk]),
            {"evidence": as_upload(sample_jpeg("x"), "x.jpg", "image/jpeg")},
        ),
    ]
    for url, data in actions:
        assert client.post(url, data).status_code == 302  # to the sign-in page
        client.force_login(world.users.leader_b)
        assert client.post(url, data).status_code == 404
        client.logout()
    assert world.project.milestones.count() == 1 and world.project.evidence.count() == 1
    client.force_login(world.users.staff)
    for url, data in actions:
        if "evidence" in data:
            data = {"evidence": as_upload(sample_jpeg("x"), "x.jpg", "image/jpeg")}
        assert client.post(url, data).status_code == 302
    assert world.project.milestones.count() == 2 and world.project.milestones.filter(done_on__isnull=False).count() == 1
    assert world.project.evidence.count() == 2
