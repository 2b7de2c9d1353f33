from django.urls import path

from schakel.proms import views

app_name = "proms"

urlpatterns = [
    # The patient's personal link: short, for letters.
    path("v/<str:token>/", views.patient_form, name="patient_form"),
    path("v-klaar/", views.thanks, name="thanks"),
    path("code/", views.enter_code, name="code"),
    path("vragenlijsten/", views.catalogue, name="catalogue"),
    path("vragenlijsten/<slug:code>/fhir/", views.questionnaire_fhir, name="questionnaire_fhir"),
    path("trajecten/<id:pk>/vragenlijsten/", views.pathway_questionnaires, name="pathway"),
    path("trajecten/<id:pk>/vragenlijsten/uitnodigen/", views.invite, name="invite"),
    path("trajecten/<id:pk>/vragenlijsten/<slug:code>/invullen/", views.enter, name="enter"),
    path("trajecten/<id:pk>/vragenlijsten/schema/", views.follow_schedule, name="follow_schedule"),
    path(
        "trajecten/<id:pk>/vragenlijsten/schema/<id:followed_pk>/stoppen/",
        views.stop_schedule,
        name="stop_schedule",
    ),
    path(
        "trajecten/<id:pk>/vragenlijsten/antwoord/<id:response_pk>/",
        views.response_detail,
        name="response",
    ),
    path(
        "trajecten/<id:pk>/vragenlijsten/antwoord/<id:response_pk>/fhir/",
        views.response_fhir,
        name="response_fhir",
    ),
]
