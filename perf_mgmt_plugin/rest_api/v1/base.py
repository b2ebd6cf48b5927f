"""What every v1 view shares: the platform's authentication classes and pagination."""

from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
from edx_rest_framework_extensions.auth.session.authentication import SessionAuthenticationAllowInactiveUser
from edx_rest_framework_extensions.paginators import DefaultPagination
from rest_framework.exceptions import ValidationError

from .. import schema_auth  # noqa: F401  (registers the schema's authentication schemes)
from .schema import ApiAutoSchema

AUTHENTICATION_CLASSES = (JwtAuthentication, SessionAuthenticationAllowInactiveUser)


class ApiPagination(DefaultPagination):
    """The platform's pagination (count, num_pages, next, previous, results) with ``page_size`` up to 200."""

    page_size = 50
    max_page_size = 200

    def get_page_size(self, request):
        """``page_size`` when sent must be a whole number from 1 (larger ones are cut to ``max_page_size``)."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        text = raw.strip()
        if not text.isdigit() or int(text) < 1:
            message = f"page_size must be a whole number from 1 to {self.max_page_size}."
            raise ValidationError({self.page_size_query_param: [message]})
        return min(int(text), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
            elif parameter["name"] == self.page_query_param:
                parameter["schema"].update({"minimum": 1})
        return parameters


class ApiViewMixin:
    """Authentication, pagination and the OpenAPI schema of every v1 view."""

    authentication_classes = AUTHENTICATION_CLASSES
    pagination_class = ApiPagination
    schema = ApiAutoSchema()
