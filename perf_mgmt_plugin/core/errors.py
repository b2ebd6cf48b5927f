"""
The one base of every domain error (issue 18).

Domain functions refuse a request by raising a subclass of :class:`DomainError`; entry points translate it once:
REST through its exception handler, pages through their web helper, XBlock handlers into their JSON error. It
derives from ``Exception`` and never from a built-in such as ``ValueError``, so an ``except DomainError`` cannot
swallow a programming error by accident.
"""


class DomainError(Exception):
    """A request the domain refuses, with a message written for the person who made it."""
