"""URLs of the pages."""

from django.urls import path

from . import (
    appraisal_coach_views,
    appraisal_cycle_views,
    appraisal_template_views,
    appraisal_views,
    blended_views,
    competency_views,
    development_views,
    import_views,
    requirement_views,  # lane host
    strategy_views,
    views,
)

# lane health: organisational health and succession (issue 19)
# isort: split
from . import health_views, succession_views

urlpatterns = [
    path("", views.home, name="home"),
    path("team/", views.my_team, name="my-team"),
    path("people/", views.people, name="people"),
    path("org-chart/", views.org_chart, name="org-chart"),
    path("courses/", views.course_staff, name="course-staff"),
    path("org-import/", import_views.upload, name="org-import"),
    path("org-import/<int:pk>/", import_views.job_page, name="org-import-job"),
    path("org-import/<int:pk>/apply/", import_views.apply, name="org-import-apply"),
    path("competencies/", competency_views.my_competencies, name="my-competencies"),
    path("gap-audit/", competency_views.gap_audit, name="gap-audit"),
    path("gap-audit/cell/", competency_views.gap_audit_cell, name="gap-audit-cell"),
    path("gap-audit/export.csv", competency_views.gap_audit_csv, name="gap-audit-csv"),
    path("gap-audit/cell/courses/", competency_views.gap_audit_cell_courses, name="gap-audit-cell-courses"),
    path("people/<int:pk>/competencies/", competency_views.person_competencies, name="person-competencies"),
    path(
        "competencies/recommendations/<int:pk>/",
        competency_views.respond_to_recommendation,
        name="respond-to-recommendation",
    ),
    path("plan/", development_views.my_plan, name="my-plan"),
    path("team/plans/", development_views.team_plans, name="team-plans"),
    path("plans/<int:pk>/", development_views.plan_review, name="plan-review"),
    path("courses/<str:course_id>/learners/", development_views.course_learners, name="course-learners"),
    path("courses/<str:course_id>/learners.csv", development_views.course_learners_csv, name="course-learners-csv"),
    path("objectives/", strategy_views.my_objectives, name="my-objectives"),
    path("objectives/<int:pk>/", strategy_views.objective_detail, name="objective"),
    path("objectives/new/", strategy_views.objective_new, name="objective-new"),
    path("objectives/<int:pk>/new/", strategy_views.objective_new, name="objective-new-child"),
    path("objectives/<int:pk>/edit/", strategy_views.objective_edit, name="objective-edit"),
    path("objectives/<int:pk>/cascade/", strategy_views.objective_cascade, name="objective-cascade"),
    path("strategy/team/", strategy_views.manager_dashboard, name="strategy-dashboard"),
    path("strategy/cascade/", strategy_views.cascade, name="cascade"),
    path("strategy/cascade.csv", strategy_views.cascade_csv, name="cascade-csv"),
    path("check-ins/<int:pk>/", strategy_views.check_in_detail, name="check-in"),
    path("strategy/<str:kind>/<int:pk>/resolve/", strategy_views.resolve_item, name="resolve-item"),
    path("reviews/", appraisal_views.my_reviews, name="my-reviews"),
    path("reviews/team/", appraisal_views.team_reviews, name="team-reviews"),
    path("reviews/coaching/", appraisal_views.coaching_list, name="coaching"),
    path("reviews/<int:pk>/", appraisal_views.review_page, name="appraisal-review"),
    path("reviews/survey/<int:pk>/", appraisal_views.survey_page, name="appraisal-survey"),
    path("people/<int:pk>/notes/", appraisal_views.person_notes, name="person-notes"),
    path("notes/<int:pk>/edit/", appraisal_views.note_edit, name="note-edit"),
    path("team/notes/", appraisal_views.quick_note, name="quick-note"),
    path("review-cycles/", appraisal_cycle_views.cycle_list, name="appraisal-cycles"),
    path("review-templates/", appraisal_template_views.template_list, name="appraisal-templates"),
    path("review-templates/new/", appraisal_template_views.template_new, name="appraisal-template-new"),
    path("review-templates/<int:pk>/edit/", appraisal_template_views.template_edit, name="appraisal-template-edit"),
    path("review-cycles/new/", appraisal_cycle_views.cycle_new, name="appraisal-cycle-new"),
    path("review-cycles/<int:pk>/", appraisal_cycle_views.cycle_detail, name="appraisal-cycle"),
    path("review-cycles/<int:pk>/progress/", appraisal_cycle_views.cycle_progress, name="appraisal-cycle-progress"),
    path("review-cycles/<int:pk>/launch/", appraisal_cycle_views.cycle_launch, name="appraisal-cycle-launch"),
    path("review-cycles/<int:pk>/close/", appraisal_cycle_views.cycle_close, name="appraisal-cycle-close"),
    path("review-cycles/<int:pk>/coaches/", appraisal_coach_views.cycle_coaches, name="appraisal-cycle-coaches"),
    path(
        "review-cycles/<int:pk>/survey.csv", appraisal_cycle_views.cycle_survey_csv, name="appraisal-cycle-survey-csv"
    ),
    # lane host: HR's position requirements editor
    path("competencies/positions/", requirement_views.position_list, name="requirement-positions"),
    path(
        "competencies/positions/<int:pk>/requirements/",
        requirement_views.position_requirements,
        name="position-requirements",
    ),
    # lane guide: blended modules (observations, job aids)
    path("team/observations/", blended_views.observations, name="observations"),
    path("job-aids/<int:pk>/download/", blended_views.job_aid_download, name="job-aid-download"),
]

# lane profiling: 360 feedback pages
from . import profiling_views  # noqa: E402

urlpatterns += [
    path("feedback/", profiling_views.my_feedback, name="my-feedback"),
    path("feedback/answer/<int:pk>/", profiling_views.answer, name="feedback-answer"),
    path("feedback/subjects/<int:pk>/nominate/", profiling_views.nominate, name="feedback-nominate"),
    path("feedback/subjects/<int:pk>/approve/", profiling_views.approve, name="feedback-approve"),
    path("feedback/subjects/<int:pk>/report/", profiling_views.report, name="feedback-report"),
    path("feedback/subjects/<int:pk>/report/print/", profiling_views.report_print, name="feedback-report-print"),
    path("feedback/subjects/<int:pk>/report.csv", profiling_views.report_csv, name="feedback-report-csv"),
    path("feedback/subjects/<int:pk>/add-to-plan/", profiling_views.add_to_plan, name="feedback-add-to-plan"),
    path("feedback/profiles/", profiling_views.profiles, name="feedback-profiles"),
    path("feedback/profiles/<int:pk>/", profiling_views.profile_detail, name="feedback-profile"),
    path("feedback/rounds/", profiling_views.rounds, name="feedback-rounds"),
    path("feedback/rounds/<int:pk>/", profiling_views.round_detail, name="feedback-round"),
    # lane health: organisational health and succession (issue 19)
    path("health/", health_views.health_pack, name="health"),
    path("health/preference/", health_views.health_preference, name="health-preference"),
    path("health/managers/<int:pk>/", health_views.manager_flag, name="health-manager"),
    path("succession/", succession_views.key_positions, name="succession"),
    path("succession/<int:pk>/", succession_views.key_position, name="succession-position"),
    path("talent-review/", succession_views.talent_grid, name="talent-grid"),
]
