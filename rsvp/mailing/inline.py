"""CSS inlined into the HTML part at render time: mail clients ignore or strip <style>."""

import css_inline

#: Media queries (dark mode) cannot live in style attributes; they stay in a <style> block,
#: which clients that honour them read and the others ignore.
_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


def inline_css(html: str) -> str:
    """Move the rules of the document's <style> blocks into style attributes."""
    return _INLINER.inline(html)
