"""The demo office (SPEC §5), loaded step by step from every project app's `demo.py` in layer order.

Each app's demo module lists its `STEPS`: (label, function(office=, say=)). The organisation's first step
creates the office and returns it; the others add to it. Every write goes through the apps' services as the
named system actor `system:demo`; the audit rows they write are held, then dated and attributed to the people
the story has acting (`demo_history`) and written in the order they happened.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wuxing.campaigns.models import Campaign
from wuxing.core.actors import DEMO
from wuxing.core.audit import audit_held, audit_record, audit_write
from wuxing.deliberations.selectors import resolution_days
from wuxing.org.demo import DEMO_ACCOUNTS, OFFICE_CODE, create_demo_accounts
from wuxing.org.models import Assignment, OrgUnit, User
from wuxing.targets.demo import CONFIRMED_2025, CONFIRMED_2026, date_targets

from .demo_history import MARGIN, date_deliveries, date_history
from .registry import contributions, domain_apps, project_apps


def demo_steps(*, extensions: bool = True) -> list[tuple[str, object]]:
    """(label, function) of every app's demo, foundation first; without `extensions`, the foundation only."""
    domain = {config.label for config in domain_apps()}
    steps = []
    for config, module in contributions("demo", project_apps()):
        if config.label == "portal":
            continue
        if extensions or config.label not in domain:
            steps.extend(module.STEPS)
    if extensions:
        steps.append(("目标申领与审核的日期", _date_the_targets))
    return steps


def account_steps() -> list:
    """The apps' steps that give the demo accounts their part (a reviewer's department, …), run again when demo mode
    is switched on after the load: each leaves alone what is there already."""
    return [
        step
        for _config, module in contributions("demo", project_apps())
        for step in getattr(module, "ACCOUNT_STEPS", [])
    ]


def _date_the_targets(*, office, say):
    """The targets of every year, here and in the neighbouring offices, applied for after their deliberations
    published the resolutions, agreed, and (2025, 2026) confirmed before the letters were signed: the services
    stamped the moment of loading."""
    confirmed = {2025: CONFIRMED_2025, 2026: CONFIRMED_2026}
    offices = OrgUnit.objects.filter(parent=office.parent) if office.parent_id else [office]
    latest = timezone.now() - MARGIN
    for campaign in Campaign.objects.filter(office__in=offices).select_related("office").order_by("office", "year"):
        dated = date_targets(
            campaign=campaign,
            resolutions=resolution_days(campaign=campaign),
            confirmed_on=confirmed.get(campaign.year),
            latest=latest,
        )
        if campaign.office_id == office.pk and dated:
            say(f"      {campaign.year}年度：{dated} 个目标的申领、审核与确认按实际日期记录")


def load_demo(*, stdout=None, extensions: bool = True) -> bool:
    """Load the demo office; False (and nothing changed) if it is already there.

    Demo accounts are created only when settings.WUXING_DEMO is on; with demo mode on, accounts missing from an
    office loaded earlier are added, so demo mode can be switched on later. Without `extensions`, only the
    organisation, the standard, the campaigns and the accounts are loaded, not the year's work in them.
    """

    def say(line: str):
        if stdout is not None:
            stdout.write(line + "\n")

    with transaction.atomic():
        office = OrgUnit.objects.filter(code=OFFICE_CODE).first()
        if office is not None:
            say("演示数据已存在，跳过")
            if settings.WUXING_DEMO:
                created = create_demo_accounts(office, say)
                if created:
                    say(f"补建演示账号 {len(created)} 个：{'、'.join(created)}")
                for step in account_steps():
                    step(office=office, say=say)
            return False
        steps = demo_steps(extensions=extensions)
        since = timezone.now()
        with audit_held() as held:
            for number, (label, step) in enumerate(steps, start=1):
                say(f"[{number}/{len(steps)}] {label}…")
                office = step(office=office, say=say) or office
        audit_write(date_history(held, since=since))
        # The notifications are delivered when the load commits (after this, in the order registered).
        transaction.on_commit(lambda: date_deliveries(since=since))
        counts = {
            "branches": office.branches.count(),
            "departments": office.departments.count(),
            "people": office.people.count(),
            "assignments": Assignment.objects.filter(branch__office=office).count(),
            "accounts": User.objects.filter(username__in=[spec["username"] for spec in DEMO_ACCOUNTS]).count(),
        }
        audit_record(actor=DEMO, action="demo.load", obj=office, after=counts)
        say(
            f"完成：{counts['branches']} 个村（社区）、{counts['departments']} 个部门、{counts['people']} 人、"
            f"{counts['assignments']} 条分包关系、{counts['accounts']} 个演示账号"
        )
    return True
