"""Form fields shared by the organiser's and the invitee's forms."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField

#: Digits a whole number in a form may have: more than any bound here, far fewer than what
#: makes WTForms' NumberRange fail (a 400-digit number overflows its float check).
MAX_DIGITS = 12


class WholeNumberField(IntegerField):
    """An IntegerField that refuses overlong input with a message before anything converts it."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and len(str(valuelist[0]).strip().lstrip("+-")) > MAX_DIGITS:
            self.data = None
            raise ValueError(_l("Please enter a smaller number."))
        super().process_formdata(valuelist)
