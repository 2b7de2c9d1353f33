"""URL converters. ``<id:pk>`` is an object id: at most 18 digits, so no address can carry a
number the database cannot hold (that would be a server error instead of "not found")."""

from __future__ import annotations

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)


def register() -> None:
    register_converter(IdConverter, "id")


def id_param(text: str | None) -> int | None:
    """A query parameter that names a row, as an id, or None when it cannot be one (an id
    longer than the database's integers would be a database error, not a miss)."""
    if text and text.isdigit() and len(text) <= 18:
        return int(text)
    return None
