"""CSS inlined into the HTML part at render time: mail clients ignore or strip <style>.

What the inliner does depends on the document's elements and its stylesheet, not on the
words in it, and a batch's invitations differ in a few personal words only: the salutation
and the link. So its output is kept per document with those values masked, and each
message gets the values put back into it: one inlining per batch and language instead of
one per message, which was a tenth of a message's CPU time.

A value is masked only where that cannot change the result: it has nothing that HTML
escapes or the inliner would write differently (so the output holds it exactly as the input
did), and a space or "://" in it (so it cannot be the name of an element or an attribute).
Nothing is masked in a document with a "[" in it: an attribute selector could look at the
link. The first document of each shape is inlined both ways and the results compared; only
an identical result is kept.
"""

import threading
from collections.abc import Iterable

import css_inline

#: Media queries (dark mode) cannot live in style attributes; they stay in a <style> block,
#: which clients that honour them read and the others ignore.
_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)

#: Marks a masked value: a private-use character, which no template or value contains.
_MARK = "\ue000"
#: Characters a masked value must not have: HTML escapes them, the inliner writes them back
#: as entities, or they end a tag; and the mark itself.
_UNSAFE = frozenset("&<>\"'\xa0\r\0" + _MARK)
#: Shapes kept, and those found not to be maskable (None), at most this many.
_MAX_SHAPES = 64

_shapes: dict[str, str | None] = {}
_shapes_lock = threading.Lock()


def inline_css(html: str, personal: Iterable[str] = ()) -> str:
    """Move the rules of the document's <style> blocks into style attributes.

    ``personal`` are the values that differ from one recipient to the next; where they can be
    masked, the inlining is done once for all documents that differ only in them.
    """
    masks = _masks(html, personal)
    if not masks:
        return _INLINER.inline(html)
    masked = html
    for value, mark in masks:
        masked = masked.replace(value, mark)
    with _shapes_lock:
        seen = masked in _shapes
        shape = _shapes.get(masked)
    if not seen:
        return _learn_shape(html, masked, masks)
    if shape is None:
        return _INLINER.inline(html)
    return _unmasked(shape, masks)


def _learn_shape(html: str, masked: str, masks: list[tuple[str, str]]) -> str:
    """Inline the document both ways; keep the masked result only if it gives the same."""
    inlined = _INLINER.inline(html)
    shape = _INLINER.inline(masked)
    with _shapes_lock:
        if len(_shapes) >= _MAX_SHAPES:
            _shapes.clear()
        _shapes[masked] = shape if _unmasked(shape, masks) == inlined else None
    return inlined


def _masks(html: str, personal: Iterable[str]) -> list[tuple[str, str]]:
    """The values to mask, longest first (a name inside the salutation goes with it), each
    with its mark; none if the document holds the mark character itself or could have an
    attribute selector (CSS that looks at values)."""
    if _MARK in html or "[" in html:
        return []
    values = sorted({v for v in personal if _maskable(v) and v in html}, key=len, reverse=True)
    return [(value, f"{_MARK}{number}{_MARK}") for number, value in enumerate(values)]


def _maskable(value: str) -> bool:
    return (len(value) >= 6 and value == value.strip() and (" " in value or "://" in value)
            and _UNSAFE.isdisjoint(value))


def _unmasked(text: str, masks: list[tuple[str, str]]) -> str:
    for value, mark in masks:
        text = text.replace(mark, value)
    return text
