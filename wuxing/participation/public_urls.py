"""Residents' pages on the office's public site, under /public/<office code>/ (no account)."""

from django.urls import path

from . import public_views

app_name = "participation_public"

urlpatterns = [
    path("issues/", public_views.issue_submit, name="issue_submit"),
    path("issues/board/", public_views.board, name="board"),
    path("issues/closed/", public_views.closed, name="closed"),
    path("issues/find/", public_views.find, name="find"),
    path("issues/<str:code>/", public_views.issue_status, name="issue_status"),
    path("opinions/", public_views.solicitations, name="solicitations"),
    path("opinions/<int:pk>/", public_views.solicitation, name="solicitation"),
    path("tea/", public_views.tea, name="tea"),
    path("tea/<str:branch_code>/", public_views.tea_board, name="tea_board"),
    path("surveys/", public_views.survey_entry, name="survey_entry"),
    path("surveys/<str:code>/", public_views.survey_answer, name="survey_answer"),
]
