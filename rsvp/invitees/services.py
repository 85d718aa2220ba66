"""Importing, listing and exporting invitees."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from rsvp.events.models import Event
from rsvp.invitees.csvfile import CsvRow, read_upload
from rsvp.invitees.emails import InvalidEmail, email_key, normalise_email
from rsvp.invitees.models import Invitee, InviteeTag, new_nonce

SALUTATIONS = {
    "frau": "ms", "ms": "ms", "ms.": "ms", "mrs": "ms", "mrs.": "ms", "miss": "ms", "f": "ms",
    "herr": "mr", "mr": "mr", "mr.": "mr", "m": "mr",
    "": None, "divers": None, "mx": None, "mx.": None, "-": None,
}
LANGUAGE_NAMES = {
    "de": "de", "deutsch": "de", "german": "de", "ger": "de",
    "en": "en", "englisch": "en", "english": "en", "eng": "en", "": None,
}
LIMITS = {"academic_title": 50, "first_name": 200, "last_name": 200, "organisation": 300}
#: The limited fields as the reader calls them, in a reason.
FIELD_NAMES = {"academic_title": _l("Title"), "first_name": _l("First name"),
               "last_name": _l("Last name"), "organisation": _l("Organisation")}
TAG_LIMIT = 100
PERSON_FIELDS = ("salutation", "academic_title", "first_name", "last_name", "organisation",
                 "language")

Action = Literal["add", "update", "unchanged"]


@dataclass(frozen=True)
class RejectedRow:
    line: int
    #: Why, as a lazy string: put into words in the reader's language (a CLI prints English).
    reason: object
    email: str = ""


class PlannedRow(NamedTuple):
    """A plain tuple: a report of 100,000 rows holds 100,000 of them."""

    line: int
    action: Action
    email: str
    name: str


@dataclass
class ImportReport:
    dry_run: bool
    planned: list[PlannedRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(1 for row in self.planned if row.action == action)

    @property
    def added(self) -> int:
        return self.count("add")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


@dataclass(slots=True)
class _Candidate:
    line: int
    values: dict[str, object]
    tags: list[str]


#: Rows written per round trip: the file is streamed, never held as candidates all at once.
WRITE_CHUNK = 2000


def import_invitees(
    session: Session, event: Event, data: bytes, *, dry_run: bool = False
) -> ImportReport:
    """Add or update the invitees in a CSV file or workbook; bad rows are reported, good rows go in.

    Rows are matched to existing invitees by address, so importing a corrected file again
    updates rather than duplicates. Raises CsvFileError if the file as a whole is unusable.
    """
    report = ImportReport(dry_run=dry_run)
    rows = read_upload(data)
    # A file unusable as a whole fails here, before anything is looked up or written.
    first = next(rows, None)
    existing = _existing(session, event)
    additions: list[_Candidate] = []
    changes: list[tuple[int, _Candidate]] = []
    for cand in _valid_rows(_chain(first, rows), report):
        key = str(cand.values["email_key"])
        name = " ".join(str(cand.values[k]) for k in ("first_name", "last_name") if cand.values[k])
        current = existing.get(key)
        if current is None:
            additions.append(cand)
            action: Action = "add"
        elif _differs(current, cand):
            changes.append((int(current["id"]), cand))  # type: ignore[arg-type]
            action = "update"
        else:
            action = "unchanged"
        report.planned.append(PlannedRow(cand.line, action, str(cand.values["email"]), name))
        if dry_run:
            continue
        if len(additions) + len(changes) >= WRITE_CHUNK:
            _write(session, event, additions, changes)
            additions, changes = [], []
    if not dry_run:
        _write(session, event, additions, changes)
    return report


def _chain(first: CsvRow | None, rest: Iterator[CsvRow]) -> Iterator[CsvRow]:
    if first is not None:
        yield first
        yield from rest


def _valid_rows(rows: Iterable[CsvRow], report: ImportReport) -> Iterator[_Candidate]:
    """The rows that can go in, one at a time; the others are added to the report."""
    seen: dict[str, int] = {}
    for row in rows:
        if row.values is None:
            report.rejected.append(RejectedRow(row.line, row.error or _l("unreadable")))
            continue
        try:
            cand = _candidate(row.line, row.values)
        except ValueError as exc:
            report.rejected.append(RejectedRow(row.line, exc.args[0], row.values.get("email", "")))
            continue
        key = str(cand.values["email_key"])
        if key in seen:
            report.rejected.append(RejectedRow(
                row.line, _l("same address as line %(line)d", line=seen[key]),
                str(cand.values["email"])))
            continue
        seen[key] = row.line
        yield cand


def _candidate(line: int, raw: dict[str, str]) -> _Candidate:
    if not raw.get("email"):
        raise ValueError(_l("no email address"))
    try:
        email = normalise_email(raw["email"])
    except InvalidEmail as exc:
        raise ValueError(_l("invalid email address: %(reason)s", reason=exc.reason)) from None
    salutation_text = raw.get("salutation", "").lower()
    if salutation_text not in SALUTATIONS:
        raise ValueError(_l("unknown salutation %(value)s (Frau, Herr, Ms, Mr or empty)",
                            value=repr(raw["salutation"])))
    language_text = raw.get("language", "").lower()
    if language_text not in LANGUAGE_NAMES:
        raise ValueError(_l("unknown language %(value)s (de or en)", value=repr(raw["language"])))
    values: dict[str, object] = {
        "email": email, "email_key": email_key(email),
        "salutation": SALUTATIONS[salutation_text], "language": LANGUAGE_NAMES[language_text],
    }
    for name, limit in LIMITS.items():
        text = " ".join(raw.get(name, "").split())
        if len(text) > limit:
            raise ValueError(_l("%(name)s is longer than %(limit)d characters",
                                name=FIELD_NAMES[name], limit=limit))
        values[name] = text
    tag_text = raw.get("tags", "").replace(";", ",")
    tags = sorted({t.strip() for t in tag_text.split(",") if t.strip()})
    if any(len(t) > TAG_LIMIT for t in tags):
        raise ValueError(_l("a tag is longer than %(limit)d characters", limit=TAG_LIMIT))
    return _Candidate(line, values, tags)


def _existing(session: Session, event: Event) -> dict[str, dict[str, object]]:
    """The event's invitees as plain values, keyed by folded address: light enough for 100k."""
    columns = [Invitee.id, Invitee.email_key, Invitee.email,
               *(getattr(Invitee, f) for f in PERSON_FIELDS)]
    rows = session.execute(select(*columns).where(Invitee.event_id == event.id)).mappings()
    existing = {row["email_key"]: {**row, "tags": []} for row in rows}
    by_id = {values["id"]: values for values in existing.values()}
    tag_rows = session.execute(
        select(InviteeTag.invitee_id, InviteeTag.tag)
        .join(Invitee).where(Invitee.event_id == event.id).order_by(InviteeTag.tag)
    )
    for invitee_id, tag in tag_rows:
        by_id[invitee_id]["tags"].append(tag)  # type: ignore[union-attr]
    return existing


def _differs(current: dict[str, object], cand: _Candidate) -> bool:
    if current["email"] != cand.values["email"] or current["tags"] != cand.tags:
        return True
    return any(current[f] != cand.values[f] for f in PERSON_FIELDS)


def _write(
    session: Session, event: Event, additions: list[_Candidate],
    changes: list[tuple[int, _Candidate]],
) -> None:
    if additions:
        new_rows = [{**c.values, "event_id": event.id, "nonce": new_nonce()} for c in additions]
        # One executemany on the table, without RETURNING: asking for the ids in parameter
        # order makes SQLAlchemy 2.1 insert row by row on SQLite, and the ORM's bulk path
        # adds a sixth to the time for nothing a plain insert needs. The database stamps the
        # rows: two timestamps per row made and converted in Python were a fifth of an
        # import's time. The few rows with tags are looked up.
        stamped = insert(Invitee.__table__).values(created_at=func.current_timestamp(),
                                                   updated_at=func.current_timestamp())
        session.connection().execute(stamped, new_rows)
        tagged = {str(c.values["email_key"]): c.tags for c in additions if c.tags}
        if tagged:
            ids = {key: invitee_id for key, invitee_id in session.execute(
                select(Invitee.email_key, Invitee.id)
                .where(Invitee.event_id == event.id, Invitee.email_key.in_(tagged)))}
            _insert_tags(session, ((ids[key], tags) for key, tags in tagged.items()))
    if changes:
        session.execute(update(Invitee), [{"id": i, **c.values} for i, c in changes])
        changed_ids = [i for i, _ in changes]
        for start in range(0, len(changed_ids), 500):
            session.execute(delete(InviteeTag).where(
                InviteeTag.invitee_id.in_(changed_ids[start:start + 500])))
        _insert_tags(session, ((i, c.tags) for i, c in changes))
    session.flush()


def _insert_tags(session: Session, tagged: Iterable[tuple[int, list[str]]]) -> None:
    rows = [{"invitee_id": i, "tag": t} for i, tags in tagged for t in tags]
    if rows:
        session.execute(insert(InviteeTag), rows)


def invitee_by_email(session: Session, event: Event, email: str) -> Invitee:
    """Return the event's invitee with this address (any spelling), or raise LookupError."""
    invitee = session.scalar(select(Invitee).where(
        Invitee.event_id == event.id, Invitee.email_key == email_key(email)))
    if invitee is None:
        raise LookupError(f"no invitee {email!r} in {event.slug}")
    return invitee


class InviteeError(ValueError):
    """One invitee's data cannot be saved as given; the message says why."""


def save_invitee(session: Session, event: Event, raw: dict[str, str],
                 invitee: Invitee | None = None) -> Invitee:
    """Add an invitee, or change one, with the same checks as a CSV row."""
    try:
        cand = _candidate(0, raw)
    except ValueError as exc:
        raise InviteeError(exc.args[0]) from None
    clash = session.scalar(select(Invitee.id).where(
        Invitee.event_id == event.id, Invitee.email_key == cand.values["email_key"]))
    if clash is not None and (invitee is None or clash != invitee.id):
        raise InviteeError(_l("another invitee of this event has this address"))
    if invitee is None:
        invitee = Invitee(event_id=event.id)
        session.add(invitee)
    for name, value in cand.values.items():
        setattr(invitee, name, value)
    kept = [tag for tag in invitee.tags if tag.tag in cand.tags]
    have = {tag.tag for tag in kept}
    invitee.tags = kept + [InviteeTag(tag=name) for name in cand.tags if name not in have]
    session.flush()
    return invitee
