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
    path("targets/", include("wuxing.targets.urls")),
    path("checklists/", include("wuxing.checklists.urls")),
    path("liaison/", include("wuxing.liaison.urls")),
    path("showcase/", include("wuxing.showcase.urls")),
    # The public site of an office (no sign-in): each app adds its own pages under the office's code.
    path("public/<str:office_code>/", include("wuxing.checklists.public_urls")),
    path("public/<str:office_code>/", include("wuxing.targets.public_urls")),
    path("public/<str:office_code>/", include("wuxing.showcase.public_urls")),
    path("api/v1/", include("wuxing.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
