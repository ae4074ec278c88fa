"""Pages of this app on the public site of an office, under /public/<office code>/: published resolutions and results."""

from django.urls import path

from . import public_views

app_name = "deliberations_public"

urlpatterns = [
    path("notices/", public_views.notice_list, name="notice_list"),
    path("notices/<int:pk>/", public_views.notice_detail, name="notice_detail"),
]
