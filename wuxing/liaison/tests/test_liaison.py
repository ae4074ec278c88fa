"""Assignments, 五个一 activities and findings: R9, scope and own-assignment narrowing, evidence, tracker query count."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.core.uploads import as_upload, sample_jpeg, sample_pdf
from wuxing.liaison import selectors, services
from wuxing.liaison.filtersets import tracker_filterset
from wuxing.liaison.models import Activity, ActivityEvidence, CampaignAssignment, Finding
from wuxing.liaison.rules import FIVE_KINDS

TODAY = datetime.date.today()


def _record(actor, row, kind, **kw):
    return services.activity_record(
        actor=actor, campaign_assignment=row, kind=kind, held_on=TODAY, participants="全体两委干部", **kw
    )


def test_sync_takes_every_active_assignment_into_the_campaign(org, assignments):
    assert set(assignments) == {("T-a1", "A1"), ("T-a2", "A1"), ("T-a3", "A2"), ("T-a3", "leader")}
    assert CampaignAssignment.objects.count() == 4


def test_r9_an_assignment_is_complete_when_all_five_kinds_exist(users, assignments):
    row = assignments[("T-a1", "A1")]
    for kind in FIVE_KINDS[:-1]:
        _record(users.cadre, row, kind)
    _record(users.cadre, row, "party_lecture")
    assert selectors.missing_kinds_of(row) == ["target_assessment"]
    _record(users.cadre, row, "target_assessment")
    assert selectors.missing_kinds_of(row) == []
    tracked = {
        r["assignment"].pk: r
        for r in selectors.tracker_rows(selectors.tracker(user=users.leader, campaign=row.campaign))
    }
    assert tracked[row.pk]["complete"] and tracked[row.pk]["cells"][0]["count"] == 2
    assert not tracked[assignments[("T-a2", "A1")].pk]["complete"]


def test_unknown_kind_is_refused_and_nothing_saved(users, assignments):
    with pytest.raises(ValidationError) as exc:
        _record(users.cadre, assignments[("T-a1", "A1")], "study_session")
    assert "五个一" in str(exc.value)
    assert Activity.objects.count() == 0


def test_future_date_and_missing_participants_are_refused(users, assignments):
    row = assignments[("T-a1", "A1")]
    with pytest.raises(ValidationError):
        services.activity_record(
            actor=users.cadre,
            campaign_assignment=row,
            kind="heart_talk",
            held_on=TODAY + datetime.timedelta(days=2),
            participants="x",
        )
    with pytest.raises(ValidationError):
        services.activity_record(
            actor=users.cadre, campaign_assignment=row, kind="heart_talk", held_on=TODAY, participants="  "
        )
    assert Activity.objects.count() == 0


def test_department_cadre_sees_and_records_only_its_own_assignments(users, assignments):
    own = {r.pk for r in selectors.assignment_list(user=users.cadre)}
    assert own == {assignments[("T-a1", "A1")].pk, assignments[("T-a2", "A1")].pk}
    with pytest.raises(PermissionDenied):
        _record(users.cadre, assignments[("T-a3", "A2")], "heart_talk")
    assert Activity.objects.count() == 0


def test_department_cadre_does_not_see_other_departments_on_its_branches(org, users, campaign, assignments):
    from wuxing.liaison.services import campaign_assignment_create

    other = campaign_assignment_create(
        actor=SYSTEM, campaign=campaign, branch=org.branches["a1"], department=org.dept_a2
    )
    _record(users.leader, other, "work_meeting")
    assert other.pk not in {r.pk for r in selectors.assignment_list(user=users.cadre)}
    assert not selectors.activity_list(user=users.cadre).exists()
    assert other.pk in {r.pk for r in selectors.assignment_list(user=users.leader)}


def test_secretary_sees_only_their_branch_and_cannot_record(users, assignments):
    seen = {r.assignment.branch.code for r in selectors.assignment_list(user=users.secretary)}
    assert seen == {"T-a1"}
    with pytest.raises(PermissionDenied):
        _record(users.secretary, assignments[("T-a1", "A1")], "heart_talk")


def test_other_office_sees_nothing(users, assignments):
    assert not selectors.assignment_list(user=users.leader_b).exists()
    with pytest.raises(PermissionDenied):
        _record(users.leader_b, assignments[("T-a1", "A1")], "heart_talk")


def test_activity_with_evidence_strips_nothing_on_failure(users, assignments):
    row = assignments[("T-a1", "A1")]
    good = as_upload(sample_jpeg("党课"), "lecture.jpg", "image/jpeg")
    bad = as_upload(b"MZ\x90\x00 not a picture", "virus.jpg", "image/jpeg")
    with pytest.raises(ValidationError):
        _record(users.cadre, row, "party_lecture", evidence=[good, bad])
    assert Activity.objects.count() == 0 and ActivityEvidence.objects.count() == 0
    activity = _record(
        users.cadre,
        row,
        "party_lecture",
        evidence=[
            as_upload(sample_jpeg("党课"), "lecture.jpg", "image/jpeg"),
            as_upload(sample_pdf(), "minutes.pdf", "application/pdf"),
        ],
    )
    assert activity.evidence.count() == 2
    assert AuditLog.objects.filter(action="liaison.activity_record", object_id=str(activity.pk)).exists()


def test_evidence_file_is_served_only_within_scope(client, users, assignments):
    activity = _record(
        users.cadre,
        assignments[("T-a1", "A1")],
        "party_lecture",
        evidence=[as_upload(sample_jpeg("党课"), "lecture.jpg", "image/jpeg")],
    )
    evidence = activity.evidence.get()
    url = reverse("liaison:evidence_file", args=[evidence.pk])
    client.force_login(users.leader_b)
    assert client.get(url).status_code == 404
    client.force_login(users.secretary)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client.get(reverse("liaison:evidence_thumbnail", args=[evidence.pk])).status_code == 200


def test_contributions_pledged_and_delivered(users, assignments):
    row = assignments[("T-a1", "A1")]
    services.campaign_assignment_update(
        actor=users.cadre,
        campaign_assignment=row,
        pledged_people=3,
        pledged_funds="5.5",
        delivered_people=2,
        delivered_funds="2",
        delivered_projects="道路硬化",
    )
    row.refresh_from_db()
    assert (row.pledged_people, str(row.pledged_funds), row.delivered_people, row.delivered_projects) == (
        3,
        "5.50",
        2,
        "道路硬化",
    )
    with pytest.raises(ValidationError):
        services.campaign_assignment_update(actor=users.cadre, campaign_assignment=row, delivered_funds="-1")
    with pytest.raises(PermissionDenied):
        services.campaign_assignment_update(
            actor=users.cadre, campaign_assignment=assignments[("T-a3", "A2")], delivered_people=1
        )
    row.refresh_from_db()
    assert str(row.delivered_funds) == "2.00"


def test_findings_link_to_the_branch_stars_and_show_on_the_branch_page(client, org, users, campaign, assignments):
    star = campaign.standard.stars.get(star_set=org.branches["a1"].star_set, position=2)
    finding = services.finding_record(
        actor=users.cadre,
        campaign=campaign,
        branch=org.branches["a1"],
        kind="weakness",
        source="research",
        text="集体经济收入偏低",
        found_on=TODAY,
        star=star,
    )
    assert finding.campaign_assignment == assignments[("T-a1", "A1")]
    urban_star = campaign.standard.stars.get(star_set="urban", position=2)
    if urban_star.star_set != org.branches["a1"].star_set:
        with pytest.raises(ValidationError):
            services.finding_record(
                actor=users.leader,
                campaign=campaign,
                branch=org.branches["a1"],
                kind="strength",
                source="visit",
                text="x",
                found_on=TODAY,
                star=urban_star,
            )
    with pytest.raises(PermissionDenied):
        services.finding_record(
            actor=users.cadre,
            campaign=campaign,
            branch=org.branches["a3"],
            kind="strength",
            source="visit",
            text="x",
            found_on=TODAY,
        )
    client.force_login(users.secretary)
    page = client.get(reverse("portal:branch_detail", args=[org.branches["a1"].pk])).content.decode()
    assert "集体经济收入偏低" in page and star.name in page and "短板" in page
    assert Finding.objects.count() == 1


def test_tracker_filters_by_department_leader_and_state(users, org, assignments):
    campaign = assignments[("T-a1", "A1")].campaign

    def tracker(**filters):
        return tracker_filterset(users.leader, campaign, filters).qs

    by_dept = tracker(department=org.dept_a2.pk)
    assert [r.pk for r in by_dept] == [assignments[("T-a3", "A2")].pk]
    by_leader = tracker(leader=org.leader_a.pk)
    assert [r.pk for r in by_leader] == [assignments[("T-a3", "leader")].pk]
    for kind in FIVE_KINDS:
        _record(users.leader, assignments[("T-a2", "A1")], kind)
    assert [r.pk for r in tracker(state="complete")] == [assignments[("T-a2", "A1")].pk]
    assert len(tracker(state="missing")) == 3


def test_tracker_page_highlights_missing_and_exports(client, users, assignments):
    _record(users.cadre, assignments[("T-a1", "A1")], "party_lecture")
    client.force_login(users.cadre)
    page = client.get(reverse("liaison:tracker")).content.decode()
    assert "五个一" in page and "缺" in page
    assert page.count('data-missing="1"') == 9  # two own assignments × five kinds, one recorded
    export = client.get(reverse("liaison:tracker") + "?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(export.content)).active.values)
    assert len(rows) == 3 and rows[0][0] == "支部"


def _grow(org, campaign, n):
    from wuxing.liaison.models import CampaignAssignment
    from wuxing.org.models import Assignment, Branch

    for i in range(n):
        branch = Branch.objects.create(
            office=org.office_a,
            code=f"T-x{campaign.pk}-{i}-{Branch.objects.count()}",
            name=f"新村{i}",
            kind="rural_village",
        )
        a = Assignment.objects.create(branch=branch, department=org.dept_a1)
        row = CampaignAssignment.objects.create(campaign=campaign, assignment=a)
        for kind in FIVE_KINDS[: i % 5]:
            Activity.objects.create(campaign_assignment=row, kind=kind, held_on=TODAY, participants="x")


def test_tracker_query_count_does_not_grow_with_rows(
    client, org, users, campaign, assignments, django_assert_max_num_queries
):
    client.force_login(users.leader)
    url = reverse("liaison:tracker")
    _grow(org, campaign, 3)
    client.get(url)  # the first request of a session also writes the session
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    _grow(org, campaign, 30)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(url)
    assert response.content.decode().count("data-assignment=") == 4 + 33
    assert len(large.captured_queries) <= len(small.captured_queries)


def test_record_activity_through_the_page(client, users, assignments):
    row = assignments[("T-a1", "A1")]
    client.force_login(users.cadre)
    url = reverse("liaison:activity_create", args=[row.pk])
    response = client.post(
        url,
        {
            "kind": "heart_talk",
            "held_on": TODAY.isoformat(),
            "participants": "村两委",
            "notes": "",
            "evidence": [as_upload(sample_jpeg("谈心"), "talk.jpg", "image/jpeg")],
        },
    )
    assert response.status_code == 302
    assert row.activities.get().evidence.count() == 1
    bad = client.post(
        url,
        {
            "kind": "heart_talk",
            "held_on": TODAY.isoformat(),
            "participants": "村两委",
            "evidence": [as_upload(b"%PDF-broken", "x.pdf", "application/pdf")],
        },
    )
    assert bad.status_code == 200 and row.activities.count() == 1
    detail = client.get(reverse("liaison:assignment_detail", args=[row.pk])).content.decode()
    assert "谈心谈话" in detail


def test_activity_and_finding_lists_export(client, org, users, campaign, assignments):
    from io import BytesIO

    from openpyxl import load_workbook

    _record(users.cadre, assignments[("T-a1", "A1")], "work_meeting")
    _record(users.leader, assignments[("T-a3", "A2")], "heart_talk")
    services.finding_record(
        actor=users.leader,
        campaign=campaign,
        branch=org.branches["a3"],
        kind="strength",
        source="visit",
        text="班子团结",
        found_on=TODAY,
    )
    client.force_login(users.cadre)
    rows = list(
        load_workbook(BytesIO(client.get(reverse("liaison:activity_list") + "?export=xlsx").content)).active.values
    )
    assert [r[1] for r in rows[1:]] == ["召开一次工作会议"]  # the cadre's own only
    client.force_login(users.leader)
    rows = list(
        load_workbook(BytesIO(client.get(reverse("liaison:activity_list") + "?export=xlsx").content)).active.values
    )
    assert len(rows) == 3
    rows = list(
        load_workbook(BytesIO(client.get(reverse("liaison:finding_list") + "?export=xlsx").content)).active.values
    )
    assert rows[1][0] == "甲三安置村" and rows[1][1] == "优势" and rows[1][5] == "班子团结"


def test_a_closed_campaign_no_longer_changes(users, campaign, assignments):
    from wuxing.campaigns.services import campaign_set_status

    campaign_set_status(actor=SYSTEM, campaign=campaign, status="closed")
    with pytest.raises(ValidationError):
        _record(users.cadre, assignments[("T-a1", "A1")], "heart_talk")
    assert not Activity.objects.exists()


def test_activity_and_finding_lists_filter_and_do_not_grow_in_queries(
    client, org, users, campaign, assignments, django_assert_max_num_queries
):
    def grow():
        for row in assignments.values():
            _record(users.leader, row, "heart_talk", evidence=[as_upload(sample_jpeg("谈心"), "a.jpg", "image/jpeg")])
            services.finding_record(
                actor=users.leader,
                campaign=campaign,
                branch=row.assignment.branch,
                kind="weakness",
                source="visit",
                text="短板",
                found_on=TODAY,
            )

    _record(users.leader, assignments[("T-a1", "A1")], "work_meeting")
    client.force_login(users.leader)
    activities, findings = reverse("liaison:activity_list"), reverse("liaison:finding_list")
    grow()
    client.get(activities)
    counts = {}
    for url in (activities, findings):
        with django_assert_max_num_queries(20) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured.captured_queries)
    grow()
    grow()
    for url, before in counts.items():
        with django_assert_max_num_queries(before):
            client.get(url)
    page = client.get(activities + "?kind=work_meeting")
    assert page.context["page"].paginator.count == 1
    assert client.get(findings + "?kind=strength").context["page"].paginator.count == 0
    assert client.get(findings + "?kind=weakness").context["page"].paginator.count == 12
    # A malformed filter is ignored on the page, as before, never a database error.
    assert client.get(activities + "?department=99999999999999999999999").status_code == 200


def test_the_system_actor_sees_every_assignment_and_a_cadre_only_its_own(users, assignments):
    from wuxing.liaison.querysets import only_own_assignments

    activity = _record(SYSTEM, assignments[("T-a3", "A2")], "heart_talk")
    assert not only_own_assignments(SYSTEM) and only_own_assignments(users.cadre)
    assert selectors.assignment_list(user=SYSTEM).count() == 4
    assert Activity.objects.restrict(SYSTEM, "view").filter(pk=activity.pk).exists()
    assert not Activity.objects.restrict(users.cadre, "view").filter(pk=activity.pk).exists()
    assert activity.recorded_by is None  # a system actor is no account
