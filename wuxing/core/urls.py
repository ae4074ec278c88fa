from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit_list"),
    path("settings/", views.policy, name="policy"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/retry/", views.export_retry_view, name="export_retry"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
