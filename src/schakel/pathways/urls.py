from django.urls import path

from schakel.pathways import views

app_name = "pathways"

urlpatterns = [
    path("trajecten/", views.pathway_list, name="list"),
    path("patienten/<id:pk>/traject/nieuw/", views.start, name="start"),
    path("trajecten/<id:pk>/", views.detail, name="detail"),
    path("trajecten/<id:pk>/gebeurtenis/", views.add_event, name="add_event"),
    path("trajecten/<id:pk>/taak/", views.add_task, name="add_task"),
    path("trajecten/<id:pk>/fase/", views.change_phase, name="change_phase"),
    path("trajecten/<id:pk>/team/", views.add_team_member, name="add_team_member"),
]
