from django.urls import path

from schakel.messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("nieuw/", views.ask, name="ask"),
    path("afwezig/", views.absence, name="absence"),
    path("<id:pk>/", views.question_detail, name="question"),
    path("<id:pk>/antwoord/", views.answer, name="answer"),
    path("<id:pk>/vervolgvraag/", views.follow_up, name="follow_up"),
    path("<id:pk>/sluiten/", views.close, name="close"),
    path("<id:pk>/intrekken/", views.withdraw, name="withdraw"),
    path("<id:pk>/overdragen/", views.hand_over, name="hand_over"),
    path("bijlage/<id:pk>/", views.attachment, name="attachment"),
]
