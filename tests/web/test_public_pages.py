"""The first pages work with no JavaScript, speak plain French and send the security headers."""
from pathlib import Path

import pytest

from dmp_web.web.navigation import endpoints_in_site_map

from ..conftest import make_app
from ..pages import JOURNEY_STEPS, pages_to_visit, unvisited_endpoints


@pytest.mark.parametrize(
    "path, heading",
    [
        ("/", "Mon dossier médical partagé"),
        ("/plan-du-site", "Plan du site"),
        ("/accessibilite", "Accessibilité du site"),
        ("/mentions-legales", "Mentions légales"),
    ],
)
def test_each_public_page_answers_with_its_heading(client, path, heading):
    response = client.get(path)
    assert response.status_code == 200
    assert response.soup.h1.get_text(strip=True) == heading
    assert response.soup.title.get_text() == f"{heading} – DMP"


def test_home_explains_what_the_dmp_is_and_the_ways_in(client):
    soup = client.get("/").soup
    text = soup.main.get_text(" ", strip=True)
    assert "DMP veut dire dossier médical partagé." in text
    assert [h.get_text(strip=True) for h in soup.main.find_all("h2")] == [
        "Créer mon DMP",
        "Me connecter",
        "J’aide un proche",
        "Les guides faciles à lire",
    ]
    carers = soup.find("h2", id="aidants").find_next("ul")
    assert [a["href"] for a in carers.find_all("a")] == ["/aidant/accepter", "/aidant/connexion"]


def test_every_page_without_parameters_is_in_the_site_map_or_a_journey_step(app):
    pages = {r.endpoint for r in app.url_map.iter_rules()
             if not r.arguments and r.endpoint != "static" and "GET" in r.methods}
    pages = {p for p in pages if not p.startswith(("sample.", "ops."))}  # ops: for machines, not people
    assert pages - set(JOURNEY_STEPS) == endpoints_in_site_map()


def test_site_map_links_to_every_page_it_lists(client):
    soup = client.get("/plan-du-site").soup
    hrefs = [a["href"] for a in soup.main.select("a")]
    assert {"/", "/accessibilite", "/mentions-legales", "/plan-du-site"} <= set(hrefs)
    for href in hrefs:
        # a booklet not made yet answers its waiting page: 202, accepted, to come back for
        assert client.get(href).status_code == (202 if href.endswith(".pdf") else 200), href


def test_a_missing_page_says_what_to_do_next(client):
    response = client.get("/pas-de-page-ici")
    assert response.status_code == 404
    assert response.soup.h1.get_text(strip=True) == "Page introuvable"
    assert response.soup.main.find("a", href="/") is not None


def test_a_server_error_shows_a_plain_page_and_leaks_nothing(tmp_path):
    app = make_app(tmp_path, PROPAGATE_EXCEPTIONS=False)

    @app.get("/panne")
    def broken():
        raise RuntimeError("secret internal detail")

    from ..conftest import CheckedClient

    app.test_client_class = CheckedClient
    response = app.test_client().get("/panne")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internal detail" not in body and "Traceback" not in body
    assert response.soup.h1.get_text(strip=True) == "Le site a un problème"


def test_a_post_without_csrf_token_is_refused_with_a_plain_page(client):
    response = client.post("/essai/formulaire", data={"name": "Martin"})
    assert response.status_code == 400
    assert response.soup.h1.get_text(strip=True) == "Votre page a expiré"


def test_security_headers_are_on_every_response(client):
    for path in ("/", "/static/css/dmp.css", "/nulle-part"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_pages_are_never_cached_but_static_files_may_be(client):
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert "HX-Request" in client.get("/").headers.get("Vary", "")
    assert "no-store" not in client.get("/static/css/dmp.css").headers.get("Cache-Control", "")


def test_htmx_is_vendored_and_loaded_with_defer_from_our_own_server(client):
    soup = client.get("/").soup
    scripts = soup.find_all("script")
    assert [s["src"] for s in scripts] == ["/static/vendor/htmx-2.0.11.min.js"]
    assert scripts[0].has_attr("defer")
    js = client.get(scripts[0]["src"]).get_data(as_text=True)
    assert 'version:"2.0.11"' in js


def test_every_get_route_is_visited_by_the_browser_test(app):
    assert unvisited_endpoints(app) == set()
    assert {v.path for v in pages_to_visit(app)} >= {"/", "/plan-du-site", "/accessibilite"}


def test_a_new_route_with_parameters_cannot_escape_the_browser_test(app):
    @app.get("/nouvelle/<int:n>")
    def new_page(n):
        return "x"

    assert unvisited_endpoints(app) == {"new_page"}


def test_the_rights_page_shows_the_matrix_the_policy_reads(client):
    from dmp_web.domain.actors import PROFESSION_LABELS, Profession
    from dmp_web.domain.documents import DOCUMENT_TYPES
    from dmp_web.domain.habilitations import types_with

    soup = client.get("/qui-voit-mon-dmp").soup
    heading = soup.find("h3", string=PROFESSION_LABELS[Profession.PHARMACIEN].capitalize())
    reads = [li.get_text(strip=True) for li in heading.find_next("ul").find_all("li")]
    assert reads == [DOCUMENT_TYPES[c].label for c in types_with(Profession.PHARMACIEN, "read")]
    assert "Compte rendu de consultation" not in reads


def test_every_journey_step_belongs_to_an_area_a_browser_journey_walks(app):
    from ..pages import area_of

    assert [endpoint for endpoint in JOURNEY_STEPS if area_of(endpoint) is None] == []


def test_the_accessibility_statement_has_every_section_of_the_rgaa_model(client):
    soup = client.get("/accessibilite").soup
    headings = [h.get_text(strip=True) for h in soup.main.find_all(["h2", "h3"])]
    assert headings == [
        "Notre engagement",
        "État de conformité",
        "Résultats des tests",
        "Contenus non accessibles",
        "Ce qui ne suit pas encore les règles",
        "Dérogations pour charge disproportionnée",
        "Contenus non soumis à l’obligation d’accessibilité",
        "Établissement de cette déclaration",
        "Technologies utilisées",
        "Environnement de test",
        "Outils pour tester",
        "Pages du site vérifiées",
        "Retour d’information et contact",
        "Voies de recours",
    ]
    text = " ".join(soup.main.get_text(" ", strip=True).split())
    # no audit measured the criteria: the RGAA's own word for that state, not a rate we cannot show
    assert "Ce site est non conforme au RGAA 4.1." in text
    assert "1er décembre 2026" in text
    address = soup.find(id="adresse-defenseur")
    assert address.name == "address"
    assert list(address.stripped_strings) == ["Défenseur des droits", "Libre réponse 71120", "75342 Paris CEDEX 07"]
    assert soup.main.find("a", href="https://formulaire.defenseurdesdroits.fr/") is not None
    assert soup.main.find("a", href="https://www.defenseurdesdroits.fr/saisir/delegues") is not None


def test_the_accessibility_statement_gives_the_contact_address_and_names_the_tools_we_run(client, app):
    soup = client.get("/accessibilite").soup
    contact = app.config["DMP_SETTINGS"].contact_email
    assert soup.main.find("a", href=f"mailto:{contact}").get_text(strip=True) == contact
    (axe,) = (Path(__file__).parents[1] / "vendor").glob("axe-*.min.js")  # the axe the browser tests run
    text = soup.main.get_text(" ", strip=True)
    assert f"version {axe.name.removeprefix('axe-').removesuffix('.min.js')}." in text
    assert f"après {app.config['DMP_SETTINGS'].session_idle_minutes} minutes sans action" in text


def test_every_page_the_accessibility_statement_lists_is_a_page_the_browser_tests_check(client, app):
    from ..pages import JOURNEY_STEPS

    checked = {visit.path for visit in pages_to_visit(app)}
    steps = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint in JOURNEY_STEPS}
    items = client.get("/accessibilite").soup.find("h3", string="Pages du site vérifiées").find_next("ul")
    listed = [a["href"] for a in items.find_all("a")]
    assert len(listed) >= 20
    assert [href for href in listed if href not in checked | steps] == []


def test_who_sees_the_wishes_and_who_may_open_in_an_emergency_come_from_the_policy_tables(client, monkeypatch):
    from dmp_web.domain import habilitations
    from dmp_web.domain.actors import Profession
    from dmp_web.domain.wishes import WishItem
    from dmp_web.web import public

    def said():
        main = client.get("/qui-voit-mon-dmp").soup.main
        wishes = main.find("h2", string="Vos volontés et vos informations").find_next("ul")
        return main.get_text(" "), [" ".join(li.get_text(" ").split()) for li in wishes.find_all("li")]

    from dmp_web.texts.page_text import check_page

    text, wishes = said()
    assert check_page(client.get("/qui-voit-mon-dmp").get_data(as_text=True)).findings == ()
    assert "Seuls les médecins, les infirmiers et les sages-femmes le peuvent." in text
    assert "Votre choix sur le don d’organes. Les médecins peuvent le voir." in wishes
    assert "Votre groupe sanguin et vos allergies. Tous les soignants peuvent le voir." in wishes
    assert "En cas d’urgence, un médecin peut ouvrir votre DMP" not in text  # the old, untrue promise
    # the page reads the tables the policy reads: change them, the page follows
    monkeypatch.setitem(habilitations.WISH_READERS, WishItem.ORGAN_DONATION,
                        frozenset({Profession.MEDECIN, Profession.INFIRMIER}))
    monkeypatch.setattr(public, "BREAK_GLASS_PROFESSIONS", frozenset({Profession.MEDECIN}))
    text, wishes = said()
    assert "Votre choix sur le don d’organes. Les médecins et les infirmiers peuvent le voir." in wishes
    assert "Seuls les médecins le peuvent." in text
