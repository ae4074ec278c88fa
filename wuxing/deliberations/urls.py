from django.urls import path

from . import views

app_name = "deliberations"

urlpatterns = [
    path("", views.deliberation_list, name="deliberation_list"),
    path("new/", views.deliberation_create, name="deliberation_create"),
    path("<int:pk>/", views.deliberation_detail, name="deliberation_detail"),
    path("<int:pk>/step/", views.deliberation_step, name="deliberation_step"),
    path("<int:pk>/implementation/", views.deliberation_implementation, name="deliberation_implementation"),
    path("<int:pk>/close/", views.deliberation_close, name="deliberation_close"),
    path("steps/<int:pk>/", views.step_edit, name="step_edit"),
    path("steps/<int:pk>/delete/", views.step_delete, name="step_delete"),
    path("steps/<int:pk>/restore/", views.step_restore, name="step_restore"),
    path("attachments/<int:pk>/", views.step_attachment, name="step_attachment"),
    path("procedures/", views.procedure_settings, name="procedure_settings"),
]
