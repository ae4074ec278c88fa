"""The site's URLs: sign-in and home, then every project app's `urls.py` under `/<app label>/` and
`public_urls.py` under `/public/<office code>/`, in layer order from the registry (settings.WUXING_APPS)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from wuxing.org import views as org_views
from wuxing.portal import views as portal_views
from wuxing.portal.registry import contributions

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("accounts/login/", portal_views.login_view, name="login"),
    path("accounts/logout/", portal_views.logout_view, name="logout"),
    path("accounts/password/", org_views.password_change, name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The API ahead of the apps' pages: a page's address never starts with `api/` (tested), and an API call, the
    # most frequent request, is then resolved without trying every page's pattern first.
    path("api/v1/", include("wuxing.config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
for config, module in contributions("urls"):
    # The top app's pages keep the addresses they had in the apps they are made of (see portal/urls.py).
    prefix = "" if config.label == "portal" else f"{config.label}/"
    urlpatterns.append(path(prefix, include(module)))
for _config, module in contributions("public_urls"):
    # The public site of an office (no sign-in): each app adds its own pages under the office's code.
    urlpatterns.append(path("public/<str:office_code>/", include(module)))

# Errors outside the API's views: JSON under /api/, the site's pages elsewhere (wuxing.api.errors).
handler400 = "wuxing.api.errors.bad_request"
handler403 = "wuxing.api.errors.permission_denied"
handler404 = "wuxing.api.errors.page_not_found"
handler500 = "wuxing.api.errors.server_error"
