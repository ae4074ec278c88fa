from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit_list"),
    path("settings/", views.policy, name="policy"),
]
