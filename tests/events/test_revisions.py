"""The event's revision: raised by every change of what its invitee page shows."""

from rsvp.events.models import EventText
from rsvp.extensions import db
from rsvp.questions.editor import add_question
from tests.questions.conftest import QUESTIONS


def revision_of(event) -> int:
    db.session.expire(event, ["revision"])
    return event.revision


def test_a_change_of_the_event_raises_its_revision(create_event):
    event = create_event()
    before = revision_of(event)
    event.title = "Neuer Titel"
    db.session.commit()
    assert revision_of(event) == before + 1


def test_a_flush_without_a_change_keeps_the_revision(create_event):
    event = create_event()
    before = revision_of(event)
    event.title = event.title
    db.session.commit()
    assert revision_of(event) == before


def test_a_new_text_in_another_language_raises_the_revision(create_event):
    event = create_event()
    before = revision_of(event)
    db.session.add(EventText(event_id=event.id, language="en", title="Annual meeting"))
    db.session.commit()
    assert revision_of(event) == before + 1


def test_a_changed_text_raises_the_revision(create_event):
    event = create_event()
    db.session.add(EventText(event_id=event.id, language="en", title="Annual meeting"))
    db.session.commit()
    before = revision_of(event)
    event.translations[0].title = "Annual conference"
    db.session.commit()
    assert revision_of(event) == before + 1


def test_a_new_question_raises_the_revision(create_event):
    event = create_event()
    before = revision_of(event)
    add_question(db.session, event, {"key": "note", "type": "text",
                                     "label": {"de": "Hinweis", "en": "Note"}})
    db.session.commit()
    assert revision_of(event) > before


def test_a_changed_option_raises_the_revision(create_event):
    event = create_event(questions=QUESTIONS)
    before = revision_of(event)
    option = event_question(event, "diet").options[0]
    option.label_de = "Alles"
    db.session.commit()
    assert revision_of(event) == before + 1


def test_a_hidden_question_raises_the_revision(create_event):
    event = create_event(questions=QUESTIONS)
    before = revision_of(event)
    event_question(event, "note").hidden = True
    db.session.commit()
    assert revision_of(event) == before + 1


def event_question(event, key):
    from rsvp.questions.queries import questions_of

    return next(q for q in questions_of(db.session, event) if q.key == key)
