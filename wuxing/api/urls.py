from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("branches", views.BranchViewSet, basename="branch")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("standards", views.StandardViewSet, basename="standard")
router.register("audit-log", views.AuditLogViewSet, basename="auditlog")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
