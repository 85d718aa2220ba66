"""The save-the-date says when the invitation with programme and registration will come."""

from datetime import date

import pytest

from rsvp.mailing.models import MessageKind
from rsvp.mailing.render import render_mail


@pytest.mark.parametrize(("language", "sentence"), [
    ("de", "senden wir Ihnen im September 2027 zu."),
    ("en", "the registration details in September 2027."),
])
def test_the_save_the_date_names_the_month_registration_opens(create_event, create_invitee,
                                                             language, sentence):
    event = create_event(registration_opens=date(2027, 9, 1))
    mail = render_mail(create_invitee(event, language=language), MessageKind.SAVE_THE_DATE)
    assert sentence in " ".join(mail.text.split())
    assert sentence.split(" 2027")[0].split()[-1] in mail.html


def test_without_a_date_it_says_in_good_time(create_event, create_invitee):
    mail = render_mail(create_invitee(create_event()), MessageKind.SAVE_THE_DATE)
    assert "rechtzeitig gesondert zu" in " ".join(mail.text.split())


def test_the_event_file_takes_the_date(runner, tmp_path):
    path = tmp_path / "event.toml"
    path.write_text('slug = "stt"\ntitle = "T"\nstarts_at = 2027-11-22T12:00:00\n'
                    'ends_at = 2027-11-22T17:00:00\nregistration_opens = 2027-09-01\n',
                    encoding="utf-8")
    result = runner.invoke(args=["event", "create", "--file", str(path)])
    assert result.exit_code == 0, result.output
