"""
How the platform's authentication classes appear in the OpenAPI schema.

drf-spectacular only knows DRF's own classes; without these, the schema lists the endpoints with no way to call them
(and ``manage.py spectacular`` warns for every view). Registration happens when this module is imported, which
``rest_api/v1/base.py`` does.
"""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class JwtAuthenticationScheme(OpenApiAuthenticationExtension):
    """The platform's JWT: ``Authorization: JWT <token>`` (a token from the LMS's OAuth2 ``/oauth2/access_token``)."""

    target_class = "edx_rest_framework_extensions.auth.jwt.authentication.JwtAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A JWT from the LMS, sent as "JWT <token>".',
        }


class SessionAllowInactiveScheme(OpenApiAuthenticationExtension):
    """The LMS session cookie (what the plugin's own pages use), CSRF-protected for writes."""

    target_class = "edx_rest_framework_extensions.auth.session.authentication.SessionAuthenticationAllowInactiveUser"
    name = "sessionAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": getattr(settings, "SESSION_COOKIE_NAME", "sessionid")}
