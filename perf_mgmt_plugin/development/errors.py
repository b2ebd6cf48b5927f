"""Errors of the development domain: entry points show their message to the user (400 in REST)."""


class DevelopmentError(ValueError):
    """A request the development services refuse (wrong status, missing course, unknown kind...)."""
