"""The demonstration sites' API: the same FilterSet as the page, project evidence that downloads with the token,
another office's token refused, query counts that do not grow with the sites' projects."""

import datetime

import pytest

from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg, sample_pdf
from wuxing.showcase import services
from wuxing.testing import api_token

D = datetime.date(2026, 4, 1)


def _token(api_client, user):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")


@pytest.fixture
def project(site, kinds):
    project = services.project_create(actor=SYSTEM, site=site, kind=kinds["environment"], title="环境整治")
    services.project_add_evidence(
        actor=SYSTEM,
        project=project,
        evidence=[
            as_upload(sample_jpeg("整治前"), "before.jpg", "image/jpeg"),
            as_upload(sample_pdf(), "plan.pdf", "application/pdf"),
        ],
        caption="整治前后",
    )
    return project


def _rows(response):
    data = response.json()
    return data["results"] if isinstance(data, dict) else data


def test_project_evidence_downloads_with_the_token(api_client, users, site, project):
    _token(api_client, users.cadre)
    rows = _rows(api_client.get("/api/v1/demo-sites/"))
    files = rows[0]["projects"][0]["evidence"]
    assert [f["name"] for f in files] == ["before.jpg", "plan.pdf"] and files[0]["caption"] == "整治前后"
    for f in files:
        assert f["url"].startswith("/api/v1/")
        response = api_client.get(f["url"])
        assert response.status_code == 200 and response["Content-Type"] == f["content_type"]
        assert not response["Content-Type"].startswith("text/html")
    thumbnail = api_client.get(files[0]["url"] + "?thumb=1")
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    _token(api_client, users.leader_b)  # another office
    for f in files:
        assert api_client.get(f["url"]).status_code == 404
    _token(api_client, users.secretary)  # a1's secretary; the site is a2
    assert api_client.get(files[0]["url"]).status_code == 404
    api_client.credentials()
    assert api_client.get(files[0]["url"]).status_code == 401


def test_the_campaign_filter_is_the_pages(api_client, org, users, standard, site):
    from wuxing.campaigns.services import campaign_create

    other = campaign_create(actor=SYSTEM, office=org.office_a, year=2027, standard=standard)
    _token(api_client, users.leader)
    assert [r["id"] for r in _rows(api_client.get(f"/api/v1/demo-sites/?campaign={site.campaign_id}"))] == [site.pk]
    assert _rows(api_client.get(f"/api/v1/demo-sites/?campaign={other.pk}")) == []
    assert api_client.get("/api/v1/demo-sites/?campaign=x").status_code == 400
    _token(api_client, users.leader_b)
    assert api_client.get(f"/api/v1/demo-sites/?campaign={site.campaign_id}").status_code == 400


def test_the_site_list_does_not_grow_in_queries(api_client, users, site, kinds, django_assert_max_num_queries):
    def grow():
        p = services.project_create(
            actor=SYSTEM, site=site, kind=kinds["volunteers"], title="志愿", milestones=[("组队", None)]
        )
        services.project_add_evidence(
            actor=SYSTEM, project=p, evidence=[as_upload(sample_jpeg("志愿"), "v.jpg", "image/jpeg")]
        )
        services.team_add(actor=SYSTEM, project=p, name="红马甲")

    _token(api_client, users.leader)
    grow()
    with django_assert_max_num_queries(40) as small:
        assert api_client.get("/api/v1/demo-sites/").status_code == 200
    grow()
    grow()
    with django_assert_max_num_queries(len(small.captured_queries)):
        rows = _rows(api_client.get("/api/v1/demo-sites/"))
    assert len(rows[0]["projects"]) == 3
