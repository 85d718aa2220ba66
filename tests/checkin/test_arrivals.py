"""Arrivals on the event page (checked in of accepted, over time) and the list's filter."""

from rsvp.checkin.operations import check_in
from rsvp.extensions import db
from rsvp.outcome import SYSTEM
from tests import factories
from tests.checkin.conftest import answer
from tests.dashboard.conftest import log_in


def test_the_event_page_counts_arrivals_of_the_accepted_with_their_guests(client, event,
                                                                          accepted):
    answer(factories.make_invitee(event), "accepted")
    check_in(db.session, SYSTEM, accepted)
    db.session.commit()
    factories.make_member(event, factories.make_organiser("kollegin@example.org"), "viewer")
    log_in(client, "kollegin@example.org")
    page = client.get(f"/events/{event.slug}/")
    assert "Angekommen: 3 von 4" in page.text and 'id="arrivals-table"' in page.text


def test_the_live_figures_give_arrivals_per_quarter_hour(client, event, accepted):
    check_in(db.session, SYSTEM, accepted, guests=1)
    db.session.commit()
    factories.make_member(event, factories.make_organiser("kollegin@example.org"), "viewer")
    log_in(client, "kollegin@example.org")
    data = client.get(f"/events/{event.slug}/checkin/arrivals.json").get_json()
    assert (data["arrived"], data["expected"]) == (2, 3)
    [[_slot, people, total]] = data["slots"]
    assert (people, total) == (2, 2)


def test_the_invitee_list_filters_arrived_and_not_arrived(client, event, accepted):
    later = answer(factories.make_invitee(event, last_name="Spaeter"), "accepted")
    check_in(db.session, SYSTEM, accepted)
    db.session.commit()
    factories.make_member(event, factories.make_organiser("kollegin@example.org"), "viewer")
    log_in(client, "kollegin@example.org")
    arrived = client.get(f"/events/{event.slug}/invitees", query_string={"answer": "arrived"})
    waiting = client.get(f"/events/{event.slug}/invitees",
                         query_string={"answer": "not_arrived"})
    assert accepted.last_name in arrived.text and later.last_name not in arrived.text
    assert later.last_name in waiting.text and accepted.last_name not in waiting.text
