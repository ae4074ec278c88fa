"""A closed campaign is the year's record: its items and check-ins no longer change. A batch of evidence files
with one refused file stores nothing at all, neither rows nor files."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from wuxing.campaigns.services import campaign_set_status
from wuxing.checklists.models import CheckIn, CheckInEvidence, ChecklistItem
from wuxing.checklists.services import checkin_record, item_create
from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_no_item_and_no_check_in_once_the_campaign_is_closed(world, make_item):
    item = make_item()
    campaign_set_status(actor=SYSTEM, campaign=world.campaign, status="closed")
    with pytest.raises(ValidationError) as caught:
        checkin_record(actor=world.users.secretary, item=item, value=2)
    assert "已结束" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        item_create(
            actor=world.users.secretary,
            branch=world.org.branches["a1"],
            campaign=world.campaign,
            star=world.stars[("rural", "industry")],
            title="新增事项",
            target_value=3,
        )
    assert "已结束" in str(caught.value)
    assert CheckIn.objects.count() == 0 and ChecklistItem.objects.count() == 1


def test_one_refused_file_stores_no_check_in_and_no_file(world, make_item):
    item = make_item()
    before = _stored_files()
    files = [as_upload(sample_jpeg("现场"), "现场.jpg"), as_upload(SVG, "照片.jpg")]
    with pytest.raises(ValidationError) as caught:
        checkin_record(actor=world.users.secretary, item=item, value=2, evidence=files)
    assert "照片.jpg" in str(caught.value)
    assert CheckIn.objects.count() == 0 and CheckInEvidence.objects.count() == 0
    assert _stored_files() == before
    # The same photo alone is stored.
    checkin_record(
        actor=world.users.secretary, item=item, value=2, evidence=[as_upload(sample_jpeg("现场"), "现场.jpg")]
    )
    assert CheckInEvidence.objects.count() == 1 and len(_stored_files() - before) == 2  # the photo and its thumbnail
