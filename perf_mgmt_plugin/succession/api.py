"""The succession domain's public functions (the only module other code imports)."""

from .errors import SuccessionError
from .models import READINESS_CHOICES, KeyPosition, PotentialRating, SuccessorCandidate
from .services import (
    RISK_LABELS,
    add_candidate,
    candidate_gaps,
    candidate_of,
    gaps_to_plan,
    key_positions_for,
    mark_key_position,
    performance_band,
    pool,
    pool_csv,
    rate_potential,
    remove_candidate,
    requirements_of,
    set_readiness,
    suggest_readiness,
    suggestions,
    talent_grid,
)

__all__ = [
    "READINESS_CHOICES",
    "RISK_LABELS",
    "KeyPosition",
    "PotentialRating",
    "SuccessionError",
    "SuccessorCandidate",
    "add_candidate",
    "candidate_gaps",
    "candidate_of",
    "gaps_to_plan",
    "key_positions_for",
    "mark_key_position",
    "performance_band",
    "pool",
    "pool_csv",
    "rate_potential",
    "remove_candidate",
    "requirements_of",
    "set_readiness",
    "suggest_readiness",
    "suggestions",
    "talent_grid",
]
