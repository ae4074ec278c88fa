from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_index, name="campaign_list"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/quotas/", views.campaign_quotas, name="campaign_quotas"),
]
