"""Errors turned into pages in one place: friendly, in the visitor's language, never a trace."""

from flask import Flask, g, render_template
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from rsvp.extensions import db
from rsvp.tokens import InvalidToken, RevokedToken


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        return render_template("error.html", error=error), error.code

    @app.errorhandler(InvalidToken)
    def invalid_link(error: InvalidToken):  # type: ignore[no-untyped-def]
        # Only a link we signed ourselves may tell which event it was for.
        invitee = error.invitee if isinstance(error, RevokedToken) else None
        event = invitee.event if invitee is not None else None
        if invitee is not None:
            g.language = invitee.effective_language()
        shown = event.in_language(g.language) if event is not None else None
        return render_template("invitee/invalid_link.html", event=shown), 404

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):  # type: ignore[no-untyped-def]
        # A locked or unreachable database is temporary: say so, and when to come back.
        db.session.rollback()
        app.logger.warning("database unavailable: %s", error)
        return render_template("unavailable.html"), 503, {"Retry-After": "30"}
