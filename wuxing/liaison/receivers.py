"""What the liaison app does when the campaigns app prepares next year's campaign (connected in apps.py)."""

from django.dispatch import receiver

from wuxing.campaigns.services import campaign_prepared
from wuxing.org.models import Assignment

from .services import campaign_assignment_create


@receiver(campaign_prepared, dispatch_uid="liaison.carry_assignments_into_next_year")
def carry_assignments(sender, *, previous, campaign, actor, assignment_ids, **kwargs):
    """The 联系分包 the office kept on review (all active ones when not reviewed) go into next year's campaign;
    pledges and deliveries start from nothing, since they are per year."""
    assignments = Assignment.objects.filter(
        branch__office_id=campaign.office_id, active=True, branch__retired_at__isnull=True
    ).select_related("branch", "department", "leader")
    if assignment_ids is not None:
        assignments = assignments.filter(pk__in=assignment_ids)
    for a in assignments.order_by("pk"):
        campaign_assignment_create(
            actor=actor, campaign=campaign, branch=a.branch, department=a.department, leader=a.leader
        )
