"""Delivering a notification: in the app (the row itself), by e-mail through Django's mail framework, and by SMS
through a pluggable backend (settings.WUXING_SMS_BACKEND; the console backend prints the message).

Every attempt is recorded as a `Delivery` (delivered or failed, with the error); a channel already recorded for a
notification is never tried again, so re-running a task after a worker restart sends nothing twice.

A provider's adapter is a class with `send(phone: str, text: str) -> None` that raises on failure, e.g.::

    class AliyunSMSBackend:
        def send(self, phone, text):
            response = client.send_sms(PhoneNumbers=phone, SignName=..., TemplateCode=..., TemplateParam=...)
            if response.code != "OK":
                raise RuntimeError(response.message)

named by its dotted path in WUXING_SMS_BACKEND.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from .choices import Channel, DeliveryStatus
from .models import Delivery, Notification

logger = logging.getLogger(__name__)
sms_logger = logging.getLogger("wuxing.rhythm.sms")


class ConsoleSMSBackend:
    """Writes the SMS to the log (logger `wuxing.rhythm.sms`) instead of sending it (the default)."""

    def send(self, phone: str, text: str) -> None:
        sms_logger.info("SMS to %s: %s", phone, text)


class LocmemSMSBackend:
    """Keeps the messages in `outbox` (tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        if phone.endswith("0000"):
            raise RuntimeError("unreachable number")
        self.outbox.append((phone, text))


def sms_backend():
    return import_string(getattr(settings, "WUXING_SMS_BACKEND", "wuxing.rhythm.delivery.ConsoleSMSBackend"))()


def channels() -> tuple[str, ...]:
    """Channels beside the app (always on): settings.WUXING_NOTIFY_CHANNELS, default e-mail and SMS."""
    return tuple(getattr(settings, "WUXING_NOTIFY_CHANNELS", (Channel.EMAIL, Channel.SMS)))


def _record(notification, channel, status, address="", error=""):
    try:
        with transaction.atomic():
            Delivery.objects.create(
                notification=notification, channel=channel, status=status, address=address, error=error[:500]
            )
    except IntegrityError:
        pass  # another run recorded it first


def deliver(notification_id: int) -> None:
    """Send a notification on every channel it has not been tried on yet; a failure is recorded, not raised."""
    notification = Notification.objects.select_related("user__person").filter(pk=notification_id).first()
    if notification is None:
        return
    done = set(notification.deliveries.values_list("channel", flat=True))
    if Channel.IN_APP not in done:
        _record(notification, Channel.IN_APP, DeliveryStatus.SENT)
    user = notification.user
    text = f"{notification.title}\n{notification.body}".strip()
    if Channel.EMAIL in channels() and Channel.EMAIL not in done and user.email:
        try:
            send_mail(notification.title, notification.body or notification.title, None, [user.email])
        except Exception as exc:  # noqa: BLE001 - any failure of the mail server is recorded
            logger.warning("e-mail to %s failed: %s", user.pk, exc)
            _record(notification, Channel.EMAIL, DeliveryStatus.FAILED, user.email, str(exc))
        else:
            _record(notification, Channel.EMAIL, DeliveryStatus.SENT, user.email)
    phone = user.person.phone if user.person_id else ""
    if Channel.SMS in channels() and Channel.SMS not in done and phone:
        masked = f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else phone
        try:
            sms_backend().send(phone, text)
        except Exception as exc:  # noqa: BLE001 - any failure of the provider is recorded
            logger.warning("SMS to %s failed: %s", user.pk, exc)
            _record(notification, Channel.SMS, DeliveryStatus.FAILED, masked, str(exc))
        else:
            _record(notification, Channel.SMS, DeliveryStatus.SENT, masked)
