from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/retire/", views.unit_retire, name="unit_retire"),
    path("imports/", views.import_upload, name="import_upload"),
    path("imports/template/", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_preview, name="import_preview"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("branches/", views.branch_list, name="branch_list"),
    path("branches/new/", views.branch_create, name="branch_create"),
    path("branches/<int:pk>/move/", views.branch_move, name="branch_move"),
    path("branches/<int:pk>/retire/", views.branch_retire, name="branch_retire"),
    path("branches/<int:pk>/edit/", views.branch_edit, name="branch_edit"),
    path("branches/<int:pk>/assignments/", views.branch_assign, name="branch_assign"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("departments/<int:pk>/retire/", views.department_retire, name="department_retire"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/retire/", views.person_retire, name="person_retire"),
    path("people/<int:pk>/reveal/<str:field>/", views.person_reveal, name="person_reveal"),
    path("accounts/", views.user_list, name="user_list"),
    path("accounts/new/", views.user_create, name="user_create"),
    path("accounts/<int:pk>/roles/", views.user_role_assign, name="user_role_assign"),
    path("accounts/roles/<int:pk>/revoke/", views.user_role_revoke, name="user_role_revoke"),
    path("accounts/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("me/", views.my_account, name="my_account"),
    path("me/tokens/<str:key>/revoke/", views.my_token_revoke, name="my_token_revoke"),
    path("me/sign-out-everywhere/", views.my_sign_out_everywhere, name="my_sign_out_everywhere"),
]
