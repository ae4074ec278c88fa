"""Rating pages in detail: the certificate's text read back, readiness and district pages with pinned queries,
the branch's page showing a returned star's reason."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.rating import services
from wuxing.rating.choices import Decision, Step

from .conftest import COMMITTEE, star_of


def test_certificate_text_read_back_with_pdftotext(client, full):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    client.force_login(full.users.district)
    response = client.get(reverse("rating:certificate_pdf", args=[full.named.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "荣誉证书" in text
    assert full.named.branch.name in text
    assert "2026年度“1星”支部" in text
    assert "支部过硬" in text
    assert "测试区" in text and "2026年10月13日" in text
    assert f"/public/{full.org.office_a.code}/rating/{full.named.pk}/" in text
    # A rating not yet named has no certificate.
    assert client.get(reverse("rating:certificate_pdf", args=[full.rating.pk])).status_code == 404


def test_returned_reason_shows_on_the_branch_pages(client, world):
    rs = star_of(world.rating, "strong_branch")
    services.star_self_evaluate(actor=SYSTEM, rating_star=rs, claimed=True, statement="好")
    services.rating_submit(actor=SYSTEM, rating=world.rating, **COMMITTEE)
    services.star_review(
        actor=SYSTEM, rating_star=rs, step=Step.OFFICE_REVIEW, decision=Decision.RETURN, reason="请补充会议记录照片"
    )
    client.force_login(world.users.secretary)
    assert "请补充会议记录照片" in client.get(reverse("rating:rating_detail", args=[world.rating.pk])).content.decode()
    branch_page = client.get(reverse("portal:branch_detail", args=[world.branch.pk])).content.decode()
    assert "请补充会议记录照片" in branch_page and 'id="rating-panel"' in branch_page


def test_readiness_pages_show_what_is_missing_with_links(client, world):
    client.force_login(world.users.secretary)
    page = client.get(reverse("rating:branch_readiness", args=[world.branch.pk])).content.decode()
    assert "尚无打卡事项对应" in page
    assert reverse("checklists:branch_checklist", args=[world.branch.pk]) in page
    assert "须先评定“支部过硬”星" in page
    client.force_login(world.users.staff)
    matrix = client.get(reverse("rating:readiness")).content.decode()
    assert world.branch.name in matrix and world.org.branches["a2"].name in matrix
    export = client.get(reverse("rating:readiness") + "?export=xlsx")
    assert export.status_code == 200 and "spreadsheetml" in export["Content-Type"]
    results = client.get(reverse("rating:home") + "?export=xlsx")
    assert results.status_code == 200 and "spreadsheetml" in results["Content-Type"]


def test_list_pages_keep_their_query_counts(client, full, django_assert_max_num_queries):
    client.force_login(full.users.district)
    for name in ("rating:readiness", "rating:district_summary", "rating:city_summary", "rating:home", "rating:queue"):
        with django_assert_max_num_queries(30):
            assert client.get(reverse(name) + f"?campaign={full.campaign.pk}").status_code == 200


def test_district_summary_counts_levels_per_office(client, full):
    client.force_login(full.users.district)
    page = client.get(reverse("rating:district_summary") + "?year=2026").content.decode()
    assert full.org.office_a.name in page and full.org.office_b.name in page
    # An office's own leader and staff do not read the district's summary (the office sees its own results).
    client.force_login(full.users.staff)
    assert client.get(reverse("rating:district_summary")).status_code == 403


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_readiness_matrix_and_district_summary_do_not_grow_with_the_district(client, full):
    """The same number of queries with more branches, ratings and indicators' check-ins in scope."""
    import datetime

    from wuxing.checklists.services import checkin_record, item_create
    from wuxing.org.models import Branch

    client.force_login(full.users.district)
    urls = [
        reverse("rating:readiness") + f"?campaign={full.campaign.pk}",
        reverse("rating:district_summary") + "?year=2026",
        reverse("rating:home") + f"?campaign={full.campaign.pk}",
    ]
    for url in urls:  # warm the session and the permission caches
        client.get(url)
    before = [_count_queries(client, url) for url in urls]
    for i in range(6):
        branch = Branch.objects.create(
            office=full.org.office_a if i % 2 else full.org.office_b,
            code=f"T-x{i}",
            name=f"新增村{i}",
            kind="rural_village",
        )
        campaign = full.campaign if i % 2 else full.campaign_b
        services.rating_open(actor=SYSTEM, campaign=campaign, branch=branch)
        # A check-in item measuring an indicator, checked in, so the readiness reads more rows too.
        item = item_create(
            actor=SYSTEM,
            branch=branch,
            campaign=campaign,
            star=full.item.star,
            indicator=full.item.indicator,
            title=f"召开党员大会{i}",
            kind="quantitative",
            target_value=4,
            start_value=0,
            start_date=datetime.date(2026, 1, 1),
            due_date=datetime.date(2026, 12, 31),
        )
        checkin_record(actor=SYSTEM, item=item, value=2 + i % 3, effective_on=datetime.date(2026, 6, 1))
    assert [_count_queries(client, url) for url in urls] == before


def test_stars_held_from_last_year_are_watched_and_warn_when_they_slip(client, world):
    """一次创一直成: a star rated last year that is not ready this year, or hit by a veto, shows a warning."""
    import datetime

    from wuxing.campaigns.services import campaign_create, campaign_record_result
    from wuxing.core.uploads import as_upload, sample_jpeg

    last = campaign_create(actor=SYSTEM, office=world.org.office_a, year=2025, standard=world.standard)
    held = [world.stars[("rural", "strong_branch")], world.stars[("rural", "safety_rule_of_law")]]
    campaign_record_result(
        actor=SYSTEM, campaign=last, branch=world.branch, level=2, stars=held, rated_on=datetime.date(2025, 12, 26)
    )
    services.veto_record(
        actor=SYSTEM,
        campaign=world.campaign,
        branch=world.branch,
        indicator_code="r_sf_zero_accident",
        occurred_on=datetime.date(2026, 8, 2),
        description="发生一起伤人安全事故",
        evidence=as_upload(sample_jpeg("事故"), "a.jpg", "image/jpeg"),
    )
    client.force_login(world.users.staff)
    matrix = client.get(reverse("rating:readiness")).content.decode()
    assert 'data-warning="safety_rule_of_law"' in matrix and 'data-warning="strong_branch"' in matrix
    assert 'data-warning="industry"' not in matrix  # not held: no watch
    client.force_login(world.users.secretary)
    page = client.get(reverse("rating:branch_readiness", args=[world.branch.pk])).content.decode()
    assert 'id="watch-warnings"' in page and "发生一起伤人安全事故" in page
