"""The health pack as CSV (one writer for the page and the REST API, through ``core.csv_export``)."""

import io

from ..core import csv_export

HEADER = ["section", "figure", "value"]


def _rows(pack):
    data = pack.as_dict()
    yield ["pack", "unit", data["unit"]["name"]]
    yield ["pack", "period", data["period"]["name"]]
    yield ["pack", "as_of", data["as_of"]]
    yield ["pack", "people", data["people"]]
    for section in ("strategy", "process", "capability", "people_figures"):
        for key, value in data[section].items():
            if key in ("managers", "survey", "open_gaps_trend", "distribution", "mix", "by_status"):
                continue
            yield [section, key, value]
    for status, n in data["strategy"]["by_status"].items():
        yield ["strategy", f"status:{status}", n]
    for category, entry in data["capability"]["mix"].items():
        yield ["capability", f"mix:{category}:items", entry["items"]]
    for score, n in data["people_figures"]["distribution"]:
        yield ["people_figures", f"rating:{score}", n]
    for entry in data["process"]["survey"]:
        yield ["process", f"survey:{entry['name']}:score", entry["score"]]
    for manager in data["process"]["managers"]:
        yield ["manager", f"{manager['name']}:checkin_share", manager["checkin_share"]]
        yield ["manager", f"{manager['name']}:lagging", ";".join(manager["reasons"])]


def pack_csv(pack):
    out = io.StringIO()
    writer = csv_export.writer(out)
    writer.writerow(HEADER)
    for row in _rows(pack):
        writer.writerow(row)
    return out.getvalue()
