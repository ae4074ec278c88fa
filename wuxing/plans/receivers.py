"""What the plans app does when a target it is built on changes (the targets app's signals, connected in apps.py)."""

from django.dispatch import receiver

from wuxing.targets.services import target_reopened

from .services import pledges_void_for_target


@receiver(target_reopened, dispatch_uid="plans.void_letters_of_a_reopened_target")
def void_letters(sender, *, target, reason, **kwargs):
    pledges_void_for_target(target=target, reason=reason)
