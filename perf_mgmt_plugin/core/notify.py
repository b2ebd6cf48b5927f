"""
The one way the plugin sends a message to a person (issue 18: every email through one notifier).

Callers name a message and give its context; the message's text lives in templates laid out as edx-ace lays them
out, so the notifier can move onto edx-ace (message types, channels, the user's language and preferences) without
touching a caller::

    perf_mgmt/edx_ace/<message_name>/email/subject.txt
    perf_mgmt/edx_ace/<message_name>/email/body.txt
    perf_mgmt/edx_ace/<message_name>/email/body.html   (optional)

Until then this renders those templates in the recipient's language and sends them with Django's mail backend.
"""

from django.core.mail import EmailMultiAlternatives, get_connection
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

APP_LABEL = "perf_mgmt"


def _template(message_name, part):
    return f"{APP_LABEL}/edx_ace/{message_name}/email/{part}"


def build(message_name, recipient, context, *, cc=(), language=None):
    """The email for ``recipient`` (a user with an address) or ``None`` when they have no address."""
    if not getattr(recipient, "email", ""):
        return None
    context = {**context, "recipient": recipient}
    with translation.override(language or translation.get_language()):
        subject = " ".join(render_to_string(_template(message_name, "subject.txt"), context).split())
        body = render_to_string(_template(message_name, "body.txt"), context)
        try:
            html = render_to_string(_template(message_name, "body.html"), context)
        except TemplateDoesNotExist:
            html = None
    message = EmailMultiAlternatives(subject=subject, body=body, to=[recipient.email], cc=[c for c in cc if c])
    if html:
        message.attach_alternative(html, "text/html")
    return message


def send(message_name, recipient, context, *, cc=(), language=None):
    """Send one message; returns how many were sent (0 when the recipient has no address)."""
    return send_many([(message_name, recipient, context, cc)], language=language)


def send_many(messages, *, language=None):
    """Send ``(message_name, recipient, context, cc)`` tuples over one connection; returns how many were sent."""
    built = [m for m in (build(name, to, ctx, cc=cc, language=language) for name, to, ctx, cc in messages) if m]
    if not built:
        return 0
    return get_connection().send_messages(built) or 0
