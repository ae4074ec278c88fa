from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_index, name="campaign_list"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/quotas/", views.campaign_quotas, name="campaign_quotas"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/groups/", views.campaign_groups, name="campaign_groups"),
    path("<int:pk>/status/", views.campaign_status, name="campaign_status"),
    path("<int:pk>/next/", views.campaign_prepare_next, name="campaign_prepare_next"),
    path("members/<int:pk>/remove/", views.group_member_remove, name="group_member_remove"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
