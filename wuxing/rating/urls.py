"""Pages of the rating app, under /rating/."""

from django.urls import path

from . import views

app_name = "rating"

urlpatterns = [
    path("", views.home, name="home"),
]
