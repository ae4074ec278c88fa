"""Other apps' agenda rows: sections as they are, plain rows (e.g. supervision's overdue rectifications) as one
section under the app's name."""

import datetime
from types import SimpleNamespace

from django.utils import translation

from wuxing.rhythm import selectors


def test_plain_rows_become_one_section_and_sections_pass_through(monkeypatch):
    rows_app = SimpleNamespace(
        verbose_name="督导检查",
        agenda_items=lambda campaign, week: [
            {"branch": "甲二社区", "title": "整改台账", "due_on": datetime.date(2026, 11, 2), "days_overdue": 21}
        ],
    )
    section_app = SimpleNamespace(verbose_name="x", agenda_items=lambda c, w: [{"title": "其他", "items": ["一项"]}])
    silent_app = SimpleNamespace(verbose_name="y")
    monkeypatch.setattr(selectors.django_apps, "get_app_configs", lambda: [rows_app, section_app, silent_app])
    with translation.override("zh-hans"):
        sections = selectors.agenda_extensions(None, datetime.date(2026, 11, 23))
    assert sections[0]["title"] == "督导检查"
    [line] = sections[0]["items"]
    assert "甲二社区" in line and "整改台账" in line and "2026-11-02" in line and "21" in line
    assert sections[1] == {"title": "其他", "items": ["一项"]}
