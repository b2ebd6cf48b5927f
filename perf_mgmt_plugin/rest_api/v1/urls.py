"""URLs of v1."""

from django.urls import path

from . import views, views_import

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
]
