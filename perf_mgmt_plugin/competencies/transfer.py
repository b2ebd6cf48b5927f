"""
Import and export of frameworks as JSON or CSV: one framework (with its scale) per file.

Like the org chart import: the whole file is checked first (a few prefetch queries, no query per row), every
problem is reported with its line, and nothing is written unless the whole file is valid; then everything is
written in one transaction. A dry run stops after the check. Importing the same file twice changes nothing.

JSON::

    {"slug", "name", "description", "active",
     "scale": {"slug", "name", "description", "levels": [{"value", "name", "description"}]},
     "clusters": [{"code", "name"}],
     "competencies": [{"code", "name", "description", "cluster", "indicators": [{"level", "text"}]}]}

CSV (header ``kind,code,name,description,parent,level``), one record per line, in any order::

    framework,<slug>,<name>,<description>,,
    scale,<slug>,<name>,<description>,,
    level,,<name>,<description>,,<value>
    cluster,<code>,<name>,,,
    competency,<code>,<name>,<description>,<cluster code>,
    indicator,,<text>,,<competency code>,<level value>

Line numbers: the CSV line (header = 1); for JSON, the position of the record when the document is read in the
order framework, scale, levels, clusters, competencies (each followed by its indicators), 1-based. Stored levels,
clusters and competencies that the file does not mention are kept; the indicators of each competency in the file
are replaced by the file's.
"""

import csv
import io
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..core import csv_export
from ..core.errors import DomainError
from ..core.sanitize import sanitize_html
from .models import BehaviouralIndicator, Cluster, Competency, Framework, Scale, ScaleLevel

CSV_COLUMNS = ("kind", "code", "name", "description", "parent", "level")
KINDS = ("framework", "scale", "level", "cluster", "competency", "indicator")


class TransferFileError(DomainError):
    """The file cannot be read at all."""


@dataclass(frozen=True)
class Record:
    line: int
    kind: str
    code: str = ""
    name: str = ""
    description: str = ""
    parent: str = ""
    level: str = ""


@dataclass
class ImportResult:
    dry_run: bool
    applied: bool = False
    framework: str = ""
    counts: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    def error(self, line, message):
        self.errors.append({"line": line, "message": message})

    def as_dict(self):
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "framework": self.framework,
            "counts": self.counts,
            "errors": self.errors,
        }


# ----------------------------------------------------------------------------------------------------------------
# Reading
# ----------------------------------------------------------------------------------------------------------------


def _decode(content):
    if isinstance(content, bytes | bytearray):
        try:
            return bytes(content).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TransferFileError(_("The file is not UTF-8 text.")) from exc
    return str(content).lstrip("\ufeff")


def records_from_csv(content):
    text = _decode(content)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration as exc:
        raise TransferFileError(_("The file is empty.")) from exc
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        raise TransferFileError(_("The header lacks the column(s) %(columns)s.") % {"columns": ", ".join(missing)})
    records = []
    last = reader.line_num
    try:
        for values in reader:
            line, last = last + 1, reader.line_num
            if not any(value.strip() for value in values):
                continue
            cells = [csv_export.unescape(value.strip()) for value in values]
            data = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}
            records.append(Record(line=line, **{column: data[column] for column in CSV_COLUMNS}))
    except csv.Error as exc:
        raise TransferFileError(_("Line %(line)s is not valid CSV: %(error)s") % {"line": last, "error": exc}) from exc
    return records


def _s(value):
    return "" if value is None else str(value).strip()


def records_from_json(document):
    if isinstance(document, str | bytes | bytearray):
        try:
            document = json.loads(_decode(document))
        except ValueError as exc:
            raise TransferFileError(_("The file is not valid JSON: %(error)s") % {"error": exc}) from exc
    if not isinstance(document, dict):
        raise TransferFileError(_("A framework must be a JSON object."))
    records = []

    def add(kind, item, **extra):
        if not isinstance(item, dict):
            raise TransferFileError(
                _("Record %(line)s (%(kind)s) is not an object.") % {"line": len(records) + 1, "kind": kind}
            )
        values = {
            "code": _s(item.get("code", item.get("slug"))),
            "name": _s(item.get("name", item.get("text"))),
            "description": _s(item.get("description")),
            "parent": "",
            "level": _s(item.get("level", item.get("value"))),
        }
        values.update(extra)
        records.append(Record(line=len(records) + 1, kind=kind, **values))

    add("framework", document)
    scale = document.get("scale") or {}
    add("scale", scale, level="")
    for level in scale.get("levels") or []:
        add("level", level, code="")
    for cluster in document.get("clusters") or []:
        add("cluster", cluster, level="")
    for competency in document.get("competencies") or []:
        add(
            "competency",
            competency,
            parent=_s(competency.get("cluster")) if isinstance(competency, dict) else "",
            level="",
        )
        for indicator in (competency.get("indicators") if isinstance(competency, dict) else None) or []:
            add("indicator", indicator, code="", parent=_s(competency.get("code")))
    return records


def parse_upload(content, filename=""):
    """Records of an uploaded file: JSON when the name ends in ``.json``, CSV otherwise."""
    if str(filename).lower().endswith(".json"):
        return records_from_json(content)
    return records_from_csv(content)


# ----------------------------------------------------------------------------------------------------------------
# Checking and writing
# ----------------------------------------------------------------------------------------------------------------


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def import_framework(records, *, dry_run=True, keep_details=False):
    """
    Check ``records`` (from :func:`parse_upload`) and, unless ``dry_run`` or any error, write them atomically.

    ``keep_details`` is for sources that carry no descriptions or indicators (a tagging taxonomy): a competency
    record without a description keeps the stored one, and stored indicators are left alone instead of being
    replaced by the (absent) ones of the source, so a re-import never wipes what HR wrote in the plugin.
    """
    result = ImportResult(dry_run=dry_run)
    by_kind = {kind: [r for r in records if r.kind == kind] for kind in KINDS}
    for record in records:
        if record.kind not in KINDS:
            result.error(
                record.line,
                _("Unknown kind '%(kind)s' (one of %(kinds)s).") % {"kind": record.kind, "kinds": ", ".join(KINDS)},
            )
    unknown_kinds = len(result.errors)
    for kind in ("framework", "scale"):
        if len(by_kind[kind]) != 1:
            line = by_kind[kind][1].line if len(by_kind[kind]) > 1 else 1
            result.error(line, _("The file must have exactly one '%(kind)s' record.") % {"kind": kind})
    if len(result.errors) > unknown_kinds:  # without one framework and one scale nothing else can be checked
        return result
    fw_rec, scale_rec = by_kind["framework"][0], by_kind["scale"][0]
    for rec in (fw_rec, scale_rec):
        if not rec.code or slugify(rec.code) != rec.code:
            result.error(
                rec.line, _("'%(code)s' is not a valid slug (lowercase letters, digits, -).") % {"code": rec.code}
            )
    framework = Framework.objects.filter(slug=fw_rec.code).select_related("scale").first()
    scale = Scale.objects.filter(slug=scale_rec.code).first()
    if framework is not None and scale is not None and framework.scale_id != scale.pk:
        result.error(
            scale_rec.line, _("The framework already uses the scale '%(slug)s'.") % {"slug": framework.scale.slug}
        )
    for rec, obj in ((fw_rec, framework), (scale_rec, scale)):
        if obj is None and not rec.name:
            result.error(rec.line, _("A new %(kind)s needs a name.") % {"kind": rec.kind})
    result.framework = fw_rec.code

    stored_levels = set(ScaleLevel.objects.filter(scale=scale).values_list("value", flat=True)) if scale else set()
    file_levels = {}
    for rec in by_kind["level"]:
        value = _int(rec.level)
        if value is None or value < 1:
            result.error(rec.line, _("A level needs a whole number value from 1 up."))
        elif value in file_levels:
            result.error(rec.line, _("Level %(value)s appears twice.") % {"value": value})
        elif not rec.name:
            result.error(rec.line, _("Level %(value)s needs a name.") % {"value": value})
        else:
            file_levels[value] = rec
    levels = stored_levels | set(file_levels)
    if not levels:
        result.error(scale_rec.line, _("The scale has no levels."))

    stored_clusters = (
        set(Cluster.objects.filter(framework=framework).values_list("code", flat=True)) if framework else set()
    )
    file_clusters = {}
    for rec in by_kind["cluster"]:
        if not rec.code or not rec.name:
            result.error(rec.line, _("A cluster needs a code and a name."))
        elif rec.code in file_clusters:
            result.error(rec.line, _("Cluster '%(code)s' appears twice.") % {"code": rec.code})
        else:
            file_clusters[rec.code] = rec
    clusters = stored_clusters | set(file_clusters)

    stored_competencies = {c.code: c for c in Competency.objects.filter(framework=framework)} if framework else {}
    file_competencies = {}
    for rec in by_kind["competency"]:
        if not rec.code:
            result.error(rec.line, _("A competency needs a code."))
        elif rec.code in file_competencies:
            result.error(rec.line, _("Competency '%(code)s' appears twice.") % {"code": rec.code})
        elif not rec.name and rec.code not in stored_competencies:
            result.error(rec.line, _("A new competency needs a name."))
        elif rec.parent and rec.parent not in clusters:
            result.error(rec.line, _("Unknown cluster '%(code)s'.") % {"code": rec.parent})
        else:
            file_competencies[rec.code] = rec
    indicators = {}
    for rec in by_kind["indicator"]:
        value = _int(rec.level)
        if rec.parent not in file_competencies:
            result.error(
                rec.line,
                _("An indicator must follow a competency of the file ('%(code)s' is not one).") % {"code": rec.parent},
            )
        elif value not in levels:
            result.error(rec.line, _("%(level)s is not a level of the scale.") % {"level": rec.level})
        elif not rec.name:
            result.error(rec.line, _("An indicator needs a text."))
        else:
            indicators.setdefault(rec.parent, []).append((value, rec.name))
    result.counts = {
        "levels": len(file_levels),
        "clusters": len(file_clusters),
        "competencies": len(file_competencies),
        "new_competencies": len(set(file_competencies) - set(stored_competencies)),
        "indicators": sum(len(items) for items in indicators.values()),
    }
    if result.errors or dry_run:
        return result
    _write(fw_rec, scale_rec, framework, scale, file_levels, file_clusters, file_competencies, indicators, keep_details)
    result.applied = True
    return result


@transaction.atomic
def _write(  # pylint: disable=too-many-positional-arguments
    fw_rec, scale_rec, framework, scale, file_levels, file_clusters, file_competencies, indicators, keep_details
):
    if scale is None:
        scale = Scale.objects.create(
            slug=scale_rec.code, name=scale_rec.name, description=sanitize_html(scale_rec.description)
        )
    else:
        scale.name = scale_rec.name or scale.name
        scale.description = sanitize_html(scale_rec.description) if scale_rec.description else scale.description
        scale.save(update_fields=["name", "description"])
    stored = {level.value: level for level in ScaleLevel.objects.filter(scale=scale)}
    new_levels, changed_levels = [], []
    for value, rec in file_levels.items():
        level = stored.get(value) or ScaleLevel(scale=scale, value=value)
        level.name, level.description = rec.name, sanitize_html(rec.description)
        (changed_levels if level.pk else new_levels).append(level)
    ScaleLevel.objects.bulk_create(new_levels)
    if changed_levels:
        ScaleLevel.objects.bulk_update(changed_levels, ["name", "description"])

    if framework is None:
        framework = Framework.objects.create(
            slug=fw_rec.code, name=fw_rec.name, description=sanitize_html(fw_rec.description), scale=scale
        )
    else:
        framework.name = fw_rec.name or framework.name
        framework.description = sanitize_html(fw_rec.description) if fw_rec.description else framework.description
        framework.save(update_fields=["name", "description"])

    stored_clusters = {c.code: c for c in Cluster.objects.filter(framework=framework)}
    new_clusters, changed_clusters = [], []
    for order, (code, rec) in enumerate(file_clusters.items()):
        cluster = stored_clusters.get(code) or Cluster(framework=framework, code=code)
        cluster.name, cluster.order = rec.name, order
        (changed_clusters if cluster.pk else new_clusters).append(cluster)
    Cluster.objects.bulk_create(new_clusters)
    if changed_clusters:
        Cluster.objects.bulk_update(changed_clusters, ["name", "order"])
    cluster_ids = dict(Cluster.objects.filter(framework=framework).values_list("code", "pk"))

    stored_competencies = {c.code: c for c in Competency.objects.filter(framework=framework)}
    new, changed = [], []
    for order, (code, rec) in enumerate(file_competencies.items()):
        competency = stored_competencies.get(code) or Competency(framework=framework, code=code)
        competency.name = rec.name or competency.name
        if rec.description or not keep_details:
            competency.description = sanitize_html(rec.description)
        competency.cluster_id = cluster_ids.get(rec.parent) if rec.parent else None
        competency.order = order
        (changed if competency.pk else new).append(competency)
    Competency.objects.bulk_create(new)
    if changed:
        Competency.objects.bulk_update(changed, ["name", "description", "cluster", "order"])
    if keep_details:
        return framework
    ids = dict(
        Competency.objects.filter(framework=framework, code__in=list(file_competencies)).values_list("code", "pk")
    )
    BehaviouralIndicator.objects.filter(competency_id__in=list(ids.values())).delete()
    BehaviouralIndicator.objects.bulk_create(
        [
            BehaviouralIndicator(competency_id=ids[code], level=level, text=text, order=order)
            for code, items in indicators.items()
            for order, (level, text) in enumerate(items)
        ]
    )
    return framework


# ----------------------------------------------------------------------------------------------------------------
# Export
# ----------------------------------------------------------------------------------------------------------------


def export_json(framework):
    """The framework as the JSON document :func:`records_from_json` reads (five queries)."""
    scale = framework.scale
    indicators = {}
    for competency_id, level, text in BehaviouralIndicator.objects.filter(competency__framework=framework).values_list(
        "competency_id", "level", "text"
    ):
        indicators.setdefault(competency_id, []).append({"level": level, "text": text})
    return {
        "slug": framework.slug,
        "name": framework.name,
        "description": framework.description,
        "active": framework.active,
        "scale": {
            "slug": scale.slug,
            "name": scale.name,
            "description": scale.description,
            "levels": [
                {"value": lv.value, "name": lv.name, "description": lv.description}
                for lv in ScaleLevel.objects.filter(scale=scale).order_by("value")
            ],
        },
        "clusters": [{"code": c.code, "name": c.name} for c in Cluster.objects.filter(framework=framework)],
        "competencies": [
            {
                "code": c.code,
                "name": c.name,
                "description": c.description,
                "cluster": c.cluster.code if c.cluster_id else "",
                "indicators": indicators.get(c.pk, []),
            }
            for c in Competency.objects.filter(framework=framework).select_related("cluster")
        ],
    }


def export_csv(framework):
    """The framework as CSV text in the format :func:`records_from_csv` reads."""
    document = export_json(framework)
    buffer = io.StringIO()
    writer = csv_export.writer(buffer)  # neutralises formulas; records_from_csv unescapes them
    writer.writerow(CSV_COLUMNS)
    writer.writerow(["framework", document["slug"], document["name"], document["description"], "", ""])
    scale = document["scale"]
    writer.writerow(["scale", scale["slug"], scale["name"], scale["description"], "", ""])
    for level in scale["levels"]:
        writer.writerow(["level", "", level["name"], level["description"], "", level["value"]])
    for cluster in document["clusters"]:
        writer.writerow(["cluster", cluster["code"], cluster["name"], "", "", ""])
    for competency in document["competencies"]:
        writer.writerow(
            ["competency", competency["code"], competency["name"], competency["description"], competency["cluster"], ""]
        )
        for indicator in competency["indicators"]:
            writer.writerow(["indicator", "", indicator["text"], "", competency["code"], indicator["level"]])
    return buffer.getvalue()
