"""Account mail goes through the retry policy every mail goes through: a temporary refusal is
tried again, a permanent one is not, and the link is not kept either way."""

from flask import current_app
from sqlalchemy import select

from rsvp.auth.models import AccountMessage
from rsvp.auth.operations import request_password_reset
from rsvp.extensions import db
from rsvp.mailing.dispatch import dispatch


def _reset_mail_sent_now(organiser) -> AccountMessage:  # type: ignore[no-untyped-def]
    outcome = request_password_reset(db.session, organiser.email)
    db.session.commit()
    dispatch(current_app, outcome, wait=True)
    return db.session.scalar(select(AccountMessage))


def _refuse_first(replies: list[str]):  # type: ignore[no-untyped-def]
    """An rcpt_reply giving these replies to the first RCPTs, then accepting."""
    return lambda address: replies.pop(0) if replies else None


def test_an_account_mail_refused_for_now_is_tried_again_and_arrives(organiser, smtp_server):
    smtp_server.handler.rcpt_reply = _refuse_first(["451 4.7.1 try again later"] * 2)
    row = _reset_mail_sent_now(organiser)
    assert (row.status, row.error) == ("sent", "")
    assert [r.rcpt_tos for r in smtp_server.received] == [[organiser.email]]


def test_an_account_mail_refused_for_good_is_not_tried_again(organiser, smtp_server):
    replies = ["550 5.1.1 no such mailbox", "451 4.7.1 would be retried"]
    smtp_server.handler.rcpt_reply = _refuse_first(replies)
    row = _reset_mail_sent_now(organiser)
    assert row.status == "failed" and row.error.startswith("550")
    assert replies == ["451 4.7.1 would be retried"] and row.body_text == ""


def test_an_account_mail_gives_up_after_the_configured_attempts(app, organiser, smtp_server):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    replies = ["451 4.7.1 later"] * 5
    smtp_server.handler.rcpt_reply = _refuse_first(replies)
    row = _reset_mail_sent_now(organiser)
    assert row.status == "failed" and len(replies) == 2
    assert smtp_server.received == []
