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
    path("photos/<int:pk>/", views.photo_file, name="photo_file"),
    path("photos/<int:pk>/thumbnail/", views.photo_file, {"thumbnail": True}, name="photo_thumbnail"),
]
