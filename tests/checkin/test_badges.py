"""Name badges: one per accepted person, on A4 label sheets or A6 pages, names that fit, and
a QR code that an independent decoder reads as the person's check-in code."""

import pytest
import zxingcpp

from rsvp.checkin.badges import A6_PAGES, LABELS, Badge, badges_of, badges_pdf
from rsvp.checkin.operations import check_in_by_code
from rsvp.checkin.participants import participants
from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.outcome import SYSTEM
from rsvp.tokens import checkin_code
from tests import factories
from tests.checkin.conftest import answer
from tests.dashboard.conftest import log_in
from tests.pdf import letters, page_count, page_image, spread, text_of

#: Sixty characters with the title, in one word where it is longest: it must shrink, not wrap.
LONG_NAME = "Prof. Dr. Maximiliane Hohenzollern-Sigmaringen-Lüdenscheidt-Weiß"
EVENT_TITLE = "Fachtag „Grün in der Stadt“"


@pytest.fixture
def crowd(app):  # type: ignore[no-untyped-def]
    """Eleven accepted (three label sheets' worth), one declined, one waiting to answer."""
    event = factories.make_event(capacity=None, title=EVENT_TITLE)
    for number in range(11):
        answer(factories.make_invitee(event, last_name=f"Größe{number:02d}",
                                      first_name="Jörg", email=f"p{number}@example.org"),
               "accepted")
    answer(factories.make_invitee(event, last_name="Abgesagt"), "declined")
    factories.make_invitee(event, last_name="Schweigsam")
    return event


def badges_for(event, layout=LABELS) -> bytes:  # type: ignore[no-untyped-def]
    return badges_pdf(event.title, list(badges_of(participants(db.session, event))), layout)


def test_a_label_sheet_holds_eight_badges_and_every_accepted_person_has_one(crowd):
    pdf = badges_for(crowd)
    text = text_of(pdf)
    assert page_count(pdf) == 2
    assert [f"Dr. Jörg Größe{n:02d}" in text for n in range(11)] == [True] * 11
    assert "Abgesagt" not in text and "Schweigsam" not in text
    assert text.count("Grün in der Stadt") == 11


def test_a6_pages_hold_one_badge_each(crowd):
    assert page_count(badges_for(crowd, A6_PAGES)) == 11


def test_the_organisation_is_printed_below_the_name(crowd):
    found = letters(badges_for(crowd))
    name = [c for c in found if c.page == 0 and "Bold" in c.font]
    organisation = [c for c in found if c.page == 0 and c.text == "³"]
    assert name and organisation
    assert max(c.y1 for c in organisation) < min(c.y0 for c in name[:10])


def on_badge(found, layout, number):  # type: ignore[no-untyped-def]
    """The letters printed on the badge with this number."""
    page, slot = divmod(number, layout.per_page)
    x, y = layout.origin(slot)
    return [c for c in found if c.page == page and x <= c.x0 < x + layout.badge[0]
            and y <= c.y0 < y + layout.badge[1]]


@pytest.mark.parametrize("layout", [LABELS, A6_PAGES], ids=["labels", "a6"])
def test_a_sixty_character_name_shrinks_and_stays_inside_its_box(app, layout):  # type: ignore[no-untyped-def]
    assert len(LONG_NAME) == 64 and len(LONG_NAME.split()[-1]) > 40
    pdf = badges_pdf(EVENT_TITLE, [Badge("Dr. Eva Kurz", "", "a"), Badge(LONG_NAME, "", "b")],
                     layout)
    found = [c for c in letters(pdf) if "Bold" in c.font]
    short = on_badge(found, layout, 0)
    long = on_badge(found, layout, 1)
    x, y = layout.origin(1 % layout.per_page)
    box = layout.name.box
    assert "".join(c.text for c in long).replace(" ", "") == LONG_NAME.replace(" ", "")
    assert max(c.size for c in long) < min(c.size for c in short)
    tolerance = 0.5
    assert min(c.x0 for c in long) >= x + box.x - tolerance
    assert max(c.x1 for c in long) <= x + box.x + box.width + tolerance
    assert min(c.y0 for c in long) >= y + box.y - tolerance
    assert max(c.y1 for c in long) <= y + box.top + tolerance


def test_german_and_other_european_letters_are_printed(app):  # type: ignore[no-untyped-def]
    pdf = badges_pdf(EVENT_TITLE, [Badge("Łukasz Ößtürk-Čapek", "Straßenbauamt Köln", "a")])
    text = text_of(pdf)
    assert "Łukasz Ößtürk-Čapek" in text and "Straßenbauamt Köln" in text


def test_the_badges_render_as_pages_with_ink_on_them(crowd):
    assert spread(page_image(badges_for(crowd))) > 10


def test_the_printed_qr_code_reads_as_the_persons_check_in_code(crowd):
    first = participants(db.session, crowd)[0]
    image = page_image(badges_for(crowd, A6_PAGES), page=0, scale=3)
    decoded = zxingcpp.read_barcodes(image)
    invitee = db.session.get(Invitee, first.invitee_id)
    assert [code.text for code in decoded] == [checkin_code(invitee)]
    outcome = check_in_by_code(db.session, SYSTEM, crowd, decoded[0].text)
    assert outcome.ok and outcome.invitee.id == first.invitee_id


def test_the_qr_code_on_a_label_reads_too(crowd):
    image = page_image(badges_for(crowd), page=1, scale=4)
    decoded = {code.text for code in zxingcpp.read_barcodes(image)}
    expected = {checkin_code(db.session.get(Invitee, person.invitee_id))
                for person in participants(db.session, crowd)[8:]}
    assert decoded == expected and len(decoded) == 3


def test_rsvp_badges_writes_the_chosen_layout(runner, crowd, tmp_path):
    result = runner.invoke(args=["badges", crowd.slug, "-o", str(tmp_path / "b.pdf"),
                                 "--layout", "a6"])
    assert result.exit_code == 0, result.output
    assert "11 badges written" in result.output
    assert page_count((tmp_path / "b.pdf").read_bytes()) == 11


def test_the_dashboard_downloads_badges_in_the_chosen_layout(client, crowd):
    factories.make_organiser("buero@example.org")
    log_in(client, "buero@example.org")
    download = client.get(f"/events/{crowd.slug}/badges.pdf", query_string={"layout": "a6"})
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].endswith('-badges-a6.pdf"')
    assert page_count(download.data) == 11
