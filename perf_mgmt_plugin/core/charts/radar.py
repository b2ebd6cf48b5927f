"""
A radar (spider) chart as server-rendered SVG: one axis per competency, one closed line per series (self, each
group, all others), values from 0 to the scale's top. No script, no external file; colours from ``palette`` and a
dash pattern per series (told apart in greyscale too). The chart is an ``img`` with a title; the page shows the same
figures in a data table beside it, where a missing value (a hidden group) is marked as such (the chart draws it at
the centre).
"""

import math

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .palette import series_colour

SIZE = 360
CENTRE = SIZE / 2
RADIUS = 120
DASHES = ("", "6 3", "2 3", "8 3 2 3")


def _point(index, count, fraction):
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return CENTRE + RADIUS * fraction * math.cos(angle), CENTRE + RADIUS * fraction * math.sin(angle)


def radar_svg(axes, series, maximum, title=""):
    """
    The SVG (safe HTML) of a radar chart: ``axes`` labels, ``series`` ``[(name, [value or None per axis])]``,
    ``maximum`` the top of the scale. Fewer than three axes still draw (a line or a point).
    """
    count = max(len(axes), 1)
    maximum = maximum or 1
    rings = []
    for step in range(1, int(maximum) + 1):
        points = " ".join("%.1f,%.1f" % _point(i, count, step / maximum) for i in range(count))
        rings.append(format_html('<polygon points="{}" fill="none" stroke="#cccccc" stroke-width="1"/>', points))
    spokes, labels = [], []
    for i, label in enumerate(axes):
        x, y = _point(i, count, 1)
        spokes.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#cccccc"/>', CENTRE, CENTRE, f"{x:.1f}", f"{y:.1f}"
            )
        )
        lx, ly = _point(i, count, 1.18)
        anchor = "middle" if abs(lx - CENTRE) < 10 else ("start" if lx > CENTRE else "end")
        labels.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" text-anchor="{}">{}</text>', f"{lx:.1f}", f"{ly:.1f}", anchor, label
            )
        )
    lines, legend = [], []
    for n, (name, values) in enumerate(series):
        colour, dash = series_colour(n), DASHES[n % len(DASHES)]
        points = " ".join(
            "%.1f,%.1f" % _point(i, count, (value or 0) / maximum) for i, value in enumerate(values[:count])
        )
        lines.append(
            format_html(
                '<polygon class="pm-radar-series" data-series="{}" points="{}" fill="{}" fill-opacity="0.08" '
                'stroke="{}" stroke-width="2" stroke-dasharray="{}"/>',
                name,
                points,
                colour,
                colour,
                dash,
            )
        )
        legend.append(
            format_html(
                '<g transform="translate(10,{})"><line x1="0" y1="0" x2="18" y2="0" stroke="{}" stroke-width="2" '
                'stroke-dasharray="{}"/><text x="24" y="4" font-size="11">{}</text></g>',
                SIZE + 14 + 16 * n,
                colour,
                dash,
                name,
            )
        )
    height = SIZE + 20 + 16 * len(series)
    body = mark_safe("".join(rings) + "".join(spokes) + "".join(lines) + "".join(labels) + "".join(legend))  # noqa: S308
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="pm-radar" role="img" viewBox="0 0 {} {}" width="{}" '
        'height="{}"><title>{}</title>{}</svg>',
        SIZE,
        height,
        SIZE,
        height,
        title,
        body,
    )


__all__ = ["radar_svg"]
