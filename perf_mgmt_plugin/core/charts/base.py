"""The record every chart helper returns, and the small SVG helpers they share."""

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe

FONT = 'font-family="system-ui, sans-serif" font-size="12"'


@dataclass(frozen=True)
class Series:
    """One named series of values (``None`` for a missing point); points from ``forecast_from`` on are a forecast."""

    name: str
    values: tuple
    forecast_from: int | None = None


@dataclass(frozen=True)
class Chart:
    """
    A chart: ``svg`` (safe markup) and the table of its data -- ``columns`` (the first names the row labels) and
    ``rows`` (the row label, then one cell per other column, exactly the values drawn; ``None`` is shown as a dash).
    """

    title: str
    svg: str
    columns: tuple
    rows: tuple
    kind: str = ""
    notes: tuple = field(default_factory=tuple)


def number(value, digits=1):
    """A value as the table and the labels show it: whole numbers plainly, others with ``digits`` decimals."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.{digits}f}"
    return str(int(value)) if isinstance(value, float) else str(value)


def svg_document(width, height, title, body):
    """The ``<svg>`` element: decorative for assistive technology (the table next to it carries the data)."""
    return mark_safe(  # noqa: S308 -- every piece of text in ``body`` went through ``text()`` or ``escape``
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" class="pm-chart-svg" aria-hidden="true" focusable="false">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def text(x, y, content, anchor="start", extra=""):
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT} {extra}>{escape(str(content))}</text>'


def rect(x, y, width, height, colour, extra=""):
    size = f'width="{max(width, 0):.1f}" height="{max(height, 0):.1f}"'
    return f'<rect x="{x:.1f}" y="{y:.1f}" {size} fill="{colour}" {extra}/>'
