"""One use case, one function: every caller of an operation leaves the same rows and mail.

Each scenario is set up twice (or more), once per caller, on events alike but for the slug;
what the operation wrote is compared as plain values: answers per address, and the queued
messages as (kind, address) pairs.
"""


import pytest
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.responses.models import Response
from rsvp.responses.services import record_answer
from tests.dashboard.conftest import join_deliveries, post_form, send_announcement, upload_answers
from tests.responses.links import answer


def answers_of(event) -> dict[str, tuple[str, int]]:
    db.session.expire_all()
    rows = db.session.execute(select(Invitee.email, Response.answer, Response.guests)
                              .join(Response, Response.invitee_id == Invitee.id)
                              .where(Invitee.event_id == event.id))
    return {email: (answer.value, guests) for email, answer, guests in rows}


def mails_of(event, *, besides: set[int] = frozenset()) -> list[tuple[str, str]]:
    """The event's messages as (kind, address); an erased invitee's show as ''."""
    join_deliveries()
    db.session.expire_all()
    rows = db.session.execute(select(Message.id, Message.kind, Invitee.email)
                              .outerjoin(Invitee, Invitee.id == Message.invitee_id)
                              .where(Message.event_id == event.id).order_by(Message.id))
    return sorted((kind.value, email or "") for id_, kind, email in rows if id_ not in besides)


def message_ids(event) -> set[int]:
    return set(db.session.scalars(select(Message.id).where(Message.event_id == event.id)))


@pytest.fixture
def full_event(create_event, create_invitee, organiser):  # type: ignore[no-untyped-def]
    """A callable: an event with one place, taken by erste@; zweite@ waits for it."""

    def make():  # type: ignore[no-untyped-def]
        event = create_event(capacity=1, max_guests=2)
        event.owner_id = organiser.id
        for name in ("erste", "zweite"):
            record_answer(db.session, create_invitee(event, email=f"{name}@example.org"),
                          "accepted")
        db.session.commit()
        return event

    return make


def invitee(event, name: str) -> Invitee:
    return db.session.scalar(select(Invitee).where(Invitee.event_id == event.id,
                                                   Invitee.email == f"{name}@example.org"))


def _decline_by_link(client, runner, event, tmp_path):  # type: ignore[no-untyped-def]
    assert answer(client, invitee(event, "erste"), response="declined").status_code == 303


def _decline_by_phone(client, runner, event, tmp_path):  # type: ignore[no-untyped-def]
    url = f"/events/{event.slug}/invitees/{invitee(event, 'erste').id}"
    response = post_form(client, url, f"{url}/answer", response="declined", guests="0",
                         channel="phone", confirm="y")
    assert response.status_code == 303


def _decline_by_upload(client, runner, event, tmp_path):  # type: ignore[no-untyped-def]
    response = upload_answers(client, event, "email,answer\nerste@example.org,nein\n")
    assert response.status_code == 200, response.text


def _decline_by_cli_import(client, runner, event, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / f"{event.slug}.csv"
    path.write_text("email,answer\nerste@example.org,nein\n", encoding="utf-8")
    result = runner.invoke(args=["answers", "import", event.slug, str(path)])
    assert result.exit_code == 0, result.output


def test_an_answer_is_the_same_by_link_by_phone_by_upload_and_by_the_cli(
        organiser_client, runner, full_event, tmp_path):
    outcomes = []
    for caller in (_decline_by_link, _decline_by_phone, _decline_by_upload,
                   _decline_by_cli_import):
        event = full_event()
        before = message_ids(event)
        caller(organiser_client, runner, event, tmp_path)
        outcomes.append((answers_of(event), mails_of(event, besides=before)))
    assert outcomes[0] == (
        {"erste@example.org": ("declined", 0), "zweite@example.org": ("accepted", 0)},
        [("confirmation", "erste@example.org"), ("promoted", "zweite@example.org")])
    assert all(outcome == outcomes[0] for outcome in outcomes), outcomes


def test_a_substitute_on_a_transferable_link_is_recorded_and_confirmed(
        client, create_event, create_invitee, smtp_server):
    event = create_event(link_policy="transferable")
    person = create_invitee(event, email="kollegin@example.org")
    result = answer(client, person, substitute_name="Sam Vertretung",
                    substitute_email="sam@example.org")
    assert result.status_code == 303
    response = db.session.scalar(select(Response).where(Response.invitee_id == person.id))
    assert (response.substitute_name, response.substitute_email) == (
        "Sam Vertretung", "sam@example.org")
    assert mails_of(event) == [("confirmation", "kollegin@example.org")]


def _erase_in_dashboard(client, runner, event):  # type: ignore[no-untyped-def]
    url = f"/events/{event.slug}/invitees/{invitee(event, 'erste').id}"
    assert post_form(client, url, f"{url}/delete", confirm="yes").status_code == 303


def _erase_with_the_cli(client, runner, event):  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["invitees", "erase", event.slug, "erste@example.org", "--yes"])
    assert result.exit_code == 0, result.output


def test_erasing_is_the_same_in_the_dashboard_and_with_the_cli(
        organiser_client, runner, full_event):
    outcomes = []
    for caller in (_erase_in_dashboard, _erase_with_the_cli):
        event = full_event()
        before = message_ids(event)
        caller(organiser_client, runner, event)
        outcomes.append((answers_of(event), mails_of(event, besides=before)))
    assert outcomes[0] == ({"zweite@example.org": ("accepted", 0)},
                           [("promoted", "zweite@example.org")])
    assert outcomes[1] == outcomes[0]


def test_erasing_with_the_cli_gives_the_freed_place_to_the_waiting_list_and_mails_them(
        runner, full_event, smtp_server):
    event = full_event()
    result = runner.invoke(args=["invitees", "erase", event.slug, "erste@example.org", "--yes"])
    assert result.exit_code == 0, result.output
    assert answers_of(event) == {"zweite@example.org": ("accepted", 0)}
    assert mails_of(event) == [("promoted", "zweite@example.org")]
    assert ["zweite@example.org" in m["To"] for m in smtp_server.messages] == [True]


def test_a_phone_answer_sends_the_confirmation_the_link_and_the_import_send(
        organiser_client, full_event):
    event = full_event()
    _decline_by_phone(organiser_client, None, event, None)
    assert ("confirmation", "erste@example.org") in mails_of(event)


def test_the_phone_form_ticks_send_confirmation_by_default_and_can_leave_it_out(
        organiser_client, full_event):
    event = full_event()
    url = f"/events/{event.slug}/invitees/{invitee(event, 'erste').id}"
    page = organiser_client.get(url)
    assert 'checked id="confirm" name="confirm"' in page.text
    post_form(organiser_client, url, f"{url}/answer", response="declined", channel="phone")
    assert mails_of(event) == [("promoted", "zweite@example.org")]


def _invited(create_event, create_invitee, organiser, **overrides):  # type: ignore[no-untyped-def]
    """An event whose two invitees had their invitation; anna accepted."""
    event = create_event(**overrides)
    event.owner_id = organiser.id
    for name in ("anna", "bernd"):
        person = create_invitee(event, email=f"{name}@example.org")
        db.session.add(Message(event_id=event.id, invitee_id=person.id,
                               kind=MessageKind.INVITATION, dedup_key="invitation",
                               status=MessageStatus.SENT))
    record_answer(db.session, invitee(event, "anna"), "accepted")
    db.session.commit()
    return event


def test_cancelling_is_the_same_in_the_dashboard_and_with_the_cli(
        organiser_client, runner, create_event, create_invitee, organiser):
    outcomes = []
    dashboard = _invited(create_event, create_invitee, organiser)
    before = message_ids(dashboard)
    post_form(organiser_client, f"/events/{dashboard.slug}/announce",
              f"/events/{dashboard.slug}/cancel", confirm="yes")
    outcomes.append(mails_of(dashboard, besides=before))
    cli = _invited(create_event, create_invitee, organiser)
    before = message_ids(cli)
    result = runner.invoke(args=["event", "cancel", cli.slug, "--yes"])
    assert result.exit_code == 0, result.output
    outcomes.append(mails_of(cli, besides=before))
    assert outcomes[0] == [("cancellation", "anna@example.org"),
                           ("cancellation", "bernd@example.org")]
    assert outcomes[1] == outcomes[0]
    db.session.expire_all()
    assert dashboard.cancelled and cli.cancelled


def test_a_group_message_is_the_same_in_the_dashboard_and_with_the_cli(
        organiser_client, runner, create_event, create_invitee, organiser, tmp_path):
    dashboard = _invited(create_event, create_invitee, organiser)
    before = message_ids(dashboard)
    response = send_announcement(organiser_client, dashboard.slug, audience="accepted",
                                 subject="Programm", body="Das Programm ist da.")
    assert response.status_code == 303, response.text
    cli = _invited(create_event, create_invitee, organiser)
    before_cli = message_ids(cli)
    body = tmp_path / "text.txt"
    body.write_text("Das Programm ist da.", encoding="utf-8")
    sent = runner.invoke(args=["send", cli.slug, "--kind", "update", "--to", "accepted",
                               "--subject", "Programm", "--body-file", str(body)])
    assert sent.exit_code == 0, sent.output
    assert mails_of(dashboard, besides=before) == [("update", "anna@example.org")]
    assert mails_of(cli, besides=before_cli) == [("update", "anna@example.org")]


def test_a_bulk_send_is_the_same_in_the_dashboard_and_with_the_cli(
        organiser_client, runner, create_event, create_invitee, organiser):
    dashboard, cli = create_event(invitees=2), create_event(invitees=2)
    dashboard.owner_id = organiser.id
    db.session.commit()
    post_form(organiser_client, f"/events/{dashboard.slug}/send",
              f"/events/{dashboard.slug}/send", kind="invitation")
    assert runner.invoke(args=["send", cli.slug]).exit_code == 0
    assert mails_of(dashboard) == mails_of(cli) == [
        ("invitation", "person1@example.org"), ("invitation", "person2@example.org")]


def test_giving_a_place_by_hand_moves_the_person_up_and_tells_them(organiser_client, full_event):
    event = full_event()
    waiting = invitee(event, "zweite")
    before = message_ids(event)
    response = post_form(organiser_client, f"/events/{event.slug}/",
                         f"/events/{event.slug}/waitlist/{waiting.id}/promote")
    assert response.status_code == 303
    assert answers_of(event)["zweite@example.org"] == ("accepted", 0)
    assert mails_of(event, besides=before) == [("promoted", "zweite@example.org")]


def test_resending_queues_one_invitation_for_that_invitee_only(
        organiser_client, create_event, organiser):
    event = create_event(invitees=2)
    event.owner_id = organiser.id
    db.session.commit()
    person = invitee(event, "person1")
    url = f"/events/{event.slug}/invitees/{person.id}"
    post_form(organiser_client, url, f"{url}/resend")
    assert mails_of(event) == [("invitation", "person1@example.org")]
