"""Deposited files: PDF, JPEG, PNG or plain text by their content, 10 Mo at most, names cleaned."""
import io
import zipfile

import pytest

from dmp_web.domain.uploads import (
    MAX_UPLOAD_BYTES,
    UPLOAD_MESSAGES,
    UploadRefused,
    check_upload,
    clean_name,
)

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
TEXT = "Compte rendu de consultation\r\nTension : 12/8. Revoir dans 3\u202fmois.\n".encode("utf-8")


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def refusal(filename: str, data: bytes) -> UploadRefused:
    with pytest.raises(UploadRefused) as error:
        check_upload(filename, data)
    return error.value


@pytest.mark.parametrize(
    "filename, data, content_type, clean",
    [
        ("photo.png", PDF, "application/pdf", "photo.pdf"),
        ("ordonnance.pdf", JPEG, "image/jpeg", "ordonnance.jpg"),
        ("radio.pdf", PNG, "image/png", "radio.png"),
        ("notes.docx", TEXT, "text/plain", "notes.txt"),
        ("scan.jpeg", JPEG, "image/jpeg", "scan.jpg"),
    ],
)
def test_the_type_comes_from_the_content_and_the_extension_is_replaced(filename, data, content_type, clean):
    checked = check_upload(filename, data)
    assert (checked.content_type, checked.clean_name, checked.size) == (content_type, clean, len(data))


def test_utf8_text_with_a_byte_order_mark_is_plain_text():
    assert check_upload("a.txt", b"\xef\xbb\xbf" + TEXT).content_type == "text/plain"


def test_text_that_quotes_html_further_down_is_plain_text():
    data = "Le patient a collé ceci :\n<script>alert(1)</script>\n<svg onload=x>".encode()
    assert check_upload("mail.html", data).content_type == "text/plain"


def test_a_long_text_with_one_stray_escape_character_is_still_text():
    data = b"ligne de journal\n" * 100 + b"\x1b[0m fin\n"
    assert check_upload("journal.log", data).content_type == "text/plain"


@pytest.mark.parametrize(
    "filename, data",
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48),
        ("compte-rendu.pdf", _zip()),
        ("page.html", b"<!DOCTYPE html>\n<html><body>Bonjour</body></html>"),
        ("page.txt", b"\xef\xbb\xbf \n\t<HTML lang=fr><p>Bonjour</p></HTML>"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("image.png", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("note.txt", b"  <Script>alert(document.cookie)</script>"),
        ("latin1.txt", "Résultats d'été".encode("latin-1")),  # not UTF-8: we cannot tell it from binary
        ("utf16.txt", "Bonjour".encode("utf-16")),
        ("bruit.txt", bytes(range(1, 32)) * 4),
    ],
)
def test_anything_else_is_refused_whatever_its_name(filename, data):
    assert refusal(filename, data).code == "type"


def test_exactly_10_mo_is_accepted():
    data = PDF + b"0" * (MAX_UPLOAD_BYTES - len(PDF))
    assert check_upload("gros.pdf", data).size == MAX_UPLOAD_BYTES == 10 * 1024 * 1024


def test_one_byte_over_10_mo_is_refused_with_its_size_in_mo():
    error = refusal("gros.pdf", PDF + b"0" * (MAX_UPLOAD_BYTES + 1 - len(PDF)))
    assert error.code == "too_large"
    assert error.details == {"size": MAX_UPLOAD_BYTES + 1, "size_mb": "10,1"}
    assert error.message == "Le fichier fait 10,1 Mo. Il doit faire 10 Mo au plus"


def test_a_size_in_whole_mo_is_written_without_decimals():
    assert refusal("x.pdf", PDF + b"0" * (25 * 1024 * 1024 - len(PDF))).details["size_mb"] == "25"


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b" \r\n\t\n"])
def test_an_empty_file_is_refused(data):
    error = refusal("vide.txt", data)
    assert error.code == "empty"
    assert error.message == "Le fichier est vide. Choisissez un autre fichier"


def test_every_message_is_plain_french_of_15_words_at_most():
    assert set(UPLOAD_MESSAGES) == {"empty", "too_large", "type"}
    for message in UPLOAD_MESSAGES.values():
        for sentence in message.split(". "):
            assert len(sentence.split()) <= 15, sentence


@pytest.mark.parametrize(
    "filename, content_type, clean",
    [
        ("../../etc/passwd", "text/plain", "passwd.txt"),
        ("C:\\Users\\x\\Compte rendu été 2026.PDF", "application/pdf", "Compte rendu été 2026.pdf"),
        ("Compte rendu e\u0301te\u0301.pdf", "application/pdf", "Compte rendu été.pdf"),  # NFC
        ("rap\x00po\x07rt\n\u202e.txt", "text/plain", "rapport.txt"),
        ("bilan<script>alert('x')</script>.txt", "text/plain", "script.txt"),
        ("bilan <script>.txt", "text/plain", "bilan script.txt"),
        ("bilan <b>urgent<b> \"&;$`%.txt", "text/plain", "bilan burgentb.txt"),
        ("Compte   rendu\u00a0 (copie)_v2-final.txt", "text/plain", "Compte rendu (copie)_v2-final.txt"),
        (".bashrc", "text/plain", "bashrc.txt"),
        ("...env", "text/plain", "env.txt"),
        ("Dr. Martin", "application/pdf", "Dr. Martin.pdf"),
        ("analyse 12.03.2026", "application/pdf", "analyse 12.03.2026.pdf"),
        ("", "image/png", "document.png"),
        ("<>?*|:", "image/jpeg", "document.jpg"),
    ],
)
def test_names_are_cleaned(filename, content_type, clean):
    assert clean_name(filename, content_type) == clean


def test_a_300_character_name_is_cut_to_80_before_the_extension():
    assert clean_name("é" * 300 + ".pdf", "application/pdf") == "é" * 80 + ".pdf"
    assert clean_name("a" * 79 + " " + "b" * 220, "text/plain") == "a" * 79 + ".txt"


def test_a_cleaned_name_keeps_only_letters_digits_and_a_few_signs():
    name = clean_name("x" + "".join(map(chr, range(0x20, 0x2000))) + ".txt", "text/plain")
    assert not set(name) & set("/\\<>:\"'|?*&;$`%{}[]\x00\n\r\t")
