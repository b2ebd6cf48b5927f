"""
Template tags of the plugin's forms. ``{% idempotency_field %}``: the hidden ``idempotency_key`` of a create or
submit form, new at every render, so a double click (or a resent form) makes one record (ADR 0016).
"""

import uuid

from django import template
from django.utils.html import format_html

register = template.Library()

#: The name of the hidden field the pages read (``web.access.idempotency_key``).
FIELD = "idempotency_key"


@register.simple_tag
def idempotency_field():
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4().hex)
