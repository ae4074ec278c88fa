"""The access matrix: every page and every API route, tried anonymously and as every role, on objects of every
kind the user may not see — zero leaks, zero server errors.

Routes come from the URL resolver and the OpenAPI schema, so a new route cannot be forgotten: a route that takes
an object must be listed in PAGE_OBJECTS (pages) or API_OBJECTS (API), or the coverage tests fail.

The world is the demo office with its accounts (office leader, campaign staff, department cadre, branch secretary,
reviewer, auditor, security and system administrators) and a second office of the same district whose accounts hold
the office-wide and branch roles there. The demo office's data is foreign to all of the second office's accounts;
to the demo secretary and the demo department cadre, every branch but their own (or their assigned ones) is
foreign; to the three administrators, every business object is.
"""

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.generators import SchemaGenerator
from PIL import Image
from rest_framework.test import APIClient

from wuxing.campaigns.models import Campaign, CampaignAttachment, GroupMembership
from wuxing.campaigns.services import campaign_add_attachments
from wuxing.checklists.models import CheckIn, CheckInEvidence, ChecklistItem
from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog, ExportJob
from wuxing.core.roles import Role
from wuxing.core.tokens import token_issue
from wuxing.core.uploads import store_evidence
from wuxing.deliberations.models import Deliberation, DeliberationStep, StepAttachment
from wuxing.liaison.models import Activity, ActivityEvidence, CampaignAssignment
from wuxing.org.choices import BranchKind, UnitLevel
from wuxing.org.demo import DEMO_ACCOUNTS
from wuxing.org.models import (
    Assignment,
    Branch,
    Department,
    KioskToken,
    OrgImport,
    OrgUnit,
    Person,
    RoleAssignment,
    RoleGrant,
    User,
)
from wuxing.org.rules import unit_path
from wuxing.org.services import kiosk_token_issue
from wuxing.participation.models import (
    Issue,
    IssueCategory,
    IssuePhoto,
    Solicitation,
    Survey,
    SurveyCode,
    TeaTopic,
)
from wuxing.participation.models import TeaSession as TeaHouseSession
from wuxing.plans.models import PlanMeasure, PlanMilestone, Pledge
from wuxing.rating.models import Objection, ObjectionEvidence, Rating, RatingStar, VetoEvent
from wuxing.rhythm.models import (
    Action,
    ActionEvidence,
    AnnualSummary,
    CalendarEvent,
    DailyReport,
    HelpRequest,
    Meeting,
    Notification,
)
from wuxing.showcase.models import DemoSite, FeatureProject, Milestone, ProjectEvidence, TeaSession
from wuxing.standards.models import Standard, StandardDraft
from wuxing.supervision.models import (
    ActivityTag,
    Evaluation,
    Finding,
    FindingPhoto,
    Inspection,
    Observation,
    PublicReport,
    Rectification,
    RectificationEvidence,
    ScoreCard,
    ScorePhoto,
    ScoreSheet,
)
from wuxing.targets.models import BaselineEntry, BaselineEvidence, Target
from wuxing.targets.services import baseline_add_evidence
from wuxing.testing import make_user

# url name → {keyword: model whose object it names}. String keywords are filled by STRING_ARGUMENTS.
PAGE_OBJECTS = {
    "core:export_detail": {"pk": ExportJob},
    "core:export_retry": {"pk": ExportJob},
    "core:export_download": {"pk": ExportJob},
    "org:branch_edit": {"pk": Branch},
    "org:branch_move": {"pk": Branch},
    "org:branch_retire": {"pk": Branch},
    "org:unit_edit": {"pk": OrgUnit},
    "org:unit_retire": {"pk": OrgUnit},
    "org:unit_map": {"pk": OrgUnit},
    "org:unit_map_geojson": {"pk": OrgUnit},
    "org:unit_displays": {"pk": OrgUnit},
    "org:unit_grids": {"pk": OrgUnit},
    "org:display_revoke": {"pk": KioskToken},
    "org:department_edit": {"pk": Department},
    "org:department_retire": {"pk": Department},
    "org:person_edit": {"pk": Person},
    "org:person_retire": {"pk": Person},
    "org:import_preview": {"pk": OrgImport},
    "org:import_confirm": {"pk": OrgImport},
    "org:branch_assign": {"pk": Branch},
    "org:assignment_end": {"pk": Assignment},
    "org:person_reveal": {"pk": Person},
    "org:user_role_assign": {"pk": User},
    "org:user_role_revoke": {"pk": RoleAssignment},
    "org:role_grant_approve": {"pk": RoleGrant},
    "org:role_grant_reject": {"pk": RoleGrant},
    "org:user_unlock": {"pk": User},
    "org:my_token_revoke": {},
    "standards:standard_detail": {"pk": Standard},
    "standards:standard_download": {"pk": Standard},
    "standards:standard_download_xlsx": {"pk": Standard},
    "standards:draft_detail": {"pk": StandardDraft},
    "campaigns:campaign_detail": {"pk": Campaign},
    "campaigns:campaign_quotas": {"pk": Campaign},
    "campaigns:campaign_edit": {"pk": Campaign},
    "campaigns:campaign_groups": {"pk": Campaign},
    "campaigns:campaign_status": {"pk": Campaign},
    "campaigns:campaign_prepare_next": {"pk": Campaign},
    "campaigns:group_member_remove": {"pk": GroupMembership},
    "campaigns:attachment_download": {"pk": CampaignAttachment},
    "targets:target_detail": {"pk": Target},
    "targets:target_review": {"pk": Target},
    "targets:targets_confirm": {"campaign_pk": Campaign},
    "targets:targets_agree": {"campaign_pk": Campaign},
    "targets:targets_remind": {"campaign_pk": Campaign},
    "targets:target_apply": {"campaign_pk": Campaign, "branch_pk": Branch},
    "targets:target_require": {"campaign_pk": Campaign, "branch_pk": Branch},
    "targets:baseline_edit": {"campaign_pk": Campaign, "branch_pk": Branch},
    "targets:baseline_evidence": {"pk": BaselineEvidence},
    "deliberations:deliberation_detail": {"pk": Deliberation},
    "deliberations:deliberation_step": {"pk": Deliberation},
    "deliberations:step_edit": {"pk": DeliberationStep},
    "deliberations:step_delete": {"pk": DeliberationStep},
    "deliberations:step_restore": {"pk": DeliberationStep},
    "deliberations:deliberation_implementation": {"pk": Deliberation},
    "deliberations:deliberation_close": {"pk": Deliberation},
    "deliberations:step_attachment": {"pk": StepAttachment},
    "plans:plan_detail": {"pk": Target},
    "plans:plan_measure_add": {"pk": Target},
    "plans:pledge_generate": {"pk": Target},
    "plans:plan_measure_delete": {"pk": PlanMeasure},
    "plans:plan_milestone_add": {"pk": PlanMeasure},
    "plans:plan_milestone_delete": {"pk": PlanMilestone},
    "plans:pledge_detail": {"pk": Pledge},
    "plans:pledge_pdf": {"pk": Pledge},
    "plans:pledge_confirm": {"pk": Pledge},
    "checklists:branch_checklist": {"pk": Branch},
    "checklists:item_create": {"pk": Branch},
    "checklists:items_generate": {"pk": Branch},
    "checklists:items_import": {"pk": Branch},
    "checklists:report_card": {"pk": Branch},
    "checklists:report_card_print": {"pk": Branch},
    "checklists:report_card_pdf": {"pk": Branch},
    "checklists:item_detail": {"pk": ChecklistItem},
    "checklists:item_edit": {"pk": ChecklistItem},
    "checklists:item_retire": {"pk": ChecklistItem},
    "checklists:item_unretire": {"pk": ChecklistItem},
    "checklists:checkin_create": {"pk": ChecklistItem},
    "checklists:evidence_file": {"pk": CheckInEvidence},
    "checklists:evidence_thumb": {"pk": CheckInEvidence},
    "checklists:evidence_publish": {"pk": CheckInEvidence},
    "checklists:evidence_publish_batch": {"pk": ChecklistItem},
    "liaison:assignment_detail": {"pk": CampaignAssignment},
    "liaison:assignment_edit": {"pk": CampaignAssignment},
    "liaison:activity_create": {"pk": CampaignAssignment},
    "liaison:activity_evidence_add": {"pk": Activity},
    "liaison:activity_detail": {"pk": Activity},
    "liaison:activity_edit": {"pk": Activity},
    "liaison:activity_delete": {"pk": Activity},
    "liaison:activity_restore": {"pk": Activity},
    "liaison:evidence_file": {"pk": ActivityEvidence},
    "liaison:evidence_thumbnail": {"pk": ActivityEvidence},
    "liaison:finding_create": {"branch_pk": Branch},
    "showcase:site_detail": {"pk": DemoSite},
    "showcase:site_edit": {"pk": DemoSite},
    "showcase:project_create": {"pk": DemoSite},
    "showcase:project_detail": {"pk": FeatureProject},
    "showcase:milestone_add": {"pk": FeatureProject},
    "showcase:milestone_complete": {"pk": Milestone},
    "showcase:project_evidence_add": {"pk": FeatureProject},
    "showcase:record_add": {"parent": FeatureProject},
    "showcase:record_edit": {"pk": TeaSession},
    "showcase:record_delete": {"pk": TeaSession},
    "showcase:record_restore": {"pk": TeaSession},
    "showcase:evidence_file": {"pk": ProjectEvidence},
    "showcase:evidence_thumbnail": {"pk": ProjectEvidence},
    "portal:branch_detail": {"pk": Branch},
    "supervision:observation_detail": {"pk": Observation},
    "supervision:observation_public": {"pk": Observation},
    "supervision:card_score": {"pk": ScoreCard},
    "supervision:photo_file": {"pk": ScorePhoto},
    "supervision:photo_thumbnail": {"pk": ScorePhoto},
    "supervision:evaluation_detail": {"pk": Evaluation},
    "supervision:evaluation_compute": {"pk": Evaluation},
    "supervision:evaluation_publish": {"pk": Evaluation},
    "supervision:inspection_detail": {"pk": Inspection},
    "supervision:inspection_update": {"pk": Inspection},
    "supervision:finding_update": {"pk": Finding},
    "supervision:finding_delete": {"pk": Finding},
    "supervision:finding_restore": {"pk": Finding},
    "supervision:finding_create": {"pk": Inspection},
    "supervision:finding_detail": {"pk": Finding},
    "supervision:finding_triage": {"pk": Finding},
    "supervision:rectification_create": {"pk": Finding},
    "supervision:accountability_create": {"pk": Finding},
    "supervision:finding_photo": {"pk": FindingPhoto},
    "supervision:finding_thumbnail": {"pk": FindingPhoto},
    "supervision:rectification_detail": {"pk": Rectification},
    "supervision:rectification_transition": {"pk": Rectification},
    "supervision:rectification_reschedule": {"pk": Rectification},
    "supervision:rectification_evidence": {"pk": RectificationEvidence},
    "supervision:rectification_thumbnail": {"pk": RectificationEvidence},
    "supervision:public_report_reveal": {"pk": PublicReport},
    "rhythm:event_move": {"pk": CalendarEvent},
    "rhythm:report_detail": {"pk": DailyReport},
    "rhythm:help_detail": {"pk": HelpRequest},
    "rhythm:meeting_detail": {"pk": Meeting},
    "rhythm:meeting_minutes": {"pk": Meeting},
    "rhythm:meeting_pdf": {"pk": Meeting},
    "rhythm:meeting_docx": {"pk": Meeting},
    "rhythm:action_create": {"pk": Meeting},
    "rhythm:action_detail": {"pk": Action},
    "rhythm:action_file": {"pk": ActionEvidence},
    "rhythm:action_thumbnail": {"pk": ActionEvidence},
    "rhythm:summary_detail": {"pk": AnnualSummary},
    "rhythm:summary_edit": {"pk": AnnualSummary},
    "rhythm:summary_finalise": {"pk": AnnualSummary},
    "rhythm:summary_pdf": {"pk": AnnualSummary},
    "rhythm:summary_docx": {"pk": AnnualSummary},
    "rhythm:summary_xlsx": {"pk": AnnualSummary},
    "rating:branch_readiness": {"pk": Branch},
    "rating:rating_open": {"pk": Branch},
    "rating:rating_detail": {"pk": Rating},
    "rating:rating_submit": {"pk": Rating},
    "rating:publicity_start": {"pk": Rating},
    "rating:rating_name": {"pk": Rating},
    "rating:certificate_pdf": {"pk": Rating},
    "rating:star_evaluate": {"pk": RatingStar},
    "rating:star_review": {"pk": RatingStar},
    "rating:objection_close": {"pk": Objection},
    "rating:veto_file": {"pk": VetoEvent},
    "rating:star_withdrawal": {"pk": RatingStar},
    "rating:objection_file": {"pk": ObjectionEvidence},
    "participation:category_edit": {"pk": IssueCategory},
    "participation:issue_detail": {"pk": Issue},
    "participation:issue_triage": {"pk": Issue},
    "participation:issue_note": {"pk": Issue},
    "participation:issue_answer": {"pk": Issue},
    "participation:issue_reveal": {"pk": Issue},
    "participation:photo_file": {"pk": IssuePhoto},
    "participation:photo_thumbnail": {"pk": IssuePhoto},
    "participation:survey_detail": {"pk": Survey},
    "participation:survey_status": {"pk": Survey},
    "participation:survey_codes_pdf": {"pk": Survey},
    "participation:solicitation_detail": {"pk": Solicitation},
    "participation:solicitation_close": {"pk": Solicitation},
    "participation:topic_detail": {"pk": TeaTopic},
    "participation:topic_moderate": {"pk": TeaTopic},
    "participation:topic_answer": {"pk": TeaTopic},
    "participation:topic_convert": {"pk": TeaTopic},
    "participation:topic_reveal": {"pk": TeaTopic},
    "participation:session_detail": {"pk": TeaHouseSession},
    "participation:session_edit": {"pk": TeaHouseSession},
}
# Public pages (no sign-in) that take an object: tried with another office's code, they must not show it.
PUBLIC_OBJECTS = {
    "deliberations_public:notice_detail": DeliberationStep,
    "checklists_public:evidence_thumb": CheckInEvidence,
    "showcase_public:site_detail": DemoSite,
    "supervision_public:evaluation": Evaluation,
    "supervision_public:observation": Observation,
    "rating_public:result": Rating,
    "participation_public:solicitation": Solicitation,
}
# Not pages of the product: Django's language switch, the API (tested below from its schema) and its docs.
NOT_PAGES = {"set_language", "api-schema", "api-docs", "api-root", "api-token"}

# API collection (first path segment after /api/v1/) → its model, for routes with an object in the path and for
# checking that a list holds only rows in scope.
API_OBJECTS = {
    "audit-log": AuditLog,
    "branches": Branch,
    "departments": Department,
    "people": Person,
    "units": OrgUnit,
    "standards": Standard,
    "campaigns": Campaign,
    "targets": Target,
    "deliberations": Deliberation,
    "deliberation-steps": DeliberationStep,
    "pledges": Pledge,
    "checklist-items": ChecklistItem,
    "checkins": None,  # CheckIn: lists checked below; detail reached through a foreign item's check-ins
    "assignments": CampaignAssignment,
    "assignment-activities": Activity,
    "demo-sites": DemoSite,
    "baseline-entries": BaselineEntry,
    "baseline-evidence": BaselineEvidence,
    "deliberation-attachments": StepAttachment,
    "checklists": CheckInEvidence,
    "liaison": ActivityEvidence,
    "showcase": ProjectEvidence,
    "actions": Action,
    "calendar-events": CalendarEvent,
    "daily-reports": DailyReport,
    "help-requests": HelpRequest,
    "meetings": Meeting,
    "notifications": Notification,
    "score-sheets": ScoreSheet,
    "activity-tags": ActivityTag,
    "observations": Observation,
    "evaluations": Evaluation,
    "inspections": Inspection,
    "inspection-findings": Finding,
    "rectifications": Rectification,
    "ratings": Rating,
    "objections": Objection,
    "objection-files": ObjectionEvidence,
    "work-orders": Issue,
    "tea-topics": TeaTopic,
    "tea-sessions": TeaHouseSession,
}
DENIED = {302, 400, 403, 404, 405}


def _walk(patterns, namespace=None, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace) if x) if p.namespace else namespace
            yield from _walk(p.url_patterns, ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, prefix + str(p.pattern), p


def page_routes():
    """(url name, route, pattern) of every page of the product (not the API)."""
    for name, route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith("api/") or name in NOT_PAGES:
            continue
        yield name, route, pattern


def _is_redirect_view(pattern) -> bool:
    view_class = getattr(pattern.callback, "view_class", None)
    return view_class is not None and getattr(view_class, "permanent", False)


def _restricted(model) -> bool:
    return hasattr(model, "scope_filter") and hasattr(model._default_manager, "restrict")


def foreign(model, user, world):
    """An object of `model` the user may not see (None: everything of this kind is theirs to see)."""
    if model is ExportJob:
        return ExportJob.objects.exclude(user=user).first()
    if model in (OrgImport, StandardDraft):  # an upload awaiting its uploader's confirmation
        return model.objects.exclude(uploaded_by=user).first()
    if model is Notification:  # one's own
        return Notification.objects.exclude(user=user).first()
    if model is RoleAssignment:
        return None if user.has_perm("org.assign_role") else RoleAssignment.objects.exclude(user=user).first()
    if model is RoleGrant:
        from wuxing.org.selectors import role_grant_list

        return RoleGrant.objects.exclude(pk__in=role_grant_list(user=user).values("pk")).first()
    if model is User:
        return None if user.has_perm("org.view_user") else world.demo["demo-leader"]
    if model is AuditLog:  # the auditor's alone
        return None if user.has_perm("core.view_auditlog") else AuditLog.objects.order_by("pk").first()
    if _restricted(model):
        visible = model.objects.restrict(user, "view").values("pk")
        return model.objects.exclude(pk__in=visible).order_by("pk").first()
    parent = _scoped_parent(model)
    if parent is not None:  # a row scoped through its parent (a baseline's entry, a project's milestone)
        field, related = parent
        seen = related.objects.restrict(user, "view").values("pk")
        return model.objects.exclude(**{f"{field}__in": seen}).order_by("pk").first()
    raise AssertionError(f"No rule for a foreign {model.__name__}: teach foreign() about it")


def _scoped_parent(model):
    for f in model._meta.get_fields():
        if f.many_to_one and f.concrete and _restricted(f.related_model):
            return f.name, f.related_model
    return None


def visible(model, user):
    if model in (OrgImport, StandardDraft):
        return model.objects.filter(uploaded_by=user).first()
    if model is Notification:
        return Notification.objects.filter(user=user).first()
    if _restricted(model):
        return model.objects.restrict(user, "view").order_by("pk").first()
    parent = _scoped_parent(model)
    if parent is not None:
        field, related = parent
        return model.objects.filter(**{f"{field}__in": related.objects.restrict(user, "view")}).order_by("pk").first()
    return None


def string_arguments(name, world, user):
    """Values for the string parts of a route."""
    if name == "org:person_reveal":
        return {"field": "phone"}
    if name == "org:my_token_revoke":
        return {"key": world.leader_token_key}
    if name == "showcase:record_add":
        return {"record": "agreement"}
    if name in ("showcase:record_edit", "showcase:record_delete", "showcase:record_restore"):
        return {"record": "session"}
    if name == "rhythm:calendar_feed":
        return {"token": "not-a-token"}
    if name == "portal:screen_part":
        return {"part": "data"}
    if name in ("portal:screen_kiosk", "portal:screen_kiosk_map"):
        return {"token": "not-a-token"}
    if name == "portal:screen_kiosk_part":
        return {"token": "not-a-token", "part": "data"}
    return {}


@pytest.fixture
def world(demo_office):
    district = demo_office.parent
    office_b = OrgUnit.objects.create(
        code="41019999",
        name="邻街道",
        level=UnitLevel.OFFICE,
        parent=district,
        path=unit_path(district.path, "41019999"),
    )
    branch_b = Branch.objects.create(office=office_b, code="41019999001", name="邻一村", kind=BranchKind.RURAL_VILLAGE)
    department_b = Department.objects.create(office=office_b, code="DB1", name="邻党建办")
    cadre_person = Person.objects.create(office=office_b, name="邻干部", department=department_b)
    Assignment.objects.create(branch=branch_b, department=department_b)
    outsiders = {
        "b-leader": make_user("b-leader", Role.OFFICE_LEADER, unit=office_b),
        "b-staff": make_user("b-staff", Role.CAMPAIGN_STAFF, unit=office_b),
        "b-reviewer": make_user("b-reviewer", Role.REVIEWER, unit=office_b),
        "b-cadre": make_user("b-cadre", Role.DEPARTMENT_CADRE, person=cadre_person),
        "b-secretary": make_user("b-secretary", Role.BRANCH_SECRETARY, branch=branch_b),
        "b-member": make_user("b-member", Role.BRANCH_MEMBER, branch=branch_b),
        "nobody": make_user("nobody"),
    }
    demo = {spec["username"]: User.objects.get(username=spec["username"]) for spec in DEMO_ACCOUNTS}
    # Objects of the kinds the demo does not make: an export, a role grant awaiting approval, an API token.
    ExportJob.objects.create(user=demo["demo-leader"], exporter="branches", title="支部名册")
    RoleGrant.objects.create(
        user=outsiders["nobody"], role=Role.REVIEWER, unit=demo_office, requested_by=demo["demo-security"]
    )
    token_issue(user=demo["demo-leader"])
    kiosk_token_issue(actor=SYSTEM, unit=demo_office, label="会议室")
    entry = BaselineEntry.objects.exclude(baseline__campaign__status="closed").order_by("pk").first()
    baseline_add_evidence(actor=SYSTEM, entry=entry, uploads=[_photo()])
    campaign_add_attachments(
        actor=SYSTEM, campaign=Campaign.objects.exclude(status="closed").order_by("pk").first(), files=[_photo()]
    )
    leader = demo["demo-leader"]
    OrgImport.objects.create(
        file=ContentFile(b"PK", name="org.xlsx"), original_name="组织.xlsx", size=2, sha256="0" * 64, uploaded_by=leader
    )
    example = Path(__file__).resolve().parents[1] / "standards" / "data" / "example-standard.yaml"
    StandardDraft.objects.create(
        text=example.read_text(encoding="utf-8"),
        source_name=example.name,
        sha256="0" * 64,
        code="example",
        version="9",
        uploaded_by=leader,
    )
    # Evidence of every kind on records of the demo office (the demo keeps its files few).
    for model, field, parent in [
        (StepAttachment, "step", DeliberationStep),
        (ActivityEvidence, "activity", Activity),
        (ProjectEvidence, "project", FeatureProject),
        (CheckInEvidence, "checkin", CheckIn),
        (ScorePhoto, "card", ScoreCard),
        (FindingPhoto, "finding", Finding),
        (RectificationEvidence, "rectification", Rectification),
        (ActionEvidence, "action", Action),
        (IssuePhoto, "issue", Issue),
    ]:
        if not model.objects.exists():
            store_evidence(model, _photo(), actor=SYSTEM, **{field: parent.objects.order_by("pk").first()})
    from knox.models import AuthToken

    return SimpleNamespace(
        office=demo_office,
        office_b=office_b,
        demo=demo,
        users={**demo, **outsiders},
        leader_token_key=AuthToken.objects.filter(user=demo["demo-leader"]).first().token_key,
    )


def _photo():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 60, 60)).save(buffer, "JPEG")
    return SimpleUploadedFile("基线照片.jpg", buffer.getvalue(), content_type="image/jpeg")


def _audit_mark():
    last = AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first()
    return last or 0


def test_every_page_with_an_object_is_in_the_matrix():
    names = {name for name, route, pattern in page_routes() if "<int:" in route and not _is_redirect_view(pattern)}
    missing = names - set(PAGE_OBJECTS) - set(PUBLIC_OBJECTS)
    assert not missing, f"Add these routes to PAGE_OBJECTS or PUBLIC_OBJECTS: {sorted(missing)}"
    assert not set(PAGE_OBJECTS) - names - {"org:my_token_revoke"}, "PAGE_OBJECTS names a route that is gone"


def test_no_page_shows_or_changes_a_foreign_object(client, world):
    """Each page that takes an object, as anonymous and as every account, on an object outside its scope."""
    tried, leaks = 0, []
    routes = [name for name, _route, _pattern in page_routes() if name in PAGE_OBJECTS]
    for name in routes:
        kinds = PAGE_OBJECTS[name]
        # Anonymous: the sign-in page, whatever the object.
        args = {k: (visible(m, world.demo["demo-leader"]) or m.objects.first()) for k, m in kinds.items()}
        anon_kwargs = {k: getattr(v, "pk", 1) for k, v in args.items()}
        anon_kwargs |= string_arguments(name, world, None)
        client.logout()
        for method in ("get", "post"):
            response = getattr(client, method)(reverse(name, kwargs=anon_kwargs))
            assert response.status_code in (302, 405), (name, method, "anonymous", response.status_code)
            if response.status_code == 302:
                assert reverse("login") in response["Location"], (name, method, response["Location"])
        for username, user in world.users.items():
            kwargs, any_foreign = {}, False
            for keyword, model in kinds.items():
                obj = foreign(model, user, world)
                if obj is not None:
                    any_foreign = True
                else:
                    obj = visible(model, user) or model.objects.order_by("pk").first()
                assert obj is not None, f"The demo has no {model.__name__}: {name} cannot be tried"
                kwargs[keyword] = obj.pk
            if name == "org:my_token_revoke":
                any_foreign = username != "demo-leader"
            if not any_foreign:
                continue
            kwargs |= string_arguments(name, world, user)
            url = reverse(name, kwargs=kwargs)
            client.force_login(user)
            for method in ("get", "post"):
                mark = _audit_mark()
                response = getattr(client, method)(url)
                tried += 1
                status = response.status_code
                if status >= 500 or status not in DENIED:
                    leaks.append((name, method, username, status))
                written = list(AuditLog.objects.filter(pk__gt=mark).values_list("action", flat=True))
                if written:
                    leaks.append((name, method, username, "wrote", written))
    assert not leaks, leaks
    assert tried > 1000


def test_every_page_answers_its_users_without_a_server_error(client, world):
    """Every page (without an object or with one the user may see) as every account: never a 500."""
    errors, tried = [], 0
    for name, route, pattern in page_routes():
        if _is_redirect_view(pattern) or name in ("logout", "login") or name in PUBLIC_OBJECTS:
            continue
        if "<str:office_code>" in route:
            continue  # public pages: test_public_pages
        kinds = PAGE_OBJECTS.get(name, {})
        for username, user in world.users.items():
            if username.startswith("b-") and username != "b-secretary":
                continue  # the second office's roles mirror the demo's, on an office without a campaign
            if name.endswith("_pdf") and username != "demo-leader":
                continue  # a PDF renders the same for everyone who may see it; once is enough
            kwargs = {}
            for keyword, model in kinds.items():
                obj = visible(model, user)
                if obj is None:
                    break
                kwargs[keyword] = obj.pk
            else:
                if kinds and name in ("org:my_token_revoke",):
                    continue
                kwargs |= string_arguments(name, world, user)
                client.force_login(user)
                response = client.get(reverse(name, kwargs=kwargs))
                tried += 1
                if response.status_code >= 500:
                    errors.append((name, username, response.status_code))
    assert not errors, errors
    assert tried > 300


def test_public_pages_show_one_office_only(client, world):
    code = world.office.code
    for name, route, _pattern in page_routes():
        if "<str:office_code>" not in route:
            continue
        kwargs = {"office_code": code}
        if "<str:branch_code>" in route:
            kwargs["branch_code"] = world.office.branches.order_by("pk").first().code
        if name == "participation_public:issue_status":  # a resident's issue, by its tracking code
            code = Issue.objects.filter(office=world.office).order_by("pk").first().tracking_code
            other = client.get(reverse(name, kwargs={"office_code": world.office_b.code, "code": code}))
            assert other.status_code == 404, (name, other.status_code)
            kwargs["code"] = code
        if name == "participation_public:survey_answer":  # a one-time code of the office's survey
            code = SurveyCode.objects.filter(survey__office=world.office).order_by("pk").first().code
            other = client.get(reverse(name, kwargs={"office_code": world.office_b.code, "code": code}))
            assert other.status_code == 404, (name, other.status_code)
            kwargs["code"] = code
        model = PUBLIC_OBJECTS.get(name)
        if model is not None:
            obj = model.objects.order_by("pk").first()
            assert obj is not None, f"The demo has no {model.__name__}"
            kwargs["pk"] = obj.pk
            # The same object asked for under another office's address: not found.
            other = client.get(reverse(name, kwargs={**kwargs, "office_code": world.office_b.code}))
            assert other.status_code == 404, (name, other.status_code)
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code in (200, 404), (name, response.status_code)


def _schema_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method


def _collection(path: str) -> str:
    return path.removeprefix("/api/v1/").split("/")[0]


def test_every_api_route_with_an_object_is_in_the_matrix():
    missing = {_collection(p) for p, m in _schema_operations() if "{" in p} - set(API_OBJECTS)
    assert not missing, f"Add these API collections to API_OBJECTS: {sorted(missing)}"


def test_no_api_route_shows_or_changes_a_foreign_object(world):
    """Every operation of the schema with an object in its path, as anonymous and as every account."""
    leaks, tried = [], 0
    for path, method in _schema_operations():
        if "{" not in path:
            continue
        model = API_OBJECTS[_collection(path)]
        if model is None:
            continue
        anonymous = APIClient()
        obj = model.objects.order_by("pk").first()
        assert obj is not None, f"The demo has no {model.__name__}: {path} cannot be tried"
        url = path.replace("{id}", str(obj.pk)).replace("{pk}", str(obj.pk))
        response = getattr(anonymous, method)(url, {}, format="json")
        assert response.status_code in (401, 403), (path, method, response.status_code)
        assert response["Content-Type"].startswith("application/json"), (path, method)
        for username, user in world.users.items():
            obj = foreign(model, user, world)
            if obj is None:
                continue
            url = path.replace("{id}", str(obj.pk)).replace("{pk}", str(obj.pk))
            api = APIClient()
            api.force_authenticate(user)
            mark = _audit_mark()
            response = getattr(api, method)(url, {}, format="json")
            tried += 1
            if response.status_code not in (400, 403, 404, 405):
                leaks.append((path, method, username, response.status_code))
            elif not response["Content-Type"].startswith("application/json"):
                leaks.append((path, method, username, "not JSON"))
            if AuditLog.objects.filter(pk__gt=mark).exists():
                leaks.append((path, method, username, "wrote"))
    assert not leaks, leaks
    assert tried > 200


def test_api_lists_hold_only_rows_in_scope(world):
    """Every list of the schema, as every account: answered, and no row outside the account's scope."""
    problems = []
    for path, method in _schema_operations():
        if method != "get" or "{" in path:
            continue
        model = API_OBJECTS.get(_collection(path))
        for username, user in world.users.items():
            api = APIClient()
            api.force_authenticate(user)
            response = api.get(path, {"limit": 1000})
            if response.status_code >= 500:
                problems.append((path, username, response.status_code))
                continue
            if response.status_code != 200 or model is None or not _restricted(model):
                continue
            body = response.json()
            rows = body.get("results", body) if isinstance(body, dict) else body
            ids = {row["id"] for row in rows if isinstance(row, dict) and "id" in row}
            allowed = set(model.objects.restrict(user, "view").values_list("pk", flat=True))
            if ids - allowed:
                problems.append((path, username, sorted(ids - allowed)[:5]))
    assert not problems, problems
