"""Fuzzing organiser templates against the sandbox: each renders quickly or is refused cleanly.

Templates are drawn from a grammar of the placeholders, literals (big numbers among them),
operators, filters, string methods, loops, conditions, assignments and macros calling
themselves. Each one must render within a second of CPU time to a bounded text, or be
refused with a TemplateOverrideError: never another exception, never a hang.
"""

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rsvp.mailing.sandbox import MAX_CHARS
from rsvp.mailing.templates_custom import PLACEHOLDERS, TemplateOverrideError, render_custom

VALUES = {name: "" for name in PLACEHOLDERS} | {
    "salutation": "Guten Tag", "last_name": "Potz", "event_title": "Fachkonferenz",
    "guests": 0}

NAMES = st.sampled_from([*PLACEHOLDERS, "x", "ns.v"])
NUMBERS = st.one_of(
    st.integers(-3, 12), st.sampled_from([99, 1000, 100000, 10**9, 2**63, 10**30]),
    st.integers(0, 40).map(lambda k: f"10**{k}"))
STRINGS = st.sampled_from(["''", "'x'", "'ab '", "'%s'", "'%0999d'", "'{:>99999}'",
                           "'{}{}'", "'x' * 1000"])
OPERATORS = st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "~", "==", "in", "and"])
FILTERS = st.sampled_from([
    "length", "upper", "list", "join", "join('--')", "first", "last", "sum", "sort", "unique",
    "string", "int", "float", "default('-')", "dictsort", "reverse", "trim", "title",
    "wordcount", "center({n})", "indent({n})", "truncate({n})", "wordwrap({n})",
    "batch({n}, 'z')", "slice({n})", "replace('', 'yyyy')", "replace('x', 'xx')",
    "format({n})", "round({n})", "tojson", "striptags", "escape", "urlize"])
METHODS = st.sampled_from(["upper()", "split()", "ljust({n})", "zfill({n})", "format({n})",
                           "replace('a', 'aaaa')", "join(['a', 'b'])", "count('a')"])
GLOBALS = st.sampled_from(["range({n})", "range({n}, {n})", "lipsum({n})",
                           "lipsum(1, False, 1, {n})", "dict(a={n})", "namespace(v={n})"])


def _with_number(template: str, number: object) -> str:
    return template.replace("{n}", str(number))


ATOMS = st.one_of(NAMES, NUMBERS.map(str), STRINGS,
                  st.builds(_with_number, GLOBALS, NUMBERS))


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda a, op, b: f"({a} {op} {b})", inner, OPERATORS, inner),
        st.builds(lambda a, f, n: f"({a})|{_with_number(f, n)}", inner, FILTERS, NUMBERS),
        st.builds(lambda a, m, n: f"({a}).{_with_number(m, n)}", inner, METHODS, NUMBERS),
        st.builds(lambda a, n: f"({a})[{n}]", inner, NUMBERS),
        st.builds(lambda a, b: f"[{a}, {b}]", inner, inner),
        st.builds(lambda a: f"-({a})", inner),
    )


EXPRESSIONS = st.recursive(ATOMS, _extend, max_leaves=8)


def _blocks(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda e, b: f"{{% for x in {e} %}}{b}{{% endfor %}}", EXPRESSIONS, inner),
        st.builds(lambda e, b: f"{{% if {e} %}}{b}{{% else %}}-{{% endif %}}", EXPRESSIONS,
                  inner),
        st.builds(lambda e, b: f"{{% set ns.v = {e} %}}{b}", EXPRESSIONS, inner),
        st.builds(lambda b: f"{{% macro m(x) %}}{b}{{{{ m(x) }}}}{{% endmacro %}}{{{{ m(1) }}}}",
                  inner),
        st.builds(lambda b: f"{{% filter upper %}}{b}{{% endfilter %}}", inner),
        st.builds(lambda a, b: a + "\n" + b, inner, inner),
    )


STATEMENTS = st.recursive(
    st.one_of(EXPRESSIONS.map(lambda e: f"{{{{ {e} }}}}"), st.sampled_from(["Text ", "\n"])),
    _blocks, max_leaves=6).map(lambda body: "{% set ns = namespace(v=1) %}" + body)

#: The slowest render seen, for docs/reliability.md (CPU seconds of the rendering thread).
worst: dict[str, object] = {"seconds": 0.0, "template": ""}


@settings(max_examples=200, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
@given(source=STATEMENTS)
def test_any_template_renders_quickly_to_a_bounded_text_or_is_refused(source):
    started = time.thread_time()
    try:
        text = render_custom(source, VALUES)
    except TemplateOverrideError:
        text = ""
    took = time.thread_time() - started
    if took > float(worst["seconds"]):  # type: ignore[arg-type]
        worst.update(seconds=took, template=source)
    assert took < 1.0, source
    assert len(text) <= MAX_CHARS
