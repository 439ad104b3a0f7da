"""The emergency card's sheet (dmp_web/pdf/card.py): the front's type measured with the embedded
font, the largest size that fits, numbers never cut, and the QR code of the card's text."""
from __future__ import annotations

import io
import logging
import math

import pytest
import zxingcpp
from PIL import Image

from dmp_web.domain.emergency_card import MIN_POINTS, Card, CardLine
from dmp_web.pdf import card as sheet

from ..pdf_logs import weasyprint_records


def card(*lines: CardLine) -> Card:
    return Card("Jeanne Marie MARTIN", "14 mars 1942", lines, "1er décembre 2026")


def test_the_more_a_card_says_the_smaller_its_type_down_to_9_points_then_it_does_not_fit():
    short = card(CardLine("Groupe sanguin", "A+ (positif)"))
    sizes = [sheet.front_size(card(*[CardLine("Allergies", "pénicilline, arachides, latex")] * n)) for n in (1, 4, 8)]
    assert sheet.front_size(short) == 16
    assert sizes[0] > sizes[1] > sizes[2] >= MIN_POINTS
    assert sheet.front_size(card(*[CardLine("Allergies", "pénicilline, arachides, latex")] * 30)) is None


def test_a_size_fits_only_when_the_measured_front_is_within_the_face():
    full = card(*[CardLine("Traitements", "insuline le matin et le soir")] * 6)
    size = sheet.front_size(full)
    room = (sheet.FACE_HEIGHT_MM - 2 * sheet.PADDING_MM) * sheet.MM
    assert sheet.front_height(full, size) <= room
    bigger = next(s for s in reversed(sheet.SIZES) if s > size)
    assert sheet.front_height(full, bigger) > room  # the next size up would not fit: this is the largest


def test_a_word_wider_than_the_face_is_counted_on_as_many_lines_as_it_takes():
    width = (sheet.FACE_WIDTH_MM - 2 * sheet.PADDING_MM) * sheet.MM
    word = "pénicilline" * 14
    lines = sheet._line_count([(word, False)], 12, width)
    needed = math.ceil(sheet.text_width(word, 12) / width)
    assert needed >= 3 and needed <= lines <= needed + 1


def test_a_telephone_number_and_the_ins_c_are_never_cut_at_a_lines_end():
    assert sheet.printed("Paul, 06 11 22 33 44, 75 mg") == "Paul, 06\u00a011\u00a022\u00a033\u00a044, 75 mg"


def test_the_qr_code_holds_the_text_in_utf_8():
    text = "Carte d’urgence\nGroupe sanguin : O− (négatif)\nÀ prévenir : Zoé Élise"
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(sheet.qr_png(text))))
    assert found.text == text


def test_the_sheet_renders_without_any_weasyprint_warning():
    made = card(CardLine("Groupe sanguin", "A+ (positif)"))
    with weasyprint_records() as records:
        data = sheet.emergency_card(made)
    assert data.startswith(b"%PDF-")
    assert [r.getMessage() for r in records if r.levelno >= logging.WARNING] == []


def test_a_card_that_does_not_fit_is_never_printed():
    with pytest.raises(ValueError):
        sheet.emergency_card(card(*[CardLine("Allergies", "pénicilline, arachides, latex")] * 30))
