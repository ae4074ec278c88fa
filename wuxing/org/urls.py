from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("branches/", views.branch_list, name="branch_list"),
    path("branches/<int:pk>/edit/", views.branch_edit, name="branch_edit"),
    path("branches/<int:pk>/assignments/", views.branch_assign, name="branch_assign"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("departments/", views.department_list, name="department_list"),
    path("people/", views.person_list, name="person_list"),
    path("people/<int:pk>/reveal/<str:field>/", views.person_reveal, name="person_reveal"),
    path("accounts/", views.user_list, name="user_list"),
    path("accounts/new/", views.user_create, name="user_create"),
    path("accounts/<int:pk>/roles/", views.user_role_assign, name="user_role_assign"),
    path("accounts/roles/<int:pk>/revoke/", views.user_role_revoke, name="user_role_revoke"),
    path("accounts/grants/", views.role_grant_list, name="role_grant_list"),
    path("accounts/grants/<int:pk>/approve/", views.role_grant_approve, name="role_grant_approve"),
    path("accounts/grants/<int:pk>/reject/", views.role_grant_reject, name="role_grant_reject"),
    path("accounts/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("me/", views.my_account, name="my_account"),
    path("me/tokens/<str:key>/revoke/", views.my_token_revoke, name="my_token_revoke"),
    path("me/sign-out-everywhere/", views.my_sign_out_everywhere, name="my_sign_out_everywhere"),
]
