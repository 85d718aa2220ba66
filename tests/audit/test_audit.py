"""The audit log: what an entry holds, the activity pages, `rsvp audit`, purges, append-only."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.exc import DatabaseError

from rsvp.audit.models import AuditAction, AuditEntry
from rsvp.events.models import EventMember
from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.responses.services import record_answer
from tests.dashboard.conftest import PASSWORD, log_in, post_form


def entries(action: str | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


@pytest.fixture
def event(organiser, create_event, create_invitee):  # type: ignore[no-untyped-def]
    event = create_event()
    event.owner_id = organiser.id
    create_invitee(event, email="gast@example.org", last_name="Gast")
    db.session.commit()
    return event


def test_a_send_is_recorded_with_who_when_what_and_from_where(organiser_client, organiser,
                                                                event):
    post_form(organiser_client, f"/events/{event.slug}/send", kind="invitation")
    [entry] = entries("mail_sent")
    assert (entry.actor_id, entry.actor_label, entry.event_id) == (
        organiser.id, "buero@example.org", event.id)
    assert entry.details == {"kind": "invitation", "queued": 1}
    assert (entry.via, entry.remote_addr) == ("web", "127.0.0.1")
    assert abs(entry.at - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_failed_login_is_recorded_without_the_password(client, organiser):
    log_in(client, organiser.email, "falsch-falsch-falsch")
    [entry] = entries("login_failed")
    assert entry.actor_id == organiser.id and entry.details == {"known": True}
    assert "falsch" not in json.dumps(entry.details) + entry.actor_label


def test_a_failed_login_for_an_unknown_address_keeps_no_address(client, organiser):
    log_in(client, "niemand@example.org", PASSWORD)
    [entry] = entries("login_failed")
    assert entry.actor_id is None and entry.actor_label == "?"
    assert entry.details == {"known": False}


def test_a_login_and_a_logout_are_recorded(organiser_client, organiser):
    post_form(organiser_client, "/account", "/logout")
    assert [e.action for e in entries()] == ["login", "logout"]


def test_the_csv_export_is_recorded(organiser_client, event):
    assert organiser_client.get(f"/events/{event.slug}/export.csv").status_code == 200
    [entry] = entries("exported")
    assert entry.event_id == event.id and entry.details == {"format": "csv"}


def test_downloading_an_invitees_data_is_recorded_with_the_invitee(organiser_client, event):
    person = db.session.scalar(select(Invitee))
    organiser_client.get(f"/events/{event.slug}/invitees/{person.id}/data.json")
    [entry] = entries("invitee_data_exported")
    assert entry.invitee_id == person.id and entry.details["invitee"] == "gast@example.org"


def test_the_activity_page_lists_the_events_entries_in_german(organiser_client, event):
    post_form(organiser_client, f"/events/{event.slug}/send", kind="invitation")
    page = organiser_client.get(f"/events/{event.slug}/activity")
    assert page.status_code == 200
    assert "E-Mails verschickt" in page.text and "buero@example.org" in page.text
    assert "Angemeldet" not in page.text  # a login belongs to no event


def test_the_activity_page_shows_local_time(organiser_client, event):
    post_form(organiser_client, f"/events/{event.slug}/send", kind="invitation")
    [entry] = entries("mail_sent")
    local = entry.at.astimezone(event.zone).strftime("%H:%M:%S")
    assert local in organiser_client.get(f"/events/{event.slug}/activity").text


def test_the_activity_page_speaks_english_too(organiser_client, event):
    post_form(organiser_client, f"/events/{event.slug}/send", kind="invitation")
    organiser_client.set_cookie("lang", "en")
    assert "Sent mail" in organiser_client.get(f"/events/{event.slug}/activity").text


def test_the_activity_page_is_paginated(organiser_client, organiser, event):
    from rsvp.audit.services import PAGE_SIZE, record

    for _ in range(PAGE_SIZE + 1):
        record(db.session, AuditAction.EXPORTED, actor=organiser, event=event)
    db.session.commit()
    first = organiser_client.get(f"/events/{event.slug}/activity")
    second = organiser_client.get(f"/events/{event.slug}/activity?page=2")
    assert first.text.count('class="audit-entry"') == PAGE_SIZE
    assert second.text.count('class="audit-entry"') == 1


@pytest.mark.parametrize(("role", "status"), [("editor", 200), ("viewer", 403),
                                              ("checkin", 403)])
def test_owners_and_editors_see_the_activity_page(organiser_client, organiser, event,
                                                  create_organiser, role, status):
    event.owner_id = create_organiser("chefin@example.org").id
    db.session.execute(delete(EventMember).where(EventMember.event_id == event.id))
    db.session.add(EventMember(event_id=event.id, organiser_id=organiser.id, role=role))
    db.session.commit()
    assert organiser_client.get(f"/events/{event.slug}/activity").status_code == status


def test_admins_see_every_entry_and_others_are_refused(organiser_client, organiser, event):
    assert organiser_client.get("/admin/activity").status_code == 403
    organiser.is_admin = True
    db.session.commit()
    page = organiser_client.get("/admin/activity")
    assert page.status_code == 200 and "Angemeldet" in page.text


def test_rsvp_audit_prints_the_events_log(runner, organiser_client, event):
    post_form(organiser_client, f"/events/{event.slug}/send", kind="invitation")
    result = runner.invoke(args=["audit", event.slug])
    assert result.exit_code == 0, result.output
    assert "buero@example.org\tmail_sent\tkind=invitation queued=1\tweb 127.0.0.1" in result.output


def test_rsvp_audit_json_gives_one_object_per_entry(runner, organiser_client, event):
    post_form(organiser_client, f"/events/{event.slug}/send", kind="invitation")
    lines = runner.invoke(args=["audit", event.slug, "--json"]).output.splitlines()
    assert [json.loads(line)["action"] for line in lines] == ["mail_sent"]


def test_a_command_is_recorded_as_the_command_line(runner, event, smtp_server):
    assert runner.invoke(args=["send", event.slug]).exit_code == 0
    [entry] = entries("mail_sent")
    assert entry.via == "cli" and entry.actor_label.startswith("cli:")
    assert entry.remote_addr is None and entry.details["queued"] == 1


def test_an_erasure_removes_the_invitees_address_from_earlier_entries(organiser_client, event):
    person = db.session.scalar(select(Invitee))
    organiser_client.get(f"/events/{event.slug}/invitees/{person.id}/data.json")
    post_form(organiser_client, f"/events/{event.slug}/invitees/{person.id}",
              f"/events/{event.slug}/invitees/{person.id}/delete", confirm="yes")
    assert [e.action for e in entries()][-2:] == ["invitee_data_exported", "invitee_erased"]
    assert "gast@example.org" not in json.dumps([e.details for e in entries()])


def test_the_purge_blanks_personal_data_and_keeps_the_entries(runner, organiser_client, event):
    person = db.session.scalar(select(Invitee))
    organiser_client.get(f"/events/{event.slug}/invitees/{person.id}/data.json")
    record_answer(db.session, person, "accepted")
    event.starts_at = datetime.now(UTC) - timedelta(days=400)
    event.ends_at = event.starts_at + timedelta(hours=5)
    event.rsvp_deadline = None
    db.session.commit()
    assert runner.invoke(args=["purge"]).exit_code == 0
    exported, purged = entries("invitee_data_exported") + entries("purged")
    assert exported.details == {} and exported.remote_addr is None
    assert exported.invitee_id is None and exported.actor_label == "buero@example.org"
    assert purged.details["invitees"] == 1


def _one_entry(organiser, event) -> int:  # type: ignore[no-untyped-def]
    from rsvp.audit.services import record

    entry = record(db.session, AuditAction.EXPORTED, actor=organiser, event=event,
                   remote_addr="192.0.2.1", details={"invitee": "a@example.org", "n": 1})
    db.session.commit()
    return entry.id


def test_the_database_refuses_to_delete_an_entry(organiser, event):
    entry_id = _one_entry(organiser, event)
    with pytest.raises(DatabaseError):
        db.session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": entry_id})
        db.session.flush()
    db.session.rollback()
    assert len(entries()) == 1


def test_the_database_refuses_to_rewrite_an_entry(organiser, event):
    entry_id = _one_entry(organiser, event)
    with pytest.raises(DatabaseError):
        db.session.execute(text("UPDATE audit_entry SET action = 'login' WHERE id = :id"),
                           {"id": entry_id})
    db.session.rollback()
    assert entries()[0].action == "exported"


def test_the_database_lets_personal_data_be_removed(organiser, event):
    from rsvp.audit.services import anonymise_event

    _one_entry(organiser, event)
    anonymise_event(db.session, event.id)
    db.session.commit()
    [entry] = entries()
    assert entry.details == {"n": 1} and entry.remote_addr is None
