from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from wuxing.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", core_views.login_view, name="login"),
    path("accounts/logout/", core_views.logout_view, name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("core/", include("wuxing.core.urls")),
    path("org/", include("wuxing.org.urls")),
    path("standards/", include("wuxing.standards.urls")),
    path("campaigns/", include("wuxing.campaigns.urls")),
    path("api/v1/", include("wuxing.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
