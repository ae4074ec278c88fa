"""Load scenario (make loadtest): branch secretaries checking in with photos, department cadres browsing their
branches, the office leader on the overview and dashboard, and anonymous visitors of the public site.

Every signed-in user signs in through the real login form (its CSRF cookie and token), as a browser does. The
accounts are the demo's (manage.py load_demo); LOADTEST_PASSWORD and LOADTEST_OFFICE override the defaults.
Requests are named by page, so the statistics read per page, not per object.
"""

import io
import os
import random
import re

from locust import HttpUser, between, task
from PIL import Image, ImageDraw

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "Wuxing-demo-2026")
OFFICE = os.environ.get("LOADTEST_OFFICE", "41019901")

ITEM_LINK = re.compile(r'href="/checklists/items/(\d+)/"')
BRANCH_LINK = re.compile(r'href="/org/branches/(\d+)/"')
REPORT_LINK = re.compile(rf'href="/public/{OFFICE}/branches/([^/"]+)/"')


def photo() -> bytes:
    """A small JPEG, different each time (a few hundred bytes to a few KB), like a phone photo scaled down."""
    image = Image.new("RGB", (320, 240), tuple(random.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = random.randrange(300), random.randrange(220)
        draw.rectangle((x, y, x + 20, y + 20), fill=tuple(random.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


class SignedInUser(HttpUser):
    """Signs in through the login form at start; `username` is set by each kind of user."""

    abstract = True
    username = ""

    def on_start(self):
        self.client.get("/accounts/login/", name="login form")
        with self.client.post(
            "/accounts/login/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()},
            headers={"Referer": f"{self.host}/accounts/login/"},
            allow_redirects=False,
            name="sign in",
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/accounts/login/" in response.headers.get("Location", ""):
                response.failure(f"sign-in of {self.username} refused ({response.status_code})")

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def page(self, url: str, name: str):
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{url}: {response.status_code}")
            elif "/accounts/login/" in response.url:
                response.failure(f"{url}: sent to the login page")
            return response


class Secretary(SignedInUser):
    """A branch secretary: lands on the branch page, opens the check-in list and records check-ins with a photo."""

    weight = 3
    wait_time = between(2, 5)
    username = "demo-secretary"

    def on_start(self):
        super().on_start()
        home = self.page("/", "branch page (secretary home)")  # a secretary's home redirects to the branch page
        self.branch = re.search(r"/org/branches/(\d+)/", home.url).group(1)
        listing = self.page(f"/checklists/branches/{self.branch}/", "check-in list")
        self.items = sorted(set(ITEM_LINK.findall(listing.text)))

    @task(3)
    def browse(self):
        self.page(f"/checklists/branches/{self.branch}/", "check-in list")

    @task(2)
    def check_in(self):
        if not self.items:
            return
        item = random.choice(self.items)
        detail = self.page(f"/checklists/items/{item}/", "item page")
        data = {"csrfmiddlewaretoken": self.csrf(), "note": "负载测试打卡"}
        if 'name="done"' in detail.text:
            data["done"] = "1"
        else:
            data["value"] = str(random.randint(1, 5))
        with self.client.post(
            f"/checklists/items/{item}/check-in/",
            data=data,
            files={"evidence": ("现场.jpg", photo(), "image/jpeg")},
            headers={"Referer": f"{self.host}/checklists/items/{item}/"},
            name="check in with a photo",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or not response.history:
                response.failure(f"check-in on item {item} not recorded ({response.status_code})")


class Cadre(SignedInUser):
    """A department cadre: the branch list and the pages of the branches assigned to the department."""

    weight = 3
    wait_time = between(1, 4)
    username = "demo-dept"

    def on_start(self):
        super().on_start()
        listing = self.page("/org/branches/", "branch list")
        self.branches = sorted(set(BRANCH_LINK.findall(listing.text)))

    @task(2)
    def branch_list(self):
        self.page("/org/branches/", "branch list")

    @task(3)
    def branch_page(self):
        if self.branches:
            self.page(f"/org/branches/{random.choice(self.branches)}/", "branch page")

    @task(2)
    def checklist(self):
        if self.branches:
            self.page(f"/checklists/branches/{random.choice(self.branches)}/", "check-in list")

    @task(1)
    def progress(self):
        self.page("/checklists/progress/", "progress table")


class OfficeLeader(SignedInUser):
    """The office leader: the overview (home) and the dashboard."""

    weight = 2
    wait_time = between(1, 3)
    username = "demo-leader"

    @task(2)
    def overview(self):
        self.page("/", "office overview")

    @task(3)
    def dashboard(self):
        self.page("/checklists/dashboard/", "dashboard")


class Visitor(HttpUser):
    """Anyone: the office's public board and the report cards of its branches."""

    weight = 2
    wait_time = between(1, 4)

    def on_start(self):
        board = self.client.get(f"/public/{OFFICE}/", name="public board")
        self.reports = sorted(set(REPORT_LINK.findall(board.text)))

    @task(3)
    def board(self):
        self.client.get(f"/public/{OFFICE}/", name="public board")

    @task(2)
    def report_card(self):
        if self.reports:
            self.client.get(f"/public/{OFFICE}/branches/{random.choice(self.reports)}/", name="public report card")
