from django.urls import path

from schakel.handovers import moment_views, views

app_name = "handovers"

urlpatterns = [
    path("", views.handover_list, name="list"),
    path("nieuw/<id:pk>/", views.new, name="new"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/accepteren/", views.accept, name="accept"),
    path("<id:pk>/afwijzen/", views.reject, name="reject"),
    path("<id:pk>/intrekken/", views.withdraw, name="withdraw"),
    path("<id:pk>/afronden/", views.complete, name="complete"),
    path("<id:pk>/opnieuw/", views.resend, name="resend"),
    path("<id:pk>/nazorgplan/", views.revise_plan, name="revise_plan"),
    path("<id:pk>/bijlage/", views.add_attachment, name="add_attachment"),
    path("<id:pk>/fhir/", views.fhir_export, name="fhir"),
    path("bijlagen/<id:pk>/", views.attachment, name="attachment"),
    path("contactmoment/nieuw/<id:pk>/", moment_views.plan, name="plan_contact_moment"),
    path("contactmoment/<id:pk>/", moment_views.detail, name="contact_moment"),
    path("contactmoment/<id:pk>/vervalt/", moment_views.cancel, name="cancel_contact_moment"),
]
