"""What every v1 view shares: the platform's authentication classes and pagination."""

from drf_spectacular.openapi import AutoSchema
from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
from edx_rest_framework_extensions.auth.session.authentication import SessionAuthenticationAllowInactiveUser
from edx_rest_framework_extensions.paginators import DefaultPagination

from .. import schema_auth  # noqa: F401  (registers the schema's authentication schemes)

AUTHENTICATION_CLASSES = (JwtAuthentication, SessionAuthenticationAllowInactiveUser)


class ApiPagination(DefaultPagination):
    """The platform's pagination (count, num_pages, next, previous, results) with ``page_size`` up to 200."""

    page_size = 50
    max_page_size = 200


class ApiViewMixin:
    """
    Authentication, pagination and OpenAPI schema class of every v1 view.

    The schema class is set here, not through ``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``: the LMS sets none (DRF's
    own ``AutoSchema`` is the default there), and drf-spectacular refuses to describe a view without its ``AutoSchema``.
    """

    authentication_classes = AUTHENTICATION_CLASSES
    pagination_class = ApiPagination
    schema = AutoSchema()
