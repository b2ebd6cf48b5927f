"""
Whether an XBlock runtime runs for someone other than the person making the request (masquerade).

Read in openedx/openedx-platform (master, 2026), not copied:

- ``lms/djangoapps/courseware/masquerade.py`` ``setup_masquerade``: when course staff "view as a specific learner",
  it returns the learner's ``User`` with ``real_user`` set to the staff member (``request.user``) and
  ``masquerade_settings`` copied onto it; ``request.user`` stays the staff member.
- ``lms/djangoapps/courseware/block_render.py`` ``get_block_by_usage_id`` (used by ``handle_xblock_callback``)
  binds the block to that returned user, and ``DjangoXBlockUserService(user, ...)`` keeps it as ``_django_user``:
  ``opt_attrs['edx-platform.user_id']`` is then the learner's id. Blocks with ``show_in_read_only_mode = True`` get
  their handlers called in that state; the platform only makes XBlock field data read-only, not a plugin's tables.
- The LMS installs django-crum's ``CurrentRequestUserMiddleware``, so ``crum.get_current_user()`` is the request's
  (real) user during any request, and ``None`` outside one (Celery, the Blocks API's cache collection).
"""

import crum


def _pk(user):
    return getattr(user, "pk", None) if user is not None else None


def is_masquerade(runtime_user_id, user_service=None):
    """
    ``True`` when the user the runtime reports (``runtime_user_id``) is not the person asking: the service's user
    carries a different ``real_user`` (the platform's mark), or the request's signed-in user is someone else.
    Without a request or a signed-in request user nothing says so, and the answer is ``False``.
    """
    if runtime_user_id in (None, ""):
        return False
    try:
        runtime_user_id = int(runtime_user_id)
    except (TypeError, ValueError):
        return False
    service_user = getattr(user_service, "_django_user", None)
    real_user = getattr(service_user, "real_user", None)
    if real_user is not None and _pk(real_user) != runtime_user_id:
        return True
    request_user = crum.get_current_user()
    if request_user is None or not getattr(request_user, "is_authenticated", False):
        return False
    return _pk(request_user) != runtime_user_id
