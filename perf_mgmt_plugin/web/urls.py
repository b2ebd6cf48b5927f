"""URLs of the pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("team/", views.my_team, name="my-team"),
    path("people/", views.people, name="people"),
    path("org-chart/", views.org_chart, name="org-chart"),
    path("courses/", views.course_staff, name="course-staff"),
]
