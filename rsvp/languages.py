"""The languages of the interface and the mails: plain values, no database or Babel."""

#: Every event, invitee and template is in one of these; the first is the default.
LANGUAGES = ("de", "en")
