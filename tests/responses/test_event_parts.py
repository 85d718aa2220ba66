"""The event's part of the invitee page, kept per revision: every change shows at once."""


from rsvp.events.models import EventText
from rsvp.extensions import db
from rsvp.questions.editor import add_question
from tests.conftest import sql_sent
from tests.responses.links import link_of


def test_a_changed_title_shows_on_the_next_page(client, create_event, create_invitee):
    event = create_event(title="Jahrestagung 2027")
    link = link_of(create_invitee(event))
    assert "Jahrestagung 2027" in client.get(link).text
    event.title = "Jahreskonferenz 2027"
    db.session.commit()
    page = client.get(link).text
    assert "Jahreskonferenz 2027" in page and "Jahrestagung 2027" not in page


def test_a_changed_english_text_shows_to_english_invitees_only(client, create_event,
                                                              create_invitee):
    event = create_event(title="Jahrestagung 2027")
    german, english = (link_of(create_invitee(event, language=code)) for code in ("de", "en"))
    client.get(german), client.get(english)
    db.session.add(EventText(event_id=event.id, language="en", title="Annual meeting 2027"))
    db.session.commit()
    assert "Annual meeting 2027" in client.get(english).text
    assert "Jahrestagung 2027" in client.get(german).text


def test_a_question_added_after_the_first_page_is_asked_on_the_next(client, create_event,
                                                                   create_invitee):
    event = create_event()
    link = link_of(create_invitee(event))
    assert 'name="q_note"' not in client.get(link).text
    add_question(db.session, event, {"key": "note", "type": "text",
                                     "label": {"de": "Hinweis", "en": "Note"}})
    db.session.commit()
    assert 'name="q_note"' in client.get(link).text


def test_a_cancellation_shows_on_the_next_page(client, create_event, create_invitee):
    event = create_event()
    link = link_of(create_invitee(event))
    client.get(link)
    from rsvp.dbtypes import utcnow

    event.cancelled_at = utcnow()
    db.session.commit()
    assert 'id="cancelled"' in client.get(link).text


def test_a_page_of_an_event_without_questions_reads_one_statement(app, client, create_event,
                                                                  create_invitee):
    link = link_of(create_invitee(create_event()))
    client.get(link)
    with sql_sent() as statements:
        assert client.get(link).status_code == 200
    assert len(statements) == 1, statements
