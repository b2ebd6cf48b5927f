"""URLs of v1."""

from django.urls import path

from . import competency_views as cv
from . import taxonomy_views, views, views_import

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
]
