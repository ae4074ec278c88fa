"""Reads of assignments, activities and findings, always scoped to the user.

A department cadre's branch scope covers every assignment of its branches; here it is narrowed further to the
assignments of its own department or of itself, so it sees and records only its own work.
"""

from django.db.models import Count, Q

from wuxing.core.roles import ASSIGNED_ROLES, BRANCH_ROLES, SUBTREE_ROLES

from .choices import ActivityKind, FindingKind
from .models import Activity, ActivityEvidence, CampaignAssignment, Finding
from .rules import FIVE_KINDS, compute_missing_kinds


def only_own_assignments(user) -> bool:
    """True for a user whose only way to these records is being assigned (a department cadre)."""
    if user.is_superuser:
        return False
    roles = set(user.role_codes())
    return bool(roles & ASSIGNED_ROLES) and not roles & (SUBTREE_ROLES | BRANCH_ROLES)


def own_q(user, prefix: str = "") -> Q:
    """Rows of the user's own assignments (its department's or its own as a leader)."""
    person = user.person
    if person is None:
        return Q(pk__in=[])
    q = Q(**{f"{prefix}assignment__leader_id": person.pk})
    if person.department_id:
        q |= Q(**{f"{prefix}assignment__department_id": person.department_id})
    return q


def assignment_list(*, user, campaign=None, action: str = "view"):
    qs = CampaignAssignment.objects.restrict(user, action)
    if only_own_assignments(user):
        qs = qs.filter(own_q(user))
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.select_related("campaign", "assignment__branch", "assignment__department", "assignment__leader")


def with_kind_counts(qs):
    """Annotate `n_<kind>` for each 五个一 kind: one joined, grouped query whatever the number of rows."""
    return qs.annotate(**{f"n_{kind}": Count("activities", filter=Q(activities__kind=kind)) for kind in FIVE_KINDS})


def recorded_kinds(row) -> list[str]:
    return [kind for kind in FIVE_KINDS if getattr(row, f"n_{kind}", 0)]


def tracker(*, user, campaign, filters=None):
    """Assignments of the campaign with their 五个一 counts, filtered by department, leader, branch or completeness."""
    filters = filters or {}
    qs = assignment_list(user=user, campaign=campaign)
    if filters.get("department"):
        qs = qs.filter(assignment__department=filters["department"])
    if filters.get("leader"):
        qs = qs.filter(assignment__leader=filters["leader"])
    if filters.get("branch"):
        qs = qs.filter(assignment__branch=filters["branch"])
    qs = with_kind_counts(qs).order_by(
        "assignment__branch__sort_order",
        "assignment__branch__code",
        "assignment__department__code",
        "assignment__leader__name",
        "id",
    )
    if filters.get("state") == "missing":
        qs = qs.filter(_any_missing_q())
    elif filters.get("state") == "complete":
        qs = qs.exclude(_any_missing_q())
    return qs


def _any_missing_q() -> Q:
    q = Q()
    for kind in FIVE_KINDS:
        q |= Q(**{f"n_{kind}": 0})
    return q


def tracker_rows(rows) -> list[dict]:
    """Plain rows for the tracker table and its export: one cell per kind, missing ones flagged."""
    out = []
    for row in rows:
        kinds = recorded_kinds(row)
        missing = compute_missing_kinds(kinds)
        out.append(
            {
                "assignment": row,
                "cells": [
                    {
                        "kind": kind,
                        "label": ActivityKind(kind).label,
                        "count": getattr(row, f"n_{kind}", 0),
                        "missing": kind in missing,
                    }
                    for kind in FIVE_KINDS
                ],
                "missing": missing,
                "complete": not missing,
            }
        )
    return out


def assignment_get(*, user, pk: int, action: str = "view") -> CampaignAssignment:
    from django.http import Http404

    row = with_kind_counts(assignment_list(user=user, action=action)).filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def missing_kinds_of(assignment) -> list[str]:
    """R9 for one assignment, from its annotation when there is one, else from the database."""
    if hasattr(assignment, f"n_{FIVE_KINDS[0]}"):
        return compute_missing_kinds(recorded_kinds(assignment))
    return compute_missing_kinds(assignment.activities.values_list("kind", flat=True).distinct())


def activity_list(*, user, campaign=None, assignment=None, filters=None):
    filters = filters or {}
    qs = Activity.objects.restrict(user, "view")
    if only_own_assignments(user):
        qs = qs.filter(own_q(user, "campaign_assignment__"))
    if campaign is not None:
        qs = qs.filter(campaign_assignment__campaign=campaign)
    if assignment is not None:
        qs = qs.filter(campaign_assignment=assignment)
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("department"):
        qs = qs.filter(campaign_assignment__assignment__department=filters["department"])
    if filters.get("leader"):
        qs = qs.filter(campaign_assignment__assignment__leader=filters["leader"])
    return qs.select_related(
        "campaign_assignment__assignment__branch",
        "campaign_assignment__assignment__department",
        "campaign_assignment__assignment__leader",
    ).prefetch_related("evidence")


def evidence_get(*, user, pk: int) -> ActivityEvidence:
    from django.http import Http404

    qs = ActivityEvidence.objects.restrict(user, "view")
    if only_own_assignments(user):
        qs = qs.filter(own_q(user, "activity__campaign_assignment__"))
    evidence = qs.filter(pk=pk).first()
    if evidence is None:
        raise Http404
    return evidence


def finding_list(*, user, campaign=None, branch=None, filters=None):
    filters = filters or {}
    qs = Finding.objects.restrict(user, "view")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if branch is not None:
        qs = qs.filter(branch=branch)
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("star"):
        qs = qs.filter(star=filters["star"])
    return qs.select_related(
        "branch", "star", "campaign_assignment__assignment__department", "campaign_assignment__assignment__leader"
    ).order_by("branch__sort_order", "branch__code", "kind", "star__position", "-found_on", "-id")


def branch_panel_context(*, user, branch, campaign) -> dict:
    """The branch page's section: its assignments' 五个一 and its findings grouped by kind."""
    rows = tracker_rows(tracker(user=user, campaign=campaign, filters={"branch": branch}))
    findings = list(finding_list(user=user, campaign=campaign, branch=branch))
    return {
        "branch": branch,
        "campaign": campaign,
        "rows": rows,
        "kinds": FIVE_KINDS,
        "strengths": [f for f in findings if f.kind == FindingKind.STRENGTH],
        "weaknesses": [f for f in findings if f.kind == FindingKind.WEAKNESS],
    }


def overview_context(*, user, campaign) -> dict:
    rows = tracker_rows(tracker(user=user, campaign=campaign))
    missing_by_kind = {kind: 0 for kind in FIVE_KINDS}
    for row in rows:
        for kind in row["missing"]:
            missing_by_kind[kind] += 1
    return {
        "campaign": campaign,
        "total": len(rows),
        "complete": sum(1 for r in rows if r["complete"]),
        "missing_by_kind": [(ActivityKind(kind).label, n) for kind, n in missing_by_kind.items()],
    }
