"""Lines over ordered points (periods, weeks), with an optional forecast segment drawn dashed."""

from .base import Chart, Series, number, svg_document, text
from .palette import series_colour

LEFT, RIGHT, TOP, BOTTOM = 48, 16, 28, 32
WIDTH, HEIGHT = 560, 220


def _polyline(points, colour, dashed=False):
    if len(points) < 2:
        (x, y) = points[0]
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    return f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'


def line(title, x_labels, series, *, min_value=0, max_value=None, unit=""):
    """
    One line per series (``[Series]``) over ``x_labels``. A series' points from ``forecast_from`` on are drawn
    dashed, joined to the last actual point, and marked "(forecast)" in the table. ``None`` values break the line.
    """
    x_labels = tuple(str(label) for label in x_labels)
    series = [s if isinstance(s, Series) else Series(str(s[0]), tuple(s[1])) for s in series]
    for s in series:
        if len(s.values) != len(x_labels):
            raise ValueError(f"line: series {s.name!r} needs one value per point")
    present = [v for s in series for v in s.values if v is not None]
    top = max_value if max_value is not None else max(present or [1])
    bottom = min_value if min_value is not None else min(present or [0])
    span = (top - bottom) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(x_labels) - 1, 1)

    def xy(index, value):
        return LEFT + index * step, TOP + plot_h * (1 - (value - bottom) / span)

    body = [
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#666"/>',
        text(LEFT - 6, TOP + 4, f"{number(top)}{unit}", anchor="end"),
        text(LEFT - 6, TOP + plot_h, f"{number(bottom)}{unit}", anchor="end"),
    ]
    last = len(x_labels) - 1
    for index, label in enumerate(x_labels):
        anchor = "start" if index == 0 else "end" if index == last else "middle"
        body.append(text(LEFT + index * step, HEIGHT - 10, label, anchor=anchor))
    x = LEFT
    for index, s in enumerate(series):
        colour = series_colour(index)
        body.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        body.append(text(x + 16, 16, s.name))
        x += 24 + 7 * len(s.name)
        cut = len(s.values) if s.forecast_from is None else s.forecast_from
        actual, segment = [], []
        for i, value in enumerate(s.values[:cut]):
            if value is None:
                if segment:
                    actual.append(segment)
                segment = []
            else:
                segment.append(xy(i, value))
        if segment:
            actual.append(segment)
        for points in actual:
            body.append(_polyline(points, colour))
        forecast = [xy(i, v) for i, v in enumerate(s.values) if i >= cut and v is not None]
        if forecast:
            last = next((xy(i, v) for i, v in reversed(list(enumerate(s.values[:cut]))) if v is not None), None)
            body.append(_polyline(([last] if last else []) + forecast, colour, dashed=True))
    svg = svg_document(WIDTH, HEIGHT, title, body)
    columns = ("", *(s.name for s in series))
    rows = []
    for i, label in enumerate(x_labels):
        forecast = any(s.forecast_from is not None and i >= s.forecast_from for s in series)
        rows.append((f"{label} (forecast)" if forecast else label, *(s.values[i] for s in series)))
    return Chart(title=title, svg=svg, columns=columns, rows=tuple(rows), kind="line")
