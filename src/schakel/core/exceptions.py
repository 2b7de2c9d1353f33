"""Refusals that any app may raise and that end on their own Schakel page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class SecondFactorRequired(PermissionDenied):
    """This page needs a login with two factors, even where the demo relaxes them.

    Raised by the pages that show the access log, in the app and in the management screens
    alike; ``FriendlyErrorsMiddleware`` answers with the page that explains how to get there.
    """

    template_name = "second_factor_required.html"
