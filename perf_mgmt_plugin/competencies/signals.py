"""
Signals of the competencies domain, for the domains above it (which it must not import).

``course_recommendations_changed`` (``person_ids``): courses were recommended or assigned to these people, or one of
them enrolled in or dismissed a recommended course. The development domain turns live recommendations into plan
items and keeps them in step (``handlers.on_course_recommendations_changed``). Sent inside the action's transaction.
"""

from django.dispatch import Signal

course_recommendations_changed = Signal()
