"""« Ma carte d’urgence » on paper: an A4 sheet with the card's two faces side by side, each of
the size of a bank card (ID-1, 85.60 × 53.98 mm), cutting marks at the corners and a fold line
between them (templates/pdf/emergency_card.html, the .card rules of static/css/pdf.css).

The front prints in the largest type that fits, never under domain/emergency_card.MIN_POINTS:
its lines are measured here with the widths of the font the PDF embeds (Atkinson Hyperlegible,
read by fontTools, no kerning: a little wider than what WeasyPrint sets, so what fits here fits
there). The back holds a QR code of the card's text, drawn by segno as a PNG of whole pixels per
module, and a sentence for the reader.
"""
from __future__ import annotations

import base64
import io
import re
from functools import cache

from ..domain.emergency_card import MIN_POINTS, TITLE, Card
from ..settings import PROJECT_ROOT
from .render import render_pdf

FONTS = PROJECT_ROOT / "static" / "fonts"
MM = 72 / 25.4  # points in a millimetre

# The face, and the box its text may fill (the .card-face rules of pdf.css say the same numbers).
FACE_WIDTH_MM, FACE_HEIGHT_MM = 85.60, 53.98
PADDING_MM = 3.0
LINE_HEIGHT = 1.15
TITLE_SCALE = 1.2  # the title «Carte d’urgence», a little larger than the lines
GAP_EM = 0.25  # the space under the title, in the size of the lines
SIZES = (16, 15, 14, 13, 12, 11.5, 11, 10.5, 10, 9.5, MIN_POINTS)  # tried largest first
SAFETY = 0.97  # of the width: what Pango does differently (a break, a kern) never overflows
QR_SCALE = 8  # pixels per module of the PNG; the PDF shows it without smoothing


@cache
def _widths(weight: int) -> tuple[dict[int, int], int]:
    """The advance width of each character of Atkinson Hyperlegible, in units of its em."""
    from fontTools.ttLib import TTFont

    font = TTFont(FONTS / f"atkinson-hyperlegible-latin-{weight}-normal.woff2")
    metrics = font["hmtx"]
    return {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}, font["head"].unitsPerEm


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of a text in points, at this size; a character the font lacks counts as an em."""
    widths, em = _widths(700 if bold else 400)
    return sum(widths.get(ord(c), em) for c in text) * size / em


def _line_count(pieces: list[tuple[str, bool]], size: float, width: float) -> int:
    """How many lines these words take (each word with its weight), broken at spaces the way a
    browser breaks them; a word wider than the line is cut anywhere (overflow-wrap: anywhere)."""
    space = text_width(" ", size)
    lines, used = 1, 0.0
    for word, bold in pieces:
        wide = text_width(word, size, bold)
        if used and used + space + wide > width:
            lines, used = lines + 1, 0.0
        if not used and wide > width:  # cut a long word across as many lines as it needs
            for char in word:
                step = text_width(char, size, bold)
                if used + step > width:
                    lines, used = lines + 1, 0.0
                used += step
            continue
        used += (space if used else 0.0) + wide
    return lines


_IN_A_NUMBER = re.compile(r"(?<=\d) (?=\d)")


def printed(text: str) -> str:
    """The text as the card prints it: a telephone number or the INS-C never cut at a line's end
    (no-break spaces between its groups of digits). The QR code keeps plain spaces."""
    return _IN_A_NUMBER.sub("\u00a0", text)


def _words(text: str, bold: bool) -> list[tuple[str, bool]]:
    return [(word, bold) for word in printed(text).split(" ") if word]


def front_height(card: Card, size: float) -> float:
    """The height in points of the card's front text at this size."""
    width = (FACE_WIDTH_MM - 2 * PADDING_MM) * MM * SAFETY
    title = _line_count(_words(TITLE, True), size * TITLE_SCALE, width) * size * TITLE_SCALE
    blocks = [_words(card.name, True), _words(card.front[2], False)]
    blocks += [_words(line.label + " :", True) + _words(line.value, False) for line in card.lines]
    lines = sum(_line_count(block, size, width) for block in blocks)
    return (title + lines * size) * LINE_HEIGHT + GAP_EM * size


def front_size(card: Card) -> float | None:
    """The largest type, in points, in which the front fits its face; None if not even the smallest."""
    room = (FACE_HEIGHT_MM - 2 * PADDING_MM) * MM
    return next((size for size in SIZES if front_height(card, size) <= room), None)


def qr_png(text: str) -> bytes:
    """The QR code of this text: byte mode in UTF-8 without an ECI header (phone readers guess
    UTF-8 well, and some show an ECI header as junk), medium error correction (readable when a
    corner is worn), the smallest version that holds it, its quiet zone of 4 modules."""
    import segno

    code = segno.make_qr(text, error="m", encoding="utf-8", boost_error=False)
    out = io.BytesIO()
    code.save(out, kind="png", scale=QR_SCALE, border=4)
    return out.getvalue()


def emergency_card(card: Card, *, size: float | None = None) -> bytes:
    """The A4 sheet of this card, a tagged PDF. Ask front_size first: a card that does not fit
    is refused by the page before it is ever printed (ValueError here)."""
    size = front_size(card) if size is None else size
    if size is None:
        raise ValueError("the card does not fit its face")
    qr = "data:image/png;base64," + base64.b64encode(qr_png(card.text())).decode("ascii")
    lines = [(line.label, printed(line.value)) for line in card.lines]
    return render_pdf("emergency_card.html", {"card": card, "lines": lines, "size": size,
                                              "title_size": size * TITLE_SCALE, "qr": qr})
