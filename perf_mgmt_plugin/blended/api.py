"""
The public interface of the blended-modules domain (the only module other domains, pages and the plugin's ``api``
may import): implementation guides applied on the job, managers' observations, application rates, job aids.
"""

from . import rules as _rules  # noqa: F401  registers the rules
from .errors import BlendedError, NoEmployeeRecordForGuide
from .models import GuideApplication, JobAid
from .services import (
    MAX_TEXT,
    MIX_TARGETS,
    Guide,
    Step,
    applications_of,
    apply_step,
    attach_job_aids,
    completion,
    download_job_aid,
    get_application_for_observer,
    job_aid_downloads,
    job_aids_of,
    module_evidence,
    observation_queue,
    observe,
    plan_mix,
    plan_step,
    step_rates,
    team_applications,
)

__all__ = [
    "MAX_TEXT",
    "BlendedError",
    "Guide",
    "GuideApplication",
    "JobAid",
    "NoEmployeeRecordForGuide",
    "Step",
    "MIX_TARGETS",
    "applications_of",
    "apply_step",
    "attach_job_aids",
    "completion",
    "download_job_aid",
    "get_application_for_observer",
    "job_aid_downloads",
    "job_aids_of",
    "module_evidence",
    "observation_queue",
    "observe",
    "plan_mix",
    "plan_step",
    "step_rates",
    "team_applications",
]
