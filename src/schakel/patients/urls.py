from django.urls import path

from schakel.patients import privacy, views

app_name = "patients"

urlpatterns = [
    path("patienten/", views.patient_list, name="list"),
    path("patienten/nieuw/", views.register, name="register"),
    path("patienten/noodtoegang/", views.emergency_access, name="emergency"),
    path("patienten/<id:pk>/", views.detail, name="detail"),
    path("patienten/<id:pk>/toestemming/", views.record_consent, name="consent"),
    path("privacy/toegangslog/", privacy.access_log, name="access_log"),
    path("privacy/noodtoegang/", privacy.emergency_review, name="emergency_review"),
    path("privacy/noodtoegang/<id:pk>/", privacy.review_emergency, name="review_emergency"),
    path("privacy/patienten/<id:pk>/rapport/", privacy.patient_report, name="access_report"),
    path("privacy/toegangsrechten/", privacy.access_grants, name="access_grants"),
]
