"""The peer baseline of the page benchmark: a minimal Flask RSVP app in the style of the simple
ones on GitHub, run under the same gunicorn and load as ours.

Each guest is found by a random token stored in its row (no signature), with the event in
the same query; the page is a small template with the event and a plain form; no CSRF, no
translations, no security headers, no rate limit, no session. Its database is
``PEER_DATABASE_URL``; ``seed`` fills one.
"""

import os
import secrets
from datetime import datetime

from flask import Flask, abort, redirect, render_template, request, url_for
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class PeerEvent(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "peer_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    venue: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000))


class PeerGuest(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "peer_guest"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    event_id: Mapped[int] = mapped_column(ForeignKey("peer_event.id"))
    answer: Mapped[str | None] = mapped_column(String(20))
    guests: Mapped[int] = mapped_column(default=0)
    comment: Mapped[str] = mapped_column(String(1000), default="")
    event: Mapped[PeerEvent] = relationship(lazy="joined")


def make_app(url: str) -> Flask:
    # The page is a template file, compiled once per worker as Flask does for any app.
    made = Flask(__name__, template_folder="peer_templates")
    made.config["SQLALCHEMY_DATABASE_URI"] = url
    db.init_app(made)
    made.add_url_rule("/rsvp/<token>", "page", page, methods=["GET"])
    made.add_url_rule("/rsvp/<token>", "rsvp", rsvp, methods=["POST"])
    return made


def _guest(token: str) -> PeerGuest:
    guest = db.session.execute(select(PeerGuest).filter_by(token=token)).scalar_one_or_none()
    if guest is None:
        abort(404)
    return guest


def page(token: str) -> str:
    guest = _guest(token)
    return render_template("rsvp.html", guest=guest, event=guest.event)


def rsvp(token: str):  # type: ignore[no-untyped-def]
    guest = _guest(token)
    guest.answer = request.form.get("answer", "")[:20]
    guest.guests = int(request.form.get("guests") or 0)
    guest.comment = request.form.get("comment", "")[:1000]
    db.session.commit()
    return redirect(url_for("page", token=token), 303)


def seed(url: str, count: int) -> list[str]:
    """One event and ``count`` guests in the database at ``url``; their tokens."""
    with make_app(url).app_context():
        db.create_all()
        event = PeerEvent(title="Jahrestagung 2027", starts_at=datetime(2027, 11, 22, 12),
                          venue="Kongresshaus, Berlin", description="Programm und Anreise " * 20)
        guests = [PeerGuest(token=secrets.token_urlsafe(16), name=f"Vorname{i} Nachname{i}",
                            email=f"person{i}@example.org", event=event) for i in range(count)]
        db.session.add_all(guests)
        db.session.commit()
        return [guest.token for guest in guests]


#: What gunicorn serves (``bench.peer_app:app``).
app = make_app(os.environ.get("PEER_DATABASE_URL", "sqlite://"))
