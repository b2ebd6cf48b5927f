"""The messages of the implementation guides, each an edx-ace message type (ADR 0019) sent through ``core.notify``."""

from ..core import notify


class GuideObservationRequested(notify.PerfMgmtMessage):
    """To the manager: a step the learner applied waits for their observation."""

    NAME = "guide_observation_requested"


class GuideObservationGiven(notify.PerfMgmtMessage):
    """To the learner: the manager confirmed what they saw or gave feedback."""

    NAME = "guide_observation_given"
