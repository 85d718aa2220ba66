"""Running the tick: once (the Celery beat task, `rsvp tick`'s sibling), or in a thread
beside `rsvp run` when there is no broker, so planned sends go out on their own."""

import threading

from flask import Flask

from rsvp.extensions import db
from rsvp.mailing.dispatch import dispatch
from rsvp.schedule.operations import TickOutcome, run_due


def tick_once(app: Flask) -> TickOutcome:
    """Run what is due, commit, and hand the messages to the senders (threads or Celery)."""
    with app.app_context():
        try:
            done = run_due(db.session)
            db.session.commit()
        finally:
            db.session.remove()
    for outcome in done.to_dispatch:
        dispatch(app, outcome)
    if done.ran or done.missed:
        app.logger.info("tick: %s planned sends ran (%s queued), %s missed",
                        len(done.ran), done.queued, len(done.missed))
    if done.stranded:
        app.logger.warning("tick: %s answers' messages no sender took handed out again",
                           done.stranded_count)
    return done


def start_ticker(app: Flask, stop: threading.Event | None = None) -> threading.Thread:
    """Tick every SCHEDULE_TICK_INTERVAL seconds in a daemon thread until ``stop`` is set."""
    stop = stop or threading.Event()
    interval = float(app.config["SCHEDULE_TICK_INTERVAL"])
    thread = threading.Thread(target=_loop, args=(app, stop, interval), name="rsvp-ticker",
                              daemon=True)
    thread.start()
    return thread


def _loop(app: Flask, stop: threading.Event, interval: float) -> None:
    while not stop.is_set():
        try:
            tick_once(app)
        except Exception:
            # A database away for a moment must not end the ticker: the next tick tries again.
            app.logger.exception("tick failed")
        stop.wait(interval)
