"""
A competency framework from an Open edX tagging taxonomy (``openedx_tagging``), and course links from the content
tagged with it.

Authors tag courses and blocks in Studio with a competency taxonomy; this turns that taxonomy into a framework the
plugin rates people on, and every tagged course into a course-to-competency link, so gaps point at the courses that
close them without anyone typing the same list twice.

Mapping (a taxonomy is a tree of at most four levels; a framework is competencies optionally grouped in clusters):

- a root tag with children -> a cluster; a root tag without children -> a competency outside any cluster;
- every other leaf tag -> a competency in the cluster of its root tag;
- a tag between a root and leaves (a sub-grouping) is folded into its root's cluster: it is not a competency, and
  content tagged with it (or with a cluster's root tag) makes no link -- too broad to say which competency it develops;
- codes: the tag's external id, else its value, else (a value longer than a code may be) ``tag-<id>``. A competency
  keeps the code it was given the first time: it is found again by the tag it came from (``source_tag_id``), so a
  renamed tag renames the competency instead of making a new one; a competency of the framework with the same code and
  no source tag is adopted. Names are tag values; descriptions and indicators are left to HR in the plugin.
- the framework: found again by the taxonomy it came from (``source_taxonomy_id``), else by slug (default: from the
  taxonomy's name), when an existing framework without a source is adopted; its name and description follow the
  taxonomy's. Its scale is chosen on the first import and cannot change.
- tagged objects: a course key links the whole course; a usage key (``block-v1:...``) links its course with that
  block; several blocks of one course tagged with one competency (and no tag on the course itself) link the whole
  course, since a link names one block at most. Library content and courses the platform does not know are skipped
  and reported. New links get ``target_level`` (default: the scale's top level); existing links keep their level.

The framework, scale, clusters and competencies are checked and written by the framework import (``transfer``), so
the same rules hold as for a CSV/JSON file. Everything is checked first with a constant number of queries; nothing is
written on a dry run or when there is any error; otherwise everything is written in one transaction. Importing again
changes only what changed in the taxonomy. Competencies whose tag is gone and links whose content is no longer tagged
are reported, never deleted (they may carry requirements, assessments and gaps).
"""

from collections import defaultdict, namedtuple
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey
from opaque_keys.edx.locator import LibraryLocator

from ..openedx import get_backend
from . import transfer
from .errors import CompetencyError
from .models import Cluster, Competency, CourseCompetencyLink, Framework, Scale, ScaleLevel

CODE_LENGTH = Competency._meta.get_field("code").max_length
NAME_LENGTH = Competency._meta.get_field("name").max_length
SLUG_LENGTH = Framework._meta.get_field("slug").max_length
#: How many skipped objects the result lists (all are counted).
SKIPPED_EXAMPLES = 50


class TaxonomyNotFound(CompetencyError):
    """No taxonomy has that id or name."""


@dataclass
class TaxonomyImportResult:
    dry_run: bool
    applied: bool = False
    taxonomy: dict = field(default_factory=dict)
    framework: str = ""
    scale: str = ""
    changes: dict = field(default_factory=dict)
    skipped: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    def error(self, message, tag=""):
        self.errors.append({"tag": tag, "message": message})

    def as_dict(self):
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "taxonomy": self.taxonomy,
            "framework": self.framework,
            "scale": self.scale,
            "changes": self.changes,
            "skipped": self.skipped,
            "errors": self.errors,
        }


def list_taxonomies():
    """The platform's taxonomies, each with the slug of the framework imported from it (if any). Two queries."""
    imported = dict(
        Framework.objects.filter(source_taxonomy_id__isnull=False).values_list("source_taxonomy_id", "slug")
    )
    return [
        {
            "id": info.id,
            "name": info.name,
            "description": info.description,
            "export_id": info.export_id,
            "enabled": info.enabled,
            "allow_free_text": info.allow_free_text,
            "framework": imported.get(info.id, ""),
        }
        for info in get_backend().list_taxonomies()
    ]


def find_taxonomy(reference):
    """
    The :class:`~perf_mgmt_plugin.openedx.TaxonomyInfo` whose id, export id or name (ignoring case) is
    ``reference``; raises :class:`TaxonomyNotFound` (also when a name is ambiguous). One query.
    """
    text = str(reference).strip()
    taxonomies = get_backend().list_taxonomies()
    if text.isdigit():
        for info in taxonomies:
            if info.id == int(text):
                return info
    for attribute in ("export_id", "name"):
        matches = [info for info in taxonomies if getattr(info, attribute).casefold() == text.casefold()]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise TaxonomyNotFound(
                _("Several taxonomies are named '%(name)s' (ids %(ids)s): give the id.")
                % {"name": text, "ids": ", ".join(str(info.id) for info in matches)}
            )
    raise TaxonomyNotFound(_("There is no taxonomy '%(reference)s'.") % {"reference": text})


# ----------------------------------------------------------------------------------------------------------------
# The tag tree
# ----------------------------------------------------------------------------------------------------------------


@dataclass
class _Node:
    tag: object  # TagInfo
    root: object  # TagInfo of its root (itself for a root)
    children: list = field(default_factory=list)


def _tree_order(tags):
    """``[_Node]`` depth first, siblings by value ignoring case; the hierarchy is walked in memory, not in SQL."""
    by_id = {tag.id: _Node(tag=tag, root=None) for tag in tags}
    roots = []
    for node in by_id.values():
        parent = by_id.get(node.tag.parent_id)
        (parent.children if parent else roots).append(node)
    ordered = []

    def visit(node, root):
        node.root = root
        ordered.append(node)
        for child in sorted(node.children, key=lambda n: n.tag.value.casefold()):
            visit(child, root)

    for root in sorted(roots, key=lambda n: n.tag.value.casefold()):
        visit(root, root.tag)
    return ordered


def _derived_code(tag):
    """External id, else value, else ``tag-<id>`` when the value is too long to be a code; ``None`` if unusable."""
    if tag.external_id:
        return tag.external_id.strip() if len(tag.external_id.strip()) <= CODE_LENGTH else None
    value = tag.value.strip()
    return value if len(value) <= CODE_LENGTH else f"tag-{tag.id}"


def _course_and_block(object_id):
    """``(course key, usage key or None)`` of a tagged object, or ``(None, None)`` for anything but course content."""
    try:
        key = CourseKey.from_string(object_id)
    except InvalidKeyError:
        key = None
    if key is not None:
        return (None, None) if isinstance(key, LibraryLocator) else (key, None)
    try:
        usage = UsageKey.from_string(object_id)
    except InvalidKeyError:
        return None, None
    context = usage.context_key
    if isinstance(context, CourseKey) and not isinstance(context, LibraryLocator):
        return context, usage
    return None, None


# ----------------------------------------------------------------------------------------------------------------
# The import
# ----------------------------------------------------------------------------------------------------------------


def import_taxonomy(taxonomy_id, *, scale=None, framework=None, target_level=None, dry_run=True):
    """
    Check the import of taxonomy ``taxonomy_id`` as a framework rated on the scale with slug ``scale`` (required for
    a new framework; an imported one keeps its scale) and, unless ``dry_run`` or any error, write it with its course
    links in one transaction. ``framework`` is the slug of a new framework (default: from the taxonomy's name).
    ``target_level`` is the level new course links develop to (default: the top of the scale). Returns a
    :class:`TaxonomyImportResult`; raises :class:`TaxonomyNotFound` for an unknown taxonomy.
    """
    backend = get_backend()
    tree = backend.get_taxonomy_tree(taxonomy_id)
    if tree is None:
        raise TaxonomyNotFound(_("There is no taxonomy with id %(id)s.") % {"id": taxonomy_id})
    info = tree.taxonomy
    result = TaxonomyImportResult(dry_run=dry_run, taxonomy={"id": info.id, "name": info.name})
    if info.allow_free_text:
        result.error(_("'%(name)s' is a free-text taxonomy: it has no tags to import.") % {"name": info.name})
        return result
    if not tree.tags:
        result.error(_("The taxonomy '%(name)s' has no tags.") % {"name": info.name})
        return result

    stored_fw, scale_obj = _framework_and_scale(result, info, scale, framework)
    levels = set(ScaleLevel.objects.filter(scale=scale_obj).values_list("value", flat=True)) if scale_obj else set()
    if scale_obj is not None and not levels:
        result.error(_("The scale '%(slug)s' has no levels.") % {"slug": scale_obj.slug})
    if target_level is None:
        target_level = max(levels, default=None)
    elif levels and target_level not in levels:
        result.error(
            _("%(level)s is not a level of the scale '%(slug)s' (levels: %(values)s).")
            % {"level": target_level, "slug": scale_obj.slug, "values": ", ".join(str(v) for v in sorted(levels))}
        )

    plan = _plan_framework(result, tree.tags, stored_fw)
    links = _plan_links(result, backend, backend.tagged_objects(info.id), plan, stored_fw)
    if result.errors:
        return result

    records = [
        transfer.Record(line=1, kind="framework", code=result.framework, name=info.name, description=info.description),
        transfer.Record(line=2, kind="scale", code=scale_obj.slug),
    ]
    labels = {1: "", 2: ""}
    for code, (tag, name) in plan.clusters.items():
        records.append(transfer.Record(line=len(records) + 1, kind="cluster", code=code, name=name))
        labels[len(records)] = tag.value
    for competency in plan.competencies:
        records.append(
            transfer.Record(
                line=len(records) + 1,
                kind="competency",
                code=competency["code"],
                name=competency["name"],
                parent=competency["cluster"],
            )
        )
        labels[len(records)] = competency["tag"].value

    with transaction.atomic():
        checked = transfer.import_framework(records, dry_run=dry_run, keep_details=True)
        for problem in checked.errors:
            result.error(problem["message"], tag=labels.get(problem["line"], ""))
        if checked.applied:
            _write_sources_and_links(info, result.framework, plan, links, target_level)
            result.applied = True
    return result


def _framework_and_scale(result, info, scale_slug, framework_slug):
    """The stored framework (``None`` for a new one) and its scale; sets ``result.framework`` and ``.scale``."""
    stored = Framework.objects.select_related("scale").filter(source_taxonomy_id=info.id).first()
    if stored is not None:
        if framework_slug and framework_slug != stored.slug:
            result.error(_("This taxonomy was imported as the framework '%(slug)s'.") % {"slug": stored.slug}, tag="")
    else:
        slug = framework_slug or slugify(info.name)[:SLUG_LENGTH].strip("-")
        if not slug or slugify(slug) != slug or len(slug) > SLUG_LENGTH:
            result.error(
                _("'%(slug)s' is not a valid framework slug (lowercase letters, digits, -; give one).") % {"slug": slug}
            )
        stored = Framework.objects.select_related("scale").filter(slug=slug).first() if slug else None
        if stored is not None and stored.source_taxonomy_id is not None:
            result.error(
                _("The framework '%(slug)s' was imported from another taxonomy (id %(id)s).")
                % {"slug": slug, "id": stored.source_taxonomy_id}
            )
        result.framework = slug
    if stored is not None:
        result.framework = stored.slug
        result.changes["framework"] = "updated" if stored.source_taxonomy_id == info.id else "adopted"
        if scale_slug and scale_slug != stored.scale.slug:
            result.error(
                _("The framework '%(slug)s' is rated on the scale '%(scale)s'; a framework cannot change its scale.")
                % {"slug": stored.slug, "scale": stored.scale.slug}
            )
        result.scale = stored.scale.slug
        return stored, stored.scale
    result.changes["framework"] = "new"
    if not scale_slug:
        result.error(_("Choose the scale the new framework's competencies are rated on."))
        return None, None
    scale = Scale.objects.filter(slug=scale_slug).first()
    if scale is None:
        result.error(_("There is no scale '%(slug)s'.") % {"slug": scale_slug})
    result.scale = scale_slug
    return None, scale


#: A stored competency of the framework, as the plan compares it with the tags.
_Stored = namedtuple("_Stored", "pk code name cluster_id source_tag_id")


@dataclass
class _FrameworkPlan:
    clusters: dict  # code -> (root TagInfo, name), in tree order
    competencies: list  # {"tag", "code", "name", "cluster", "stored"}, in tree order
    by_tag: dict  # tag id -> competency code, for the links
    grouping: set  # ids of tags that are clusters or sub-groupings (no links)


def _plan_framework(result, tags, stored_fw):
    """Which clusters and competencies the tags become, checked against the stored framework; records changes."""
    stored_clusters = {}
    stored_competencies = []
    if stored_fw is not None:
        stored_clusters = {pk: (code, name) for pk, code, name in stored_fw.clusters.values_list("pk", "code", "name")}
        stored_competencies = [
            _Stored(*row)
            for row in stored_fw.competencies.values_list("pk", "code", "name", "cluster_id", "source_tag_id")
        ]
    by_source = {row.source_tag_id: row for row in stored_competencies if row.source_tag_id is not None}
    by_code = {row.code.casefold(): row for row in stored_competencies}

    def cluster_code(row):
        return stored_clusters[row.cluster_id][0] if row.cluster_id is not None else ""

    cluster_codes = {code.casefold(): code for code, _name in stored_clusters.values()}

    nodes = _tree_order(tags)
    # A root's cluster keeps the code it has: the stored cluster of any competency already imported from under it.
    root_cluster = {}
    for node in nodes:
        row = by_source.get(node.tag.id)
        if row is not None and row.cluster_id is not None and node.root.id != node.tag.id:
            root_cluster.setdefault(node.root.id, cluster_code(row))

    plan = _FrameworkPlan(clusters={}, competencies=[], by_tag={}, grouping=set())
    cluster_of_root = {}
    used_codes = {}
    changes = result.changes
    changes["clusters"] = {"new": [], "renamed": []}
    changes["competencies"] = {"new": [], "renamed": [], "moved": []}
    for node in nodes:
        tag, is_root, has_children = node.tag, node.tag.parent_id is None, bool(node.children)
        if has_children:
            plan.grouping.add(tag.id)
            if is_root:
                code = root_cluster.get(tag.id) or _derived_code(tag)
                if code is None:
                    result.error(_("The external id is longer than %(n)s characters.") % {"n": CODE_LENGTH}, tag.value)
                    continue
                code = cluster_codes.get(code.casefold(), code)
                if code.casefold() in {c.casefold() for c in plan.clusters}:
                    result.error(
                        _("Another root tag also gives the cluster code '%(code)s'.") % {"code": code}, tag.value
                    )
                    continue
                plan.clusters[code] = (tag, tag.value[: Cluster._meta.get_field("name").max_length])
                cluster_of_root[tag.id] = code
                stored_name = next((name for c, name in stored_clusters.values() if c == code), None)
                if stored_name is None:
                    changes["clusters"]["new"].append({"code": code, "name": tag.value})
                elif stored_name != tag.value:
                    changes["clusters"]["renamed"].append({"code": code, "from": stored_name, "to": tag.value})
            continue
        # A leaf: a competency.
        if len(tag.value) > NAME_LENGTH:
            result.error(_("A competency name has at most %(n)s characters.") % {"n": NAME_LENGTH}, tag.value)
            continue
        stored = by_source.get(tag.id)
        if stored is None:
            code = _derived_code(tag)
            if code is None:
                result.error(_("The external id is longer than %(n)s characters.") % {"n": CODE_LENGTH}, tag.value)
                continue
            same = by_code.get(code.casefold())
            if same is not None and same.source_tag_id is not None:
                result.error(
                    _("The code '%(code)s' is already used by the competency '%(name)s', imported from another tag.")
                    % {"code": same.code, "name": same.name},
                    tag.value,
                )
                continue
            stored = same  # adopted when the framework already has it (from a file, or by hand)
            code = same.code if same is not None else code
        else:
            code = stored.code
        other = used_codes.get(code.casefold())
        if other is not None:
            result.error(
                _("The tag '%(other)s' gives the same code '%(code)s'.") % {"other": other, "code": code}, tag.value
            )
            continue
        used_codes[code.casefold()] = tag.value
        cluster = "" if node.root.id == tag.id else cluster_of_root.get(node.root.id, "")
        plan.competencies.append({"tag": tag, "code": code, "name": tag.value, "cluster": cluster, "stored": stored})
        plan.by_tag[tag.id] = code
        if stored is None:
            changes["competencies"]["new"].append({"code": code, "name": tag.value, "cluster": cluster})
            continue
        if stored.name != tag.value:
            changes["competencies"]["renamed"].append({"code": code, "from": stored.name, "to": tag.value})
        if cluster_code(stored) != cluster:
            changes["competencies"]["moved"].append({"code": code, "from": cluster_code(stored), "to": cluster})
    sourced = [c for c in plan.competencies if c["stored"] is not None and c["stored"].source_tag_id is not None]
    changes["competencies"]["adopted"] = [
        c["code"] for c in plan.competencies if c["stored"] is not None and c["stored"].source_tag_id is None
    ]
    changes["competencies"]["unchanged"] = sum(
        1 for c in sourced if c["stored"].name == c["name"] and cluster_code(c["stored"]) == c["cluster"]
    )
    # Kept (they may carry requirements, assessments and gaps), only reported.
    planned = {c["code"] for c in plan.competencies}
    changes["competencies"]["not_in_taxonomy"] = sorted(
        row.code for row in stored_competencies if row.source_tag_id is not None and row.code not in planned
    )
    changes["grouping_tags"] = [node.tag.value for node in nodes if node.children and node.tag.parent_id is not None]
    return plan


def _plan_links(result, backend, tagged, plan, stored_fw):
    """``{(course key, code): usage key or None}`` to link, from the tagged objects; records changes and skips."""
    skipped = defaultdict(list)
    located = []
    for item in tagged:
        if item.tag_id not in plan.by_tag:
            reason = "grouping_tag" if item.tag_id in plan.grouping else "tag_not_imported"
            skipped[reason].append({"object_id": item.object_id, "tag": item.value})
            continue
        course_key, usage_key = _course_and_block(item.object_id)
        if course_key is None:
            skipped["not_course_content"].append({"object_id": item.object_id, "tag": item.value})
            continue
        located.append((item, course_key, usage_key))
    courses = {course_key for _item, course_key, _usage_key in located}
    known = set(backend.get_courses(courses)) if courses else set()
    wanted = defaultdict(lambda: {"whole": False, "blocks": set()})
    for item, course_key, usage_key in located:
        if course_key not in known:
            skipped["unknown_course"].append({"object_id": item.object_id, "tag": item.value})
            continue
        entry = wanted[(course_key, plan.by_tag[item.tag_id])]
        if usage_key is None:
            entry["whole"] = True
        else:
            entry["blocks"].add(usage_key)
    links = {
        key: next(iter(entry["blocks"])) if not entry["whole"] and len(entry["blocks"]) == 1 else None
        for key, entry in wanted.items()
    }

    stored_links = {}
    if stored_fw is not None:
        rows = CourseCompetencyLink.objects.filter(competency__framework=stored_fw).values_list(
            "course_key", "competency__code", "usage_key"
        )
        stored_links = {(course_key, code): usage_key for course_key, code, usage_key in rows}
    changes = {"new": [], "changed": [], "unchanged": 0}
    for (course_key, code), usage_key in sorted(links.items(), key=lambda item: (str(item[0][0]), item[0][1])):
        row = {"course_key": str(course_key), "competency": code, "usage_key": str(usage_key) if usage_key else ""}
        if (course_key, code) not in stored_links:
            changes["new"].append(row)
        elif stored_links[(course_key, code)] != usage_key:
            changes["changed"].append(row)
        else:
            changes["unchanged"] += 1
    changes["no_longer_tagged"] = sum(1 for key in stored_links if key not in links)
    result.changes["links"] = changes
    result.skipped = {
        reason: {"count": len(items), "examples": items[:SKIPPED_EXAMPLES]} for reason, items in sorted(skipped.items())
    }
    return links


def _write_sources_and_links(info, slug, plan, links, target_level):
    """After ``transfer`` wrote the framework: remember where it came from, then create or update the links."""
    framework = Framework.objects.get(slug=slug)
    if framework.source_taxonomy_id != info.id:
        Framework.objects.filter(pk=framework.pk).update(source_taxonomy_id=info.id)
    competencies = {
        c.code: c for c in Competency.objects.filter(framework=framework).only("pk", "code", "source_tag_id")
    }
    sourced = []
    for planned in plan.competencies:
        competency = competencies[planned["code"]]
        if competency.source_tag_id != planned["tag"].id:
            competency.source_tag_id = planned["tag"].id
            sourced.append(competency)
    if sourced:
        Competency.objects.bulk_update(sourced, ["source_tag_id"])

    stored = {
        (link.course_key, link.competency_id): link
        for link in CourseCompetencyLink.objects.filter(competency__framework=framework).only(
            "pk", "course_key", "competency_id", "usage_key"
        )
    }
    new, changed = [], []
    for (course_key, code), usage_key in links.items():
        competency_id = competencies[code].pk
        link = stored.get((course_key, competency_id))
        if link is None:
            new.append(
                CourseCompetencyLink(
                    course_key=course_key, competency_id=competency_id, usage_key=usage_key, target_level=target_level
                )
            )
        elif link.usage_key != usage_key:
            link.usage_key = usage_key
            changed.append(link)
    CourseCompetencyLink.objects.bulk_create(new)
    if changed:
        CourseCompetencyLink.objects.bulk_update(changed, ["usage_key"])
