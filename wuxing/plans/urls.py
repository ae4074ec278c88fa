from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    # A plan is its target's: /plans/<target id>/.
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/measures/", views.plan_measure_add, name="plan_measure_add"),
    path("<int:pk>/letter/", views.pledge_generate, name="pledge_generate"),
    path("measures/<int:pk>/delete/", views.plan_measure_delete, name="plan_measure_delete"),
    path("measures/<int:pk>/milestones/", views.plan_milestone_add, name="plan_milestone_add"),
    path("milestones/<int:pk>/delete/", views.plan_milestone_delete, name="plan_milestone_delete"),
    path("letters/", views.pledge_list, name="pledge_list"),
    path("letters/remind/", views.pledges_remind, name="pledges_remind"),
    path("letters/<int:pk>/", views.pledge_detail, name="pledge_detail"),
    path("letters/<int:pk>/pdf/", views.pledge_pdf, name="pledge_pdf"),
    path("letters/<int:pk>/confirm/", views.pledge_confirm, name="pledge_confirm"),
]
