"""The org unit tree with head counts, built in two queries whatever its depth."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from ..core.paths import subtree_q
from .models import OrgUnit


@dataclass
class UnitNode:
    unit: OrgUnit
    head_count: int
    children: list = field(default_factory=list)


def build_unit_tree(root=None):
    """Nested :class:`UnitNode` lists for all active units (or ``root``'s subtree), ordered by path."""
    qs = OrgUnit.objects.filter(active=True)
    if root is not None:
        qs = qs.filter(subtree_q("path", root.path))
    units = list(qs.annotate(head_count=Count("members", filter=Q(members__active=True))).order_by("path"))
    nodes = {unit.pk: UnitNode(unit, unit.head_count) for unit in units}
    roots = []
    for unit in units:
        parent = nodes.get(unit.parent_id)
        (parent.children if parent else roots).append(nodes[unit.pk])
    return roots
