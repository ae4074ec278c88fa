"""Every write page of targets, deliberations and plans is driven by its app's closed-campaign test.

(Checklists, liaison and showcase classify their own pages in their closed-campaign tests.) A new page of these apps
is either listed here as one that changes nothing of a campaign, or driven in `<app>/tests/test_closed_campaign.py`
— otherwise this test fails.
"""

from importlib import import_module
from pathlib import Path

import pytest

# Pages that read, or that change nothing recorded in a campaign (the office's procedure settings).
NOT_CAMPAIGN_WRITES = {
    "targets": {"target_list", "target_detail", "baseline_matrix", "baseline_evidence"},
    "deliberations": {"deliberation_list", "deliberation_detail", "step_attachment", "procedure_settings"},
    "plans": {"plan_detail", "pledge_list", "pledge_detail", "pledge_pdf"},
}


@pytest.mark.parametrize("app", sorted(NOT_CAMPAIGN_WRITES))
def test_every_write_page_is_driven_on_a_closed_campaign(app):
    names = {p.name for p in import_module(f"wuxing.{app}.urls").urlpatterns if p.name}
    source = (Path(__file__).resolve().parents[1] / app / "tests" / "test_closed_campaign.py").read_text("utf-8")
    assert NOT_CAMPAIGN_WRITES[app] <= names, "a listed page no longer exists"
    undriven = {n for n in names - NOT_CAMPAIGN_WRITES[app] if f'"{app}:{n}"' not in source}
    assert undriven == set()
