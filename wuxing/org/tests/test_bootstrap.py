"""manage.py bootstrap: one district and one security administrator with a one-time password, audited."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from wuxing.core.models import AuditLog
from wuxing.org.models import OrgUnit, RoleAssignment, User

pytestmark = pytest.mark.django_db


def _run(*args):
    out = io.StringIO()
    call_command("bootstrap", *args, stdout=out)
    return out.getvalue()


def test_bootstrap_creates_the_district_and_a_security_admin_who_must_change_the_password(client):
    out = _run(
        "--district-code",
        "410199",
        "--district-name",
        "示范区",
        "--province",
        "41",
        "河南省",
        "--city",
        "4101",
        "郑州市",
    )
    password = out.split("one-time password: ")[1].split()[0]
    district = OrgUnit.objects.get(code="410199")
    assert district.level == "district" and district.parent.code == "4101" and district.path == "/41/4101/410199/"
    admin = User.objects.get(username="security-admin")
    assert admin.must_change_password and admin.check_password(password)
    assert list(RoleAssignment.objects.filter(user=admin).values_list("role", flat=True)) == ["security_admin"]
    assert AuditLog.objects.filter(actor_name="system:bootstrap", action="user.create").exists()
    assert AuditLog.objects.filter(actor_name="system:bootstrap", action="orgunit.create").count() == 3
    assert client.login(username="security-admin", password=password)
    response = client.get(reverse("org:user_list"))
    assert response.status_code == 302  # nothing but the password change until it is done
    with pytest.raises(CommandError):
        _run("--district-code", "410199", "--district-name", "示范区")
    with pytest.raises(CommandError):
        _run("--district-code", "410198", "--district-name", "别区")  # the user name is taken
    assert User.objects.count() == 1
