from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("cases/<int:case_pk>/tasks/", views.CaseTasksView.as_view(), name="case_tasks"),
    path("cases/<int:case_pk>/tasks/<int:pk>/edit/", views.TaskEditView.as_view(), name="task_edit"),
    path("cases/<int:case_pk>/tasks/<int:pk>/complete/", views.TaskCompleteView.as_view(), name="task_complete"),
    path("cases/<int:case_pk>/tasks/<int:pk>/cancel/", views.TaskCancelView.as_view(), name="task_cancel"),
    path("cases/<int:case_pk>/tasks/<int:pk>/reopen/", views.TaskReopenView.as_view(), name="task_reopen"),
    path("tasks/", views.MyTasksView.as_view(), name="my_tasks"),
    path("tasks/feed/", views.FeedView.as_view(), name="feed"),
    path("feed/<str:token>.ics", views.feed_ics, name="feed_ics"),
]
