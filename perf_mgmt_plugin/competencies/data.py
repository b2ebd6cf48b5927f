"""Plain, frozen records that the public ``api`` hands out (no models, no querysets: OEP-49)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LevelData:
    value: int
    name: str
    #: Sanitised HTML.
    description: str
    #: Behavioural indicators of this level for the competency asked about (empty for a bare scale).
    indicators: tuple = ()


@dataclass(frozen=True)
class ScaleData:
    slug: str
    name: str
    levels: tuple  # of LevelData, lowest first


@dataclass(frozen=True)
class CompetencyData:
    id: int
    code: str
    name: str
    description: str
    framework_slug: str
    framework_name: str
    cluster: str = ""


@dataclass(frozen=True)
class AssessmentData:
    id: int
    competency_id: int
    level: int
    source: str
    course_key: str
    context_id: str
    created: object


@dataclass(frozen=True)
class CourseSuggestion:
    course_key: str
    display_name: str
    target_level: int
    url: str


@dataclass(frozen=True)
class SelfResult:
    """One competency for one person: what they said, where the policy puts them, what their position needs."""

    competency_id: int
    competency_name: str
    self_level: int | None
    current_level: float | None
    required_level: int | None
    criticality: str
    gap: float | None
    suggested_courses: tuple = field(default_factory=tuple)
    #: ``criticality`` as people read it ("Critical", ...), translated in the active language; "" with no requirement.
    criticality_display: str = ""
