"""The messages of 360 profiling, each an edx-ace message type (ADR 0019) sent through ``core.notify.send``."""

from ..core import notify


class ProfilingNominate(notify.PerfMgmtMessage):
    """To the subject: choose the people who will give you feedback."""

    NAME = "profiling_nominate"


class ProfilingApprove(notify.PerfMgmtMessage):
    """To the subject's manager: the nominations wait for approval."""

    NAME = "profiling_approve"


class ProfilingInvitation(notify.PerfMgmtMessage):
    """To a rater: you are asked for feedback (and which group you answer in)."""

    NAME = "profiling_invitation"


class ProfilingReminder(notify.PerfMgmtMessage):
    """To a rater who has not answered yet."""

    NAME = "profiling_reminder"


class ProfilingReleased(notify.PerfMgmtMessage):
    """To the subject: the report is released."""

    NAME = "profiling_released"
