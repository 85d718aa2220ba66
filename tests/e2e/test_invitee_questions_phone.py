"""Answering the registration questions in Chromium on a phone."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.questions.models import QuestionAnswer
from rsvp.tokens import make_token
from tests.e2e.test_accessibility import violations
from tests.questions.conftest import QUESTIONS

PHONE = {"width": 390, "height": 844}


def test_on_a_phone_an_invitee_answers_the_questions_and_sees_them_kept(
        live_server, chromium, create_event, create_invitee, screenshot):
    event = create_event(questions=QUESTIONS, max_guests=0)
    invitee = create_invitee(event)
    context = chromium.new_context(locale="de-DE", viewport=PHONE, is_mobile=True,
                                   has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server}/r/{make_token(invitee)}")
    page.get_by_label("Ja, ich nehme teil").check()
    page.get_by_label("Vegetarisch").check()
    page.locator("#q_next_day-no").check()
    page.get_by_label("Übernachtungen").fill("2")
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.locator("#q_list-error")).to_be_visible()
    expect(page.get_by_label("Übernachtungen")).to_have_value("2")
    page.locator("#q_list").check()
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.locator("#saved")).to_be_visible()
    expect(page.get_by_label("Vegetarisch")).to_be_checked()
    screenshot(page, "invitee-phone-questions")
    context.close()
    db.session.expire_all()
    assert db.session.scalar(select(QuestionAnswer.number_value)
                             .where(QuestionAnswer.number_value.is_not(None))) == 2


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_page_with_questions_and_an_error_passes_wcag_aa(
        live_server, chromium, create_event, create_invitee, color_scheme):
    event = create_event(questions=QUESTIONS, max_guests=1, guest_names=True)
    invitee = create_invitee(event)
    context = chromium.new_context(locale="de-DE", viewport=PHONE, color_scheme=color_scheme)
    page = context.new_page()
    page.goto(f"{live_server}/r/{make_token(invitee)}")
    assert violations(page) == []
    page.get_by_label("Ja, ich nehme teil").check()
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.locator("#q_diet-error")).to_be_visible()
    assert violations(page) == [], "with the errors shown"
    context.close()
