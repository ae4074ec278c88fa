from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    # The branch page keeps its address under /org/; it is made of every app's panels, so the top app serves it.
    path("org/branches/<int:pk>/", views.branch_detail, name="branch_detail"),
    path("todos/", views.todos, name="todos"),
    path("todos/count/", views.todo_badge, name="todo_badge"),
    path("screen/", views.screen_view, name="screen"),
    path("screen/part/<str:part>/", views.screen_part, name="screen_part"),
    path("screen/kiosk/<str:token>/", views.screen_kiosk, name="screen_kiosk"),
    path("screen/kiosk/<str:token>/map.geojson", views.screen_kiosk_map, name="screen_kiosk_map"),
    path("screen/kiosk/<str:token>/part/<str:part>/", views.screen_kiosk_part, name="screen_kiosk_part"),
    path("summary/", views.summary_view, name="summary"),
]
