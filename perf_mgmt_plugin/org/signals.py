"""
Signals of the org domain, for the domains above it (org cannot call them: the layers go one way).

``employees_changed``: bulk writes (the org chart import) send no ``post_save`` per record, so after an import
has committed changes to people, this says whose records were created or changed in a way that matters to the
domains above (position, active). Sent with ``user_ids``: the LMS user ids of those people.
"""

from django.dispatch import Signal

employees_changed = Signal()

#: Employee fields whose change the domains above react to (competency gaps depend on the position; only active
#: people have gaps).
WATCHED_FIELDS = frozenset({"position", "active"})
