"""``{% chart c %}``: a chart of ``core.charts`` with its data table (``perf_mgmt/_chart.html``)."""

from django import template

register = template.Library()


@register.inclusion_tag("perf_mgmt/_chart.html")
def chart(chart_object, caption=""):
    """The figure of ``chart_object`` (a :class:`~perf_mgmt_plugin.core.charts.Chart`) and its table."""
    return {"chart": chart_object, "caption": caption or chart_object.title}


@register.filter
def chart_cell(value):
    """A table cell as the chart shows it (a dash for no value)."""
    from ..core.charts.base import number  # pylint: disable=import-outside-toplevel

    return number(value)


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (``None`` when missing)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
