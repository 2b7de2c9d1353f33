from django.urls import path

from schakel.accounts import views

app_name = "accounts"

urlpatterns = [
    path("inloggen/", views.login_view, name="login"),
    path("uitloggen/", views.logout_view, name="logout"),
    path("tweestaps/", views.two_factor_verify, name="two_factor_verify"),
    path("ontgrendelen/", views.unlock, name="unlock"),
    path("tweestaps/instellen/", views.two_factor_setup, name="two_factor_setup"),
    path("beveiliging/", views.security, name="security"),
    path("taal/", views.set_language, name="set_language"),
]
