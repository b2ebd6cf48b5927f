"""
Server-rendered charts (SVG in the page, no script, no CDN), each shown with the table of its data for screen
readers and print. One palette for all of them: :mod:`.palette`.

The Python API builds a :class:`Chart` (its SVG and the table of exactly the data drawn)::

    from perf_mgmt_plugin.core.charts import bars, stacked_bars, line, grid

and a page shows it with ``{% load perf_mgmt_charts %}{% chart my_chart %}`` (template
``perf_mgmt/_chart.html``): a ``<figure>`` holding the picture (``role="img"`` with the title as its name) and the
table, visually hidden on screen (read by screen readers) and printed in full. Lane ``profiling`` adds ``radar.py``.
"""

from .bars import bars, stacked_bars
from .base import Chart, Series
from .grid import grid
from .lines import line

__all__ = ["Chart", "Series", "bars", "grid", "line", "stacked_bars"]
