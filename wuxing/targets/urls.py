from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("", views.target_list, name="target_list"),
    path("<int:pk>/", views.target_detail, name="target_detail"),
    path("<int:pk>/review/", views.target_review, name="target_review"),
    path("<int:pk>/plan/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/plan/measures/", views.plan_measure_add, name="plan_measure_add"),
    path("<int:pk>/letter/", views.pledge_generate, name="pledge_generate"),
    path("campaign/<int:campaign_pk>/confirm/", views.targets_confirm, name="targets_confirm"),
    path("campaign/<int:campaign_pk>/branch/<int:branch_pk>/apply/", views.target_apply, name="target_apply"),
    path("campaign/<int:campaign_pk>/branch/<int:branch_pk>/require/", views.target_require, name="target_require"),
    path("campaign/<int:campaign_pk>/branch/<int:branch_pk>/baseline/", views.baseline_edit, name="baseline_edit"),
    path("measures/<int:pk>/delete/", views.plan_measure_delete, name="plan_measure_delete"),
    path("measures/<int:pk>/milestones/", views.plan_milestone_add, name="plan_milestone_add"),
    path("milestones/<int:pk>/delete/", views.plan_milestone_delete, name="plan_milestone_delete"),
    path("baseline/", views.baseline_matrix, name="baseline_matrix"),
    path("baseline/evidence/<int:pk>/", views.baseline_evidence, name="baseline_evidence"),
    path("deliberations/", views.deliberation_list, name="deliberation_list"),
    path("deliberations/new/", views.deliberation_create, name="deliberation_create"),
    path("deliberations/<int:pk>/", views.deliberation_detail, name="deliberation_detail"),
    path("deliberations/<int:pk>/step/", views.deliberation_step, name="deliberation_step"),
    path(
        "deliberations/<int:pk>/implementation/", views.deliberation_implementation, name="deliberation_implementation"
    ),
    path("deliberations/<int:pk>/close/", views.deliberation_close, name="deliberation_close"),
    path("deliberations/attachments/<int:pk>/", views.step_attachment, name="step_attachment"),
    path("procedures/", views.procedure_settings, name="procedure_settings"),
    path("letters/", views.pledge_list, name="pledge_list"),
    path("letters/<int:pk>/", views.pledge_detail, name="pledge_detail"),
    path("letters/<int:pk>/pdf/", views.pledge_pdf, name="pledge_pdf"),
    path("letters/<int:pk>/confirm/", views.pledge_confirm, name="pledge_confirm"),
]
