"""The ``publish_completion`` handler the LMS's video block (and its viewed-completion of HTML) has, shared here."""

from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError


class PublishCompletionMixin:
    """
    ``publish_completion`` with ``{"completion": 0..1}``: a ``completion`` event for the learner (not for course
    staff viewing as them), and the block's ``completed_field`` (a user-state Boolean) set once it reaches 1.
    """

    has_custom_completion = True
    completion_mode = "completable"
    completed_field = ""

    @XBlock.json_handler
    def publish_completion(self, data, suffix=""):  # pylint: disable=unused-argument
        completion = data.get("completion") if isinstance(data, dict) else None
        if isinstance(completion, bool) or not isinstance(completion, int | float) or not 0 <= completion <= 1:
            raise JsonHandlerError(400, "completion must be a number from 0 to 1.")
        if getattr(getattr(self.runtime, "django_user", None), "real_user", None) is not None:
            return {"result": "ok"}  # course staff viewing as a learner: nothing is recorded for the learner
        self.runtime.publish(self, "completion", {"completion": float(completion)})
        if completion >= 1:
            setattr(self, self.completed_field, True)
        return {"result": "ok"}
