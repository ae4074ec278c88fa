"""Pages of this app on the public site of an office, under /public/<office code>/."""

from django.urls import path

from . import public_views

app_name = "checklists_public"

urlpatterns = [
    path("", public_views.board, name="board"),
    path("branches/<str:branch_code>/", public_views.report_card, name="report_card"),
    path("evidence/<int:pk>/thumbnail/", public_views.evidence_thumb, name="evidence_thumb"),
]
