from django.http import HttpResponseRedirect
from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "targets"


class Moved(RedirectView):
    """An address from before deliberations and plans became apps of their own: a permanent redirect, query kept.

    A page answers 301; a form posted to an old address (a page left open across the update) answers 308, so the
    browser posts it again, to the new address, instead of turning it into a GET.
    """

    permanent = True
    query_string = True

    def post(self, request, *args, **kwargs):
        response = HttpResponseRedirect(self.get_redirect_url(*args, **kwargs))
        response.status_code = 308
        return response


def moved(pattern_name: str):
    return Moved.as_view(pattern_name=pattern_name)


urlpatterns = [
    path("", views.target_list, name="target_list"),
    path("<int:pk>/", views.target_detail, name="target_detail"),
    path("<int:pk>/review/", views.target_review, name="target_review"),
    path("campaign/<int:campaign_pk>/confirm/", views.targets_confirm, name="targets_confirm"),
    path("campaign/<int:campaign_pk>/agree/", views.targets_agree, name="targets_agree"),
    path("campaign/<int:campaign_pk>/remind/", views.targets_remind, name="targets_remind"),
    path("campaign/<int:campaign_pk>/branch/<int:branch_pk>/apply/", views.target_apply, name="target_apply"),
    path("campaign/<int:campaign_pk>/branch/<int:branch_pk>/require/", views.target_require, name="target_require"),
    path("campaign/<int:campaign_pk>/branch/<int:branch_pk>/baseline/", views.baseline_edit, name="baseline_edit"),
    path("baseline/", views.baseline_matrix, name="baseline_matrix"),
    path("baseline/evidence/<int:pk>/", views.baseline_evidence, name="baseline_evidence"),
    # Moved to /plans/ and /deliberations/; the old addresses (bookmarks, printed links) answer 301. Unnamed: every
    # link the site makes goes to the new address.
    path("<int:pk>/plan/", moved("plans:plan_detail")),
    path("<int:pk>/plan/measures/", moved("plans:plan_measure_add")),
    path("<int:pk>/letter/", moved("plans:pledge_generate")),
    path("measures/<int:pk>/delete/", moved("plans:plan_measure_delete")),
    path("measures/<int:pk>/milestones/", moved("plans:plan_milestone_add")),
    path("milestones/<int:pk>/delete/", moved("plans:plan_milestone_delete")),
    path("letters/", moved("plans:pledge_list")),
    path("letters/<int:pk>/", moved("plans:pledge_detail")),
    path("letters/<int:pk>/pdf/", moved("plans:pledge_pdf")),
    path("letters/<int:pk>/confirm/", moved("plans:pledge_confirm")),
    path("deliberations/", moved("deliberations:deliberation_list")),
    path("deliberations/new/", moved("deliberations:deliberation_create")),
    path("deliberations/<int:pk>/", moved("deliberations:deliberation_detail")),
    path("deliberations/<int:pk>/step/", moved("deliberations:deliberation_step")),
    path("deliberations/<int:pk>/implementation/", moved("deliberations:deliberation_implementation")),
    path("deliberations/<int:pk>/close/", moved("deliberations:deliberation_close")),
    path("deliberations/attachments/<int:pk>/", moved("deliberations:step_attachment")),
    path("procedures/", moved("deliberations:procedure_settings")),
]
