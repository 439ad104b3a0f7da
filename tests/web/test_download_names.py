"""Every download names its file so that any WSGI server can send it: an ASCII fallback and the
exact UTF-8 name (RFC 6266 filename*), whatever the letters of the name."""
import io
from urllib.parse import unquote

import pytest

from dmp_web.web.deps import content_disposition

from .pro_journey import DOSSIER, DURAND, log_out, pro_log_in
from .test_patient_documents import patient_log_in

NAMES = ["Échographie du cœur.pdf", "Анализ крови.pdf", "تقرير طبي.pdf", "血液検査の結果.pdf"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def exact_name(header: str) -> str:
    return unquote(header.split("filename*=UTF-8''", 1)[1])


@pytest.mark.parametrize("name", NAMES)
def test_a_file_with_any_letters_downloads_for_the_patient_and_a_professional(client, notifier, app, name):
    patient_log_in(client, notifier)
    added = client.submit("/mon-dmp/documents/ajouter", {"title": "Mon examen", "text": "",
                                                         "file": (io.BytesIO(PDF), name)})
    assert added.status_code == 302, added.get_data(as_text=True)[:500]
    document = next(d for d in app.extensions["dmp.repos"].documents.list(DOSSIER) if d.title == "Mon examen")
    response = client.get(f"/mon-dmp/documents/{document.id}/fichier")
    assert response.status_code == 200 and response.data == PDF
    header = response.headers["Content-Disposition"]
    header.encode("latin-1")  # what a WSGI server needs: this raised for these names before
    assert header.startswith("attachment; filename=\"") and exact_name(header) == name
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, DURAND)
    response = client.get(f"/pro/dmp/{DOSSIER}/documents/{document.id}/fichier")
    assert response.status_code == 200 and exact_name(response.headers["Content-Disposition"]) == name


def test_a_plain_name_is_sent_as_it_is_and_an_unsafe_one_never_breaks_the_header():
    assert content_disposition("lettre-dmp.pdf") == 'attachment; filename="lettre-dmp.pdf"'
    assert content_disposition("guide.pdf", inline=True) == 'inline; filename="guide.pdf"'
    header = content_disposition('a"b\r\nSet-Cookie: x.pdf')
    assert "\r" not in header and "\n" not in header and header.count('"') == 2
    assert content_disposition("血液.pdf").startswith('attachment; filename="fichier.pdf"; filename*=')
