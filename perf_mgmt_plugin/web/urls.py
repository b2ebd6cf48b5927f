"""URLs of the pages."""

from django.urls import path

from . import import_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("team/", views.my_team, name="my-team"),
    path("people/", views.people, name="people"),
    path("org-chart/", views.org_chart, name="org-chart"),
    path("courses/", views.course_staff, name="course-staff"),
    path("org-import/", import_views.upload, name="org-import"),
    path("org-import/<int:pk>/", import_views.job_page, name="org-import-job"),
    path("org-import/<int:pk>/apply/", import_views.apply, name="org-import-apply"),
]
