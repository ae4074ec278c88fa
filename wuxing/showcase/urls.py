from django.urls import path

from . import views

app_name = "showcase"

urlpatterns = [
    path("", views.site_list, name="site_list"),
    path("claim/", views.site_claim, name="site_claim"),
    path("catalogue/", views.kind_list, name="kind_list"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:pk>/projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/done/", views.milestone_complete, name="milestone_complete"),
    path("projects/<int:pk>/evidence/", views.project_evidence_add, name="project_evidence_add"),
    path("records/<str:record>/<int:parent>/new/", views.record_add, name="record_add"),
    path("records/<str:record>/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("records/<str:record>/<int:pk>/delete/", views.record_delete, name="record_delete"),
    path("records/<str:record>/<int:pk>/restore/", views.record_restore, name="record_restore"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/thumbnail/", views.evidence_file, {"thumbnail": True}, name="evidence_thumbnail"),
]
