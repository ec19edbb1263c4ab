"""Sending to the patient: e-mail through Django's e-mail framework, text messages through a small backend
interface of their own (``TEXT_MESSAGE_BACKEND``, a dotted path; the console backend by default).

A text backend is a class with ``send_messages(messages)``, taking a list of ``TextMessage`` and raising an
exception when one cannot be sent. ``LocmemTextBackend`` keeps messages in ``outbox`` (the tests use it, so
nothing is sent); ``ConsoleTextBackend`` writes them to the server's output, which is only for development: a
message carries the patient's personal link, so ``can_send`` refuses channels whose backend writes to logs unless
``DEBUG`` is on.
"""

import sys
import threading
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from .models import LinkDelivery


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


class ConsoleTextBackend:
    """Writes each message to standard output (development only)."""

    def send_messages(self, messages):
        for message in messages:
            sys.stdout.write(f"Text message to {message.to}:\n{message.body}\n{'-' * 40}\n")
        sys.stdout.flush()
        return len(messages)


#: Messages "sent" with ``LocmemTextBackend``, like ``django.core.mail.outbox``.
outbox = []
_outbox_lock = threading.Lock()


class LocmemTextBackend:
    """Keeps messages in ``referrals.patient_link.messaging.outbox``; sends nothing."""

    def send_messages(self, messages):
        with _outbox_lock:
            outbox.extend(messages)
        return len(messages)


#: Backends that write what they "send" to the server's output or files, where a personal link must never go.
WRITES_TO_LOGS = {
    "referrals.patient_link.messaging.ConsoleTextBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


def text_backend_path():
    return getattr(settings, "TEXT_MESSAGE_BACKEND", "referrals.patient_link.messaging.ConsoleTextBackend")


def can_send(channel):
    """Whether the app may send a personal link by ``channel`` (text or e-mail): its backend is a real one, or
    ``DEBUG`` is on."""
    path = text_backend_path() if channel == LinkDelivery.TEXT else settings.EMAIL_BACKEND
    return settings.DEBUG or path not in WRITES_TO_LOGS


def send_text(to, body):
    import_string(text_backend_path())().send_messages([TextMessage(to=to, body=body)])


def send_email(to, subject, body):
    send_mail(subject, body, None, [to], fail_silently=False)


def send(channel, *, patient, subject, body):
    """Send ``body`` to ``patient`` by ``channel`` (their phone for text, their e-mail address for e-mail)."""
    if channel == LinkDelivery.TEXT:
        send_text(patient.phone, body)
    elif channel == LinkDelivery.EMAIL:
        send_email(patient.email, subject, body)
    else:
        raise ValueError(f"Cannot send by {channel!r}.")
