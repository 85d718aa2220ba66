"""CSV files as they arrive in real offices: broken in every way, and no good row lost."""


from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from rsvp.extensions import db
from rsvp.invitees.csvfile import CsvFileError
from rsvp.invitees.models import Invitee
from rsvp.invitees.services import import_invitees


def emails_in(event) -> set[str]:
    return set(db.session.scalars(select(Invitee.email).where(Invitee.event_id == event.id)))


def test_utf16_from_excels_unicode_text_export_is_read(create_event):
    event = create_event()
    data = "E-Mail\tVorname\nzoë@example.org\tZoë\n".replace("\t", ";").encode("utf-16")
    report = import_invitees(db.session, event, data)
    assert (report.added, report.rejected) == (1, [])


def test_mixed_line_endings_are_all_line_breaks(create_event):
    event = create_event()
    data = b"email;vorname\r\na@example.org;A\rb@example.org;B\nc@example.org;C\r\n"
    report = import_invitees(db.session, event, data)
    db.session.commit()
    assert report.added == 3
    assert emails_in(event) == {"a@example.org", "b@example.org", "c@example.org"}


def test_a_row_with_a_nul_byte_is_rejected_and_the_others_go_in(create_event):
    event = create_event()
    data = b"email;vorname\na@example.org;A\x00nn\nb@example.org;B\n"
    report = import_invitees(db.session, event, data)
    db.session.commit()
    assert [(r.line, r.reason) for r in report.rejected] == [(2, "contains a NUL byte")]
    assert emails_in(event) == {"b@example.org"}


def test_an_unclosed_quote_loses_only_its_own_row(create_event):
    event = create_event()
    data = (b'email;organisation\n'
            b'a@example.org;"Amt f\xc3\xbcr Stadtentwicklung\n'
            b'b@example.org;Bezirksamt\n'
            b'c@example.org;Senat\n')
    report = import_invitees(db.session, event, data)
    db.session.commit()
    assert [(r.line, r.reason) for r in report.rejected] == [(2, "a quotation mark is not closed")]
    assert emails_in(event) == {"b@example.org", "c@example.org"}


def test_a_ten_megabyte_field_is_rejected_with_its_line_and_the_rest_goes_in(create_event):
    event = create_event()
    data = (b"email;organisation\n"
            b"a@example.org;" + b"x" * 10_000_000 + b"\n"
            b"b@example.org;Amt\n")
    report = import_invitees(db.session, event, data)
    db.session.commit()
    assert report.rejected[0].line == 2
    assert "field larger than field limit" in report.rejected[0].reason
    assert emails_in(event) == {"b@example.org"}


def test_addresses_differing_only_in_case_or_normalisation_are_one_invitee(create_event):
    event = create_event()
    data = "email\njürgen@beispiel.de\nJÜRGEN@beispiel.de\nju\u0308rgen@Beispiel.DE\n".encode()
    report = import_invitees(db.session, event, data)
    assert report.added == 1
    assert [r.line for r in report.rejected] == [3, 4]


def test_internationalised_addresses_and_idn_domains_are_accepted(create_event):
    event = create_event()
    report = import_invitees(db.session, event,
                             "email\njürgen@beispiel.de\npost@müller.example\n".encode())
    assert (report.added, report.rejected) == (2, [])


def test_a_binary_file_is_refused_as_a_whole_with_a_clear_message(create_event):
    event = create_event()
    try:
        import_invitees(db.session, event, bytes(range(256)) * 10)
    except CsvFileError as exc:
        assert "email column" in str(exc) or "empty" in str(exc)
    else:
        raise AssertionError("a binary file was taken for a CSV file")


cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
good_address = st.from_regex(r"[a-z]{1,10}\.[a-z]{1,10}@example\.(org|net)", fullmatch=True)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(good=st.lists(good_address, unique=True, max_size=8),
       junk=st.lists(st.lists(cell, min_size=1, max_size=4), max_size=8),
       delimiter=st.sampled_from([";", ","]), encoding=st.sampled_from(["utf-8", "utf-8-sig"]))
def test_any_mix_of_junk_and_good_rows_never_crashes_and_keeps_every_good_row(
        create_event, good, junk, delimiter, encoding):
    event = create_event()
    quoted = lambda v: '"' + v.replace('"', '""') + '"'  # noqa: E731
    rows = [delimiter.join(quoted(c) for c in row) for row in junk]
    rows += [f"{address}{delimiter}{quoted('Name')}" for address in good]
    data = ("email" + delimiter + "nachname\n" + "\n".join(rows) + "\n").encode(encoding)
    report = import_invitees(db.session, event, data)
    db.session.commit()
    assert set(good) <= emails_in(event)
    planned = {row.email for row in report.planned}
    assert all(r.line >= 2 for r in report.rejected)
    assert db.session.scalar(select(func.count()).select_from(Invitee).where(
        Invitee.event_id == event.id)) == len(planned)


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_a_report_or_a_clear_refusal(data):
    from rsvp.invitees.csvfile import decode, read_rows

    try:
        rows = list(read_rows(decode(b"email\n" + data)))
    except CsvFileError:
        return
    assert all(row.line >= 2 for row in rows)
    assert all((row.values is None) == (row.error is not None) for row in rows)


