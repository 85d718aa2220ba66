"""Deliverability: DKIM signatures that verify, and SpamAssassin's verdict on every kind."""

import re
import shutil
import subprocess
from base64 import b64encode

import dkim
import pytest

from rsvp.extensions import db
from rsvp.responses.services import record_answer

SPAM_LIMIT = 1.0


@pytest.fixture(scope="session")
def dkim_key(tmp_path_factory):
    """A fresh RSA key pair: the private key as a file, the public one as its DNS TXT record."""
    folder = tmp_path_factory.mktemp("dkim")
    private = folder / "rsvp.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(private), "2048"], check=True,
                   capture_output=True)
    public = subprocess.run(["openssl", "rsa", "-in", str(private), "-pubout", "-outform", "DER"],
                            check=True, capture_output=True).stdout
    return private, b"v=DKIM1; k=rsa; p=" + b64encode(public)


@pytest.fixture
def app_config(app_config, dkim_key, request):
    if "dkim" in request.node.name:
        app_config |= {"DKIM_KEY_FILE": str(dkim_key[0]), "DKIM_SELECTOR": "rsvp2027",
                       "DKIM_DOMAIN": "rsvp.test"}
    return app_config


def dns_with(record: bytes):
    def lookup(name: bytes, timeout: int = 5) -> bytes | None:
        return record if name == b"rsvp2027._domainkey.rsvp.test." else None
    return lookup


def test_a_dkim_signed_invitation_verifies_as_received(runner, smtp_server, create_event,
                                                       dkim_key):
    event = create_event(invitees=1)
    assert runner.invoke(args=["send", event.slug]).exit_code == 0
    [received] = smtp_server.received
    assert received.message["DKIM-Signature"] is not None
    assert "d=rsvp.test" in received.message["DKIM-Signature"]
    assert dkim.verify(received.raw, dnsfunc=dns_with(dkim_key[1]))


def test_a_dkim_signature_breaks_when_the_subject_is_changed(runner, smtp_server, create_event,
                                                             dkim_key):
    event = create_event(invitees=1)
    runner.invoke(args=["send", event.slug])
    raw = smtp_server.received[0].raw
    forged = re.sub(rb"\r\nSubject: [^\r]*", b"\r\nSubject: Gewinnspiel", raw, count=1)
    assert forged != raw
    assert not dkim.verify(forged, dnsfunc=dns_with(dkim_key[1]))


def test_without_a_configured_key_nothing_is_signed(runner, smtp_server, create_event):
    event = create_event(invitees=1)
    runner.invoke(args=["send", event.slug])
    assert smtp_server.messages[0]["DKIM-Signature"] is None


def spam_score(raw: bytes) -> tuple[float, str]:
    """SpamAssassin's local rules (no network tests) on one message as received."""
    result = subprocess.run(["spamassassin", "-t", "-L"], input=raw, capture_output=True,
                            timeout=120, check=False)
    report = result.stdout.decode("utf-8", "replace")
    match = re.search(r"^X-Spam-Status: \w+, score=(-?[\d.]+)", report, re.MULTILINE)
    assert match, f"no verdict from SpamAssassin: {result.stderr.decode()[-500:]}"
    tests = re.search(r"tests=(.*?)\s+autolearn=", report, re.DOTALL)
    return float(match.group(1)), re.sub(r"\s+", "", tests.group(1)) if tests else ""


@pytest.mark.skipif(shutil.which("spamassassin") is None,
                    reason="spamassassin is not installed (.ci/run installs it)")
@pytest.mark.parametrize("language", ["de", "en"])
def test_spamassassin_scores_every_default_kind_below_one(runner, smtp_server, conference,
                                                          create_invitee, tmp_path, language,
                                                          backend):
    if backend is not None:
        pytest.skip("the score does not depend on the database; scored once, on SQLite")
    person = create_invitee(conference, language=language, email=f"gast.{language}@example.org")
    body = tmp_path / "update.txt"
    body.write_text("das Programm ist jetzt online.\n", encoding="utf-8")
    for kind in ("save-the-date", "invitation", "reminder"):
        assert runner.invoke(args=["send", conference.slug, "--kind", kind]).exit_code == 0
    record_answer(db.session, person, "accepted", guests=1)
    db.session.commit()
    for args in (["--kind", "confirmation"],
                 ["--kind", "update", "--subject", "Programm", "--body-file", str(body)]):
        assert runner.invoke(args=["send", conference.slug, *args]).exit_code == 0
    scores = {}
    for received in smtp_server.received:
        score, tests = spam_score(received.raw)
        scores[received.message["Subject"][:40]] = (score, tests)
    print(f"\nSpamAssassin ({language}):")
    for subject, (score, tests) in scores.items():
        print(f"  {score:5.2f}  {subject}  [{tests}]")
    assert len(scores) == 5
    assert all(score < SPAM_LIMIT for score, _ in scores.values()), scores
