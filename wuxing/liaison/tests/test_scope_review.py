"""Data scope and input safety of the assignments app: activities, evidence and findings only for the actor's
own assignments and branches, departments and leaders of the campaign's office only, no deletes through the API,
nothing added once the campaign is closed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.liaison import services
from wuxing.liaison.models import Activity, ActivityEvidence, CampaignAssignment, Finding
from wuxing.org.models import Assignment, Department, Person

TODAY = datetime.date.today()


def _photo(label="党课"):
    return as_upload(sample_jpeg(label), "photo.jpg", "image/jpeg")


def _record(actor, row, kind="party_lecture", **kw):
    return services.activity_record(
        actor=actor, campaign_assignment=row, kind=kind, held_on=TODAY, participants="全体党员", **kw
    )


@pytest.fixture
def other_department(org, campaign, assignments):
    """Department A-2 also takes branch a1: the cadre of A-1 sees the branch, not this assignment."""
    return services.campaign_assignment_create(
        actor=SYSTEM, campaign=campaign, branch=org.branches["a1"], department=org.dept_a2
    )


# ---------------------------------------------------------------------------------------------------------
# Hole found in the review
# ---------------------------------------------------------------------------------------------------------


def test_no_evidence_is_added_once_the_campaign_is_closed(client, users, campaign, assignments):
    from wuxing.campaigns.services import campaign_set_status

    activity = _record(users.cadre, assignments[("T-a1", "A1")])
    campaign_set_status(actor=SYSTEM, campaign=campaign, status="closed")
    with pytest.raises(ValidationError) as exc:
        services.activity_add_evidence(actor=users.cadre, activity=activity, evidence=[_photo()])
    assert "已结束" in str(exc.value)
    client.force_login(users.cadre)
    response = client.post(reverse("liaison:activity_evidence_add", args=[activity.pk]), {"evidence": [_photo()]})
    assert response.status_code == 200 and "已结束" in response.content.decode()
    assert not ActivityEvidence.objects.exists()


# ---------------------------------------------------------------------------------------------------------
# Checks found sound, pinned
# ---------------------------------------------------------------------------------------------------------


def test_no_activity_or_evidence_for_another_departments_assignment(client, api_client, users, other_department):
    with pytest.raises(PermissionDenied):
        _record(users.cadre, other_department)
    theirs = _record(users.leader, other_department)
    with pytest.raises(PermissionDenied):
        services.activity_add_evidence(actor=users.cadre, activity=theirs, evidence=[_photo()])
    api_client.force_authenticate(users.cadre)
    response = api_client.post(
        "/api/v1/assignment-activities/",
        {"assignment": other_department.pk, "kind": "heart_talk", "held_on": TODAY.isoformat(), "participants": "x"},
        format="json",
    )
    assert response.status_code == 400 and "assignment" in response.json()
    client.force_login(users.cadre)
    assert client.get(reverse("liaison:activity_evidence_add", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("liaison:activity_create", args=[other_department.pk])).status_code == 404
    assert list(Activity.objects.values_list("pk", flat=True)) == [theirs.pk]
    assert not ActivityEvidence.objects.exists()


def test_evidence_of_another_departments_activity_is_not_found(client, users, other_department):
    theirs = _record(users.leader, other_department, evidence=[_photo()])
    url = reverse("liaison:evidence_file", args=[theirs.evidence.get().pk])
    client.force_login(users.cadre)
    assert client.get(url).status_code == 404
    client.force_login(users.leader_b)
    assert client.get(url).status_code == 404
    client.force_login(users.secretary)  # the branch reads what was done for it
    assert client.get(url).status_code == 200


def test_departments_leaders_and_branches_of_another_office_are_refused(org, users, campaign, assignments):
    dept_b = org.dept_b1
    leader_b = Person.objects.create(office=org.office_b, name="乙书记", position="党工委书记", is_leader=True)
    with pytest.raises(ValidationError):
        services.campaign_assignment_create(
            actor=users.district, campaign=campaign, branch=org.branches["a2"], department=dept_b
        )
    with pytest.raises(ValidationError):
        services.campaign_assignment_create(
            actor=users.district, campaign=campaign, branch=org.branches["a2"], leader=leader_b
        )
    with pytest.raises(ValidationError):
        services.campaign_assignment_create(
            actor=users.district, campaign=campaign, branch=org.branches["b1"], department=dept_b
        )
    with pytest.raises(PermissionDenied):
        services.campaign_assignment_create(
            actor=users.leader_b, campaign=campaign, branch=org.branches["a2"], department=org.dept_a2
        )
    assert not Assignment.objects.filter(department=dept_b, branch__office=org.office_a).exists()
    assert not Assignment.objects.filter(leader=leader_b).exists()
    assert CampaignAssignment.objects.count() == 4


def test_the_api_refuses_a_department_of_another_office_and_deletes_nothing(
    api_client, org, users, campaign, assignments
):
    api_client.force_authenticate(users.staff)
    dept_b = Department.objects.get(pk=org.dept_b1.pk)
    response = api_client.post(
        "/api/v1/assignments/",
        {"campaign": campaign.pk, "branch": org.branches["a2"].pk, "department": dept_b.pk},
        format="json",
    )
    assert response.status_code == 400 and "department" in response.json()
    response = api_client.post(
        "/api/v1/assignments/",
        {"campaign": campaign.pk, "branch": org.branches["b1"].pk, "department": org.dept_a2.pk},
        format="json",
    )
    assert response.status_code == 400 and "branch" in response.json()
    row = assignments[("T-a1", "A1")]
    assert api_client.put(f"/api/v1/assignments/{row.pk}/", {"delivered_people": 1}, format="json").status_code == 405
    assert api_client.delete(f"/api/v1/assignments/{row.pk}/").status_code == 405
    activity = _record(users.leader, row)
    # An activity is corrected whole (PUT) or deleted with a reason, through the services: half a body changes
    # nothing, and there is no PATCH.
    expected = {"put": 400, "patch": 405, "delete": 400}
    for method, status in expected.items():
        assert (
            getattr(api_client, method)(
                f"/api/v1/assignment-activities/{activity.pk}/", {"participants": "改"}, format="json"
            ).status_code
            == status
        )
    assert CampaignAssignment.objects.count() == 4 and Activity.objects.filter(participants="全体党员").count() == 1


def test_findings_refuse_an_assignment_of_another_branch_and_a_branch_of_another_office(
    org, users, campaign, assignments, other_department
):
    a1, a2 = org.branches["a1"], org.branches["a2"]
    with pytest.raises(ValidationError):
        services.finding_record(
            actor=users.leader,
            campaign=campaign,
            branch=a2,
            kind="strength",
            source="visit",
            text="x",
            found_on=TODAY,
            campaign_assignment=assignments[("T-a1", "A1")],
        )
    with pytest.raises(PermissionDenied):
        services.finding_record(
            actor=users.cadre,
            campaign=campaign,
            branch=a1,
            kind="strength",
            source="visit",
            text="x",
            found_on=TODAY,
            campaign_assignment=other_department,
        )
    with pytest.raises(ValidationError):
        services.finding_record(
            actor=users.district,
            campaign=campaign,
            branch=org.branches["b1"],
            kind="strength",
            source="visit",
            text="x",
            found_on=TODAY,
        )
    with pytest.raises(PermissionDenied):
        services.finding_record(
            actor=users.leader_b,
            campaign=campaign,
            branch=a1,
            kind="strength",
            source="visit",
            text="x",
            found_on=TODAY,
        )
    assert not Finding.objects.exists()


def test_the_finding_page_is_not_found_for_a_campaign_of_another_office(client, org, users, campaign):
    from wuxing.campaigns.services import campaign_create

    other = campaign_create(actor=SYSTEM, office=org.office_b, year=2026, standard=campaign.standard)
    client.force_login(users.district)
    url = reverse("liaison:finding_create", args=[org.branches["a1"].pk]) + f"?campaign={other.pk}"
    assert client.get(url).status_code == 404
    client.force_login(users.leader)
    assert (
        client.get(
            reverse("liaison:finding_create", args=[org.branches["a1"].pk]) + f"?campaign={other.pk}"
        ).status_code
        == 404
    )
