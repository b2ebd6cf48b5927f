"""
The charts' colours: Okabe & Ito's palette, told apart by people with the common colour-vision deficiencies, in an
order whose neighbours also differ in lightness (so a greyscale print still separates them).
"""

#: Categorical series, in the order series are given colours.
SERIES = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)

#: Sequential scale, light to dark (heatmaps: none -> many), blue only so it never reads as good/bad.
SEQUENTIAL = ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b")

#: Meaning colours where a chart says on track / at risk / off track (text labels always accompany them).
STATUS = {"on_track": "#009E73", "at_risk": "#E69F00", "off_track": "#D55E00", "none": "#999999"}


def series_colour(index):
    """The colour of the ``index``-th series (wrapping around)."""
    return SERIES[index % len(SERIES)]
