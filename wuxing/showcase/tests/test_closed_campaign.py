"""Every write view of the demonstration sites, posted against a closed campaign: the refusal is a message on the
page (the form redisplayed, or a redirect with the message), never a 500, and nothing changes."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from wuxing.campaigns.services import campaign_set_status
from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.showcase import services, urls
from wuxing.showcase.models import (
    Agreement,
    DemoSite,
    FeatureProject,
    Grid,
    GridIncident,
    GridWorker,
    InServiceMember,
    Milestone,
    ProjectEvidence,
    ServiceRecord,
    TeaSession,
    Volunteer,
    VolunteerActivity,
    VolunteerTeam,
)

D = datetime.date(2026, 4, 1)
CLOSED = "已结束"  # "The campaign is closed; its records can no longer change."

# Pages that only read (GET); every other page of the app is a write view and must be in WRITES below.
READ_ONLY = {"site_list", "site_detail", "project_detail", "evidence_file", "evidence_thumbnail"}
# The catalogue belongs to the office, not to a campaign: a closed campaign does not stop it growing.
NOT_OF_A_CAMPAIGN = {"kind_list"}
COUNTED = [
    DemoSite,
    FeatureProject,
    Milestone,
    ProjectEvidence,
    Agreement,
    InServiceMember,
    ServiceRecord,
    TeaSession,
    VolunteerTeam,
    Volunteer,
    VolunteerActivity,
    Grid,
    GridWorker,
    GridIncident,
]


def _photo():
    return as_upload(sample_jpeg("合影"), "photo.jpg", "image/jpeg")


class World:
    def __init__(self, org, site, kinds):
        self.org, self.site, self.campaign = org, site, site.campaign

        def project(code):
            return services.project_create(
                actor=SYSTEM, site=site, kind=kinds[code], title=code, milestones=[("第一步", None)]
            )

        self.generic = project("environment")
        self.milestone = self.generic.milestones.get()
        self.agreements = project("co_building")
        self.members = project("in_service_members")
        self.member = services.member_register(
            actor=SYSTEM, project=self.members, name="赵某", employer="区税务局", registered_on=D
        )
        self.sessions = project("tea_house")
        self.volunteers = project("volunteers")
        self.team = services.team_add(actor=SYSTEM, project=self.volunteers, name="红马甲")
        self.grids = project("grid")
        self.grid = services.grid_add(actor=SYSTEM, project=self.grids, name="一网格")
        self.incident = services.incident_report(
            actor=SYSTEM, grid=self.grid, reported_on=D, category="环境", description="垃圾"
        )
        gone = services.team_add(actor=SYSTEM, project=self.volunteers, name="重复的队")
        self.gone_pk = gone.pk
        services.record_delete(actor=SYSTEM, kind="team", record=gone, reason="重复")
        campaign_set_status(actor=SYSTEM, campaign=self.campaign, status="closed")
        self.campaign.refresh_from_db()


@pytest.fixture
def world(org, site, kinds):
    return World(org, site, kinds)


def _record(record, parent, data):
    return (lambda w: ["record_add", [record, parent(w).pk], ""], lambda w: data)


# key → (url name, url args and query from the world; POST data)
WRITES = {
    "site_claim": (
        lambda w: ["site_claim", [], f"?campaign={w.campaign.pk}"],
        lambda w: {
            "branch": w.org.branches["a3"].pk,
            "leader": w.org.leader_a.pk,
            "feature": "新特色",
            "claimed_on": D.isoformat(),
        },
    ),
    "site_edit": (lambda w: ["site_edit", [w.site.pk], ""], lambda w: {"feature": "改过的特色", "plan": "改"}),
    "project_create": (
        lambda w: ["project_create", [w.site.pk], ""],
        lambda w: {"kind": w.generic.kind_id, "title": "新项目", "milestones": ""},
    ),
    "milestone_add": (lambda w: ["milestone_add", [w.generic.pk], ""], lambda w: {"title": "第二步", "weight": 1}),
    "milestone_complete": (lambda w: ["milestone_complete", [w.milestone.pk], ""], lambda w: {}),
    "project_evidence_add": (
        lambda w: ["project_evidence_add", [w.generic.pk], ""],
        lambda w: {"evidence": [_photo()], "caption": "x"},
    ),
    "record_add:agreement": _record(
        "agreement", lambda w: w.agreements, {"partner": "医院", "content": "义诊", "signed_on": D.isoformat()}
    ),
    "record_add:member": _record(
        "member", lambda w: w.members, {"name": "钱某", "employer": "区医院", "registered_on": D.isoformat()}
    ),
    "record_add:service": _record(
        "service", lambda w: w.member, {"served_on": D.isoformat(), "content": "宣讲", "hours": "2"}
    ),
    "record_add:session": _record(
        "session", lambda w: w.sessions, {"held_on": D.isoformat(), "issues": "停车难", "issue_count": 1}
    ),
    "record_add:team": _record("team", lambda w: w.volunteers, {"name": "银发"}),
    "record_add:volunteer": _record("volunteer", lambda w: w.team, {"name": "孙某", "joined_on": D.isoformat()}),
    "record_add:volunteer_activity": _record(
        "volunteer_activity",
        lambda w: w.team,
        {"held_on": D.isoformat(), "title": "清理楼道", "volunteer_count": 2, "hours": "4"},
    ),
    "record_add:grid": _record("grid", lambda w: w.grids, {"name": "二网格", "households": 10}),
    "record_add:grid_worker": _record("grid_worker", lambda w: w.grid, {"name": "李某", "role": "worker"}),
    "record_edit": (
        lambda w: ["record_edit", ["incident", w.incident.pk], ""],
        lambda w: {"reported_on": D.isoformat(), "category": "改", "description": "改"},
    ),
    "record_delete": (lambda w: ["record_delete", ["incident", w.incident.pk], ""], lambda w: {"reason": "错"}),
    "record_restore": (lambda w: ["record_restore", ["team", w.gone_pk], ""], lambda w: {}),
    "record_add:incident": _record(
        "incident", lambda w: w.grid, {"reported_on": D.isoformat(), "category": "环境", "description": "积水"}
    ),
    "record_add:incident_close": _record(
        "incident_close", lambda w: w.incident, {"closed_on": D.isoformat(), "result": "已处理"}
    ),
}


def test_every_write_view_is_driven_here():
    from wuxing.showcase.views import RECORDS

    pages = {p.name for p in urls.urlpatterns} - READ_ONLY - NOT_OF_A_CAMPAIGN - {"record_add"}
    assert pages | {f"record_add:{r}" for r in RECORDS} == set(WRITES)


def _counts():
    return [model.objects.count() for model in COUNTED]


@pytest.mark.parametrize("key", sorted(WRITES))
def test_a_write_view_on_a_closed_campaign_answers_with_a_message(client, users, world, key):
    url_of, data_of = WRITES[key]
    name, args, query = url_of(world)
    url = reverse(f"showcase:{name}", args=args) + query
    before = _counts()
    client.force_login(users.leader)
    response = client.post(url, data_of(world), HTTP_REFERER=reverse("showcase:site_detail", args=[world.site.pk]))
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        text = response.content.decode()
    else:
        text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert CLOSED in text
    assert _counts() == before
    world.site.refresh_from_db()
    world.milestone.refresh_from_db()
    world.incident.refresh_from_db()
    assert world.site.feature == "红色物业·邻里共治" and world.milestone.done_on is None
    assert world.incident.closed_on is None


def test_the_catalogue_still_grows_once_a_campaign_is_closed(client, users, world):
    client.force_login(users.leader)
    response = client.post(
        reverse("showcase:kind_list") + f"?campaign={world.campaign.pk}",
        {"code": "red_property", "name": "红色物业", "structure": "generic"},
    )
    assert response.status_code == 302
    assert world.org.office_a.project_kinds.filter(code="red_property").exists()
