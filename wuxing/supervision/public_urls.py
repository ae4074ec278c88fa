"""Pages of this app on the public site of an office, under /public/<office code>/."""

from django.urls import path

from . import public_views

app_name = "supervision_public"

urlpatterns = [
    path("rankings/", public_views.rankings, name="rankings"),
    path("rankings/evaluations/<int:pk>/", public_views.evaluation, name="evaluation"),
    path("rankings/observations/<int:pk>/", public_views.observation, name="observation"),
    path("report/", public_views.report, name="report"),
]
