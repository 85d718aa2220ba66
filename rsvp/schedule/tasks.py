"""The Celery task Celery beat runs every minute (`rsvp worker --beat`): one tick."""

from celery import shared_task
from flask import current_app

from rsvp.schedule.ticker import tick_once


@shared_task(name="rsvp.schedule.tick", ignore_result=True)
def tick() -> dict[str, int]:
    """Run the planned sends that are due; their messages go to the workers as chunks."""
    done = tick_once(current_app._get_current_object())  # type: ignore[attr-defined]
    return {"ran": len(done.ran), "queued": done.queued, "missed": len(done.missed)}
