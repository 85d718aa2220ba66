"""The invitee's answer form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from rsvp.fields import WholeNumberField
from rsvp.responses.models import Answer


class AnswerForm(FlaskForm):
    """The shape of an answer only; its rules (guests, choices) are rsvp.responses.rules."""

    response = RadioField(
        _l("Your answer"),
        choices=[SelectChoice(Answer.ACCEPTED.value, _l("Yes, I will attend")),
                 SelectChoice(Answer.DECLINED.value, _l("No, I cannot attend"))],
        validators=[InputRequired(message=_l("Please choose whether you will attend."))],
        # The rules' own message instead of WTForms' generic "Not a valid choice".
        validate_choice=False,
    )
    #: A count of people is not negative: that is the shape, the limit is a rule.
    guests = WholeNumberField(
        _l("Accompanying guests"), default=0,
        validators=[Optional(), NumberRange(min=0, message=_l("Please enter a number."))],
    )
    comment = TextAreaField(_l("Comment (optional)"))

    #: Only asked when the event's links are transferable.
    substitute_name = StringField(_l("Your name"), validators=[Optional(), Length(max=200)])
    substitute_email = StringField(_l("Your email address"),
                                   validators=[Optional(), Length(max=320)])
