"""URL configuration. User-facing paths are Dutch."""

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path, re_path, reverse_lazy
from django.views.generic import RedirectView


def not_found(request: HttpRequest) -> HttpResponse:
    """With DEBUG=1 an unknown address would get Django's page for developers; the demo's
    users get Schakel's own (the error middleware renders it)."""
    raise Http404


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="work:today"), name="home"),
    path("account/", include("schakel.accounts.urls")),
    path("", include("schakel.directory.urls")),
    path("", include("schakel.patients.urls")),
    path("", include("schakel.pathways.urls")),
    path("", include("schakel.mdo.urls")),
    path("", include("schakel.proms.urls")),
    path("overdrachten/", include("schakel.handovers.urls")),
    path("consultatie/", include("schakel.handovers.consultation_urls")),
    path("vragen/", include("schakel.messaging.urls")),
    path("", include("schakel.work.urls")),
    # One way in: the management screens use Schakel's login (lock-out, access log, 2FA).
    path(
        "beheer/login/",
        RedirectView.as_view(url=reverse_lazy("accounts:login"), query_string=True),
    ),
    path("beheer/", admin.site.urls),
]

if settings.DEBUG:
    # Last, and only for addresses ending in "/", so "add a slash" redirects still work.
    urlpatterns.append(re_path(r"^.*/$", not_found))
