"""An office keeps its own organisation: units, branches, departments and people created, edited, moved and
retired (never deleted) through the services and their pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wuxing.campaigns.services import campaign_create, campaign_record_result
from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.org import rules, selectors, services
from wuxing.org.choices import BranchKind, StarSet, UnitLevel
from wuxing.org.models import Assignment, Branch, Department, OrgUnit, Person
from wuxing.testing import users_for

# A valid resident ID number (check character computed by GB 11643).
VALID_ID = "11010519491231002X"


def test_rules_star_set_phone_and_id_number():
    assert rules.star_set_allowed(BranchKind.URBAN_COMMUNITY, StarSet.URBAN)
    assert not rules.star_set_allowed(BranchKind.URBAN_COMMUNITY, StarSet.RURAL)
    assert not rules.star_set_allowed(BranchKind.RURAL_VILLAGE, StarSet.URBAN)
    assert rules.star_set_allowed(BranchKind.RESETTLEMENT_VILLAGE, StarSet.URBAN)
    assert rules.star_set_allowed(BranchKind.RESETTLEMENT_VILLAGE, StarSet.RURAL)
    assert rules.phone_valid("13800001111") and rules.phone_valid("0371-12345678") and rules.phone_valid("")
    assert not rules.phone_valid("1380000111") and not rules.phone_valid("12800001111")
    assert rules.id_number_valid(VALID_ID) and rules.id_number_valid("")
    assert not rules.id_number_valid("110105194912310021") and not rules.id_number_valid("12345")
    assert rules.unit_can_retire(0, 0) and not rules.unit_can_retire(1, 0) and not rules.unit_can_retire(0, 2)


@pytest.mark.django_db
def test_a_district_leader_creates_an_office_below_and_an_office_leader_cannot(org):
    u = users_for(org)
    office = services.orgunit_create(
        actor=u.district, parent=org.district, code="T41010103", name="丙街道", level=UnitLevel.OFFICE
    )
    assert office.path == org.district.path + "T41010103/"
    assert AuditLog.objects.filter(action="orgunit.create", object_id=str(office.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.orgunit_create(
            actor=u.leader, parent=org.district, code="T41010104", name="丁街道", level=UnitLevel.OFFICE
        )
    with pytest.raises(ValidationError):  # an office cannot sit under an office
        services.orgunit_create(actor=u.district, parent=office, code="X1", name="错层", level=UnitLevel.OFFICE)
    with pytest.raises(PermissionDenied):  # a top-level unit is the bootstrap command's
        services.orgunit_create(actor=u.district, code="T99", name="别省", level=UnitLevel.PROVINCE)
    # A leader edits below, not their own unit.
    services.orgunit_update(actor=u.district, unit=org.office_a, name="甲街道办事处")
    with pytest.raises(PermissionDenied):
        services.orgunit_update(actor=u.leader, unit=org.office_a, name="自己改名")
    assert OrgUnit.objects.get(pk=org.office_a.pk).name == "甲街道办事处"


@pytest.mark.django_db
def test_retiring_hides_from_pickers_and_keeps_history(org):
    u = users_for(org)
    with pytest.raises(ValidationError, match="2"):  # office B still has two active branches
        services.orgunit_set_retired(actor=u.district, unit=org.office_b, retired=True)
    a3 = org.branches["a3"]
    services.branch_set_retired(actor=u.leader, branch=a3, retired=True)
    assert Branch.objects.filter(pk=a3.pk).exists()
    assert a3.pk not in set(selectors.branch_list(user=u.leader).values_list("pk", flat=True))
    assert selectors.branch_get(user=u.leader, pk=a3.pk).retired_at is not None
    assert not Assignment.objects.filter(branch=a3, active=True).exists()
    services.branch_set_retired(actor=u.leader, branch=a3, retired=False)
    assert a3.pk in set(selectors.branch_list(user=u.leader).values_list("pk", flat=True))
    services.department_set_retired(actor=u.staff, department=org.dept_a2, retired=True)
    assert org.dept_a2 not in selectors.department_list(user=u.leader)
    services.person_set_retired(actor=u.leader, person=org.cadre_a1, retired=True)
    assert org.cadre_a1 not in selectors.person_list(user=u.leader)
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"branch.retire", "branch.reinstate", "department.retire", "person.retire"} <= actions
    with pytest.raises(PermissionDenied):
        services.branch_set_retired(actor=u.leader_b, branch=org.branches["a1"], retired=True)


@pytest.mark.django_db
def test_branch_star_set_is_checked_against_its_kind(org):
    u = users_for(org)
    with pytest.raises(ValidationError) as exc:
        services.branch_create(
            actor=u.staff, office=org.office_a, code="T-x", name="错星村", kind="rural_village", star_set="urban"
        )
    assert "star_set" in exc.value.error_dict
    with pytest.raises(ValidationError):
        services.branch_update(actor=u.leader, branch=org.branches["a2"], star_set="rural")
    assert not Branch.objects.filter(code="T-x").exists()


@pytest.mark.django_db
def test_people_are_checked_and_their_numbers_never_stored_unmasked_in_the_audit(org):
    u = users_for(org)
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=u.leader, office=org.office_a, name="错号", phone="123", id_number="1234")
    assert {"phone", "id_number"} <= set(exc.value.error_dict)
    with pytest.raises(ValidationError):
        services.person_create(actor=u.leader, office=org.office_a, name="跨办", department=org.dept_b1)
    person = services.person_create(
        actor=u.leader,
        office=org.office_a,
        name="新人",
        phone="13700001111",
        id_number=VALID_ID.lower(),
        party_member=True,
        department=org.dept_a1,
    )
    assert person.id_number == VALID_ID and person.party_member
    services.person_update(actor=u.staff, person=person, position="组织委员")
    after = AuditLog.objects.get(action="person.update", object_id=str(person.pk)).after
    assert VALID_ID not in str(after) and after["position"] == "组织委员"
    with pytest.raises(PermissionDenied):
        services.person_update(actor=u.leader_b, person=person, position="越界")


@pytest.mark.django_db
def test_moving_a_branch_keeps_its_history_and_ends_old_assignments(org):
    u = users_for(org)
    from wuxing.standards.fileformat import standard_load
    from wuxing.tests.test_view_access import EXAMPLE

    standard = standard_load(actor=SYSTEM, text=EXAMPLE.read_text(encoding="utf-8"))
    campaign = campaign_create(actor=SYSTEM, office=org.office_a, year=2026, standard=standard)
    a1 = org.branches["a1"]
    campaign_record_result(actor=SYSTEM, campaign=campaign, branch=a1, level=3, rated_on="2026-12-20")
    with pytest.raises(PermissionDenied):  # the office leader of A cannot reach office B
        services.branch_move(actor=u.leader, branch=a1, office=org.office_b)
    moved = services.branch_move(actor=u.district, branch=a1, office=org.office_b)
    assert moved.office == org.office_b and moved.secretary is None
    assert moved.campaign_results.get().campaign == campaign  # history stays with the branch
    assert not Assignment.objects.filter(branch=a1, active=True).exists()
    entry = AuditLog.objects.get(action="branch.move", object_id=str(a1.pk))
    assert entry.before["office"] == org.office_a.code and entry.after["office"] == org.office_b.code


@pytest.mark.django_db
def test_pages_create_edit_and_retire(client, org):
    u = users_for(org)
    client.force_login(u.leader)
    response = client.post(
        reverse("org:branch_create"),
        {
            "office": org.office_a.pk,
            "code": "T-a4",
            "name": "甲四村",
            "kind": "rural_village",
            "star_set": "urban",
            "party_members": 20,
            "representatives": 15,
            "households": 200,
            "adult_population": 500,
        },
    )
    assert response.status_code == 200 and "不符合" in response.content.decode()
    assert not Branch.objects.filter(code="T-a4").exists()
    response = client.post(
        reverse("org:branch_create"),
        {
            "office": org.office_a.pk,
            "code": "T-a4",
            "name": "甲四村",
            "kind": "rural_village",
            "star_set": "rural",
            "party_members": 20,
            "representatives": 15,
            "households": 200,
            "adult_population": 500,
        },
    )
    branch = Branch.objects.get(code="T-a4")
    assert response.status_code == 302
    # An office outside the scope is not even offered.
    response = client.post(
        reverse("org:department_create"), {"office": org.office_b.pk, "code": "Z", "name": "越界部门"}
    )
    assert response.status_code == 200 and not Department.objects.filter(code="Z").exists()
    client.post(reverse("org:department_create"), {"office": org.office_a.pk, "code": "A9", "name": "应急办"})
    department = Department.objects.get(office=org.office_a, code="A9")
    client.post(reverse("org:department_edit", args=[department.pk]), {"name": "应急管理办", "duties": "应急"})
    assert Department.objects.get(pk=department.pk).name == "应急管理办"
    client.post(
        reverse("org:person_create"),
        {"office": org.office_a.pk, "name": "王五", "phone": "13911112222", "department": department.pk},
    )
    person = Person.objects.get(name="王五")
    html = client.get(reverse("org:person_edit", args=[person.pk])).content.decode()
    assert "139****2222" in html and "13911112222" not in html
    client.post(reverse("org:person_edit", args=[person.pk]), {"name": "王五", "position": "主任", "phone": ""})
    person.refresh_from_db()
    assert person.position == "主任" and person.phone == "13911112222"  # blank kept the number
    client.post(reverse("org:branch_retire", args=[branch.pk]), {"retired": "1"})
    assert "甲四村" not in client.get(reverse("org:branch_list")).content.decode()
    assert "甲四村" in client.get(reverse("org:branch_list"), {"retired": "1"}).content.decode()
    client.force_login(u.district)
    client.post(
        reverse("org:unit_create"),
        {"parent": org.district.pk, "level": "office", "code": "T41010109", "name": "新街道"},
    )
    office = OrgUnit.objects.get(code="T41010109")
    client.post(reverse("org:branch_move", args=[branch.pk]), {"office": office.pk})
    assert Branch.objects.get(pk=branch.pk).office == office
    client.post(reverse("org:unit_retire", args=[office.pk]), {"retired": "1"})
    assert OrgUnit.objects.get(pk=office.pk).retired_at is not None  # its one branch is retired already
    client.force_login(u.secretary)
    assert client.post(reverse("org:person_retire", args=[person.pk])).status_code == 403


@pytest.mark.django_db
def test_retire_posts_need_scope(client, org):
    u = users_for(org)
    client.force_login(u.leader_b)
    for name, obj in [
        ("org:branch_retire", org.branches["a1"]),
        ("org:department_retire", org.dept_a1),
        ("org:person_retire", org.cadre_a1),
        ("org:unit_retire", org.office_a),
    ]:
        assert client.post(reverse(name, args=[obj.pk])).status_code in (403, 404), name
    assert client.post(reverse("org:unit_retire", args=[org.office_a.pk])).status_code == 404
    client.force_login(u.district)
    assert client.post(reverse("org:unit_retire", args=[org.office_a.pk])).status_code == 302
    assert OrgUnit.objects.get(pk=org.office_a.pk).retired_at is None  # refused: branches still active


@pytest.mark.django_db
def test_list_pages_query_counts(client, org, django_assert_max_num_queries):
    u = users_for(org)
    client.force_login(u.leader)
    for i in range(20):
        services.person_create(actor=u.leader, office=org.office_a, name=f"人{i}", department=org.dept_a1)
    for url in (reverse("org:person_list"), reverse("org:department_list"), reverse("org:unit_list")):
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200
