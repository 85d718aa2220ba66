"""The invitee's page on a phone: the form near the top, the thanks in view after answering."""

from playwright.sync_api import expect

from rsvp.tokens import make_token

PHONE = {"width": 390, "height": 844}
LONG_DESCRIPTION = "\n\n".join(
    f"Absatz {n}: Die Studie untersucht Gemeinwesenarbeit in zwölf Quartieren, ihre Wirkung "
    "auf Nachbarschaften und die Zusammenarbeit mit Kommunen und freien Trägern." for n in range(8))


def _phone_page(chromium, live_server: str, invitee):  # type: ignore[no-untyped-def]
    context = chromium.new_context(locale="de-DE", viewport=PHONE, is_mobile=True,
                                   has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server}/r/{make_token(invitee)}")
    return page


def test_on_a_phone_the_answer_form_comes_before_the_long_description(
        live_server, chromium, create_event, create_invitee, screenshot):
    event = create_event(description=LONG_DESCRIPTION)
    page = _phone_page(chromium, live_server, create_invitee(event))
    form_top = page.locator("#answer-title").bounding_box()["y"]
    description_top = page.locator("#about-title").bounding_box()["y"]
    assert form_top < description_top
    screenshot(page, "invitee-phone-before")


def test_after_answering_on_a_phone_the_thanks_is_the_first_thing_in_view(
        live_server, chromium, create_event, create_invitee, screenshot):
    event = create_event(description=LONG_DESCRIPTION)
    page = _phone_page(chromium, live_server, create_invitee(event))
    page.get_by_label("Ja, ich nehme teil").check()
    page.get_by_role("button", name="Antwort senden").click()
    thanks = page.locator("#saved")
    expect(thanks).to_be_visible()
    box = thanks.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], "the thanks is on the first screen"
    screenshot(page, "invitee-phone-after")


def test_on_a_phone_choices_and_buttons_are_at_least_44_pixels_square(
        live_server, chromium, create_event, create_invitee):
    event = create_event()
    page = _phone_page(chromium, live_server, create_invitee(event))
    targets = page.locator("label.choice, form button[type=submit], a.button")
    assert targets.count() >= 3
    for index in range(targets.count()):
        box = targets.nth(index).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, targets.nth(index).inner_text()
