"""The waiting list on the event page, and moving someone up by hand."""

from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.responses.models import Actor, Answer, ResponseChange
from rsvp.responses.services import record_answer
from tests.dashboard.conftest import post_form, wait_until


def full_event_with_waiting(create_event, create_invitee, owner):  # type: ignore[no-untyped-def]
    event = create_event(capacity=1)
    event.owner_id = owner.id
    record_answer(db.session, create_invitee(event, email="in@example.org", last_name="Drinnen"),
                  "accepted")
    waiting = [create_invitee(event, email=f"wait{n}@example.org", last_name=f"Wartend{n}")
               for n in range(2)]
    for person in waiting:
        record_answer(db.session, person, "accepted")
    db.session.commit()
    return event, waiting


def test_the_event_page_lists_the_waiting_in_order(organiser_client, organiser, create_event,
                                                   create_invitee):
    event, _waiting = full_event_with_waiting(create_event, create_invitee, organiser)
    page = organiser_client.get(f"/events/{event.slug}/")
    assert page.text.index('data-waiting="wait0@example.org"') < page.text.index(
        'data-waiting="wait1@example.org"')
    assert 'data-stat="waitlisted">2<' in page.text


def test_the_organiser_gives_a_place_by_hand_and_the_invitee_is_mailed(
        organiser_client, organiser, create_event, create_invitee, smtp_server):
    event, waiting = full_event_with_waiting(create_event, create_invitee, organiser)
    second = waiting[1]
    result = post_form(organiser_client, f"/events/{event.slug}/",
                       f"/events/{event.slug}/waitlist/{second.id}/promote")
    assert result.status_code == 303
    db.session.expire_all()
    assert second.response.answer is Answer.ACCEPTED
    assert waiting[0].response.answer is Answer.WAITLISTED
    change = db.session.query(ResponseChange).filter_by(invitee_id=second.id).order_by(
        ResponseChange.id.desc()).first()
    assert (change.actor, change.organiser_id) == (Actor.ORGANISER, organiser.id)
    [mail] = wait_until(lambda: smtp_server.to("wait1@example.org"))
    assert mail["Subject"].startswith("Ein Platz ist frei geworden")


def test_giving_a_place_to_someone_not_waiting_says_so(organiser_client, organiser,
                                                       create_event, create_invitee):
    event, waiting = full_event_with_waiting(create_event, create_invitee, organiser)
    record_answer(db.session, waiting[0], "declined")
    db.session.commit()
    result = post_form(organiser_client, f"/events/{event.slug}/",
                       f"/events/{event.slug}/waitlist/{waiting[0].id}/promote")
    assert result.status_code == 303
    page = organiser_client.get(result.headers["Location"])
    assert "nicht mehr auf der Warteliste" in page.text


def test_the_invitee_list_filters_the_waiting(organiser_client, organiser, create_event,
                                              create_invitee):
    event, _waiting = full_event_with_waiting(create_event, create_invitee, organiser)
    page = organiser_client.get(f"/events/{event.slug}/invitees?answer=waitlisted")
    assert "Wartend0" in page.text and "Wartend1" in page.text
    assert "Drinnen" not in page.text
    assert "Drinnen" in organiser_client.get(f"/events/{event.slug}/invitees").text


def test_deleting_an_accepted_invitee_gives_the_place_to_the_first_waiting(
        organiser_client, organiser, create_event, create_invitee, smtp_server):
    event, waiting = full_event_with_waiting(create_event, create_invitee, organiser)
    accepted = db.session.query(Invitee).filter_by(email="in@example.org").one()
    result = post_form(organiser_client, f"/events/{event.slug}/invitees/{accepted.id}",
                       f"/events/{event.slug}/invitees/{accepted.id}/delete", confirm="yes")
    assert result.status_code == 303
    db.session.expire_all()
    assert [p.response.answer for p in waiting] == [Answer.ACCEPTED, Answer.WAITLISTED]
    [mail] = wait_until(lambda: smtp_server.to("wait0@example.org"))
    assert mail["Subject"].startswith("Ein Platz ist frei geworden")
