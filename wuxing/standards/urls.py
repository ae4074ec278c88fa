from django.urls import path

from . import views

app_name = "standards"
urlpatterns = [
    path("", views.standard_index, name="standard_list"),
    path("<int:pk>/", views.standard_detail, name="standard_detail"),
    path("<int:pk>/download/", views.standard_download, name="standard_download"),
    path("<int:pk>/download.xlsx", views.standard_download_xlsx, name="standard_download_xlsx"),
    path("drafts/<int:pk>/", views.draft_detail, name="draft_detail"),
]
