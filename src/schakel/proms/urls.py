from django.urls import path

from schakel.proms import views

app_name = "proms"

urlpatterns = [
    # The patient's personal link: short, for letters.
    path("v/<str:token>/", views.patient_form, name="patient_form"),
    path("v-klaar/", views.thanks, name="thanks"),
    path("vragenlijsten/", views.catalogue, name="catalogue"),
    path("vragenlijsten/<slug:code>/fhir/", views.questionnaire_fhir, name="questionnaire_fhir"),
    path("trajecten/<int:pk>/vragenlijsten/", views.pathway_questionnaires, name="pathway"),
    path("trajecten/<int:pk>/vragenlijsten/uitnodigen/", views.invite, name="invite"),
    path("trajecten/<int:pk>/vragenlijsten/<slug:code>/invullen/", views.enter, name="enter"),
    path("trajecten/<int:pk>/vragenlijsten/schema/", views.follow_schedule, name="follow_schedule"),
    path(
        "trajecten/<int:pk>/vragenlijsten/schema/<int:followed_pk>/stoppen/",
        views.stop_schedule,
        name="stop_schedule",
    ),
    path(
        "trajecten/<int:pk>/vragenlijsten/antwoord/<int:response_pk>/",
        views.response_detail,
        name="response",
    ),
    path(
        "trajecten/<int:pk>/vragenlijsten/antwoord/<int:response_pk>/fhir/",
        views.response_fhir,
        name="response_fhir",
    ),
]
