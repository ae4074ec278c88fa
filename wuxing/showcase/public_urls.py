"""Pages of this app on the public site of an office, under /public/<office code>/."""

from django.urls import path  # noqa: F401

app_name = "showcase_public"

urlpatterns = []
