"""The whole loop through the command line and the invitee's browser, end to end."""

import csv
import io
import json
import re

from tests.conftest import csrf_token, join_background_senders

INVITEES_CSV = (
    "E-Mail;Anrede;Titel;Vorname;Nachname;Organisation;Sprache\n"
    "petra.potz@example.org;Frau;Dr.;Petra;Potz;location³;de\n"
    "hans.mueller@example.org;Herr;;Hans;Müller;Bezirksamt Neukölln;\n"
    "sam.taylor@example.com;Mr;;Sam;Taylor;Network;en\n"
).encode("cp1252")


def rsvp_link(message) -> str:
    text = message.get_body(("plain",)).get_content()
    match = re.search(r"http://rsvp\.test(/r/[\w.-]+)", text)
    assert match, "the invitation has no RSVP link"
    return match.group(1)


def test_import_send_answer_change_stats_and_export(runner, client, smtp_server, create_event,
                                                    tmp_path):
    event = create_event()
    people = tmp_path / "people.csv"
    people.write_bytes(INVITEES_CSV)

    imported = runner.invoke(args=["invitees", "import", event.slug, str(people)])
    assert imported.exit_code == 0, imported.output
    assert "3 were added, 0 updated, 0 unchanged, 0 rejected" in imported.output

    sent = runner.invoke(args=["send", event.slug])
    assert sent.exit_code == 0, sent.output
    assert len(smtp_server.messages) == 3

    invitation = smtp_server.to("petra.potz@example.org")[0]
    assert "Sehr geehrte Frau Dr. Potz," in invitation.get_body(("plain",)).get_content()
    link = rsvp_link(invitation)

    page = client.get(link)
    assert page.status_code == 200
    assert "Petra Potz" in page.text
    answered = client.post(link, data={"csrf_token": csrf_token(page.text), "response": "accepted",
                                       "guests": "1", "comment": "Vegetarisch, bitte"})
    assert answered.status_code == 303
    changed = client.post(link, data={"csrf_token": csrf_token(page.text), "response": "declined",
                                      "guests": "0", "comment": ""})
    assert changed.status_code == 303

    smtp_server.wait_for(5)
    join_background_senders()
    confirmations = [m for m in smtp_server.to("petra.potz@example.org")
                     if m["Subject"] != invitation["Subject"]]
    assert [m["Subject"].split(":")[0] for m in confirmations] == [
        "Anmeldebestätigung", "Ihre Absage"]

    stats = runner.invoke(args=["stats", event.slug, "--json"])
    figures = json.loads(stats.output)
    assert figures | {"capacity": None} == {
        "invited": 3, "sent": 3, "failed": 0, "accepted": 0, "declined": 1, "waitlisted": 0,
        "no_response": 2,
        "guests": 0, "headcount": 0, "capacity": None, "undeliverable": 0,
        "failed_by_kind": {}, "questions": {}}

    out = tmp_path / "export.csv"
    exported = runner.invoke(args=["export", event.slug, "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    by_email = {row["email"]: row for row in rows}
    assert by_email["petra.potz@example.org"]["answer"] == "declined"
    assert by_email["hans.mueller@example.org"]["invitation"] == "sent"
    assert by_email["hans.mueller@example.org"]["answer"] == ""


def test_a_second_send_sends_nobody_twice(runner, smtp_server, create_event):
    event = create_event(invitees=3)
    runner.invoke(args=["send", event.slug])
    again = runner.invoke(args=["send", event.slug])
    assert again.exit_code == 0, again.output
    assert "0 sent" in again.output
    assert len(smtp_server.messages) == 3
