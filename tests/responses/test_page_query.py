"""The invitee page's plain rows read what the models hold, and keep their rules."""

from dataclasses import fields

from rsvp.dbtypes import utcnow
from rsvp.extensions import db
from rsvp.responses.page_query import PageAnswer, PageEvent, PageInvitee, page_invitee
from rsvp.responses.services import record_answer


def _same_fields(row: object, model: object, skip: tuple[str, ...] = ()) -> None:
    for field in fields(row):  # type: ignore[arg-type]
        if field.name not in skip:
            assert getattr(row, field.name) == getattr(model, field.name), field.name


def test_the_rows_hold_the_invitee_the_event_and_the_answer_as_stored(create_event,
                                                                     create_invitee):
    event = create_event(link_policy="transferable", guest_names=True)
    invitee = create_invitee(event, language="en")
    record_answer(db.session, invitee, "accepted", guests=1, comment="Vegetarisch, bitte")
    db.session.commit()
    row = page_invitee(db.session, invitee.id)
    assert isinstance(row, PageInvitee)
    _same_fields(row, invitee, skip=("event", "response"))
    assert isinstance(row.event, PageEvent) and isinstance(row.response, PageAnswer)
    _same_fields(row.event, event)
    _same_fields(row.response, invitee.response)


def test_the_rows_keep_the_models_rules(create_event, create_invitee):
    event = create_event(link_policy="transferable")
    invitee = create_invitee(event, first_name="", last_name="", language=None)
    event.cancelled_at = utcnow()
    db.session.commit()
    row = page_invitee(db.session, invitee.id)
    assert row is not None
    assert (row.full_name, row.effective_language()) == (invitee.email, "de")
    assert row.event.transferable and row.event.cancelled
    assert row.event.deadline_passed() is event.deadline_passed()


def test_an_invitee_without_an_answer_has_none(create_event, create_invitee):
    row = page_invitee(db.session, create_invitee(create_event()).id)
    assert row is not None and row.response is None


def test_an_invitee_who_is_gone_is_none(create_event):
    assert page_invitee(db.session, 999_999) is None
