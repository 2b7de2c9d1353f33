from django.urls import path

from schakel.work import views

app_name = "work"

urlpatterns = [
    path("vandaag/", views.today, name="today"),
    path("taken/", views.worklist, name="tasks"),
    path("taken/<id:pk>/", views.task_detail, name="task"),
    path("taken/<id:pk>/status/", views.task_status, name="task_status"),
    path("taken/<id:pk>/overdragen/", views.task_hand_over, name="task_hand_over"),
    path("taken/<id:pk>/uitstellen/", views.task_postpone, name="task_postpone"),
    path("taken/<id:pk>/opmerking/", views.task_comment, name="task_comment"),
    path("signalen/", views.signal_list, name="signals"),
    path("signalen/<id:pk>/oppakken/", views.take_signal, name="take_signal"),
    path("signalen/<id:pk>/uitstellen/", views.snooze_signal, name="snooze_signal"),
    path("meldingen/", views.inbox, name="inbox"),
    path("meldingen/gelezen/", views.mark_all_read, name="mark_all_read"),
    path("meldingen/<id:pk>/", views.open_notification, name="open"),
]
