from django.urls import path

from schakel.directory import views

app_name = "directory"

urlpatterns = [
    path("wegwijzer/", views.finder, name="finder"),
    path("wegwijzer/zoeken/", views.search, name="search"),
    path("wegwijzer/werklijst/", views.worklist, name="worklist"),
    path("wegwijzer/melden/<str:kind>/<id:pk>/", views.report_entry, name="report"),
    path("wegwijzer/gecontroleerd/<str:kind>/<id:pk>/", views.verify_entry, name="verify"),
    path("wegwijzer/meldingen/<id:pk>/afhandelen/", views.resolve_report, name="resolve"),
    path("organisaties/", views.organizations, name="organizations"),
    path("organisaties/<id:pk>/", views.organization, name="organization"),
]
