"""Pages of the rating app, under /rating/."""

from django.urls import path

from . import views

app_name = "rating"

urlpatterns = [
    path("", views.home, name="home"),
    path("readiness/", views.readiness, name="readiness"),
    path("branches/<int:pk>/", views.branch_readiness, name="branch_readiness"),
    path("branches/<int:pk>/open/", views.rating_open, name="rating_open"),
    path("ratings/<int:pk>/", views.rating_detail, name="rating_detail"),
    path("ratings/<int:pk>/submit/", views.rating_submit, name="rating_submit"),
    path("ratings/<int:pk>/publicity/", views.publicity_start, name="publicity_start"),
    path("ratings/<int:pk>/name/", views.rating_name, name="rating_name"),
    path("ratings/<int:pk>/certificate.pdf", views.certificate, name="certificate_pdf"),
    path("stars/<int:pk>/evaluate/", views.star_evaluate, name="star_evaluate"),
    path("stars/<int:pk>/review/", views.star_review, name="star_review"),
    path("queue/", views.queue, name="queue"),
    path("objections/", views.objection_list, name="objection_list"),
    path("objections/<int:pk>/close/", views.objection_close, name="objection_close"),
    path("vetoes/", views.veto_list, name="veto_list"),
    path("vetoes/<int:pk>/file/", views.veto_file, name="veto_file"),
    path("stars/<int:pk>/withdrawal/", views.star_withdrawal, name="star_withdrawal"),
    path("objection-files/<int:pk>/", views.objection_file, name="objection_file"),
    path("district/", views.district_summary, name="district_summary"),
    path("city/", views.city_summary, name="city_summary"),
]
