"""Django discovers the app's models here; each domain keeps its own models module."""

from .appraisals.models import (  # noqa: F401,E402
    CoachAssignment,
    CoachingFeedback,
    Cycle,
    FollowUpAction,
    InterimNote,
    Review,
    ReviewEvent,
    ReviewItem,
    ReviewTemplate,
    SurveyInvitation,
    SurveyResponse,
    TemplateQuestion,
    TemplateSection,
)

# lane guide: blended modules (implementation guides, observations, job aids)
from .blended.models import GuideApplication, JobAid, JobAidDownload  # noqa: F401,E402
from .competencies.models import (  # noqa: F401,E402
    Assessment,
    BehaviouralIndicator,
    Cluster,
    Competency,
    CompetencyGap,
    CourseCompetencyLink,
    Framework,
    GapSnapshot,
    PositionRequirement,
    Scale,
    ScaleLevel,
)
from .core.models import IdempotencyKey  # noqa: F401,E402
from .development.models import (  # noqa: F401,E402
    Plan,
    PlanComment,
    PlanItem,
    PlanTemplate,
    ProcessedEvent,
    TemplateItem,
    UnmatchedEvent,
)
from .org.models import AccessGrant, Employee, HRAdminScope, OrgUnit, Position  # noqa: F401

# lane profiling
from .profiling.models import (  # noqa: F401,E402
    Answer,
    Comment,
    Profile,
    ProfileItem,
    ProfileQuestion,
    Rater,
    Round,
    Subject,
)
from .strategy.models import (  # noqa: F401,E402
    CheckIn,
    CheckInNote,
    CheckInObjective,
    CheckInSeries,
    HelpRequest,
    Impediment,
    Level,
    Milestone,
    Notification,
    Objective,
    Period,
    ProgressUpdate,
)

# lane health: organisational health and succession (issue 19)
# isort: split
from .health.models import HealthPackPreference, HealthSnapshot  # noqa: F401,E402
from .succession.models import KeyPosition, PotentialRating, SuccessorCandidate  # noqa: F401,E402
