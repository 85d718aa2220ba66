"""Jinja's sandbox with bounds: any organiser's template renders quickly or is refused.

Jinja's sandbox keeps a template away from Python's objects, but not from Python's costs:
``'x' * 10**9``, ``range(10**9)|list``, ``lipsum(100000)``, loops in loops and macros calling
themselves each take a core and memory for as long as they like. Here every operator that
can grow a value, every call, filter and loop step checks a bound first, output is collected
piece by piece and stopped at MAX_CHARS, and a render has MAX_SECONDS of its thread's CPU
time (checked at those same points: no signals, so it is safe in any thread).

The garbage collector's time is left out of that budget. A full collection in a large
process takes tenths of a second of the thread that happens to allocate, and it would refuse
a template for the process's size instead of its own cost; the other bounds already cap
what a template can allocate, so they cap the collections it can cause too.
"""

import functools
import gc
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from flask import has_app_context
from flask_babel import LazyString, format_number
from flask_babel import lazy_gettext as _l
from jinja2 import Template, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import _PassArg, generate_lorem_ipsum

#: Longest string (and longest output) a template may make, in characters.
MAX_CHARS = 200_000
#: Longest list or tuple a template may make.
MAX_ITEMS = 10_000
#: Longest ``range()``.
MAX_RANGE = 1_000
#: Loop steps in one render, all loops together.
MAX_LOOP_STEPS = 100_000
#: Calls (macros, methods) nested in one another.
MAX_DEPTH = 50
#: Largest integer a template may compute, in bits (about 1,200 digits).
MAX_INT_BITS = 4_096
#: Largest width, count or indent a filter or string method may be given.
MAX_WIDTH = 1_000
#: CPU time of the rendering thread one render may take.
MAX_SECONDS = 0.3

_SIZED = (str, bytes, list, tuple)
#: Filters and string methods whose number arguments make their result that much bigger.
_WIDTH_FILTERS = {"center", "indent", "batch", "slice", "tojson"}
_WIDTH_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs"}
#: A %-format with a width or precision of four digits or more, or taken from the values.
_BIG_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d{4,}|\d*\.(?:\*|\d{4,}))")
#: A {}-format whose spec has a width of four digits or more, or a nested field.
_BIG_BRACES = re.compile(r"\{[^{}]*(?:\{|:[^{}]*\d{4,})")


def _limit(message: LazyString, **numbers: int) -> "SandboxLimit":
    """A refusal in the reader's language, its numbers written as they write them."""
    if not numbers:
        return SandboxLimit(message)
    return SandboxLimit(LazyString(lambda: str(message) % {
        name: _written(number) for name, number in numbers.items()}))


def _written(number: int) -> str:
    return format_number(number) if has_app_context() else f"{number:,}"


class SandboxLimit(SecurityError):
    """A template went beyond what the sandbox allows (size, time, loops, nesting)."""


@dataclass
class Clock:
    """The thread CPU time that one or more renders may still take, collections left out."""

    deadline: float
    collecting_since: float | None = None

    @classmethod
    def start(cls, seconds: float = MAX_SECONDS) -> "Clock":
        """``seconds`` of this thread's CPU time from now."""
        return cls(deadline=time.thread_time() + seconds)

    def check(self) -> None:
        """Refuse to go on once the time is up."""
        if time.thread_time() > self.deadline:
            raise _limit(_l("the template takes too long to render"))

    def collection(self, phase: str) -> None:
        """Move the deadline on by the time a garbage collection took."""
        now = time.thread_time()
        if phase == "start":
            self.collecting_since = now
        elif self.collecting_since is not None:
            self.deadline += now - self.collecting_since
            self.collecting_since = None


@dataclass
class Budget:
    """What one render may still spend: CPU time, loop steps, call depth."""

    clock: Clock
    steps: int = 0
    depth: int = 0

    def tick(self) -> None:
        """Refuse to go on once the time is up."""
        self.clock.check()

    def step(self) -> None:
        """One loop step."""
        self.steps += 1
        if self.steps > MAX_LOOP_STEPS:
            raise _limit(_l("the loops run more than %(steps)s times"), steps=MAX_LOOP_STEPS)
        self.tick()


_budget: ContextVar[Budget | None] = ContextVar("rsvp_sandbox_budget", default=None)


def _leave_collections_out(phase: str, info: dict[str, int]) -> None:
    budget = _budget.get()
    if budget is not None:
        budget.clock.collection(phase)


gc.callbacks.append(_leave_collections_out)


def _tick() -> None:
    budget = _budget.get()
    if budget is not None:
        budget.tick()


def render(template: Template, values: Mapping[str, object], *,
           clock: Clock | None = None) -> str:
    """Render ``template`` within the bounds; ``clock`` may be shared by several renders.
    Raises SandboxLimit, or whatever the template raised."""
    budget = Budget(clock or Clock.start())
    token = _budget.set(budget)
    try:
        parts: list[str] = []
        size = 0
        for chunk in template.generate(dict(values)):
            size += len(chunk)
            if size > MAX_CHARS:
                raise _limit(_l("the text would be longer than %(chars)s characters"),
                             chars=MAX_CHARS)
            parts.append(chunk)
        return "".join(parts)
    finally:
        _budget.reset(token)


def _sized(value: Any) -> Any:
    """``value``, unless it is bigger than a template may make."""
    if isinstance(value, str) and len(value) > MAX_CHARS:
        raise _limit(_l("a text longer than %(chars)s characters"), chars=MAX_CHARS)
    if isinstance(value, bytes | list | tuple) and len(value) > MAX_ITEMS:
        raise _limit(_l("a list longer than %(items)s items"), items=MAX_ITEMS)
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise _limit(_l("a number too large"))
    return value


def _limit_for(value: Any) -> int:
    return MAX_CHARS if isinstance(value, str) else MAX_ITEMS


def _check_repeat(sequence: Any, times: Any) -> None:
    if (isinstance(sequence, _SIZED) and isinstance(times, int)
            and len(sequence) * times > _limit_for(sequence)):
        raise _limit(_l("a repetition too long"))


def _check_binop(op: str, left: Any, right: Any) -> None:
    """Refuse an operation whose result would be too big, before computing it."""
    if op == "*":
        _check_repeat(left, right)
        _check_repeat(right, left)
        if (isinstance(left, int) and isinstance(right, int)
                and left.bit_length() + right.bit_length() > MAX_INT_BITS):
            raise _limit(_l("a number too large"))
    elif op == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
        if abs(left) > 1 and (abs(left).bit_length() - 1) * right > MAX_INT_BITS:
            raise _limit(_l("a power too large"))
    elif op == "+" and isinstance(left, _SIZED) and isinstance(right, _SIZED):
        if len(left) + len(right) > _limit_for(left):
            raise _limit(_l("a text or list too long"))
    elif op == "%" and isinstance(left, str):
        _check_percent(left)


def _check_percent(form: str) -> None:
    if _BIG_PERCENT.search(form):
        raise _limit(_l("a %-format with a width or precision too large"))


def _check_width(args: Iterable[Any]) -> None:
    if any(isinstance(a, int) and abs(a) > MAX_WIDTH for a in args):
        raise _limit(_l("a width or count above %(width)s"), width=MAX_WIDTH)


def _check_replace(text: Any, old: Any, new: Any) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        count = len(text) + 1 if not old else text.count(old)
        if len(text) + count * (len(new) - len(old)) > MAX_CHARS:
            raise _limit(_l("a replacement that makes the text too long"))


def _check_join(items: list[Any], separator: Any) -> None:
    size = sum(len(i) for i in items if isinstance(i, str))
    if size + len(str(separator)) * len(items) > MAX_CHARS:
        raise _limit(_l("a joined text longer than %(chars)s characters"), chars=MAX_CHARS)


def _check_method(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Pre-checks for the string and list methods that can grow a value."""
    target = getattr(method, "__wrapped__", method)  # str.format is wrapped by the sandbox
    owner = getattr(target, "__self__", None)
    if not isinstance(owner, _SIZED):
        return
    name = getattr(target, "__name__", "")
    if name in _WIDTH_METHODS:
        _check_width([*args, *kwargs.values()])
    elif name == "replace" and len(args) >= 2:
        _check_replace(owner, args[0], args[1])
    elif name == "join" and args:
        _check_join(list(args[0]), owner)
    elif name in ("format", "format_map") and isinstance(owner, str) and _BIG_BRACES.search(owner):
        raise _limit(_l("a format with a width too large or a nested field"))


def _guard_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` with the bounds checked before and after each use."""
    skip = 0 if _PassArg.from_obj(function) is None else 1

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _tick()
        value, rest = (args[skip] if len(args) > skip else None), args[skip + 1:]
        if name in _WIDTH_FILTERS:
            _check_width([*rest, *kwargs.values()])
        elif name == "replace" and len(rest) >= 2:
            _check_replace(value, rest[0], rest[1])
        elif name == "format" and isinstance(value, str):
            _check_percent(value)
        elif name == "join" and isinstance(value, Iterable) and not isinstance(value, str):
            items = list(value)
            _check_join(items, rest[0] if rest else kwargs.get("d", ""))
            args = (*args[:skip], items, *rest)
        return _sized(function(*args, **kwargs))

    return guarded


def _loop_guard(iterable: Iterable[Any]) -> Iterator[Any]:
    """Each loop's items, counted against the render's loop steps and time."""
    budget = _budget.get()
    for item in iterable:
        if budget is not None:
            budget.step()
        yield item


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise _limit(_l("a range of more than %(range)s numbers"), range=MAX_RANGE)
    return numbers


def _bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    if not (0 <= n <= 10 and 0 < min <= max <= 100):
        raise _limit(_l("lipsum takes at most 10 paragraphs of at most 100 words"))
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


def _bounded_concat(parts: Iterable[Any]) -> str:
    """The output of a macro, block or ``set`` block, if it is not too long."""
    parts = list(parts)
    if sum(len(p) for p in parts) > MAX_CHARS:
        raise _limit(_l("a text longer than %(chars)s characters"), chars=MAX_CHARS)
    return "".join(parts)


class _BoundedCodeGenerator(CodeGenerator):
    """Compiles ``a ~ b`` so that the joined text is measured before it is made."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        join = "markup_join" if frame.eval_ctx.autoescape else "str_join"
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        self.write(f"environment.bounded_join({join}, (")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox with bounds on size, loops, nesting and time."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset(["+", "-", "*", "/", "//", "%", "**"])
    concat = staticmethod(_bounded_concat)  # type: ignore[assignment]

    def __init__(self, **options: Any) -> None:
        # No constant folding at compile time: it would run the operators unchecked.
        super().__init__(optimized=False, **options)
        self.globals["range"] = _bounded_range
        self.globals["lipsum"] = _bounded_lipsum
        self.filters = {name: _guard_filter(name, f) for name, f in self.filters.items()}
        self.filters["loop_guard"] = _loop_guard

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Every ``for`` loop goes through the loop guard."""
        tree = super()._parse(source, name, filename)
        for loop in list(tree.find_all(nodes.For)):
            loop.iter = nodes.Filter(loop.iter, "loop_guard", [], [], None, None,
                                     lineno=loop.lineno)
        return tree

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Check the size of the result before computing it."""
        _tick()
        _check_binop(operator, left, right)
        return _sized(self.binop_table[operator](left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Count the nesting and time of calls; check methods that grow a value."""
        budget = _budget.get()
        if budget is None:
            return _sized(super().call(__context, __obj, *args, **kwargs))
        budget.tick()
        _check_method(__obj, args, kwargs)
        budget.depth += 1
        try:
            if budget.depth > MAX_DEPTH:
                raise SandboxLimit(f"calls nested more than {MAX_DEPTH} deep "
                                   "(a macro calling itself?)")
            return _sized(super().call(__context, __obj, *args, **kwargs))
        finally:
            budget.depth -= 1

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Attribute access, on the clock."""
        _tick()
        return super().getattr(obj, attribute)

    @staticmethod
    def bounded_join(join: Callable[[Iterable[Any]], str], parts: tuple[Any, ...]) -> str:
        """``a ~ b ~ ...``, measured first."""
        if sum(len(p) for p in parts if isinstance(p, str)) > MAX_CHARS:
            raise _limit(_l("a text longer than %(chars)s characters"), chars=MAX_CHARS)
        return join(parts)

