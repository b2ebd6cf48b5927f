"""
The health domain's public functions (the only module other code imports): the organisational health pack of a
unit, the units a reader may open, manager development flags and the coaching plan offer, the monthly email.
"""

from .access import can_read_pack, readable_units
from .development import COACHING_TEMPLATE_SLUG, coaching_template, manager_flag, offer_coaching_plan
from .errors import HealthError, NotLagging
from .export import pack_csv
from .pack import (
    REASON_LABELS,
    Pack,
    compute_pack,
    current_period,
    health_pack,
    learning_mix,
    manager_dict,
    take_snapshot,
)
from .sending import send_packs, set_monthly_email, wants_monthly_email

__all__ = [
    "COACHING_TEMPLATE_SLUG",
    "REASON_LABELS",
    "HealthError",
    "NotLagging",
    "Pack",
    "can_read_pack",
    "coaching_template",
    "compute_pack",
    "current_period",
    "health_pack",
    "learning_mix",
    "manager_flag",
    "offer_coaching_plan",
    "pack_csv",
    "readable_units",
    "send_packs",
    "set_monthly_email",
    "take_snapshot",
    "wants_monthly_email",
    "manager_dict",
]
