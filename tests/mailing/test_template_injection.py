"""Known server-side template injection payloads fail when the organiser saves them."""

import pytest

from rsvp.extensions import db
from rsvp.mailing.templates_custom import TemplateOverrideError, save_template_override

PAYLOADS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ salutation.__class__.__base__.__subclasses__() }}",
    "{{ event.__class__.__init__.__globals__ }}",
    "{{ invitee.__dict__ }}",
    "{{ event.query.session }}",
    "{{ config }}",
    "{{ config.items() }}",
    "{{ self._TemplateReference__context }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ request.application.__globals__.__builtins__ }}",
    "{{ url_for.__globals__['current_app'].config }}",
    "{{ get_flashed_messages.__globals__ }}",
    "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ salutation|attr('__class__') }}",
    "{{ (salutation|attr('\\x5f\\x5fclass\\x5f\\x5f')) }}",
    "{% set x = salutation.format.__self__ %}{{ x }}",
    "{{ event_title.__len__.__self__.__class__ }}",
    "{% include '/etc/passwd' %}",
    "{% import 'mail/_layout.html' as m %}",
    "{% extends 'base.html' %}",
]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("part", ["subject", "text"])
def test_a_template_injection_payload_is_refused_at_save_time(create_event, payload, part):
    event = create_event()
    parts = {"subject": "Einladung", "text": "{{ salutation }},"} | {part: payload}
    with pytest.raises(TemplateOverrideError):
        save_template_override(db.session, event, "invitation", "de", **parts)
