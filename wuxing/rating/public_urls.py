"""Pages of the rating on the public site of an office, under /public/<office code>/."""

from django.urls import path

from . import public_views

app_name = "rating_public"

urlpatterns = [
    path("rating/", public_views.announcement, name="announcement"),
    path("rating/<int:pk>/", public_views.result, name="result"),
    # Under the district's code (/public/<district code>/rating/district/): all the district's offices.
    path("rating/district/", public_views.district_announcement, name="district_announcement"),
]
