"""CSS inlining, done once per shape of document: each result is what inlining it alone gives."""

import pytest

from rsvp.mailing import css_inlining as inline
from rsvp.mailing.css_inlining import inline_css
from rsvp.mailing.models import MessageKind
from rsvp.mailing.render import render_mail

STYLE = """<style>
p { margin: 0 0 16px; }
.button { color: #ffffff; background-color: #0b5394; }
.facts p { margin: 0; }
@media (prefers-color-scheme: dark) { .button { color: #0b0b0b !important; } }
</style>"""


def document(salutation: str, link: str, style: str = STYLE) -> str:
    return (f'<!doctype html><html><head>{style}</head><body><p>{salutation},</p>'
            f'<div class="facts"><p>Montag, 22. November 2027</p></div>'
            f'<p><a class="button" href="{link}">Zusagen oder absagen</a></p>'
            f'<p>{link}</p></body></html>')


@pytest.fixture(autouse=True)
def no_shapes_yet():
    inline._shapes.clear()
    yield
    inline._shapes.clear()


@pytest.mark.parametrize("salutation", [
    "Sehr geehrter Herr Prof. Dr. Müller-Lüdenscheidt",
    "Guten Tag Anna Lena Meier",
    "Dear Ms O&#39;Brien",  # an apostrophe, escaped as the template writes it: not masked
    "Sehr geehrte Frau Dr. Schmidt &amp; Söhne",
    "Guten Tag p",
    "Sehr geehrte Frau Class",
    "a class",  # also found in the markup, <a class=...>
])
def test_each_document_comes_out_as_inlining_it_alone_would_give(salutation):
    first = document("Sehr geehrte Frau Dr. Potz", "https://rsvp.example.org/r/AbC.dEf-1")
    inline_css(first, ["Sehr geehrte Frau Dr. Potz", "https://rsvp.example.org/r/AbC.dEf-1"])
    link = "https://rsvp.example.org/r/XyZ_2.uvw"
    html = document(salutation, link)
    alone = inline_css(html)
    # Once to find its shape, once more from what was kept of it.
    assert inline_css(html, [salutation, link]) == alone
    assert inline_css(html, [salutation, link]) == alone


def test_invitations_of_one_batch_share_one_inlining(conference, create_invitee):
    people = [create_invitee(conference, last_name=name)
              for name in ("Potz", "Müller-Lüdenscheidt", "von der Heide", "Öztürk")]
    mails = [render_mail(person, MessageKind.INVITATION) for person in people]
    assert list(inline._shapes.values()) != [None] and len(inline._shapes) == 1
    # The same invitations again, each inlined on its own, come out the same.
    inline._shapes.clear()
    for person, mail in zip(reversed(people), reversed(mails), strict=True):
        inline._shapes.clear()
        assert render_mail(person, MessageKind.INVITATION).html == mail.html


def test_a_stylesheet_that_looks_at_the_link_is_inlined_per_document():
    style = '<style>a[href*="example.org"] { color: #ff0000; }</style>'
    links = ["https://rsvp.example.com/r/one", "https://rsvp.example.org/r/two"]
    first, second = (inline_css(document("Guten Tag Anna Meier", link, style),
                                ["Guten Tag Anna Meier", link]) for link in links)
    assert 'style="color: #ff0000;"' not in first
    assert 'style="color: #ff0000;"' in second


def test_values_that_could_be_markup_are_never_masked():
    assert not inline._maskable("div")
    assert not inline._maskable("Class")
    assert not inline._maskable("Dear Ms O'Brien")
    assert not inline._maskable("        ")
    assert inline._maskable("Guten Tag Anna Meier")
    assert inline._maskable("https://rsvp.example.org/r/AbC")
