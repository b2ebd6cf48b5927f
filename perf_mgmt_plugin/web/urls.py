"""URLs of the pages."""

from django.urls import path

from . import competency_views, development_views, import_views, strategy_views, views

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
]
