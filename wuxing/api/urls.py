from importlib import import_module

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("branches", views.BranchViewSet, basename="branch")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("standards", views.StandardViewSet, basename="standard")
router.register("audit-log", views.AuditLogViewSet, basename="auditlog")

# Each domain app registers its viewsets and any extra paths in its own api module.
APP_API_MODULES = ["wuxing.targets.api", "wuxing.checklists.api", "wuxing.liaison.api", "wuxing.showcase.api"]
extra_urlpatterns = []
for module_name in APP_API_MODULES:
    module = import_module(module_name)
    module.register(router)
    extra_urlpatterns += getattr(module, "urlpatterns", [])

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    *extra_urlpatterns,
    path("", include(router.urls)),
]
