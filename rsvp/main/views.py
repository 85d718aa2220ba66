"""The front page and the health check."""

from flask import Blueprint, render_template
from sqlalchemy import text

from rsvp.extensions import db, reading

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str:
    """Say what this is; invitees arrive through their links, organisers log in."""
    return render_template("index.html")


@bp.get("/healthz")
def health() -> tuple[dict[str, str], int]:
    """Liveness and database check for load balancers."""
    with reading(db.session) as connection:
        connection.execute(text("SELECT 1"))
    return {"status": "ok"}, 200
