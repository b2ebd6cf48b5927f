"""
The plugin's routes as the running URLconf has them: every URL pattern under the ``perf_mgmt`` namespace (pages and
REST), found by walking the resolver, so tests over "every page and endpoint" see a new one without being told.
"""

import inspect
import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

NAMESPACE = "perf_mgmt"


@dataclass(frozen=True)
class Route:
    """One URL pattern: its namespaced name, its route with converters (``perf-mgmt/people/<int:pk>/``), its view."""

    name: str
    route: str
    callback: object

    @property
    def is_api(self):
        return ":api-v1:" in self.name

    @property
    def short_name(self):
        """The name without the namespaces, prefixed ``api.`` for REST (``api.person``, ``page.people``)."""
        return ("api." if self.is_api else "page.") + self.name.rsplit(":", 1)[-1]

    @property
    def kwargs(self):
        return tuple(re.findall(r"<(?:\w+:)?(\w+)>", self.route))

    @property
    def view(self):
        """The view class (class-based views) or the undecorated function."""
        return getattr(self.callback, "view_class", None) or inspect.unwrap(self.callback)

    def source(self):
        return inspect.getsource(self.view)

    def path(self, **kwargs):
        """The URL with ``kwargs`` put in (no reverse(): it works for planted routes that are not in the URLconf)."""
        path = self.route.replace("^", "").replace("$", "")
        for key, value in kwargs.items():
            path = re.sub(rf"<(?:\w+:)?{key}>", str(value), path)
        return "/" + path


def _walk(patterns, prefix, namespaces):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            spaces = namespaces + [entry.namespace] if entry.namespace else namespaces
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), spaces)
        elif isinstance(entry, URLPattern):
            yield namespaces, prefix + str(entry.pattern), entry


def plugin_routes(patterns=None):
    """Every route of the plugin in ``patterns`` (by default the project's URLconf), in URLconf order."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    routes = []
    for namespaces, route, entry in _walk(patterns, "", []):
        if namespaces[:1] != [NAMESPACE] or not entry.name:
            continue
        routes.append(Route(name=":".join([*namespaces, entry.name]), route=route, callback=entry.callback))
    return routes
