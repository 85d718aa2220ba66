"""Sending outside the request: the one entry point views use to start a delivery run."""

import atexit
import math
import os
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from flask import Flask

from rsvp.events.models import Event
from rsvp.extensions import db
from rsvp.mailing.delivery import unfinished_retry_in
from rsvp.mailing.models import MessageKind
from rsvp.mailing.retry_policy import out_of_attempts, unavailable_retry_in
from rsvp.mailing.services import deliver_due
from rsvp.mailing.smtp import SmtpUnavailable


def start_delivery(app: Flask, event_id: int, kind: MessageKind) -> None:
    """Deliver the event's queued messages of ``kind`` without holding up the request.

    The messages must be queued and committed already. Runs in a thread with its own app
    context; its progress is in the Message rows, so a page can show it from any process.
    With a Celery broker configured the chunks go to the workers instead.
    """
    if "celery" in app.extensions:
        from rsvp.mailing.celery_tasks import enqueue_delivery

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


def deliver_soon(app: Flask, event_id: int, message_ids: Sequence[int]) -> None:
    """Deliver these queued, committed messages (an answer's confirmation) outside the request.

    They go to this process's small pool of sender threads, which gathers what many requests
    queued into one run: the run delivers them, or with a Celery broker hands them to the
    workers as one chunk (one task for many answers, sent over one connection). The
    messages are committed rows, so nothing is lost if the process dies first: they stay
    queued for the next run, and the claim in ``deliver_due`` keeps them from going out twice.
    """
    if not message_ids:
        return
    pool = app.extensions.get("rsvp_senders")
    if pool is None or pool.pid != os.getpid():
        # A forked worker (gunicorn) must not share its parent's lock or threads.
        pool = app.extensions["rsvp_senders"] = SenderPool(app)
    pool.submit(event_id, message_ids)


class SenderPool:
    """Up to MAIL_SENDER_THREADS threads delivering what requests queued, batched per event
    (with a Celery broker: handing each batch to the workers).

    Threads start when work arrives and end when none has come for MAIL_SENDER_LINGER
    seconds, so an idle process holds no thread or connection and a test can join them. While
    answers keep coming, a waiting thread takes the next one: starting a thread made the
    request wait until the new thread ran (a seventh of an answer's time in the request).
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.pid = os.getpid()
        self.lock = threading.Lock()
        #: What waits per event: the message ids, the runs the batch has had already and
        #: since when it waits.
        self.pending: dict[int, _Pending] = {}
        self.running = 0
        #: Events a thread is delivering right now.
        self.busy: set[int] = set()
        self.size = max(1, int(app.config["MAIL_SENDER_THREADS"]))
        self.linger = float(app.config["MAIL_SENDER_LINGER"])
        self.gather = float(app.config["MAIL_SENDER_GATHER"])
        self.batch_size = int(app.config["MAIL_BATCH_SIZE"])
        #: When the last run ended: a run that follows closely waits to gather more.
        self.last_run = -math.inf
        #: Threads waiting for work, woken by ``submit``.
        self.idle = 0
        self.arrived = threading.Condition(self.lock)
        #: Threads gathering an event's batch, woken by ``submit`` once it is full.
        self.filled = threading.Condition(self.lock)
        #: ``drain`` waiting for the runs, woken as each ends.
        self.settled = threading.Condition(self.lock)
        _POOLS.add(self)

    def submit(self, event_id: int, message_ids: Sequence[int], runs: int = 0) -> None:
        with self.lock:
            waiting = self.pending.get(event_id)
            if waiting is None:
                waiting = self.pending[event_id] = _Pending([], runs, time.monotonic())
            waiting.ids.extend(message_ids)
            waiting.runs = min(waiting.runs, runs)
            if len(waiting.ids) >= self.batch_size:
                self.filled.notify_all()
            if event_id in self.busy:
                # The event's thread takes these next: waking another would find it busy.
                return
            if self.idle:
                self.arrived.notify()
                return
            if self.running >= self.size:
                return
            self.running += 1
        threading.Thread(target=self._work, name="deliver-soon", daemon=True).start()

    def _take(self, finished: int | None) -> tuple[int, list[int], int] | None:
        with self.lock:
            self.busy.discard(finished)  # type: ignore[arg-type]
            self.settled.notify_all()
            deadline = time.monotonic() + self.linger
            # One thread per event at a time, so an invitee's mails go out in answer order.
            while (event_id := next((e for e in self.pending if e not in self.busy), None)) is None:
                if (left := deadline - time.monotonic()) <= 0:
                    self.running -= 1
                    return None
                self.idle += 1
                self.arrived.wait(left)
                self.idle -= 1
            self.busy.add(event_id)
            self._gather(event_id)
            waiting = self.pending.pop(event_id)
            return event_id, waiting.ids, waiting.runs

    def _gather(self, event_id: int) -> None:
        """While answers keep coming, let the event's batch fill for MAIL_SENDER_GATHER
        seconds at most: a run's claim, connections and commits cost as much as a few of
        its messages. The first answer after a quiet moment goes out at once."""
        waiting = self.pending[event_id]
        if time.monotonic() - self.last_run > self.gather:
            return
        # The bound read anew on each wake: ``drain`` ends the gathering by setting it to 0.
        while (len(waiting.ids) < self.batch_size
               and (left := waiting.since + self.gather - time.monotonic()) > 0):
            self.filled.wait(left)

    def drain(self, seconds: float) -> None:
        """Gather no longer, and wait up to ``seconds`` for what the threads hold to go out."""
        deadline = time.monotonic() + seconds
        with self.lock:
            self.gather = 0.0
            self.filled.notify_all()
            while (self.pending or self.busy) and (left := deadline - time.monotonic()) > 0:
                self.settled.wait(left)

    def _work(self) -> None:
        finished = None
        run = self._hand_to_workers if "celery" in self.app.extensions else self._deliver
        while (work := self._take(finished)) is not None:
            run(*work)
            finished = work[0]

    def _hand_to_workers(self, event_id: int, message_ids: list[int], runs: int) -> None:
        """The batch as one chunk for the Celery workers, which retry it themselves."""
        from rsvp.mailing.celery_tasks import deliver_chunk

        try:
            with self.app.app_context():
                deliver_chunk.delay(event_id, message_ids)
        except Exception:
            # Nothing is lost: the messages stay queued, and the tick hands them out again
            # (rsvp.mailing.operations.stranded_answer_messages).
            self.app.logger.exception("messages %s stay queued: the broker did not take them",
                                      message_ids)
        finally:
            self.last_run = time.monotonic()

    def _deliver(self, event_id: int, message_ids: list[int], runs: int) -> None:
        with self.app.app_context():
            try:
                event = db.session.get(Event, event_id)
                if event is None:
                    return
                report = deliver_due(db.session, event, message_ids=message_ids,
                                     wait_for_retries=False)
                again_in = unfinished_retry_in(db.session, event_id, message_ids, report)
            except SmtpUnavailable as exc:
                # Nothing is lost: the messages stay queued; try again after the longest backoff.
                self.app.logger.warning("messages %s stay queued: %s", message_ids, exc)
                again_in = unavailable_retry_in(self.app.config)
            except Exception:
                self.app.logger.exception("delivery of messages %s failed", message_ids)
                return
            finally:
                db.session.remove()
                self.last_run = time.monotonic()
        if again_in is not None and not out_of_attempts(runs + 1, self.app.config):
            # Deferred after a temporary failure, or held by another sender: come back later.
            # Past the attempts they stay queued for the next `rsvp send`, never lost.
            timer = threading.Timer(again_in, self.submit, (event_id, message_ids, runs + 1))
            timer.name = "deliver-retry"
            timer.daemon = True
            timer.start()


#: This process's pools, for ``_drain_at_exit``.
_POOLS: "weakref.WeakSet[SenderPool]" = weakref.WeakSet()


@atexit.register
def _drain_at_exit() -> None:
    """A process that ends (a gunicorn worker restarted or stopped) first lets its threads
    send what they hold, for MAIL_SENDER_DRAIN seconds at most: the messages would stay
    queued until the tick hands them out again otherwise, MAIL_STRANDED_AFTER later. A forked
    child skips its parent's pools."""
    for pool in list(_POOLS):
        if pool.pid == os.getpid():
            pool.drain(float(pool.app.config["MAIL_SENDER_DRAIN"]))


@dataclass
class _Pending:
    """An event's confirmations waiting for a sender thread."""

    ids: list[int]
    #: Runs the batch has had already (retries after temporary failures).
    runs: int
    #: time.monotonic() when the first of them arrived.
    since: float
