"""
``extend_schema`` for the plugin's views, independent of the platform's ``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``.

drf-spectacular's ``extend_schema`` builds its schema class, when the module is imported, on top of the decorated
function's ``schema`` attribute or else DRF's ``DEFAULT_SCHEMA_CLASS``. The LMS sets none, so there the base would be
DRF's own ``AutoSchema``, whose ``get_operation`` drf-spectacular cannot call: the schema would answer 500. This
wrapper gives every decorated method drf-spectacular's ``AutoSchema`` as its base first; the views' class-level
``schema`` (``v1/base.py``) covers the methods without a decorator. Import ``extend_schema`` from here, not from
``drf_spectacular.utils`` (``tests/test_house_rules.py`` checks it).
"""

from drf_spectacular import utils

from .v1.schema import ApiAutoSchema


def extend_schema(*args, **kwargs):
    """
    drf-spectacular's ``extend_schema``, always based on the views' own ``ApiAutoSchema`` (a drf-spectacular
    ``AutoSchema``): a method's schema then extends its view's, and drf-spectacular need not rearrange the two class
    hierarchies, which fails ("duplicate base class") when the default schema class is DRF's, as in the LMS.
    """
    decorate = utils.extend_schema(*args, **kwargs)

    def decorator(func):
        if isinstance(func, type) or hasattr(func, "schema") or "schema" in getattr(func, "kwargs", {}):
            return decorate(func)  # a view class, or a schema already chosen (stacked decorators)
        func.schema = ApiAutoSchema  # what drf-spectacular takes as the base before DEFAULT_SCHEMA_CLASS
        try:
            return decorate(func)
        finally:
            del func.schema

    return decorator
