"""Each organisation page as anonymous, out-of-scope and in-scope; masked numbers; pinned query counts."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from wuxing.org.choices import BranchKind
from wuxing.org.models import Assignment, Branch
from wuxing.testing import users_for

pytestmark = pytest.mark.django_db


def test_anonymous_goes_to_login(client, org):
    for url in (
        reverse("home"),
        reverse("org:branch_list"),
        reverse("portal:branch_detail", args=[org.branches["a1"].pk]),
        reverse("org:department_list"),
        reverse("org:user_list"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_branch_detail_scope(client, org):
    u = users_for(org)
    a1, b1 = org.branches["a1"].pk, org.branches["b1"].pk
    client.force_login(u.secretary)
    assert client.get(reverse("portal:branch_detail", args=[a1])).status_code == 200
    assert client.get(reverse("portal:branch_detail", args=[org.branches["a2"].pk])).status_code == 404
    client.force_login(u.leader)
    assert client.get(reverse("portal:branch_detail", args=[a1])).status_code == 200
    assert client.get(reverse("portal:branch_detail", args=[b1])).status_code == 404
    client.force_login(u.cadre)
    assert client.get(reverse("portal:branch_detail", args=[org.branches["a3"].pk])).status_code == 404


def test_branch_list_shows_only_scope_and_masks_phones(client, org):
    u = users_for(org)
    client.force_login(u.leader)
    html = client.get(reverse("org:branch_list")).content.decode()
    assert "甲一村" in html and "乙一社区" not in html
    assert "13912345678" not in html and "139****5678" in html
    client.force_login(u.secretary)
    html = client.get(reverse("org:branch_list")).content.decode()
    assert "甲一村" in html and "甲二社区" not in html


def test_branch_list_filters_and_exports(client, org):
    u = users_for(org)
    client.force_login(u.leader)
    html = client.get(reverse("org:branch_list"), {"kind": BranchKind.URBAN_COMMUNITY}).content.decode()
    assert "甲二社区" in html and "甲一村" not in html
    html = client.get(reverse("org:branch_list"), {"department": org.dept_a2.pk}).content.decode()
    assert "甲三安置村" in html and "甲一村" not in html
    export = client.get(reverse("org:branch_list"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["甲一村", "甲二社区", "甲三安置村"]
    assert "139****5678" in rows[1] and "13912345678" not in str(rows)


def test_htmx_filter_returns_only_the_table(client, org):
    u = users_for(org)
    client.force_login(u.leader)
    response = client.get(reverse("org:branch_list"), {"q": "甲二"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "甲二社区" in html and "甲一村" not in html


def test_branch_list_query_count_does_not_grow_with_branches(client, org, django_assert_max_num_queries):
    u = users_for(org)
    client.force_login(u.leader)
    client.get(reverse("org:branch_list"))
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("org:branch_list"))
    for i in range(30):
        b = Branch.objects.create(office=org.office_a, code=f"T-x{i}", name=f"新村{i}", kind=BranchKind.RURAL_VILLAGE)
        Assignment.objects.create(branch=b, department=org.dept_a1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("org:branch_list"))
    assert "新村29" in response.content.decode()


def test_overview_is_the_home_of_business_roles(client, org):
    u = users_for(org)
    client.force_login(u.leader)
    response = client.get(reverse("home"))
    assert response.status_code == 200 and "甲三安置村" in response.content.decode()


def test_reveal_phone_is_logged_and_only_for_the_permission(client, org):
    from wuxing.core.models import AuditLog

    u = users_for(org)
    url = reverse("org:person_reveal", args=[org.secretary_a1.pk, "phone"])
    client.force_login(u.staff)
    assert client.post(url).status_code == 403
    client.force_login(u.leader_b)
    assert client.post(url).status_code == 404
    client.force_login(u.leader)
    response = client.post(url)
    assert response.status_code == 200 and "13912345678" in response.content.decode()
    assert AuditLog.objects.filter(action="person.reveal_phone", actor=u.leader).count() == 1


def test_department_list_scope(client, org):
    u = users_for(org)
    client.force_login(u.leader_b)
    html = client.get(reverse("org:department_list")).content.decode()
    assert "乙一社区" in html and "甲一村" not in html


def test_user_admin_pages_only_for_security(client, org):
    u = users_for(org)
    for user in (u.leader, u.auditor, u.sysadmin):
        client.force_login(user)
        assert client.get(reverse("org:user_list")).status_code == 403
    client.force_login(u.security)
    html = client.get(reverse("org:user_list")).content.decode()
    assert "t-secretary" in html


def test_secretary_starts_on_their_branch(client, org):
    u = users_for(org)
    client.force_login(u.secretary)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:branch_detail", args=[org.branches["a1"].pk])


def test_branch_list_pages_at_scale(client, org):
    u = users_for(org)
    for i in range(60):
        Branch.objects.create(
            office=org.office_a, code=f"T-p{i:02d}", name=f"分页村{i:02d}", kind=BranchKind.RURAL_VILLAGE
        )
    client.force_login(u.leader)
    first = client.get(reverse("org:branch_list")).content.decode()
    detail_link = re.compile(r'href="/org/branches/\d+/"')
    assert len(detail_link.findall(first)) == 50
    second = client.get(reverse("org:branch_list"), {"page": 2}).content.decode()
    assert len(detail_link.findall(second)) == 13
    export = client.get(reverse("org:branch_list"), {"export": "xlsx"})
    assert len(load_workbook(io.BytesIO(export.content)).active["A"]) == 64


def test_htmx_history_restore_gets_the_whole_page(client, org):
    u = users_for(org)
    client.force_login(u.leader)
    response = client.get(reverse("org:branch_list"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_district_overview_lists_its_offices(client, org):
    u = users_for(org)
    client.force_login(u.district)
    html = client.get(reverse("home")).content.decode()
    assert "甲街道" in html and "乙街道" in html and f"?office={org.office_b.code}" in html
    filtered = client.get(reverse("org:branch_list"), {"office": org.office_b.code}).content.decode()
    assert "乙一社区" in filtered and "甲一村" not in filtered
    client.force_login(u.leader)
    html = client.get(reverse("home")).content.decode()
    assert "乙街道" not in html


def test_branch_edit_scope_and_validation(client, org):
    from wuxing.core.models import AuditLog

    u = users_for(org)
    a1 = org.branches["a1"]
    url = reverse("org:branch_edit", args=[a1.pk])
    data = {
        "name": "甲一村",
        "kind": "rural_village",
        "star_set": "rural",
        "secretary": org.secretary_a1.pk,
        "party_members": 44,
        "representatives": 30,
        "households": 500,
        "adult_population": 1200,
    }
    assert client.get(url).status_code == 302
    client.force_login(u.secretary)
    assert client.post(url, data).status_code == 403
    client.force_login(u.leader_b)
    assert client.post(url, data).status_code == 404
    client.force_login(u.staff)
    bad = client.post(url, {**data, "party_members": -3})
    assert bad.status_code == 200 and "party_members" in bad.content.decode()
    assert Branch.objects.get(pk=a1.pk).party_members == 30
    assert client.post(url, data).status_code == 302
    a1.refresh_from_db()
    assert a1.party_members == 44 and not a1.secretary_chairs_committee
    assert AuditLog.objects.filter(action="branch.update", object_id=str(a1.pk)).count() == 1


def test_assignments_are_managed_from_the_branch_page(client, org):
    u = users_for(org)
    a3 = org.branches["a3"]
    client.force_login(u.cadre)
    assert (
        client.post(
            reverse("org:branch_assign", args=[org.branches["a1"].pk]), {"department": org.dept_a2.pk}
        ).status_code
        == 403
    )
    client.force_login(u.staff)
    client.post(reverse("org:branch_assign", args=[a3.pk]), {"department": org.dept_a1.pk})
    assert Assignment.objects.filter(branch=a3, department=org.dept_a1, active=True).exists()
    response = client.post(
        reverse("org:branch_assign", args=[a3.pk]),
        {"department": org.dept_a1.pk, "leader": org.leader_a.pk},
        follow=True,
    )
    assert Assignment.objects.filter(branch=a3).count() == 3
    assignment = Assignment.objects.get(branch=a3, department=org.dept_a1)
    client.post(reverse("org:assignment_end", args=[assignment.pk]))
    assignment.refresh_from_db()
    assert not assignment.active
    client.force_login(u.leader_b)
    other = Assignment.objects.get(branch=org.branches["a1"])
    assert client.post(reverse("org:assignment_end", args=[other.pk])).status_code == 404
    assert response.status_code == 200


def test_security_admin_creates_accounts_with_strong_passwords(client, org):
    from wuxing.org.models import User

    u = users_for(org)
    url = reverse("org:user_create")
    client.force_login(u.leader)
    assert client.post(url, {"username": "new1", "password": "Strong-pass-2026"}).status_code == 403
    client.force_login(u.security)
    weak = client.post(url, {"username": "new1", "password": "abc"})
    assert weak.status_code == 200 and not User.objects.filter(username="new1").exists()
    taken = client.post(url, {"username": "t-leader", "password": "Strong-pass-2026"})
    assert taken.status_code == 200
    has_account = client.post(url, {"username": "new1", "password": "Strong-pass-2026", "person": org.cadre_a1.pk})
    assert has_account.status_code == 200  # one account per person
    from wuxing.org.models import Person

    person = Person.objects.create(office=org.office_a, name="新干部")
    ok = client.post(url, {"username": "new1", "password": "Strong-pass-2026", "person": person.pk})
    assert ok.status_code == 302
    assert User.objects.get(username="new1").person == person


def test_people_list_masks_numbers_everywhere(client, org, django_assert_max_num_queries):
    from wuxing.org.models import Person

    u = users_for(org)
    Person.objects.filter(pk=org.secretary_a1.pk).update(id_number="410105199001011234")
    assert client.get(reverse("org:person_list")).status_code == 302
    client.force_login(u.leader_b)
    assert "甲一书记" not in client.get(reverse("org:person_list")).content.decode()
    client.force_login(u.leader)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("org:person_list")).content.decode()
    assert "甲一书记" in html and "410105********1234" in html and "139****5678" in html
    assert "410105199001011234" not in html and "13912345678" not in html
    rows = list(
        load_workbook(io.BytesIO(client.get(reverse("org:person_list"), {"export": "xlsx"}).content)).active.iter_rows(
            values_only=True
        )
    )
    assert "410105199001011234" not in str(rows) and "410105********1234" in str(rows)
    client.force_login(u.auditor)
    assert client.get(reverse("org:person_list")).status_code == 403


def test_secretary_and_cadre_lists_are_narrowed_to_their_branches(org, client):
    """The people and departments pages of a branch-scoped role show who helps their branches, nothing more."""
    u = users_for(org)
    Assignment.objects.create(branch=org.branches["a3"], department=org.dept_a1)  # A-1 also helps a3
    client.force_login(u.secretary)
    people = client.get(reverse("org:person_list")).content.decode()
    assert "甲一书记" in people and "甲干部" in people and "甲书记" not in people
    departments = client.get(reverse("org:department_list")).content.decode()
    assert "党建办" in departments and "综治办" not in departments
    # Department A-1 helps a1, a2 and a3; the secretary of a1 sees only their own branch among its assignments.
    assert org.branches["a1"].name in departments and org.branches["a3"].name not in departments
    client.force_login(u.leader)
    departments = client.get(reverse("org:department_list")).content.decode()
    assert "综治办" in departments and org.branches["a3"].name in departments


def test_a_retired_person_is_not_offered_for_a_new_account(org):
    from django.utils import timezone

    from wuxing.org.forms import AccountCreateForm
    from wuxing.org.models import Person

    Person.objects.filter(pk=org.cadre_a1.pk).update(retired_at=timezone.now())
    offered = set(AccountCreateForm().fields["person"].queryset.values_list("pk", flat=True))
    assert org.cadre_a1.pk not in offered and org.secretary_a1.pk in offered


def test_people_list_searches_and_exports_the_same_people(client, org):
    from wuxing.org.models import Person

    u = users_for(org)
    client.force_login(u.leader)
    person = Person.objects.filter(office=org.office_a).order_by("pk").first()
    page = client.get(reverse("org:person_list"), {"q": person.name, "per_page": "20"}).context["page"]
    assert person in list(page) and page.paginator.per_page == 20
    everyone = client.get(reverse("org:person_list")).context["page"].paginator.count
    assert page.paginator.count < everyone
    export = client.get(reverse("org:person_list"), {"q": person.name, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) - 1 == page.paginator.count and person.name in [r[0] for r in rows[1:]]
