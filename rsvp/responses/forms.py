"""The invitee's answer form."""

import re
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from rsvp.fields import WholeNumberField
from rsvp.forms import Form
from rsvp.responses.models import Answer


class AnswerForm(Form):
    """The shape of an answer only; its rules (guests, choices) are rsvp.responses.rules.
    The page writes the fields' markup itself (templates/invitee/page.html)."""

    class Meta:
        # Checked before the view runs, against the link's own token (rsvp.responses.views).
        csrf = False

    response = RadioField(
        choices=[Answer.ACCEPTED.value, Answer.DECLINED.value],
        validators=[InputRequired(message=_l("Please choose whether you will attend."))],
        # The rules' own message instead of WTForms' generic "Not a valid choice".
        validate_choice=False,
    )
    #: A count of people is not negative: that is the shape, the limit is a rule.
    guests = WholeNumberField(default=0, validators=[
        Optional(), NumberRange(min=0, message=_l("Please enter a number."))])
    comment = TextAreaField()

    #: Only asked when the event's links are transferable.
    substitute_name = StringField(validators=[Optional(), Length(max=200)])
    substitute_email = StringField(validators=[Optional(), Length(max=320)])


#: The fields the page writes, in its order.
ANSWER_FIELDS = ("response", "guests", "comment", "substitute_name", "substitute_email")

#: The questions' fields: ``q_KEY``, a guest's ``guest_N_q_KEY`` and ``guest_N_name``.
QUESTION_FIELD = re.compile(r"^(?:q_\w{1,40}|guest_\d{1,3}_(?:q_\w{1,40}|name))$")


def question_fields(formdata: Mapping[str, object]) -> dict[str, list[str]]:
    """The questions' fields as posted, every value kept (a multichoice sends several);
    their rules are rsvp.questions.rules."""
    getlist = getattr(formdata, "getlist", None)
    return {name: [str(v) for v in getlist(name)] if getlist else [str(formdata[name])]
            for name in formdata if QUESTION_FIELD.match(name)}
