"""Objections with an optional file (checked like all evidence, served only to the office in scope, rate limit
kept); the district's public announcement; the city and district summaries with their scopes and query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.core.audit import current_ip
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.rating import services
from wuxing.rating.models import Objection


def test_an_objection_file_is_checked_and_served_only_to_the_office_in_scope(client, api_client, full, settings):
    from wuxing.testing import api_as

    url = reverse("rating_public:result", args=[full.org.office_a.code, full.rating.pk])
    before = Objection.objects.count()
    fake = SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg")
    page = client.post(url, {"text": "材料不实", "evidence": fake})
    assert page.status_code == 200 and Objection.objects.count() == before  # refused, nothing kept
    settings.WUXING_UPLOAD_MAX_MB = 0
    big = as_upload(sample_jpeg("现场"), "big.jpg", "image/jpeg")
    assert client.post(url, {"text": "材料不实", "evidence": big}).status_code == 200
    assert Objection.objects.count() == before
    settings.WUXING_UPLOAD_MAX_MB = 10
    sent = client.post(url, {"text": "材料不实", "evidence": as_upload(sample_jpeg("现场"), "p.jpg", "image/jpeg")})
    assert sent.status_code == 302
    objection = Objection.objects.order_by("-pk").first()
    [stored] = objection.files.all()
    file_url = reverse("rating:objection_file", args=[stored.pk])
    # The public page never links the file; the office in scope reads it, on the rating page and by the API.
    assert file_url not in client.get(url).content.decode()
    client.force_login(full.users.staff)
    assert file_url in client.get(reverse("rating:rating_detail", args=[full.rating.pk])).content.decode()
    assert client.get(file_url).status_code == 200
    for outsider in (full.users.leader_b, full.users.secretary):
        client.force_login(outsider)
        assert client.get(file_url).status_code in (403, 404)
    api = api_as(api_client, full.users.staff).get("/api/v1/objections/").json()["results"]
    [row] = [o for o in api if o["id"] == objection.pk]
    assert row["files"] == [f"/api/v1/objection-files/{stored.pk}/"]
    assert api_as(api_client, full.users.staff).get(row["files"][0]).status_code == 200
    assert api_as(api_client, full.users.leader_b).get(row["files"][0]).status_code == 404


def test_the_rate_limit_holds_with_files(full):
    token = current_ip.set("198.51.100.7")
    try:
        for _ in range(3):
            services.objection_submit(
                rating=full.rating, text="异议", evidence=as_upload(sample_jpeg("x"), "x.jpg", "image/jpeg")
            )
        with pytest.raises(Exception, match="过多"):
            services.objection_submit(
                rating=full.rating, text="异议", evidence=as_upload(sample_jpeg("x"), "x.jpg", "image/jpeg")
            )
    finally:
        current_ip.reset(token)


def test_the_district_public_announcement_lists_every_office(client, full):
    from wuxing.campaigns.services import campaign_set_status

    district = full.org.district.code
    page = client.get(reverse("rating_public:district_announcement", args=[district])).content.decode()
    assert full.org.office_a.name in page and full.org.office_b.name in page
    assert full.named.branch.name in page and full.rating.branch.name in page  # named / in publicity
    assert "13800001234" not in page
    # An office's code is not a district; the office's page links to its district's.
    assert client.get(reverse("rating_public:district_announcement", args=[full.org.office_a.code])).status_code == 404
    office_page = client.get(reverse("rating_public:announcement", args=[full.org.office_a.code])).content.decode()
    assert reverse("rating_public:district_announcement", args=[district]) in office_page
    # Office B's rating named too: it shows under office B.
    rating_b = services.rating_open(actor=SYSTEM, campaign=full.campaign_b, branch=full.org.branches["b1"])
    import datetime

    from .conftest import push_to_publicity

    push_to_publicity(full, rating_b, start=datetime.date(2026, 9, 30))
    services.rating_name(actor=SYSTEM, rating=rating_b, today=datetime.date(2026, 10, 13))
    page = client.get(reverse("rating_public:district_announcement", args=[district])).content.decode()
    assert f'id="office-{full.org.office_b.code}"' in page and full.org.branches["b1"].name in page
    campaign_set_status(actor=SYSTEM, campaign=full.campaign_b, status="closed")
    assert client.get(reverse("rating_public:district_announcement", args=[district])).status_code == 200


@pytest.fixture
def two_districts(full):
    """A second district of the same city, with one office and a branch, and a leader of each level."""
    from wuxing.core.roles import Role
    from wuxing.org.choices import UnitLevel
    from wuxing.org.models import Branch
    from wuxing.testing import _unit, make_user

    other = _unit("T410102", "第二区", UnitLevel.DISTRICT, full.org.city)
    office = _unit("T41010201", "丙街道", UnitLevel.OFFICE, other)
    Branch.objects.create(office=office, code="T-c1", name="丙一村", kind="rural_village")
    full.other_district = other
    full.other_office = office
    full.users.city = make_user("t-city", Role.OFFICE_LEADER, unit=full.org.city)
    full.users.other_district = make_user("t-district-2", Role.OFFICE_LEADER, unit=other)
    return full


def test_city_and_district_summaries_follow_the_scope(client, two_districts):
    w = two_districts
    city = reverse("rating:city_summary") + "?year=2026"
    district = reverse("rating:district_summary")
    # An office's leader and staff do not open either summary; nor a secretary.
    for user in (w.users.leader, w.users.staff, w.users.secretary):
        client.force_login(user)
        assert client.get(city).status_code == 403 and client.get(district).status_code == 403
    # A city user: both districts, each opening its own summary.
    client.force_login(w.users.city)
    page = client.get(city).content.decode()
    assert 'data-district="T410101"' in page and 'data-district="T410102"' in page
    first = client.get(f"{district}?district={w.org.district.pk}&year=2026").content.decode()
    assert w.org.office_a.name in first and "丙街道" not in first
    second = client.get(f"{district}?district={w.other_district.pk}&year=2026").content.decode()
    assert "丙街道" in second and w.org.office_a.name not in second
    # A district user: only its district, on both pages; another district is not found.
    client.force_login(w.users.district)
    page = client.get(city).content.decode()
    assert 'data-district="T410101"' in page and 'data-district="T410102"' not in page
    assert "丙街道" not in client.get(district).content.decode()
    assert client.get(f"{district}?district={w.other_district.pk}").status_code == 404
    assert client.get(f"{district}?district=abc").status_code == 404
    client.force_login(w.users.other_district)
    page = client.get(city).content.decode()
    assert 'data-district="T410102"' in page and 'data-district="T410101"' not in page


def test_the_city_summary_counts_levels_against_quotas_and_last_year(client, two_districts):
    w = two_districts
    client.force_login(w.users.city)
    page = client.get(reverse("rating:city_summary") + "?year=2026").content.decode()
    # a3 named at 1 star in office A of 测试区.
    row = page.split('data-district="T410101"')[1].split("</tr>")[0]
    assert "<strong>1</strong>" in row


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_summary_query_counts_do_not_grow_with_offices_and_districts(client, two_districts):
    from wuxing.campaigns.services import campaign_create, campaign_set_status
    from wuxing.org.choices import UnitLevel
    from wuxing.org.models import Branch
    from wuxing.testing import _unit

    w = two_districts
    client.force_login(w.users.city)
    urls = [
        reverse("rating:city_summary") + "?year=2026",
        reverse("rating:district_summary") + "?year=2026",
        reverse("rating:district_summary") + f"?year=2026&district={w.org.district.pk}",
    ]
    for url in urls:
        client.get(url)
    before = [_count(client, url) for url in urls]
    assert before[0] <= 14 and before[1] <= 15  # the district summary lists the districts for its filter
    for i in range(3):
        district = _unit(f"T41019{i}", f"新区{i}", UnitLevel.DISTRICT, w.org.city)
        for j in range(2):
            office = _unit(f"T41019{i}{j}", f"新街道{i}{j}", UnitLevel.OFFICE, district)
            branch = Branch.objects.create(office=office, code=f"T-n{i}{j}", name=f"新村{i}{j}", kind="rural_village")
            campaign = campaign_create(actor=SYSTEM, office=office, year=2026, standard=w.standard)
            campaign_set_status(actor=SYSTEM, campaign=campaign, status="running")
            services.rating_open(actor=SYSTEM, campaign=campaign, branch=branch)
    assert [_count(client, url) for url in urls] == before
    assert "新区2" in client.get(urls[0]).content.decode()


def test_public_district_page_query_count_is_constant(client, two_districts, django_assert_max_num_queries):
    url = reverse("rating_public:district_announcement", args=[two_districts.org.district.code])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
