"""The first day of a real installation: one district (with the units above it, when given) and one security
administrator whose one-time password must be changed at the first sign-in. Done by `manage.py bootstrap`."""

import secrets
import string

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wuxing.core.actors import SystemActor
from wuxing.core.audit import audit_record, snapshot
from wuxing.core.roles import Role

from .choices import UnitLevel
from .models import OrgUnit, RoleAssignment, User
from .services import orgunit_create

BOOTSTRAP = SystemActor("bootstrap")


def one_time_password(length: int = 16) -> str:
    """A random password with upper and lower case letters, digits and a symbol (the account policy's classes)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _i in range(length - 1))
        candidate = body + secrets.choice("-_!@#%")
        if (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
        ):
            return candidate


@transaction.atomic
def bootstrap(
    *, district_code: str, district_name: str, username: str, parents: list[tuple[str, str, str]] = ()
) -> tuple[OrgUnit, User, str]:
    """Create the district (under `parents`: (code, name, level) from the top, each created when missing) and the
    security administrator; returns the district, the account and its one-time password. Refused when the
    district or the user name exists already."""
    if OrgUnit.objects.filter(code=district_code).exists():
        raise ValidationError(_("The unit %(code)s exists already; the bootstrap runs once.") % {"code": district_code})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("The user name %(name)s is taken.") % {"name": username})
    parent = None
    for code, name, level in parents:
        parent = OrgUnit.objects.filter(code=code).first() or orgunit_create(
            actor=BOOTSTRAP, code=code, name=name, level=level, parent=parent
        )
    district = orgunit_create(
        actor=BOOTSTRAP, code=district_code, name=district_name, level=UnitLevel.DISTRICT, parent=parent
    )
    password = one_time_password()
    user = User(username=username, must_change_password=True)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    RoleAssignment.objects.create(user=user, role=Role.SECURITY_ADMIN)
    audit_record(actor=BOOTSTRAP, action="user.create", obj=user, after=snapshot(user))
    audit_record(actor=BOOTSTRAP, action="role.assign", obj=user, after={"role": Role.SECURITY_ADMIN})
    return district, user, password
