"""
Defaults for every setting the plugin reads.

``plugin_settings`` only fills in what the operator has not set, so any value can be overridden in the platform's
settings (for Tutor, an ``openedx-lms-common-settings`` patch) without editing this package. The README lists each
setting with its meaning.
"""

from pathlib import Path

DEFAULTS = {
    # Dotted path of the class that talks to the platform (perf_mgmt_plugin.openedx.backend.PlatformBackend).
    "PERF_MGMT_PLATFORM_BACKEND": "perf_mgmt_plugin.openedx.platform_backend.OpenedxPlatformBackend",
    # Django group whose members are HR / performance admins (optionally limited to org units in the admin).
    "PERF_MGMT_HR_ADMIN_GROUP": "perf_mgmt_hr_admin",
    # Smallest group whose answers are shown in aggregate (surveys, 360): below this, results are hidden.
    "PERF_MGMT_ANONYMITY_MIN_GROUP": 3,
    # Org chart imports with more rows than this run as a Celery task with progress instead of in the request.
    "PERF_MGMT_IMPORT_ASYNC_ROWS": 500,
    # An import still "running" after this many minutes is taken as dead (its worker ended) and marked failed.
    "PERF_MGMT_IMPORT_TIMEOUT_MINUTES": 120,
    # Largest import file (bytes) on every entry point: HR pages, REST uploads, management commands (413/400 above).
    "PERF_MGMT_IMPORT_MAX_BYTES": 25 * 1024 * 1024,
    # Page size of the plugin's list pages (REST pagination follows the platform's DefaultPagination).
    "PERF_MGMT_PAGE_SIZE": 50,
    # Where the shell's "Sign out" button posts (the LMS's logout view).
    "PERF_MGMT_LOGOUT_URL": "/logout",
    # How assessments become a person's current level (docs/decisions/0005-competency-current-level-policy.rst):
    # a manager rating within the window wins if ``manager_wins``; otherwise the weighted mean of the per-source
    # means of each rater's latest rating made within ``recency_days`` (None: no window). Weight 0 ignores a source.
    "PERF_MGMT_COMPETENCY_POLICY": {
        "manager_wins": True,
        "recency_days": 730,
        "weights": {"self": 1.0, "manager": 3.0, "peer": 1.0, "direct_report": 1.0, "course": 2.0, "observed": 2.0},
    },
    # First month (1-12) of the organisation's financial year: quarters, halves and years of strategy periods follow it.
    "PERF_MGMT_FISCAL_YEAR_START_MONTH": 1,
    # How objective forecasts are made (docs/decisions/0006-strategy-forecasts.rst): pace is measured over the last
    # ``window_days`` of progress history; before ``min_history_days`` of work nothing is forecast; actual pace /
    # required pace below ``at_risk_below`` is at risk, below ``off_track_below`` off track.
    "PERF_MGMT_FORECAST": {"window_days": 28, "min_history_days": 7, "at_risk_below": 0.9, "off_track_below": 0.6},
    # Smallest group of answers whose appraisal process survey results (and rating distributions) are shown, on
    # pages, through the API and in CSV exports; smaller groups are hidden with their free text (at least 2).
    "PERF_MGMT_SURVEY_MIN_GROUP": 3,
    # Days a cycle's process survey takes answers after the cycle closes; its results are released only after that
    # (or once everyone invited has answered), so no read before and after one answer tells that answer.
    "PERF_MGMT_SURVEY_DAYS": 14,
    # Days before an appraisal step's deadline when the people who owe it are reminded (once; again once overdue).
    "PERF_MGMT_APPRAISAL_REMINDER_DAYS": 3,
    # Celery queue for the plugin's tasks; None uses the platform's default routing.
    "PERF_MGMT_CELERY_QUEUE": None,
    # lane profiling: smallest group of raters (peers, direct reports, others) whose answers a 360 report shows;
    # smaller groups are merged into "others" when that reaches it, else hidden (ADR 0024). At least 2.
    "PERF_MGMT_PROFILING_MIN_GROUP": 3,
    # How far (in scale points) self and the others' mean differ before a blind spot or hidden strength is named.
    "PERF_MGMT_PROFILING_GAP_THRESHOLD": 1.0,
    # lane health: the organisational health pack (check-in window, when a manager's figures lag, trend length)
    # and successor suggestions (fit thresholds of each readiness, review score bands, pool size, vacancy horizon).
    "PERF_MGMT_HEALTH": {"checkin_weeks": 6, "min_checkin_share": 0.5, "low_survey_score": 3.0, "trend_points": 6},
    "PERF_MGMT_SUCCESSION": {
        "ready_now_fit": 0.9,
        "one_two_years_fit": 0.7,
        "low_performance": 2.5,
        "high_performance": 3.5,
        "pool_size": 10,
        "vacancy_months": 12,
    },
}


#: Names of the OpenAPI enums whose field names collide across the plugin's serializers (both are ``kind``).
ENUM_NAME_OVERRIDES = {
    "PerfMgmtOrgUnitKindEnum": "perf_mgmt_plugin.org.models.OrgUnit.KIND_CHOICES",
    "PerfMgmtImportKindEnum": "perf_mgmt_plugin.org.models.ImportJob.KIND_CHOICES",
    "PerfMgmtGapStatusEnum": "perf_mgmt_plugin.competencies.models.CompetencyGap.STATUS_CHOICES",
    "PerfMgmtAssessmentSourceEnum": "perf_mgmt_plugin.competencies.models.Assessment.SOURCE_CHOICES",
    "PerfMgmtCriticalityEnum": "perf_mgmt_plugin.competencies.models.PositionRequirement.CRITICALITY_CHOICES",
    "PerfMgmtCourseRecommendationKindEnum": "perf_mgmt_plugin.competencies.models.CourseRecommendation.KIND_CHOICES",
    "PerfMgmtObjectiveStatusEnum": "perf_mgmt_plugin.strategy.models.Objective.STATUS_CHOICES",
    "PerfMgmtObjectiveMeasureEnum": "perf_mgmt_plugin.strategy.models.Objective.MEASURE_CHOICES",
    "PerfMgmtCheckInStatusEnum": "perf_mgmt_plugin.strategy.models.CheckIn.STATUS_CHOICES",
    "PerfMgmtCheckInModeEnum": "perf_mgmt_plugin.strategy.models.CheckIn.MODE_CHOICES",
    "PerfMgmtCadenceEnum": "perf_mgmt_plugin.strategy.models.CheckInSeries.CADENCE_CHOICES",
    "PerfMgmtImpedimentSeverityEnum": "perf_mgmt_plugin.strategy.models.Impediment.SEVERITY_CHOICES",
    "PerfMgmtCourseRecommendationStatusEnum": (
        "perf_mgmt_plugin.competencies.models.CourseRecommendation.STATUS_CHOICES"
    ),
    "PerfMgmtPlanStatusEnum": "perf_mgmt_plugin.development.models.Plan.STATUS_CHOICES",
    "PerfMgmtPlanItemStatusEnum": "perf_mgmt_plugin.development.models.PlanItem.STATUS_CHOICES",
    "PerfMgmtPlanItemSourceEnum": "perf_mgmt_plugin.development.models.PlanItem.SOURCE_CHOICES",
    "PerfMgmtPlanItemKindEnum": "perf_mgmt_plugin.development.models.KIND_CHOICES",
    "PerfMgmtPlanItemCategoryEnum": "perf_mgmt_plugin.development.models.CATEGORY_CHOICES",
    "PerfMgmtCycleStatusEnum": "perf_mgmt_plugin.appraisals.models.Cycle.STATUS_CHOICES",
    "PerfMgmtCycleCadenceEnum": "perf_mgmt_plugin.appraisals.models.Cycle.CADENCE_CHOICES",
    "PerfMgmtCycleLaunchStatusEnum": "perf_mgmt_plugin.appraisals.models.Cycle.LAUNCH_CHOICES",
    "PerfMgmtTemplateSectionKindEnum": "perf_mgmt_plugin.appraisals.models.TemplateSection.KIND_CHOICES",
    "PerfMgmtReviewStageEnum": "perf_mgmt_plugin.appraisals.models.Review.STAGE_CHOICES",
    "PerfMgmtReviewMeetingModeEnum": "perf_mgmt_plugin.appraisals.models.Review.MEETING_MODE_CHOICES",
    "PerfMgmtInterimNoteTagEnum": "perf_mgmt_plugin.appraisals.models.InterimNote.TAG_CHOICES",
    "PerfMgmtFollowUpActionKindEnum": "perf_mgmt_plugin.appraisals.models.FollowUpAction.KIND_CHOICES",
    "PerfMgmtFollowUpActionStatusEnum": "perf_mgmt_plugin.appraisals.models.FollowUpAction.STATUS_CHOICES",
    "PerfMgmtSurveyRoleEnum": "perf_mgmt_plugin.appraisals.models.SurveyInvitation.ROLE_CHOICES",
}


#: The pages' translations (``<locale>/LC_MESSAGES/django.mo``), compiled and shipped with the package.
LOCALE_DIR = str(Path(__file__).resolve().parents[1] / "conf" / "locale")


def add_locale_path(settings):
    """
    Append the pages' catalogues to ``LOCALE_PATHS`` (after the platform's own, which win for shared strings).

    The LMS's ``LOCALE_PATHS`` is still a function when plugin settings run (``lms/envs/common.py`` marks it
    ``derived`` and ``derive_settings`` calls it at the end): it is then wrapped, not replaced.
    """
    paths = getattr(settings, "LOCALE_PATHS", [])
    if callable(paths):

        def locale_paths(final_settings, platform_paths=paths):
            return [*platform_paths(final_settings), LOCALE_DIR]

        settings.LOCALE_PATHS = locale_paths
    elif LOCALE_DIR not in [str(path) for path in paths]:
        settings.LOCALE_PATHS = [*paths, LOCALE_DIR]


#: Apps the plugin's API docs page needs (drf-spectacular's templates, the sidecar's Swagger UI static files); the
#: LMS does not install them. Neither has models.
REQUIRED_APPS = ("drf_spectacular", "drf_spectacular_sidecar")


def plugin_settings(settings):
    """
    Apply defaults for every setting the operator has not set, add the pages' translations, install the apps the API
    docs need, and name the plugin's OpenAPI enums.
    """
    for name, value in DEFAULTS.items():
        if not hasattr(settings, name):
            setattr(settings, name, value)
    add_locale_path(settings)
    installed = getattr(settings, "INSTALLED_APPS", [])
    missing = [app for app in REQUIRED_APPS if app not in installed]
    if isinstance(installed, list):
        installed.extend(missing)  # in place, as the LMS's own list is shared by later settings modules
    elif missing:
        settings.INSTALLED_APPS = [*installed, *missing]
    # The LMS has no SPECTACULAR_SETTINGS: make one holding only the plugin's (namespaced) enum names.
    if not isinstance(getattr(settings, "SPECTACULAR_SETTINGS", None), dict):
        settings.SPECTACULAR_SETTINGS = {}
    overrides = settings.SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})
    for name, choices in ENUM_NAME_OVERRIDES.items():
        overrides.setdefault(name, choices)
