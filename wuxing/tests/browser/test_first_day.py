"""A real office's first day, from an empty database, with no demo loader: `manage.py bootstrap` creates the
district and the security administrator; the administrator signs in with the one-time password and changes it;
an office leader of the district imports a workbook of 1 office, 12 branches, 6 departments and 40 people,
publishes the example standard, creates the 2027 campaign with quotas and reaches the targets page with the
branches listed.

The security administrator does no business work (三员分立), and role grants are being moved to a two-person
approval; so the business account (office leader of the district) is created here by a service call
(`manage.py shell`), as the security administrator's own pages would.
"""

import os
import socket
import subprocess
import sys
import time

import pytest

from wuxing.testing import organisation_rows, xlsx_of

from .conftest import ROOT, LiveApp, _free_port, login, screenshot

pytestmark = pytest.mark.browser

DISTRICT = "410199"
LEADER_PASSWORD = "Office-lead-2027!"
MAKE_LEADER = f"""
from wuxing.core.actors import SystemActor
from wuxing.org.models import OrgUnit
from wuxing.org.services import role_assign, user_create
actor = SystemActor("first-day-test")
user = user_create(actor=actor, username="district-leader", password="{LEADER_PASSWORD}")
role_assign(actor=actor, user=user, role="office_leader", unit=OrgUnit.objects.get(code="{DISTRICT}"))
"""


@pytest.fixture(scope="module")
def empty_app(tmp_path_factory, chromium_path):
    """The app on a fresh, migrated, empty database (no demo), bootstrapped; yields (url, one-time password)."""
    var = tmp_path_factory.mktemp("var-empty")
    env = {**os.environ, "WUXING_VAR_DIR": str(var), "WUXING_DEMO": "0", "WUXING_TESTING": "1", "DEBUG": "0"}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    out = subprocess.run(
        [*manage, "bootstrap", "--district-code", DISTRICT, "--district-name", "示范区", "--province", "41", "河南省"]
        + ["--city", "4101", "郑州市"],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    password = out.split("one-time password: ")[1].split()[0]
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = LiveApp(f"http://127.0.0.1:{port}")
    url.env, url.manage_command = env, manage
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("the test server did not start")
    yield url, password
    server.terminate()
    server.wait(timeout=10)


def test_first_day_of_a_real_office(empty_app, open_page, tmp_path):
    url, one_time = empty_app
    page, watch = open_page()

    # 1. The security administrator signs in with the one-time password and must change it first.
    login(page, url, "security-admin", one_time)
    assert "/org/me/" in page.url
    page.fill("input[name=old_password]", one_time)
    page.fill("input[name=new_password]", "Ledger-Lamp-2027!")
    page.fill("input[name=new_password2]", "Ledger-Lamp-2027!")
    page.locator("form:has(input[name=old_password]) button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{url}/org/accounts/")
    assert "security-admin" in page.inner_text("main")

    # 2. The business account, by a service call (see the module's docstring).
    url.manage("shell", "-c", MAKE_LEADER)
    page.context.clear_cookies()
    login(page, url, "district-leader", LEADER_PASSWORD)

    # 3. Import the organisation: preview first, then confirm.
    workbook = tmp_path / "organisation.xlsx"
    workbook.write_bytes(xlsx_of(organisation_rows(district_code=DISTRICT)))
    page.goto(f"{url}/org/imports/")
    page.set_input_files("input[name=file]", str(workbook))
    page.locator("form:has(input[name=file]) button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    preview = page.inner_text("main")
    assert "确认导入" in preview and "40" in preview and "12" in preview
    page.click("text=确认导入")
    page.wait_for_load_state("networkidle")
    assert "导入完成" in page.inner_text("body")

    # 4. Publish the example standard: compared (a first version) before it is published.
    page.goto(f"{url}/standards/")
    page.set_input_files("input[name=file]", str(ROOT / "wuxing" / "standards" / "data" / "example-standard.yaml"))
    page.locator("form:has(input[name=file]) button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "发布前对比" in page.inner_text("main")
    page.click("text=发布此版本")
    page.wait_for_load_state("networkidle")

    # 5. The 2027 campaign of the new office, with quotas.
    page.goto(f"{url}/campaigns/new/")
    page.select_option("select[name=office]", label=f"第1街道办事处（{DISTRICT}51）")
    page.fill("input[name=year]", "2027")
    page.select_option("select[name=standard]", index=1)
    page.locator("form:has(input[name=year]) button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    campaign_pk = page.url.rstrip("/").split("/")[-1]
    assert campaign_pk.isdigit() and "2027" in page.inner_text("main")
    page.goto(f"{url}/campaigns/{campaign_pk}/quotas/")
    for level, count in ((5, 2), (4, 4), (3, 6)):
        page.fill(f"input[name=level_{level}]", str(count))
    page.locator("form:has(input[name=level_5]) button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "名额已保存" in page.inner_text("main") and "12" in page.inner_text("main")

    # 6. The targets page lists the office's branches.
    page.goto(f"{url}/targets/?campaign={campaign_pk}")
    body = page.inner_text("main")
    for b in (1, 6, 12):
        assert f"1-{b}村" in body
    screenshot(page, "first-day-targets")
    assert watch.foreign_requests() == []
