"""Organiser accounts."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from rsvp.dbtypes import UTCDateTime, utcnow
from rsvp.extensions import db


class Organiser(UserMixin, db.Model):
    __tablename__ = "organiser"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased: logins are case-insensitive.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Part of every session's login; raising it ends all sessions (logout, new password).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Manages organiser accounts in the browser and sees every event, also those without
    #: a team (made on the command line).
    is_admin: Mapped[bool] = mapped_column(default=False, server_default="false")
    #: The base32 TOTP secret once two-factor login is confirmed; None without it.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    #: The last TOTP time step accepted, so a code cannot be used twice in its window.
    totp_last_counter: Mapped[int | None] = mapped_column()

    def get_id(self) -> str:
        """The session's login: "id:version", so an older version no longer logs in."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Make every session cookie issued so far worthless, copies included."""
        self.session_version = (self.session_version or 0) + 1

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<Organiser {self.email}>"


class LoginFailure(db.Model):
    """One failed login, kept for the brake's longest window; every worker counts the same."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_address_at", "address", "at"),
        Index("ix_login_failure_client_at", "client", "at"),
        Index("ix_login_failure_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The email address as login normalises it (login_address), known or not.
    address: Mapped[str] = mapped_column(String(320))
    #: The client's network address (after a trusted proxy's X-Forwarded-For).
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<LoginFailure {self.address} from {self.client}>"


class RecoveryCode(db.Model):
    """One of an organiser's two-factor recovery codes, stored hashed, usable once."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organiser.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(256))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<RecoveryCode of {self.organiser_id}>"


class AccountMessage(db.Model):
    """A mail to an organiser (a reset or set-password link): queued, then sent once.

    Kept apart from Message, which belongs to an event and its invitee and is claimed and
    sent per event; an account mail has neither and needs none of that machinery.
    """

    __tablename__ = "account_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organiser.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    #: Holds a live link until sent; cleared afterwards so the table keeps no usable link.
    body_text: Mapped[str] = mapped_column(Text, default="")
    #: "queued", "sent" or "failed".
    status: Mapped[str] = mapped_column(String(10), default="queued")
    error: Mapped[str] = mapped_column(Text, default="")
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<AccountMessage {self.id} to {self.recipient}>"
