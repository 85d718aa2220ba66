"""The confirmation of an acceptance carries the check-in code: a QR image by cid:, and text."""

import io

import zxingcpp
from PIL import Image
from sqlalchemy import select

from rsvp.checkin.models import CheckIn
from rsvp.extensions import db
from rsvp.tokens import checkin_code, make_token
from tests import factories
from tests.conftest import csrf_token
from tests.dashboard.conftest import log_in
from tests.responses.links import answer


def _received_code(smtp_server, address: str) -> tuple[str, object]:  # type: ignore[no-untyped-def]
    smtp_server.wait_for(1)
    [mail] = smtp_server.to(address)
    return mail, mail.get_body(("plain",)).get_content()


def _qr_of(mail) -> str:  # type: ignore[no-untyped-def]
    """The one QR image of the mail's HTML, read by ZXing; checks the cid: points at it."""
    html = mail.get_body(("html",))
    related = next(p for p in mail.walk() if p.get_content_type() == "multipart/related")
    [image] = [p for p in related.iter_parts() if p.get_content_type() == "image/png"]
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html.get_content()
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.get_content())))
    return decoded[0].text


def test_the_confirmations_qr_image_decodes_to_the_invitees_code(client, smtp_server, event):
    invitee = factories.make_invitee(event, email="petra@example.org")
    answer(client, make_token(invitee), guests="1")
    mail, text = _received_code(smtp_server, "petra@example.org")
    assert _qr_of(mail) == checkin_code(invitee)
    assert checkin_code(invitee) in text


def test_a_declines_confirmation_carries_no_code(client, smtp_server, event):
    invitee = factories.make_invitee(event, email="petra@example.org")
    answer(client, make_token(invitee), response="declined")
    mail, text = _received_code(smtp_server, "petra@example.org")
    assert checkin_code(invitee) not in text
    assert not [p for p in mail.walk() if p.get_content_type() == "image/png"]


def test_the_promoted_mail_carries_the_code_too(client, smtp_server, event):
    first = factories.make_invitee(event, email="erste@example.org")
    waiting = factories.make_invitee(event, email="wartet@example.org")
    answer(client, make_token(first), guests="2")
    answer(client, make_token(waiting), guests="1")  # four do not fit: waiting list
    answer(client, make_token(first), response="declined")
    smtp_server.wait_for(4)
    [promoted] = [m for m in smtp_server.to("wartet@example.org")
                  if "Platz ist frei" in str(m["Subject"])]
    assert _qr_of(promoted) == checkin_code(waiting)


def test_the_rsvp_page_shows_the_code_after_accepting(client, event):
    invitee = factories.make_invitee(event)
    token = make_token(invitee)
    assert 'id="checkin-code"' not in client.get(f"/r/{token}").text
    answer(client, token)
    page = client.get(f"/r/{token}").text
    assert 'id="checkin-code"' in page and "<svg" in page and checkin_code(invitee) in page


def test_the_code_read_from_the_mail_checks_the_person_in_at_the_door(client, smtp_server, event):
    invitee = factories.make_invitee(event, email="petra@example.org")
    answer(client, make_token(invitee))
    mail, _text = _received_code(smtp_server, "petra@example.org")
    factories.make_member(event, factories.make_organiser("tuer@example.org"), "checkin")
    log_in(client, "tuer@example.org")
    token = csrf_token(client.get(f"/events/{event.slug}/checkin").text)
    page = client.post(f"/events/{event.slug}/checkin/code", follow_redirects=True,
                       data={"csrf_token": token, "code": _qr_of(mail)})
    assert 'class="door-state ok"' in page.text
    assert db.session.scalar(select(CheckIn.invitee_id)) == invitee.id
