"""A grid of cells (heatmap, 9-box): rows x columns, each cell a value shaded on the sequential scale."""

from .base import Chart, number, rect, svg_document, text
from .palette import SEQUENTIAL

LABEL_WIDTH = 160
CELL_W, CELL_H = 90, 40
HEADER = 28


def shade(value, top):
    """The sequential colour of ``value`` out of ``top`` (light for little, dark for much)."""
    if value is None or not top:
        return "#ffffff"
    index = min(len(SEQUENTIAL) - 1, int((len(SEQUENTIAL) - 1) * float(value) / top + 0.5))
    return SEQUENTIAL[index]


def grid(title, row_labels, column_labels, cells, *, cell_text=None):
    """
    ``cells[r][c]`` is a number (or ``None``: an empty cell). ``cell_text`` optionally gives the words shown in a
    cell (e.g. names in a 9-box) ``cell_text[r][c]``; the table always holds the numbers.
    """
    row_labels = tuple(str(label) for label in row_labels)
    column_labels = tuple(str(label) for label in column_labels)
    if len(cells) != len(row_labels) or any(len(row) != len(column_labels) for row in cells):
        raise ValueError("grid: one row of cells per row label, one cell per column label")
    top = max([v for row in cells for v in row if v is not None] or [0])
    body = []
    for c, label in enumerate(column_labels):
        body.append(text(LABEL_WIDTH + c * CELL_W + CELL_W / 2, HEADER - 8, label, anchor="middle"))
    for r, label in enumerate(row_labels):
        y = HEADER + r * CELL_H
        body.append(text(LABEL_WIDTH - 6, y + CELL_H / 2 + 4, label, anchor="end"))
        for c, value in enumerate(cells[r]):
            x = LABEL_WIDTH + c * CELL_W
            colour = shade(value, top)
            body.append(rect(x, y, CELL_W - 2, CELL_H - 2, colour, 'stroke="#999" stroke-width="0.5"'))
            dark = colour in SEQUENTIAL[3:]
            words = cell_text[r][c] if cell_text else number(value)
            fill = 'fill="#ffffff"' if dark else 'fill="#000000"'
            body.append(text(x + CELL_W / 2 - 1, y + CELL_H / 2 + 4, words, anchor="middle", extra=fill))
    svg = svg_document(
        LABEL_WIDTH + len(column_labels) * CELL_W + 8, HEADER + len(row_labels) * CELL_H + 4, title, body
    )
    rows = tuple((label, *cells[r]) for r, label in enumerate(row_labels))
    return Chart(title=title, svg=svg, columns=("", *column_labels), rows=rows, kind="grid")
