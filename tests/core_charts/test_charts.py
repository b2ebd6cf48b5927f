"""core.charts: each chart's table holds exactly the data drawn; the SVG escapes text and draws what it says."""

import re

import pytest
from django.template import Context, Template

from perf_mgmt_plugin.core.charts import Series, bars, grid, line, stacked_bars
from perf_mgmt_plugin.core.charts.palette import SEQUENTIAL, SERIES


def test_bars_table_equals_the_data_and_widths_follow_values():
    chart = bars("Objectives", ["On track", "Off <track>"], [3, 6], value_column="n")
    assert chart.columns == ("", "n") and chart.rows == (("On track", 3), ("Off <track>", 6))
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', chart.svg)]
    assert widths[1] == pytest.approx(2 * widths[0])
    assert "Off &lt;track&gt;" in chart.svg and "<track>" not in chart.svg
    assert SERIES[0] in chart.svg


def test_bars_with_missing_values_and_a_fixed_scale():
    chart = bars("Share", ["a", "b"], [50, None], max_value=100, unit="%")
    assert chart.rows == (("a", 50), ("b", None))
    assert "—" in chart.svg and "50%" in chart.svg
    with pytest.raises(ValueError):
        bars("x", ["a"], [1, 2])


def test_stacked_bars_totals_and_percent():
    chart = stacked_bars("Mix", ["Team"], [("Experience", [2]), ("Exposure", [1]), ("Education", [1])], percent=True)
    assert chart.columns == ("", "Experience", "Exposure", "Education", "Total")
    assert chart.rows == (("Team", 2, 1, 1, 4),)
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)" height="18', chart.svg)]
    assert widths == pytest.approx([180.0, 90.0, 90.0])  # shares of the 360-wide plot


def test_line_marks_the_forecast_segment():
    chart = line("On track", ["Jan", "Feb", "Mar"], [Series("Share", (40, 50, 60), forecast_from=2)], max_value=100)
    assert chart.rows == (("Jan", 40), ("Feb", 50), ("Mar (forecast)", 60))
    assert chart.svg.count("<polyline") == 2 and "stroke-dasharray" in chart.svg


def test_line_breaks_on_missing_points():
    chart = line("x", ["a", "b", "c", "d"], [Series("s", (1, None, 2, 3))])
    assert chart.svg.count("<polyline") == 1 and chart.svg.count("<circle") == 1
    assert chart.rows[1] == ("b", None)


def test_grid_shades_and_table():
    chart = grid("9-box", ["High", "Low"], ["Low", "High"], [[0, 4], [None, 2]])
    assert chart.rows == (("High", 0, 4), ("Low", None, 2))
    assert SEQUENTIAL[-1] in chart.svg  # the largest cell is the darkest
    with pytest.raises(ValueError):
        grid("bad", ["a"], ["b", "c"], [[1]])


def test_template_tag_renders_figure_and_table():
    chart = bars("Counts", ["a", "b"], [1.25, None])
    html = Template("{% load perf_mgmt_charts %}{% chart c %}").render(Context({"c": chart}))
    assert html.count("<svg") == 1 and 'class="pm-table pm-chart-table"' in html
    cells = re.findall(r"<td>(.*?)</td>", html)
    assert cells == ["1.2", "—"]  # one decimal (rounded half to even), as the labels show it
    assert '<th scope="row">a</th>' in html
