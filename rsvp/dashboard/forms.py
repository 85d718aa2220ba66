"""The organiser's forms. Domain checks stay in the services; these check the shape of input."""

from datetime import datetime
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from rsvp.converters import is_id
from rsvp.events.models import (
    DEFAULT_RETENTION_DAYS,
    EARLIEST_YEAR,
    LATEST_YEAR,
    MAX_CAPACITY,
    MAX_GUESTS,
    MAX_RETENTION_DAYS,
)
from rsvp.events.services import SLUG_PATTERN
from rsvp.fields import WholeNumberField
from rsvp.forms import Form
from rsvp.invitees.emails import InvalidEmail, normalise_email

LANGUAGE_CHOICES = [SelectChoice("de", _l("German")), SelectChoice("en", _l("English"))]
TIMEZONES = sorted(available_timezones())
REQUIRED = _l("Please fill in this field.")
#: The event file's keys, in the order the form shows them.
EVENT_FIELDS = ("slug", "title", "subtitle", "description", "starts_at", "ends_at", "timezone",
                "rsvp_deadline", "venue_name", "venue_address", "organiser", "contact_name",
                "contact_email", "contact_phone", "capacity", "max_guests", "language",
                "link_policy", "retention_days", "registration_opens", "guest_names", *(
                    f"{name}_{language}" for language in ("de", "en")
                    for name in ("title", "subtitle", "description")))


def _local_time(form: Form, field: StringField) -> None:
    if field.data:
        try:
            moment = datetime.fromisoformat(field.data)
        except ValueError:
            raise ValidationError(_l("Please enter a date and time.")) from None
        _within_years(form, moment)


def _within_years(form: Form, moment: object) -> None:
    """Dates of an event stay in years it can have: near year 1 or 9999 a zone overflows."""
    year = getattr(moment, "year", None)
    if year is not None and not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValidationError(_l("Please enter a date from %(first)d to %(last)d.",
                                 first=EARLIEST_YEAR, last=LATEST_YEAR))


def _year_of_date(form: Form, field: DateField) -> None:
    _within_years(form, field.data)


def _email_address(form: Form, field: EmailField) -> None:
    """The same check as invitees' addresses: one address that mail can be sent to."""
    if field.data and field.data.strip():
        try:
            field.data = normalise_email(field.data)
        except InvalidEmail:
            raise ValidationError(_l("Please enter one valid email address.")) from None


class EventForm(Form):
    slug = StringField(_l("Short name for addresses"), validators=[
        InputRequired(message=REQUIRED),
        Regexp(SLUG_PATTERN, message=_l("Use lower-case letters, digits and hyphens only."))])
    title = StringField(_l("Title"), validators=[InputRequired(message=REQUIRED),
                                                 Length(max=300)])
    subtitle = StringField(_l("Subtitle"), validators=[Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)])
    starts_at = StringField(_l("Starts"), validators=[InputRequired(message=REQUIRED),
                                                      _local_time])
    ends_at = StringField(_l("Ends"), validators=[InputRequired(message=REQUIRED), _local_time])
    timezone = SelectField(_l("Time zone"), choices=TIMEZONES, default="Europe/Berlin")
    rsvp_deadline = StringField(_l("Reply deadline"), validators=[_local_time])
    venue_name = StringField(_l("Venue"), validators=[Length(max=300)])
    venue_address = StringField(_l("Venue address"), validators=[Length(max=500)])
    organiser = StringField(_l("Host"), validators=[Length(max=500)])
    contact_name = StringField(_l("Contact person"), validators=[Length(max=200)])
    contact_email = EmailField(_l("Contact email"), validators=[Length(max=320), _email_address])
    contact_phone = StringField(_l("Contact phone"), validators=[Length(max=50)])
    capacity = WholeNumberField(_l("Capacity (places)"), validators=[
        Optional(), NumberRange(min=1, max=MAX_CAPACITY, message=_l(
            "Please enter a number from %(min)d to %(max)d.", min=1, max=MAX_CAPACITY))])
    max_guests = WholeNumberField(_l("Accompanying guests per invitee"), default=0, validators=[
        InputRequired(message=REQUIRED),
        NumberRange(min=0, max=MAX_GUESTS, message=_l("Please enter a number from 0 to 100."))])
    language = SelectField(_l("Default language"), choices=LANGUAGE_CHOICES, default="de")
    #: Then one name field per guest on the page, and the number of guests follows the names.
    guest_names = BooleanField(_l("Ask for the names of accompanying persons"))
    link_policy = SelectField(_l("Forwarded invitation links"), default="personal", choices=[
        SelectChoice("personal", _l("Personal: answers always count for the invitee")),
        SelectChoice("transferable", _l("Transferable: the reader may attend instead"))])
    registration_opens = DateField(_l("Invitation and registration from"),
                                   validators=[Optional(), _year_of_date])
    retention_days = WholeNumberField(
        _l("Keep personal data for (days after the event)"), default=DEFAULT_RETENTION_DAYS,
        validators=[Optional(),
                    NumberRange(min=0, max=MAX_RETENTION_DAYS, message=_l(
                        "Please enter a number from 0 to 3650."))])

    # The texts in the languages other than the event's own: empty ones show its own text.
    title_de = StringField(_l("Title in German"), validators=[Length(max=300)])
    subtitle_de = StringField(_l("Subtitle in German"), validators=[Length(max=300)])
    description_de = TextAreaField(_l("Description in German"), validators=[Length(max=20000)])
    title_en = StringField(_l("Title in English"), validators=[Length(max=300)])
    subtitle_en = StringField(_l("Subtitle in English"), validators=[Length(max=300)])
    description_en = TextAreaField(_l("Description in English"), validators=[Length(max=20000)])

    #: The language the main texts were written in: the event's when the form was first
    #: shown. A change of language moves them to that language, not into the new one.
    written_in = HiddenField()

    def texts_language(self) -> str:
        """The language of the title, subtitle and description fields on this form."""
        shown = self.written_in.data
        return shown if shown in ("de", "en") else str(self.language.data)

    def other_languages(self) -> list[SelectChoice]:
        """The languages the form offers texts in besides the event's own."""
        return [choice for choice in LANGUAGE_CHOICES if choice.value != self.texts_language()]

    def validate_ends_at(self, field: StringField) -> None:
        if self.starts_at.errors or not self.starts_at.data or not field.data:
            return
        try:
            ends, starts = (datetime.fromisoformat(v) for v in (field.data, self.starts_at.data))
        except ValueError:
            return
        if ends < starts:
            raise ValidationError(_l("The end must not be before the start."))

    def raw(self) -> dict[str, object]:
        """The values as the event services take them; local times are read in the zone.

        When the event's language changed, its texts in the new language become its own and
        the main fields' texts those of the language they were written in.
        """
        values = {name: self[name].data for name in EVENT_FIELDS}
        old, new = self.texts_language(), values["language"]
        if old != new:
            for name in ("title", "subtitle", "description"):
                values[f"{name}_{old}"] = values[name]
                values[name], values[f"{name}_{new}"] = values[f"{name}_{new}"], ""
        return values


class InviteeForm(Form):
    email = EmailField(_l("Email address"), validators=[InputRequired(message=REQUIRED),
                                                        Length(max=320)])
    salutation = SelectField(_l("Salutation"), choices=[
        SelectChoice("", _l("none (full name)")), SelectChoice("ms", _l("Ms")),
        SelectChoice("mr", _l("Mr"))], default="")
    academic_title = StringField(_l("Academic title"), validators=[Length(max=50)])
    first_name = StringField(_l("First name"), validators=[Length(max=200)])
    last_name = StringField(_l("Last name"), validators=[Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[Length(max=300)])
    language = SelectField(_l("Language"), default="", choices=[
        SelectChoice("", _l("the event's language")), *LANGUAGE_CHOICES])
    tags = StringField(_l("Tags (comma-separated)"), validators=[Length(max=2000)])

    def raw(self) -> dict[str, str]:
        return {name: (self[name].data or "") for name in (
            "email", "salutation", "academic_title", "first_name", "last_name", "organisation",
            "language", "tags")}


class PhoneAnswerForm(Form):
    """The shape of an answer only; its rules are rsvp.responses.rules, as for the invitee."""

    response = RadioField(_l("Answer"), choices=[SelectChoice("accepted", _l("Accepts")),
                                                  SelectChoice("declined", _l("Declines"))],
                          validators=[InputRequired(message=_l("Please choose an answer."))])
    guests = WholeNumberField(_l("Accompanying guests"), default=0,
                          validators=[Optional(), NumberRange(min=0, max=MAX_GUESTS)])
    comment = TextAreaField(_l("Comment"))
    channel = SelectField(_l("Received by"), choices=[
        SelectChoice("phone", _l("phone")), SelectChoice("mail", _l("email")),
        SelectChoice("letter", _l("letter")), SelectChoice("in person", _l("in person"))],
        default="phone")
    #: As in the answers import: the invitee gets the usual confirmation unless unticked.
    confirm = BooleanField(_l("Send the invitee the usual confirmation by email"), default=True)


class UploadForm(Form):
    file = FileField(_l("CSV or Excel file"),
                     validators=[FileRequired(message=_l("Please choose a file."))])


class ConfirmImportForm(Form):
    upload = HiddenField(validators=[InputRequired()])


def _row_id(form: Form, field: HiddenField) -> None:
    if field.data and not is_id(field.data):
        raise ValidationError(_l("Not a valid number."))


class SendForm(Form):
    kind = HiddenField(validators=[InputRequired()])
    #: An invitee's id: bounded here, since an id no column can hold makes the query fail.
    invitee = HiddenField(validators=[_row_id])
