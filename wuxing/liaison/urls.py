from django.urls import path

from . import views

app_name = "liaison"

urlpatterns = [
    path("", views.tracker, name="tracker"),
    path("assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/sync/", views.assignment_sync, name="assignment_sync"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/edit/", views.assignment_edit, name="assignment_edit"),
    path("assignments/<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("activities/<int:pk>/restore/", views.activity_restore, name="activity_restore"),
    path("activities/<int:pk>/evidence/", views.activity_evidence_add, name="activity_evidence_add"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/thumbnail/", views.evidence_file, {"thumbnail": True}, name="evidence_thumbnail"),
    path("findings/", views.finding_list, name="finding_list"),
    path("branches/<int:branch_pk>/findings/new/", views.finding_create, name="finding_create"),
]
