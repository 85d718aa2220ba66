"""Sending outside the request: the one entry point views use to start a delivery run."""

import threading

from flask import Flask

from rsvp.events.models import Event
from rsvp.extensions import db
from rsvp.mailing.models import MessageKind
from rsvp.mailing.services import deliver_due
from rsvp.mailing.smtp import SmtpUnavailable


def start_delivery(app: Flask, event_id: int, kind: MessageKind) -> None:
    """Deliver the event's queued messages of ``kind`` without holding up the request.

    The messages must be queued and committed already. Runs in a thread with its own app
    context; its progress is in the Message rows, so a page can show it from any process.
    With a Celery broker configured the chunks go to the workers instead.
    """
    if "celery" in app.extensions:
        from rsvp.mailing.tasks import enqueue_delivery

        with app.app_context():
            enqueue_delivery(db.session, event_id, kind)
        return
    thread = threading.Thread(target=_deliver, args=(app, event_id, kind),
                              name=f"deliver-{event_id}-{kind.value}", daemon=True)
    thread.start()


def _deliver(app: Flask, event_id: int, kind: MessageKind) -> None:
    with app.app_context():
        try:
            event = db.session.get(Event, event_id)
            if event is not None:
                report = deliver_due(db.session, event, kind=kind)
                app.logger.info("%s for event %s: %s sent, %s failed, %s deferred", kind.value,
                                event_id, report.sent, report.failed, report.deferred)
        except SmtpUnavailable as exc:
            # Nothing is lost: the messages stay queued for the next run.
            app.logger.warning("%s for event %s stays queued: %s", kind.value, event_id, exc)
        except Exception:
            app.logger.exception("delivery of %s for event %s failed", kind.value, event_id)
        finally:
            db.session.remove()
