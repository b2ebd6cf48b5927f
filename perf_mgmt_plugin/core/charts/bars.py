"""Horizontal bars (one value per label) and stacked bars (several series per label, e.g. a distribution)."""

from .base import Chart, number, rect, svg_document, text
from .palette import series_colour

LABEL_WIDTH = 180
BAR_HEIGHT = 18
GAP = 8
PLOT_WIDTH = 360


def bars(title, labels, values, *, max_value=None, unit="", value_column="", colours=None):
    """
    One horizontal bar per label. ``max_value`` fixes the scale (e.g. 100 for percentages; default the largest
    value); ``None`` values draw no bar and show a dash. ``colours``: one per bar (default the first series colour).
    """
    labels, values = tuple(str(label) for label in labels), tuple(values)
    if len(labels) != len(values):
        raise ValueError("bars: as many values as labels")
    top = max_value if max_value else max([v for v in values if v is not None] or [0]) or 1
    height = len(labels) * (BAR_HEIGHT + GAP) + GAP
    body = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = GAP + index * (BAR_HEIGHT + GAP)
        body.append(text(LABEL_WIDTH - 6, y + BAR_HEIGHT * 0.75, label, anchor="end"))
        if value is not None:
            colour = colours[index] if colours else series_colour(0)
            width = PLOT_WIDTH * min(float(value), top) / top
            body.append(rect(LABEL_WIDTH, y, width, BAR_HEIGHT, colour))
            body.append(text(LABEL_WIDTH + width + 4, y + BAR_HEIGHT * 0.75, f"{number(value)}{unit}"))
        else:
            body.append(text(LABEL_WIDTH + 4, y + BAR_HEIGHT * 0.75, "—"))
    svg = svg_document(LABEL_WIDTH + PLOT_WIDTH + 60, height, title, body)
    rows = tuple((label, value) for label, value in zip(labels, values, strict=True))
    return Chart(title=title, svg=svg, columns=("", value_column or title), rows=rows, kind="bars")


def stacked_bars(title, labels, series, *, colours=None, percent=False):
    """
    One horizontal bar per label, split into the series (``[Series]`` or ``[(name, values)]``, one value per
    label). ``percent``: each bar fills the width (shares of its own total); the table keeps the counts.
    """
    series = [(s.name, tuple(s.values)) if hasattr(s, "name") else (str(s[0]), tuple(s[1])) for s in series]
    labels = tuple(str(label) for label in labels)
    for name, values in series:
        if len(values) != len(labels):
            raise ValueError(f"stacked_bars: series {name!r} needs one value per label")
    totals = [sum((values[i] or 0) for _name, values in series) for i in range(len(labels))]
    top = max(totals or [0]) or 1
    legend_height = 22
    height = legend_height + len(labels) * (BAR_HEIGHT + GAP) + GAP
    body = []
    x = LABEL_WIDTH
    for index, (name, _values) in enumerate(series):
        colour = colours[index] if colours else series_colour(index)
        body.append(rect(x, 4, 12, 12, colour))
        body.append(text(x + 16, 14, name))
        x += 24 + 7 * len(name)
    for row, label in enumerate(labels):
        y = legend_height + GAP + row * (BAR_HEIGHT + GAP)
        body.append(text(LABEL_WIDTH - 6, y + BAR_HEIGHT * 0.75, label, anchor="end"))
        scale = totals[row] if percent else top
        x = LABEL_WIDTH
        for index, (_name, values) in enumerate(series):
            value = values[row] or 0
            if not value or not scale:
                continue
            width = PLOT_WIDTH * value / scale
            colour = colours[index] if colours else series_colour(index)
            body.append(rect(x, y, width, BAR_HEIGHT, colour, 'stroke="#fff" stroke-width="1"'))
            x += width
        body.append(text(x + 4, y + BAR_HEIGHT * 0.75, number(totals[row])))
    svg = svg_document(LABEL_WIDTH + PLOT_WIDTH + 60, height, title, body)
    columns = ("", *(name for name, _values in series), "Total")
    rows = tuple((label, *(values[row] for _name, values in series), totals[row]) for row, label in enumerate(labels))
    return Chart(title=title, svg=svg, columns=columns, rows=rows, kind="stacked_bars")
