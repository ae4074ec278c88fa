from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    # The branch page keeps its address under /org/; it is made of every app's panels, so the top app serves it.
    path("org/branches/<int:pk>/", views.branch_detail, name="branch_detail"),
    path("todos/", views.todos, name="todos"),
    path("todos/count/", views.todo_badge, name="todo_badge"),
]
