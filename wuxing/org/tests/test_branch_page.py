"""The branch page on the demo office: the branch's own people see the year's work before the branch facts."""

import pytest
from django.urls import reverse

from wuxing.org.models import Branch, User

pytestmark = pytest.mark.django_db


def _positions(client, username, branch):
    client.force_login(User.objects.get(username=username))
    html = client.get(reverse("portal:branch_detail", args=[branch.pk])).content.decode()
    return html.index("打卡清单"), html.index("支部基本情况")


def test_the_secretary_sees_the_work_first_and_the_office_the_facts_first(client, demo_office):
    branch = Branch.objects.get(code="41019901008")
    checklist, facts = _positions(client, "demo-secretary", branch)
    assert checklist < facts
    checklist, facts = _positions(client, "demo-leader", branch)
    assert facts < checklist
