"""Trend charts as inline SVG, drawn on the server: no script, printable, and always with a
table beside them for screen readers (the SVG itself carries a title and is aria-hidden
otherwise)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from schakel.core.templatetags.schakel import datum_jaar

WIDTH, HEIGHT = 560, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28
COLOURS = ["#0b5cad", "#b4441f", "#2e7d32", "#6a3d9a"]


@dataclass(frozen=True)
class Series:
    label: str
    points: list[tuple[datetime, float]]


def trend_svg(
    title: str,
    series: list[Series],
    *,
    minimum: float,
    maximum: float,
    threshold: float | None = None,
) -> SafeString:
    """A line per series over time, the threshold as a dashed line."""
    times = [t for s in series for t, _ in s.points]
    if not times:
        return mark_safe("")
    values = [v for s in series for _, v in s.points]
    low = min([minimum, *values])
    high = max([maximum, *values])
    span = (high - low) or 1
    first, last = min(times), max(times)
    seconds = (last - first).total_seconds() or 1

    def x(moment: datetime) -> float:
        if first == last:
            return LEFT + (WIDTH - LEFT - RIGHT) / 2
        return LEFT + (moment - first).total_seconds() / seconds * (WIDTH - LEFT - RIGHT)

    def y(value: float) -> float:
        return TOP + (high - value) / span * (HEIGHT - TOP - BOTTOM)

    parts = [
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#555"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="#555"/>',
    ]
    for tick in (low, (low + high) / 2, high):
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">'
            f"{number_format(round(tick, 1) if tick % 1 else int(tick))}</text>"
        )
    parts.append(
        f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="11">{escape(datum_jaar(first))}</text>'
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" font-size="11" text-anchor="end">'
        f"{escape(datum_jaar(last))}</text>"
    )
    if threshold is not None:
        parts.append(
            f'<line class="trend__threshold" x1="{LEFT}" y1="{y(threshold):.1f}" '
            f'x2="{WIDTH - RIGHT}" y2="{y(threshold):.1f}" stroke="#b00020" '
            'stroke-dasharray="6 4"/>'
        )
    for index, one in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        points = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in sorted(one.points))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>'
        )
        for t, v in one.points:
            parts.append(f'<circle cx="{x(t):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}"/>')
    parts.append("</svg>")
    # Only numbers and escaped text went in.
    return mark_safe("".join(parts))  # noqa: S308
