"""/api/v1/: the token endpoint, then every project app's `api.py` (its `register(router)` and `urlpatterns`), in
layer order from the registry (settings.WUXING_APPS)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from wuxing.api import views
from wuxing.portal.registry import contributions

router = DefaultRouter()
views.register(router)
extra_urlpatterns = []
for _config, module in contributions("api"):
    module.register(router)
    extra_urlpatterns += getattr(module, "urlpatterns", [])

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    *extra_urlpatterns,
    path("", include(router.urls)),
]
