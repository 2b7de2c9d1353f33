"""URL configuration. User-facing paths are Dutch."""

from django.contrib import admin
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="work:today"), name="home"),
    path("account/", include("schakel.accounts.urls")),
    path("", include("schakel.directory.urls")),
    path("", include("schakel.patients.urls")),
    path("", include("schakel.pathways.urls")),
    path("", include("schakel.mdo.urls")),
    path("", include("schakel.proms.urls")),
    path("", include("schakel.work.urls")),
    # One way in: the management screens use Schakel's login (lock-out, access log, 2FA).
    path(
        "beheer/login/",
        RedirectView.as_view(url=reverse_lazy("accounts:login"), query_string=True),
    ),
    path("beheer/", admin.site.urls),
]
