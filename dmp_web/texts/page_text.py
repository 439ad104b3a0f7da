"""The visible text of an HTML page, as blocks the easy-to-read check reads (domain/falc.py).

It keeps what a reader sees, in reading order: the header (site name, menu), the main content,
the footer. Each heading, paragraph, list item, label, button… is one block; a line break
(<br>) starts a new one. Not read as text: scripts, styles, the <head>, hidden elements, form
values; a value marked translate="no" (a generated password or identifier, copied letter by
letter); a document's own text, marked data-free-text (its author wrote it, not us).
Two places echo what the reader meets elsewhere, and their blocks are marked so: a form's error
summary (templates/macros/forms.html) repeats the errors shown beside the fields, and the
message area (templates/base.html) confirms what the reader just did on the page before.
The standard library's parser is enough: the app does not need BeautifulSoup.
"""
from __future__ import annotations

from html.parser import HTMLParser

from ..domain.falc import Block, Report, check_blocks

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Elements whose text is a block of its own; the value is the kind of block.
BLOCKS = {
    **{h: "heading" for h in HEADINGS},
    "p": "paragraph", "li": "item", "dt": "label", "dd": "paragraph", "label": "label",
    "legend": "label", "button": "button", "th": "label", "td": "paragraph", "caption": "label",
    "summary": "label", "figcaption": "paragraph", "blockquote": "paragraph", "option": "item",
    "div": "paragraph", "section": "paragraph", "article": "paragraph", "aside": "paragraph",
    "nav": "paragraph", "header": "paragraph", "footer": "paragraph", "main": "paragraph",
    "form": "paragraph", "fieldset": "paragraph", "ul": "paragraph", "ol": "paragraph",
    "dl": "paragraph", "table": "paragraph", "tr": "paragraph", "details": "paragraph",
    "address": "paragraph", "pre": "paragraph",
}
NOT_TEXT = {"head", "script", "style", "template", "noscript", "svg", "textarea", "datalist"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
REGIONS = ("header", "main", "footer")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.stack: list[str] = []  # open block elements
        self.skipping: list[str] = []  # open elements whose content is not visible text
        self.region = ""
        self.buffer: list[str] = []
        self.echo_depth = 0  # > 0 inside an echo (error summary, messages): its open elements

    def _kind(self) -> str:
        return BLOCKS[self.stack[-1]] if self.stack else "paragraph"

    def _where(self) -> str:
        return " > ".join(part for part in (self.region, self.stack[-1] if self.stack else "") if part)

    def flush(self) -> None:
        text = " ".join("".join(self.buffer).split())
        self.buffer.clear()
        if text:
            self.blocks.append(Block(text, self._kind(), self._where(), repeats=self.echo_depth > 0))

    @staticmethod
    def _not_read(tag: str, attributes: dict) -> bool:
        """Scripts, styles, hidden elements, generated values and free text the check skips."""
        return (tag in NOT_TEXT or "hidden" in attributes or attributes.get("translate") == "no"
                or "data-free-text" in attributes)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.skipping or self._not_read(tag, attributes):
            if tag not in VOID:
                self.skipping.append(tag)
            return
        if tag == "br":
            self.flush()
            return
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.flush()
            self.blocks.append(Block(attributes["value"], "button", self._where()))
            return
        if tag in VOID:
            return
        if tag in BLOCKS:
            self.flush()
            self.stack.append(tag)
        if self.echo_depth:
            self.echo_depth += 1
        elif {"error-summary", "flash-area"} & set((attributes.get("class") or "").split()):
            self.echo_depth = 1
        if tag in REGIONS:
            self.region = tag

    def handle_endtag(self, tag):
        if self.skipping:
            if tag in self.skipping:
                while self.skipping.pop() != tag:
                    pass
            return
        if tag in BLOCKS and tag in self.stack:
            self.flush()
            while self.stack and self.stack.pop() != tag:
                pass
        if self.echo_depth and tag not in VOID:
            self.echo_depth -= 1
        if tag in REGIONS:
            self.region = ""

    def handle_data(self, data):
        if not self.skipping:
            self.buffer.append(data)


def visible_blocks(html: str) -> list[Block]:
    """The blocks of visible text of a page, in reading order."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    parser.flush()
    return parser.blocks


def check_page(html: str) -> Report:
    """The easy-to-read check of a page: every rule on all its visible text, the readability
    score on its own content (<main>), since the header and footer are on every page."""
    return check_blocks(visible_blocks(html), scored_region="main")
