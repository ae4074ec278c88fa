from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("", views.issue_list, name="issue_list"),
    path("figures/", views.figures, name="figures"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/<int:pk>/", views.category_edit, name="category_edit"),
    path("issues/<int:pk>/", views.issue_detail, name="issue_detail"),
    path("issues/<int:pk>/triage/", views.issue_triage, name="issue_triage"),
    path("issues/<int:pk>/note/", views.issue_note, name="issue_note"),
    path("issues/<int:pk>/answer/", views.issue_answer, name="issue_answer"),
    path("issues/<int:pk>/reveal/", views.issue_reveal, name="issue_reveal"),
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/status/", views.survey_status, name="survey_status"),
    path("surveys/<int:pk>/codes.pdf", views.survey_codes_pdf, name="survey_codes_pdf"),
    path("opinions/", views.solicitation_list, name="solicitation_list"),
    path("opinions/new/", views.solicitation_create, name="solicitation_create"),
    path("opinions/<int:pk>/", views.solicitation_detail, name="solicitation_detail"),
    path("opinions/<int:pk>/close/", views.solicitation_close, name="solicitation_close"),
    path("tea/", views.topic_list, name="topic_list"),
    path("tea/<int:pk>/", views.topic_detail, name="topic_detail"),
    path("tea/<int:pk>/moderate/", views.topic_moderate, name="topic_moderate"),
    path("tea/<int:pk>/answer/", views.topic_answer, name="topic_answer"),
    path("tea/<int:pk>/convert/", views.topic_convert, name="topic_convert"),
    path("tea/<int:pk>/reveal/", views.topic_reveal, name="topic_reveal"),
    path("tea/sessions/", views.session_list, name="session_list"),
    path("tea/sessions/new/", views.session_create, name="session_create"),
    path("tea/sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("tea/sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("photos/<int:pk>/", views.photo_file, name="photo_file"),
    path("photos/<int:pk>/thumbnail/", views.photo_file, {"thumbnail": True}, name="photo_thumbnail"),
]
