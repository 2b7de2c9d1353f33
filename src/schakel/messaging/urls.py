from django.urls import path

from schakel.messaging import views

app_name = "messaging"

urlpatterns = [
    path("meldingen/", views.inbox, name="inbox"),
    path("meldingen/gelezen/", views.mark_all_read, name="mark_all_read"),
    path("meldingen/<int:pk>/", views.open_notification, name="open"),
]
