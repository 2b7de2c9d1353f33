from django.urls import path

from schakel.handovers import consultation_views as views

app_name = "consultations"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("aanbieden/", views.offer, name="offer"),
    path("reeks/<id:pk>/", views.series_detail, name="series"),
    path("reeks/<id:pk>/stoppen/", views.stop_series, name="stop_series"),
    path("<id:pk>/", views.session_detail, name="session"),
    path("<id:pk>/vervalt/", views.cancel_session, name="cancel_session"),
    path("afspraak/<id:pk>/", views.booking_detail, name="booking"),
    path("afspraak/<id:pk>/annuleren/", views.cancel_booking, name="cancel_booking"),
]
