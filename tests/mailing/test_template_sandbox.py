"""The sandbox has bounds: any organiser's template renders quickly or is refused with a reason."""

import gc
import threading
import time

import pytest

from rsvp.mailing.sandbox import BoundedSandbox, Clock, render
from rsvp.mailing.templates_custom import TemplateOverrideError, check_template, render_custom

VALUES = {"salutation": "Guten Tag", "first_name": "", "last_name": "Potz", "guests": 0,
          "event_title": "Fachkonferenz"}

#: Cheap to write, 99,000 big allocations to run: only the time bound stops it.
SLOW = ("{% for i in range(1000) %}{% for j in range(99) %}"
        "{% if ('x' * 150000)|length < 5 %}.{% endif %}{% endfor %}{% endfor %}")
#: Templates that never finished, or took gigabytes, in the unbounded sandbox.
UNBOUNDED = [
    ("{{ lipsum(100000)|length }}", "lipsum takes at most 10 paragraphs"),
    ("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
     "a range of more than 1,000 numbers"),
    ("{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}"
     "{% endfor %}{% endfor %}{% endfor %}", "the loops run more than 100,000 times"),
    ("{{ range(10**9)|list }}", "a range of more than 1,000 numbers"),
    ("{{ 'x' * 10**9 }}", "a repetition too long"),
    ("{{ [1] * 10**9 }}", "a repetition too long"),
    ("{{ 'x'.encode() * 10**9 }}", "a repetition too long"),
    ("{{ (2**4000) * (2**4000) }}", "a number too large"),
    ("{{ 7 ** 100000 }}", "a power too large"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "calls nested more than 50 deep"),
    ("{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}", "calls nested more than 50"),
    ("{{ 'x'|center(10**9) }}", "a width or count above 1,000"),
    ("{{ 'x'.ljust(999999999) }}", "a width or count above 1,000"),
    ("{{ 'x\n'|indent(10**9) }}", "a width or count above 1,000"),
    ("{{ 'abc'|slice(10**9)|list }}", "a width or count above 1,000"),
    ("{{ [1, 2]|batch(10**9, 0)|list }}", "a width or count above 1,000"),
    ("{{ '%0999999999d' % 1 }}", "a %-format with a width or precision too large"),
    ("{{ '%0999999999d'|format(1) }}", "a %-format with a width or precision too large"),
    ("{{ '{:>999999999}'.format(1) }}", "a format with a width too large"),
    ("{{ 'ab'|replace('', 'x' * 100000) }}", "a replacement that makes the text too long"),
    ("{{ range(1000)|join('x' * 10000) }}", "a joined text longer than 200,000 characters"),
    ("{% set a = 'x' * 100000 %}{{ (a ~ a ~ a)|length }}", "a text longer than 200,000"),
    ("{% set ns = namespace(x='ab') %}{% for i in range(40) %}{% set ns.x = ns.x ~ ns.x %}"
     "{% endfor %}{{ ns.x|length }}", "a text longer than 200,000 characters"),
    ("{% macro m() %}{% for i in range(1000) %}{{ 'y' * 10000 }}{% endfor %}{% endmacro %}"
     "{{ m()|length }}", "a text longer than 200,000 characters"),
    ("{% for i in range(1000) %}{{ 'x' * 1000 }}{% endfor %}",
     "the text would be longer than 200,000 characters"),
    (SLOW, "the template takes too long to render"),
]


@pytest.mark.parametrize(("source", "reason"), UNBOUNDED)
def test_a_template_beyond_the_bounds_is_refused_quickly(source, reason):
    started = time.thread_time()
    with pytest.raises(TemplateOverrideError, match="text") as refused:
        render_custom(source, VALUES)
    assert reason in str(refused.value)
    assert time.thread_time() - started < 1.0


@pytest.mark.parametrize(("source", "reason"), UNBOUNDED)
def test_a_template_beyond_the_bounds_is_refused_at_save_time(source, reason):
    with pytest.raises(TemplateOverrideError, match=reason.split(" ")[0]):
        check_template(source, "text")


def test_a_runaway_template_in_a_thread_ends_instead_of_burning_a_core():
    outcome: list[str] = []

    def render() -> None:
        try:
            render_custom(SLOW, VALUES)
        except TemplateOverrideError as exc:
            outcome.append(str(exc))

    worker = threading.Thread(target=render)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert outcome == ["text, line 1: the template takes too long to render"]


def test_a_garbage_collection_during_a_render_is_not_counted_as_the_templates_time():
    large_heap = [{"n": [n]} for n in range(1_000_000)]
    collections: list[float] = []

    def collect() -> str:
        started = time.thread_time()
        gc.collect()
        collections.append(time.thread_time() - started)
        return ""

    template = BoundedSandbox().from_string(
        "{{ collect() }}{% for i in range(3) %}{{ i }}{% endfor %}")
    budget = 0.01
    assert render(template, {"collect": collect}, clock=Clock.start(budget)) == "012"
    assert collections[0] > budget, "the collection was to outlast the budget on its own"
    del large_heap


@pytest.mark.parametrize(("source", "expected"), [
    ("{% for i in range(3) %}{{ i }}{% endfor %}", "012"),
    ("{% macro greet(name) %}Hallo {{ name }}{% endmacro %}{{ greet(last_name) }}",
     "Hallo Potz"),
    ("{{ event_title|upper }} {{ '%03d'|format(guests) }} {{ '{:>5}'.format(last_name) }}",
     "FACHKONFERENZ 000  Potz"),
    ("{{ ([last_name] * 3)|join(', ') }}", "Potz, Potz, Potz"),
    ("{{ (last_name ~ ' ') * 2 }}{{ 2 ** 10 }} {{ lipsum(1, html=False)|length > 0 }}",
     "Potz Potz 1024 True"),
    ("{{ first_name or 'Gast' }}, {{ 'x'|center(5) }}|", "Gast,   x  |"),
])
def test_ordinary_templates_render_as_before(source, expected):
    assert render_custom(source, VALUES) == expected


def test_a_template_failing_for_an_empty_first_name_is_refused_at_save_time():
    with pytest.raises(TemplateOverrideError, match=r"text, line 2: .*empty fields"):
        check_template("{{ salutation }},\n{{ first_name[0] }}.", "text", kind="invitation")


def test_a_confirmation_is_tried_with_no_guests_and_with_a_declined_answer():
    with pytest.raises(TemplateOverrideError, match=r"division by zero.*0 guests"):
        check_template("{{ 10 // guests }}", "text", kind="confirmation")
    with pytest.raises(TemplateOverrideError, match="declined"):
        check_template("{% if answer == 'Absage' %}{{ 1 // 0 }}{% endif %}", "text",
                       kind="confirmation", languages=("de",))


def test_the_cli_reports_a_rendering_error_at_save_time_without_a_traceback(runner, create_event,
                                                                            tmp_path):
    event = create_event()
    body = tmp_path / "body.txt"
    body.write_text("{{ salutation }},\n\n{{ guests / 0 }}\n", encoding="utf-8")
    result = runner.invoke(args=["template", "set", event.slug, "invitation", "de",
                                 "--text-file", str(body)])
    assert result.exit_code == 1
    assert "text, line 3: division by zero" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)


def test_an_update_that_fails_to_render_is_refused_without_a_traceback(runner, create_event,
                                                                       tmp_path, smtp_server):
    event = create_event(invitees=1)
    body = tmp_path / "body.txt"
    body.write_text("Hallo,\n{{ first_name|dictsort }}\n", encoding="utf-8")
    result = runner.invoke(args=["send", event.slug, "--kind", "update", "--subject", "Neu",
                                 "--body-file", str(body)])
    assert result.exit_code == 1
    assert "body, line 2: AttributeError" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert smtp_server.received == []
