"""Celery for the app: tasks run inside an app context, configured from RSVP_* settings."""

from celery import Celery, Task
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    """Create the app's Celery (Redis broker from CELERY_BROKER_URL) and make it the default."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    visibility = float(app.config["CELERY_VISIBILITY_TIMEOUT"])
    celery = Celery(app.name, task_cls=FlaskTask, include=["rsvp.mailing.celery_tasks",
                                                               "rsvp.schedule.tasks"])
    celery.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        broker_connection_retry_on_startup=True,
        # A task is acknowledged when it has finished, not when it starts: a worker that
        # dies mid-chunk leaves the task to be given to another worker after the
        # visibility timeout. The claims in the database keep that from sending twice.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={
            "visibility_timeout": visibility,
            "unacked_restore_interval": max(1.0, min(10.0, visibility / 4)),
        },
        task_ignore_result=True,
        task_default_queue=app.config["CELERY_QUEUE"],
        worker_hijack_root_logger=False,
        # `rsvp worker --beat`: the tick claims each planned send in the database, so
        # several beats (one per worker machine) never run one twice.
        beat_schedule={"rsvp-tick": {"task": "rsvp.schedule.tick",
                                     "schedule": float(app.config["SCHEDULE_TICK_INTERVAL"])}},
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


def app_celery(app: Flask) -> Celery:
    """The app's Celery; raises RuntimeError when no broker is configured."""
    if "celery" not in app.extensions:
        raise RuntimeError("no Celery broker configured: set RSVP_CELERY_BROKER_URL "
                           "(e.g. redis://127.0.0.1:6379/0)")
    return app.extensions["celery"]
