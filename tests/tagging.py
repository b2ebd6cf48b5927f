"""
Test data in the REAL openedx_tagging (openedx-core, installed in the host as in the LMS), written only through its
public api (``openedx_tagging.api``), the way Studio's taxonomy pages and tagging write it.
"""

from openedx_tagging import api as tagging_api


def make_taxonomy(name, tree=(), *, description="", enabled=True, allow_free_text=False, export_id=None):
    """
    A taxonomy with ``tree``: a sequence of ``(value, external_id or None, children)`` tuples (children in the same
    form, at most 4 levels as openedx_tagging allows). Returns the taxonomy.
    """
    taxonomy = tagging_api.create_taxonomy(
        name,
        description=description,
        enabled=enabled,
        allow_free_text=allow_free_text,
        export_id=export_id,
    )
    add_tags(taxonomy, tree)
    return taxonomy


def add_tags(taxonomy, tree, parent=None):
    for value, external_id, children in tree:
        tagging_api.add_tag_to_taxonomy(taxonomy, value, parent_tag_value=parent, external_id=external_id)
        add_tags(taxonomy, children, parent=value)


def tag(object_id, taxonomy, *values):
    """Replace the tags of ``object_id`` in ``taxonomy`` with ``values`` (the api's own semantics)."""
    tagging_api.tag_object(str(object_id), taxonomy, list(values))


def leadership_tree(extra_competencies=0):
    """
    Leadership (root with children) > Coaching (LEAD-COACH) > Giving feedback (leaf, LEAD-FB) and Running 1:1s;
    Leadership > Delegation (leaf); Planning (a root without children); plus ``extra_competencies`` leaves under a
    root "More" (to show that the import's queries do not grow with the taxonomy).
    """
    tree = [
        (
            "Leadership",
            "LEAD",
            [
                ("Coaching", "LEAD-COACH", [("Giving feedback", "LEAD-FB", []), ("Running 1:1s", None, [])]),
                ("Delegation", None, []),
            ],
        ),
        ("Planning", None, []),
    ]
    if extra_competencies:
        tree.append(("More", None, [(f"Extra skill {n}", f"X{n}", []) for n in range(extra_competencies)]))
    return tree
