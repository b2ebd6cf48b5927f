"""URLs of v1."""

from django.urls import path

from . import appraisal_views as av
from . import competency_views as cv
from . import development_views as dv
from . import strategy_views as sv
from . import taxonomy_views, views, views_import

# lane health: organisational health and succession (issue 19)
# isort: split
from . import health_views as hv

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("people/", views.PeopleListView.as_view(), name="people"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person"),
    path("people/<int:pk>/chain/", views.ChainView.as_view(), name="person-chain"),
    path("team/", views.TeamListView.as_view(), name="team"),
    path("org-units/", views.OrgUnitListView.as_view(), name="org-units"),
    path("positions/", views.PositionListView.as_view(), name="positions"),
    path("org-import/", views_import.OrgImportView.as_view(), name="org-import"),
    path("org-import/<int:pk>/", views_import.OrgImportJobView.as_view(), name="org-import-job"),
    path("competencies/frameworks/", cv.FrameworkListView.as_view(), name="frameworks"),
    path("competencies/frameworks/import/", cv.FrameworkImportView.as_view(), name="framework-import"),
    path(
        "competencies/frameworks/import-taxonomy/",
        taxonomy_views.TaxonomyImportView.as_view(),
        name="framework-import-taxonomy",
    ),
    path("competencies/taxonomies/", taxonomy_views.TaxonomyListView.as_view(), name="taxonomies"),
    path("competencies/frameworks/<slug:slug>/", cv.FrameworkDetailView.as_view(), name="framework"),
    path("competencies/frameworks/<slug:slug>/export/", cv.FrameworkExportView.as_view(), name="framework-export"),
    path("competencies/requirements/", cv.RequirementListView.as_view(), name="requirements"),
    path("competencies/requirements/<int:pk>/", cv.RequirementDetailView.as_view(), name="requirement"),
    path("competencies/gap-audit/", cv.GapAuditView.as_view(), name="gap-audit"),
    path("competencies/gap-audit/cell/", cv.GapAuditCellView.as_view(), name="gap-audit-cell"),
    path("competencies/gap-audit/export/", cv.GapAuditExportView.as_view(), name="gap-audit-export"),
    path("people/<int:pk>/assessments/", cv.PersonAssessmentsView.as_view(), name="person-assessments"),
    path("people/<int:pk>/gaps/", cv.PersonGapsView.as_view(), name="person-gaps"),
    path(
        "people/<int:pk>/course-recommendations/",
        cv.PersonCourseRecommendationsView.as_view(),
        name="person-course-recommendations",
    ),
    path(
        "competencies/course-recommendations/",
        cv.CourseRecommendationCreateView.as_view(),
        name="course-recommendations",
    ),
    path(
        "competencies/course-recommendations/<int:pk>/respond/",
        cv.CourseRecommendationRespondView.as_view(),
        name="course-recommendation-respond",
    ),
    path("strategy/objectives/", sv.ObjectiveListView.as_view(), name="objectives"),
    path("strategy/objectives/<int:pk>/", sv.ObjectiveDetailView.as_view(), name="objective"),
    path("strategy/objectives/<int:pk>/line-of-sight/", sv.LineOfSightView.as_view(), name="objective-sight"),
    path("strategy/objectives/<int:pk>/progress/", sv.ProgressView.as_view(), name="objective-progress"),
    path("strategy/objectives/<int:pk>/cascade/", sv.BulkCascadeView.as_view(), name="objective-cascade"),
    path("strategy/dashboard/", sv.DashboardView.as_view(), name="strategy-dashboard"),
    path("strategy/cascade/", sv.CascadeView.as_view(), name="cascade"),
    path("strategy/cascade/export/", sv.CascadeExportView.as_view(), name="cascade-export"),
    path("strategy/check-ins/", sv.CheckInListView.as_view(), name="check-ins"),
    path("strategy/check-ins/<int:pk>/", sv.CheckInDetailView.as_view(), name="check-in"),
    path("strategy/check-in-series/", sv.SeriesCreateView.as_view(), name="check-in-series"),
    path("strategy/help-requests/", sv.HelpRequestListView.as_view(), name="help-requests"),
    path("strategy/<str:kind>/<int:pk>/resolve/", sv.ResolveView.as_view(), name="strategy-resolve"),
    path("strategy/notifications/", sv.NotificationListView.as_view(), name="notifications"),
    path("development/plans/", dv.PlanListView.as_view(), name="plans"),
    path("development/plans/<int:pk>/", dv.PlanDetailView.as_view(), name="plan"),
    *[
        path(f"development/plans/<int:pk>/{name}/", dv.PlanActionView.as_view(transition=name), name=f"plan-{name}")
        for name in ("propose", "approve", "send-back", "complete", "archive")
    ],
    path("development/plans/<int:pk>/items/", dv.PlanItemsView.as_view(), name="plan-items"),
    path("development/plans/<int:pk>/items/approve/", dv.PlanItemsApproveView.as_view(), name="plan-items-approve"),
    *[
        path(
            f"development/plans/<int:pk>/items/<int:item_pk>/{name}/",
            dv.PlanItemActionView.as_view(transition=name),
            name=f"plan-item-{name}",
        )
        for name in ("enrol", "complete", "cancel")
    ],
    path("development/plans/<int:pk>/comments/", dv.PlanCommentsView.as_view(), name="plan-comments"),
    path("people/<int:pk>/plans/", dv.PersonPlansView.as_view(), name="person-plans"),
    path("development/templates/", dv.TemplateListView.as_view(), name="plan-templates"),
    path("development/templates/<slug:slug>/assign/", dv.TemplateAssignView.as_view(), name="plan-template-assign"),
    path("development/courses/<str:course_id>/learners/", dv.CourseLearnersView.as_view(), name="course-plan-learners"),
    path("appraisals/templates/", av.TemplateListView.as_view(), name="appraisal-templates"),
    path("appraisals/templates/<slug:slug>/", av.TemplateDetailView.as_view(), name="appraisal-template"),
    path("appraisals/cycles/", av.CycleListView.as_view(), name="appraisal-cycles"),
    path("appraisals/cycles/<int:pk>/", av.CycleDetailView.as_view(), name="appraisal-cycle"),
    path("appraisals/cycles/<int:pk>/launch/", av.CycleLaunchView.as_view(), name="appraisal-cycle-launch"),
    path(
        "appraisals/cycles/<int:pk>/launch-progress/",
        av.CycleLaunchProgressView.as_view(),
        name="appraisal-cycle-launch-progress",
    ),
    path("appraisals/cycles/<int:pk>/close/", av.CycleCloseView.as_view(), name="appraisal-cycle-close"),
    path("appraisals/cycles/<int:pk>/survey/", av.SurveySubmitView.as_view(), name="appraisal-survey-submit"),
    path("appraisals/cycles/<int:pk>/survey/results/", av.SurveyResultsView.as_view(), name="appraisal-survey-results"),
    path("appraisals/cycles/<int:pk>/survey/export/", av.SurveyExportView.as_view(), name="appraisal-survey-export"),
    *[
        path(f"appraisals/cycles/<int:pk>/reports/{name}/", view.as_view(), name=f"appraisal-report-{name}")
        for name, view in (
            ("completion", av.CompletionReportView),
            ("overdue", av.OverdueReportView),
            ("ratings", av.RatingDistributionReportView),
            ("coaching", av.CoachingCoverageReportView),
        )
    ],
    path("appraisals/reviews/", av.ReviewListView.as_view(), name="appraisal-reviews"),
    path("appraisals/reviews/<int:pk>/", av.ReviewDetailView.as_view(), name="appraisal-review"),
    *[
        path(f"appraisals/reviews/<int:pk>/{name}/", view.as_view(), name=f"appraisal-review-{name}")
        for name, view in (
            ("self-review", av.SelfReviewView),
            ("manager-review", av.ManagerReviewView),
            ("request-coaching", av.RequestCoachingView),
            ("share", av.ShareReviewView),
            ("meeting", av.MeetingView),
            ("attend", av.AttendView),
            ("sign-off", av.SignOffView),
            ("reopen", av.ReopenView),
            ("coaching-feedback", av.CoachingFeedbackView),
        )
    ],
    path("appraisals/reviews/<int:pk>/actions/", av.ReviewActionsView.as_view(), name="appraisal-review-actions"),
    *[
        path(
            f"appraisals/actions/<int:pk>/{step}/",
            av.ActionStepView.as_view(step=step),
            name=f"appraisal-action-{step}",
        )
        for step in ("complete", "cancel")
    ],
    path("appraisals/people/<int:pk>/notes/", av.PersonNotesView.as_view(), name="appraisal-person-notes"),
    path("appraisals/notes/<int:pk>/", av.NoteDetailView.as_view(), name="appraisal-note"),
    path("appraisals/cycles/<int:pk>/coaches/", av.CoachAssignView.as_view(), name="appraisal-cycle-coaches"),
    path(
        "appraisals/cycles/<int:pk>/coaches/<int:reviewer>/",
        av.CoachRemoveView.as_view(),
        name="appraisal-cycle-coach",
    ),
    path("appraisals/coaching/", av.CoachedReviewListView.as_view(), name="appraisal-coached-reviews"),
    path("appraisals/surveys/pending/", av.PendingSurveyListView.as_view(), name="appraisal-surveys-pending"),
    path("appraisals/surveys/trends/", av.SurveyTrendsView.as_view(), name="appraisal-survey-trends"),
    # lane health: organisational health and succession (issue 19)
    path("health/pack/", hv.HealthPackView.as_view(), name="health-pack"),
    path("health/pack.csv", hv.HealthPackCsvView.as_view(), name="health-pack-csv"),
    path("health/preference/", hv.HealthPreferenceView.as_view(), name="health-preference"),
    path("health/managers/<int:pk>/", hv.ManagerFlagView.as_view(), name="health-manager"),
    path("health/managers/<int:pk>/coaching-plan/", hv.CoachingPlanView.as_view(), name="health-coaching-plan"),
    path("succession/key-positions/", hv.KeyPositionListView.as_view(), name="succession-key-positions"),
    path("succession/key-positions/<int:pk>/", hv.KeyPositionPoolView.as_view(), name="succession-pool"),
    path("succession/key-positions/<int:pk>/pool.csv", hv.KeyPositionPoolCsvView.as_view(), name="succession-pool-csv"),
    path("succession/key-positions/<int:pk>/suggestions/", hv.SuggestionsView.as_view(), name="succession-suggestions"),
    path("succession/key-positions/<int:pk>/candidates/", hv.CandidateListView.as_view(), name="succession-candidates"),
    path("succession/candidates/<int:pk>/", hv.CandidateView.as_view(), name="succession-candidate"),
    path(
        "succession/candidates/<int:pk>/gaps-to-plan/", hv.CandidateGapsView.as_view(), name="succession-candidate-gaps"
    ),
    path("succession/people/<int:pk>/potential/", hv.PotentialView.as_view(), name="succession-potential"),
    path("succession/talent-grid/", hv.TalentGridView.as_view(), name="succession-talent-grid"),
]

# lane profiling: 360 feedback
from . import profiling_views as pv  # noqa: E402

urlpatterns += [
    path("profiling/profiles/", pv.ProfileListView.as_view(), name="profiling-profiles"),
    path("profiling/rounds/", pv.RoundListView.as_view(), name="profiling-rounds"),
    path("profiling/rounds/<int:pk>/", pv.RoundDetailView.as_view(), name="profiling-round"),
    path("profiling/rounds/<int:pk>/close/", pv.RoundCloseView.as_view(), name="profiling-round-close"),
    path("profiling/tasks/", pv.TaskListView.as_view(), name="profiling-tasks"),
    path("profiling/sheets/<int:pk>/", pv.SheetView.as_view(), name="profiling-sheet"),
    path("profiling/sheets/<int:pk>/decline/", pv.DeclineView.as_view(), name="profiling-decline"),
    path("profiling/subjects/<int:pk>/nominations/", pv.NominationsView.as_view(), name="profiling-nominations"),
    path("profiling/subjects/<int:pk>/approve/", pv.ApproveView.as_view(), name="profiling-approve"),
    path("profiling/subjects/<int:pk>/report/", pv.ReportView.as_view(), name="profiling-report"),
    path("profiling/subjects/<int:pk>/release/", pv.ReleaseView.as_view(), name="profiling-release"),
    # lane profiling2: profiles written over REST, one's own round, coaches, deadlines
    path("profiling/profiles/<int:pk>/", pv.ProfileDetailView.as_view(), name="profiling-profile"),
    path("profiling/profiles/<int:pk>/copy/", pv.ProfileCopyView.as_view(), name="profiling-profile-copy"),
    path("profiling/profiles/<int:pk>/status/", pv.ProfileStatusView.as_view(), name="profiling-profile-status"),
    path("profiling/own-round/", pv.OwnRoundView.as_view(), name="profiling-own-round"),
    path("profiling/subjects/<int:pk>/coach/", pv.CoachView.as_view(), name="profiling-coach"),
    path("profiling/rounds/<int:pk>/deadlines/", pv.RoundDeadlinesView.as_view(), name="profiling-round-deadlines"),
]
