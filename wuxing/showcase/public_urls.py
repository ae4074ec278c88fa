"""Pages of this app on the public site of an office, under /public/<office code>/."""

from django.urls import path

from . import public_views

app_name = "showcase_public"

urlpatterns = [
    path("sites/", public_views.site_list, name="site_list"),
    path("sites/<int:pk>/", public_views.site_detail, name="site_detail"),
]
