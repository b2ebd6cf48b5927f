"""
Rich-text sanitising: the one function every domain uses before storing user-written HTML.

Descriptions of scale levels, notes and comments may carry formatting, never scripts, styles or event handlers.
"""

import bleach

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "blockquote", "h3", "h4", "code", "pre"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def sanitize_html(value):
    """Return ``value`` with only safe formatting tags kept; ``None`` and empty strings pass through."""
    if not value:
        return value or ""
    return bleach.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
    )
