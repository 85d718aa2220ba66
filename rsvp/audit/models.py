"""The audit log: who did what to which event or account, when and from where; append-only."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DDL, JSON, CheckConstraint, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from rsvp.dbtypes import UTCDateTime, utcnow
from rsvp.extensions import db

#: Where an action came from.
VIA = ("web", "cli")


class AuditAction(StrEnum):
    """What was done; the activity page names each in the reader's language."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_SET = "password_set"
    PASSWORD_RESET_REQUESTED = "password_reset_requested"
    TWO_FACTOR_ON = "two_factor_on"
    TWO_FACTOR_OFF = "two_factor_off"
    ACCOUNT_CREATED = "account_created"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    ACCOUNT_REACTIVATED = "account_reactivated"
    ACCOUNT_RESET_SENT = "account_reset_sent"
    EVENT_CREATED = "event_created"
    EVENT_EDITED = "event_edited"
    EVENT_CANCELLED = "event_cancelled"
    INVITEE_ADDED = "invitee_added"
    INVITEE_EDITED = "invitee_edited"
    INVITEE_ERASED = "invitee_erased"
    INVITATION_RESENT = "invitation_resent"
    LINK_REVOKED = "link_revoked"
    ANSWER_RECORDED = "answer_recorded"
    PLACE_GIVEN = "place_given"
    INVITEES_IMPORTED = "invitees_imported"
    ANSWERS_IMPORTED = "answers_imported"
    MAIL_SENT = "mail_sent"
    TEST_SENT = "test_sent"
    GROUP_MESSAGE_SENT = "group_message_sent"
    GROUP_MESSAGE_DRAFTED = "group_message_drafted"
    FAILED_RESENT = "failed_resent"
    SEND_PLANNED = "send_planned"
    SEND_UNPLANNED = "send_unplanned"
    TEXT_SAVED = "text_saved"
    TEXT_RESET = "text_reset"
    CHECKED_IN = "checked_in"
    GUEST_CHECKED_IN = "guest_checked_in"
    CHECK_IN_UNDONE = "check_in_undone"
    EXPORTED = "exported"
    INVITEE_DATA_EXPORTED = "invitee_data_exported"
    PURGED = "purged"
    MEMBER_ADDED = "member_added"
    MEMBER_ROLE_CHANGED = "member_role_changed"
    MEMBER_REMOVED = "member_removed"
    QUESTION_SAVED = "question_saved"
    QUESTION_MOVED = "question_moved"
    QUESTION_HIDDEN = "question_hidden"
    QUESTION_REMOVED = "question_removed"


class AuditEntry(db.Model):
    """One organiser action; rows are only ever added, and purges only remove personal data."""

    __tablename__ = "audit_entry"
    __table_args__ = (CheckConstraint("via IN ('web', 'cli')", name="known_via"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("organiser.id", ondelete="SET NULL"), index=True)
    #: Who acted, as text that outlives the account: an address, or "cli:<user>".
    actor_label: Mapped[str] = mapped_column(String(320), default="")
    action: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="SET NULL"), index=True)
    invitee_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitee.id", ondelete="SET NULL"), index=True)
    #: Counts and labels ({"kind": "invitation", "queued": 120, "invitee": "a@b.de"});
    #: the keys in rsvp.audit.services.PERSONAL_KEYS go when the event is purged.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The client's IP address for a web request; None on the command line or after a purge.
    remote_addr: Mapped[str | None] = mapped_column(String(45))
    via: Mapped[str] = mapped_column(String(3), default="web")

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} by {self.actor_label!r}>"


#: PostgreSQL refuses DELETE, and any UPDATE but removing personal data: detail keys, the
#: address, a reference set to NULL by a deleted row. The migration creates the same.
POSTGRES_GUARD = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'audit entries are append-only';
  END IF;
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.at IS DISTINCT FROM OLD.at
     OR NEW.action IS DISTINCT FROM OLD.action OR NEW.via IS DISTINCT FROM OLD.via
     OR NEW.actor_label IS DISTINCT FROM OLD.actor_label
     OR (NEW.actor_id IS DISTINCT FROM OLD.actor_id AND NEW.actor_id IS NOT NULL)
     OR (NEW.event_id IS DISTINCT FROM OLD.event_id AND NEW.event_id IS NOT NULL)
     OR (NEW.invitee_id IS DISTINCT FROM OLD.invitee_id AND NEW.invitee_id IS NOT NULL)
     OR (NEW.remote_addr IS DISTINCT FROM OLD.remote_addr AND NEW.remote_addr IS NOT NULL)
     OR NOT (NEW.details::jsonb <@ OLD.details::jsonb) THEN
    RAISE EXCEPTION 'audit entries are append-only: only personal data may be removed';
  END IF;
  RETURN NEW;
END $$
"""
POSTGRES_TRIGGER = (
    "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()")
#: SQLite: the same, except that the details are not compared.
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry WHEN "
    "NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.action IS NOT OLD.action "
    "OR NEW.via IS NOT OLD.via OR NEW.actor_label IS NOT OLD.actor_label "
    "OR (NEW.actor_id IS NOT OLD.actor_id AND NEW.actor_id IS NOT NULL) "
    "OR (NEW.event_id IS NOT OLD.event_id AND NEW.event_id IS NOT NULL) "
    "OR (NEW.invitee_id IS NOT OLD.invitee_id AND NEW.invitee_id IS NOT NULL) "
    "OR (NEW.remote_addr IS NOT OLD.remote_addr AND NEW.remote_addr IS NOT NULL) "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
)

# Tests and `db.create_all()` get the guard too, not only migrated databases.
event.listen(AuditEntry.__table__, "after_create",
             DDL(POSTGRES_GUARD).execute_if(dialect="postgresql"))
event.listen(AuditEntry.__table__, "after_create",
             DDL(POSTGRES_TRIGGER).execute_if(dialect="postgresql"))
for _statement in SQLITE_TRIGGERS:
    event.listen(AuditEntry.__table__, "after_create",
                 DDL(_statement).execute_if(dialect="sqlite"))
