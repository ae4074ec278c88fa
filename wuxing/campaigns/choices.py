from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CampaignStatus(models.TextChoices):
    PREPARING = "preparing", _("In preparation")
    RUNNING = "running", _("Running")
    RATING = "rating", pgettext_lazy("campaign status", "Rating")
    CLOSED = "closed", _("Closed")


class GroupKind(models.TextChoices):
    LEADERSHIP = "leadership", _("Leadership group")
    COORDINATION = "coordination", _("Coordination group")
    GUIDANCE = "guidance", _("Guidance group")
    PUBLICITY = "publicity", _("Organisation & publicity group")
    INSPECTION = "inspection", _("Supervision & inspection group")


# 一办四组: the working office's four groups, in the order the seed names them.
WORKING_GROUPS = [GroupKind.COORDINATION, GroupKind.GUIDANCE, GroupKind.PUBLICITY, GroupKind.INSPECTION]


class MemberRole(models.TextChoices):
    LEADER = "leader", _("Head")
    DEPUTY = "deputy", _("Deputy head")
    MEMBER = "member", _("Member")
