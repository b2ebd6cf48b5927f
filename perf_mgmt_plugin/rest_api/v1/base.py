"""What every v1 view shares: the platform's authentication classes and pagination."""

from django.http import Http404
from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
from edx_rest_framework_extensions.auth.session.authentication import SessionAuthenticationAllowInactiveUser
from edx_rest_framework_extensions.paginators import DefaultPagination
from rest_framework.exceptions import NotFound

from .. import schema_auth  # noqa: F401  (registers the schema's authentication schemes)

AUTHENTICATION_CLASSES = (JwtAuthentication, SessionAuthenticationAllowInactiveUser)


class ApiPagination(DefaultPagination):
    """The platform's pagination (count, num_pages, next, previous, results) with ``page_size`` up to 200."""

    page_size = 50
    max_page_size = 200


class ApiViewMixin:
    """Authentication, pagination and error bodies of every v1 view."""

    authentication_classes = AUTHENTICATION_CLASSES
    pagination_class = ApiPagination

    def handle_exception(self, exc):
        # One body for every 404: "No Employee matches the given query." for a missing id and "Not found." for one
        # out of sight would tell the two apart.
        if isinstance(exc, Http404):
            exc = NotFound()
        return super().handle_exception(exc)
