"""A form's errors as messages, for forms posted from a page that redirects back."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest


def form_errors_as_messages(request: HttpRequest, form: Any) -> None:
    """Each error, with its field's label, as an error message on the next page."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        text = " ".join(str(error) for error in errors)
        messages.error(request, f"{label}: {text}" if label else text)
