from django.urls import path

from schakel.mdo import views

app_name = "mdo"

urlpatterns = [
    path("mdo/", views.meetings, name="meetings"),
    path("mdo/<id:pk>/", views.meeting, name="meeting"),
    path("mdo/reeksen/", views.series_list, name="series_list"),
    path("mdo/reeksen/nieuw/", views.series_edit, name="series_create"),
    path("mdo/reeksen/<id:pk>/", views.series_edit, name="series_edit"),
    path("mdo/<id:pk>/agenda/", views.add_to_agenda, name="add_to_agenda"),
    path("mdo/<id:pk>/verplaatsen/", views.move_meeting, name="move"),
    path("mdo/<id:pk>/annuleren/", views.cancel_meeting, name="cancel"),
    path("mdo/<id:pk>/herstellen/", views.restore_meeting, name="restore"),
    path("mdo/agendapunt/<id:pk>/verwijderen/", views.remove_from_agenda, name="remove_item"),
    path("mdo/<id:pk>/agenda.ics", views.meeting_calendar_file, name="meeting_ics"),
    path("mdo/kalender/", views.calendar_settings, name="calendar_settings"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("mdo/agendapunt/<id:pk>/advies/", views.record_outcome, name="record_outcome"),
    path("trajecten/<id:pk>/mdo-inbreng/", views.gp_input, name="gp_input"),
    path("trajecten/<id:pk>/mdo-advies/", views.outcomes, name="outcomes"),
]
