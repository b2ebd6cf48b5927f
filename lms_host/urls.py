"""URLs of the stand-in host; plugin URLs are added with the LMS's own call (lms/urls.py)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views import defaults
from django.views.generic import RedirectView
from edx_django_utils.plugins import get_plugin_url_patterns

from .courses import views as course_views


def workbench_patterns():
    """The xblock-sdk workbench's URLs (the XBlock runtime), without its own copy of the admin site."""
    from workbench import urls as workbench_urls  # pylint: disable=import-outside-toplevel

    return [p for p in workbench_urls.urlpatterns if "admin" not in str(getattr(p, "pattern", ""))]


def server_error(request):
    """
    The host's 500: JSON for the REST API (and clients that ask for JSON), else the page ``500.html`` with the
    navigation and a way back (the workbench's own ``500.html`` is empty and must not win).
    """
    if request.path.startswith("/perf-mgmt/api/") or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {"detail": "Server error: the request could not be completed.", "code": "server_error"}, status=500
        )
    return defaults.server_error(request)


handler500 = server_error

urlpatterns = [
    path("", RedirectView.as_view(url="/perf-mgmt/", permanent=False)),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    re_path(r"^courses/(?P<course_id>[^/]+)/$", course_views.course_home, name="host_course"),
    re_path(r"^courses/(?P<course_id>[^/]+)/enroll/$", course_views.enroll, name="host_course_enroll"),
    # The course team's stand-in for Studio: components with their editors, OLX export and import.
    re_path(r"^courses/(?P<course_id>[^/]+)/studio/$", course_views.course_studio, name="host_course_studio"),
    re_path(
        r"^courses/(?P<course_id>[^/]+)/studio/(?P<block_id>\d+)/$",
        course_views.block_editor,
        name="host_course_block_editor",
    ),
    re_path(
        r"^courses/(?P<course_id>[^/]+)/studio/(?P<block_id>\d+)/olx/$",
        course_views.block_olx,
        name="host_course_block_olx",
    ),
    re_path(r"^courses/(?P<course_id>[^/]+)/masquerade/$", course_views.masquerade, name="host_course_masquerade"),
    # Studio's handler view, for the editor pages (Studio's runtime and services; stores only for the course team).
    re_path(
        r"^courses/(?P<course_id>[^/]+)/studio/xblock/(?P<usage_id>[^/]+)/(?P<handler>[^/]+)/(?P<suffix>.*)$",
        course_views.studio_xblock_handler,
        name="host_studio_xblock_handler",
    ),
    # XBlock handlers of a course page; the workbench JS runtime calls {handlerBaseUrl}{usage}/{handler}/{suffix}.
    re_path(
        r"^courses/(?P<course_id>[^/]+)/xblock/(?P<usage_id>[^/]+)/(?P<handler>[^/]+)/(?P<suffix>.*)$",
        course_views.xblock_handler,
        name="host_course_xblock_handler",
    ),
    path("workbench/", include(workbench_patterns())),
]
urlpatterns.extend(get_plugin_url_patterns("lms.djangoapp"))
