"""The messages of the organisational health pack, each an edx-ace message type (ADR 0019) sent by ``sending``."""

from ..core import notify


class HealthPack(notify.PerfMgmtMessage):
    """Monthly, to those who may read a unit's pack (unless they opted out): the pack's headline figures and link."""

    NAME = "health_pack"


class HealthManagerFlag(notify.PerfMgmtMessage):
    """To a flagged manager's own manager: whose process figures lag, with the link to the flag page."""

    NAME = "health_manager_flag"
