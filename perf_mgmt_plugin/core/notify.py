"""
The one way the plugin sends a message to a person: edx-ace, as the platform sends its own (issue 18, ADR 0019).

Every message is an edx-ace ``MessageType`` declared once, next to the code that sends it, by subclassing
:class:`PerfMgmtMessage` with a ``NAME``; its text lives in templates laid out as edx-ace looks them up::

    perf_mgmt/edx_ace/<message_name>/email/{from_name.txt,subject.txt,head.html,body.html,body.txt}

Callers name the message and give its context (the recipient is added as ``recipient``)::

    notify.send("overdue_plan_items", owner.user, {"items": items}, cc=[manager.user])

edx-ace then applies the platform's policies (in the LMS ``ACE_ENABLED_POLICIES``, e.g. the bulk e-mail opt-out),
picks the channel (``ACE_CHANNEL_DEFAULT_EMAIL``: the LMS's ``django_email``), renders the templates in the
message's language and delivers. edx-ace sends each message to one recipient, so a copy (``cc``) is a message of
its own to the person copied, with the same context; its ``Cc`` header names them on the main one.
"""

import logging

from django.utils import translation
from edx_ace import ace
from edx_ace.message import MessageType
from edx_ace.recipient import Recipient
from edx_ace.signals import ACE_MESSAGE_SENT

log = logging.getLogger(__name__)

APP_LABEL = "perf_mgmt"

#: ``NAME`` -> the :class:`PerfMgmtMessage` subclass that declared it.
MESSAGE_TYPES = {}


class PerfMgmtMessage(MessageType):
    """
    The plugin's messages: ``APP_LABEL`` ``perf_mgmt`` (the templates' folder). A subclass with a ``NAME`` is one
    message type and is registered under it; :func:`send` refuses a name nobody declared.
    """

    APP_LABEL = APP_LABEL

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.NAME:
            if MESSAGE_TYPES.get(cls.NAME, cls).__qualname__ != cls.__qualname__:
                raise ValueError(f"Two message types are named {cls.NAME!r}.")
            MESSAGE_TYPES[cls.NAME] = cls


def message_type(message_name):
    """The message type declared as ``message_name`` (a ``LookupError`` for a name nobody declared: a bug)."""
    try:
        return MESSAGE_TYPES[message_name]
    except KeyError:
        raise LookupError(f"No message type is named {message_name!r}; declare a PerfMgmtMessage subclass.") from None


def _address(person):
    return person if isinstance(person, str) else getattr(person, "email", "")


def _recipient(person):
    return Recipient(lms_user_id=getattr(person, "pk", None), email_address=_address(person))


def _messages(message_name, recipient, context, cc, language):
    """The edx-ace messages of one send: the recipient's, then one per copy (none when the recipient has no address)."""
    if not _address(recipient):
        return []
    kind = message_type(message_name)(context={**context, "recipient": recipient})
    headers = {"Content-Language": language}
    copies = [person for person in cc if _address(person)]
    if copies:
        headers["Cc"] = ", ".join(_address(person) for person in copies)
    main = kind.personalize(recipient=_recipient(recipient), language=language, user_context={})
    main.headers.update(headers)
    result = [main]
    for person in copies:
        copy = kind.personalize(recipient=_recipient(person), language=language, user_context={"copy": True})
        copy.headers.update({"Content-Language": language})
        result.append(copy)
    return result


def send(message_name, recipient, context, cc=(), *, language=None):
    """
    Send one message (and its copies) through edx-ace; returns how many were delivered (0 when the recipient has no
    address). ``recipient`` and ``cc`` are users (or, for ``cc``, addresses); ``language`` defaults to the active one.
    """
    return send_many([(message_name, recipient, context, cc)], language=language)


def send_many(messages, *, language=None):
    """Send ``(message_name, recipient, context, cc)`` tuples through edx-ace; returns how many were delivered."""
    language = language or translation.get_language()
    outgoing = [m for name, to, context, cc in messages for m in _messages(name, to, context, cc, language)]
    ours = {str(message.uuid) for message in outgoing}
    delivered = set()

    def count(sender, message, **kwargs):  # pylint: disable=unused-argument
        # edx-ace signals each delivery with the message as a dict; other threads' messages are theirs to count.
        if message["uuid"] in ours:
            delivered.add(message["uuid"])

    ACE_MESSAGE_SENT.connect(count, weak=False)
    try:
        for message in outgoing:
            try:
                ace.send(message)
            except Exception:  # pylint: disable=broad-except
                # A mail server that refuses the connection must not undo or fail the action that sent the message
                # (it has committed already): the message is logged, not counted, and the others still go.
                log.exception("perf-mgmt could not send the %s message to %s", message.name, message.recipient)
    finally:
        ACE_MESSAGE_SENT.disconnect(count)
    return len(delivered)
