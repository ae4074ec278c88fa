from django.urls import path

from . import views

app_name = "checklists"

urlpatterns = [
    path("branches/<int:pk>/", views.branch_checklist, name="branch_checklist"),
    path("branches/<int:pk>/items/new/", views.item_create, name="item_create"),
    path("branches/<int:pk>/items/generate/", views.items_generate, name="items_generate"),
    path("branches/<int:pk>/items/import/", views.items_import, name="items_import"),
    path("branches/<int:pk>/report/", views.report_card, name="report_card"),
    path("branches/<int:pk>/report/print/", views.report_card_print, name="report_card_print"),
    path("branches/<int:pk>/report/pdf/", views.report_card_pdf, name="report_card_pdf"),
    path("import-template.xlsx", views.import_template, name="import_template"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/check-in/", views.checkin_create, name="checkin_create"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/thumbnail/", views.evidence_thumb, name="evidence_thumb"),
    path("evidence/<int:pk>/publish/", views.evidence_publish, name="evidence_publish"),
    path("items/<int:pk>/evidence/publish/", views.evidence_publish_batch, name="evidence_publish_batch"),
    path("progress/", views.progress_table, name="progress_table"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/tolerance/", views.policy_update, name="policy_update"),
]
