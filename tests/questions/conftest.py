"""An event asking the conference office's questions, in German and English."""

import pytest

QUESTIONS = [
    {"key": "diet", "type": "choice", "required": True,
     "label": {"de": "Verpflegung", "en": "Catering"},
     "options": [{"key": "any", "de": "Keine Einschränkung", "en": "No restriction"},
                 {"key": "vegetarian", "de": "Vegetarisch", "en": "Vegetarian"},
                 {"key": "vegan", "de": "Vegan", "en": "Vegan", "limit": 2}]},
    {"key": "workshops", "type": "multichoice",
     "label": {"de": "Werkstätten", "en": "Workshops"},
     "options": [{"key": "a", "de": "Werkstatt A", "en": "Workshop A"},
                 {"key": "b", "de": "Werkstatt B", "en": "Workshop B"}]},
    {"key": "next_day", "type": "yesno", "ask": "always",
     "label": {"de": "Teilnahme am Folgetag", "en": "Attending the next day"}},
    {"key": "excursion", "type": "choice", "show_if": {"question": "next_day", "equals": "yes"},
     "label": {"de": "Exkursion", "en": "Excursion"},
     "options": [{"key": "bus", "de": "Bus", "en": "Bus"},
                 {"key": "walk", "de": "Rundgang", "en": "Walk"}]},
    {"key": "nights", "type": "number", "min": 0, "max": 3,
     "label": {"de": "Übernachtungen", "en": "Nights"}},
    {"key": "arrival", "type": "date", "min": "2030-01-01", "max": "2030-12-31",
     "label": {"de": "Anreise", "en": "Arrival"}},
    {"key": "access", "type": "text", "max_length": 20, "show_at_checkin": True,
     "label": {"de": "Barrierefreiheit", "en": "Accessibility"}},
    {"key": "note", "type": "textarea", "label": {"de": "Hinweis", "en": "Note"}},
    {"key": "list", "type": "consent", "required": True,
     "label": {"de": "Teilnehmerliste", "en": "List of participants"},
     "consent": {"de": "Ich bin mit der Nennung einverstanden.",
                 "en": "I agree to be named."}},
]

#: A complete acceptance for the event above.
GOOD = {"q_diet": "vegetarian", "q_next_day": "no", "q_list": "yes"}


@pytest.fixture
def questions_event(create_event):
    return create_event(questions=QUESTIONS, max_guests=2)
