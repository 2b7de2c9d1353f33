from django.urls import path

from schakel.work import views

app_name = "work"

urlpatterns = [
    path("vandaag/", views.today, name="today"),
    path("taken/", views.worklist, name="tasks"),
    path("taken/<int:pk>/", views.task_detail, name="task"),
    path("taken/<int:pk>/status/", views.task_status, name="task_status"),
    path("taken/<int:pk>/overdragen/", views.task_hand_over, name="task_hand_over"),
    path("taken/<int:pk>/uitstellen/", views.task_postpone, name="task_postpone"),
    path("taken/<int:pk>/opmerking/", views.task_comment, name="task_comment"),
    path("signalen/", views.signal_list, name="signals"),
    path("signalen/<int:pk>/oppakken/", views.take_signal, name="take_signal"),
    path("signalen/<int:pk>/uitstellen/", views.snooze_signal, name="snooze_signal"),
    path("meldingen/", views.inbox, name="inbox"),
    path("meldingen/gelezen/", views.mark_all_read, name="mark_all_read"),
    path("meldingen/<int:pk>/", views.open_notification, name="open"),
]
