"""The invitee's answer form."""

import re
from collections.abc import Mapping

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


#: The questions' fields: ``q_KEY``, a guest's ``guest_N_q_KEY`` and ``guest_N_name``.
QUESTION_FIELD = re.compile(r"^(?:q_\w{1,40}|guest_\d{1,3}_(?:q_\w{1,40}|name))$")


def question_fields(formdata: Mapping[str, object]) -> dict[str, list[str]]:
    """The questions' fields as posted, every value kept (a multichoice sends several);
    their rules are rsvp.questions.rules."""
    getlist = getattr(formdata, "getlist", None)
    return {name: [str(v) for v in getlist(name)] if getlist else [str(formdata[name])]
            for name in formdata if QUESTION_FIELD.match(name)}
