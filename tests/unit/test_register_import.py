"""The import-register command loads the Assurance Maladie's CSV file: every row, or none."""
from datetime import date

import pytest

from dmp_web.domain.identity import nir_key
from dmp_web.domain.register import InsuredPerson, PostalAddress
from dmp_web.services.register_import import COLUMNS, parse_register_csv
from dmp_web.store.register import InsuredRegister

from ..conftest import make_app
from ..store_files import store_files
from ..identities import format_nir


def _nir(first_13: str) -> str:
    return f"{first_13}{nir_key(first_13):02d}"


TODAY = date(2026, 11, 23)
CLAIRE = _nir("2860775123456")
HENRI = _nir("1390169123045")
AJACCIO = _nir("271052A004123")
BASTIA = _nir("163092B012345")


def _row(**values) -> dict:
    row = dict(
        nir=CLAIRE, nom_naissance="LEROY", nom_usage="", prenoms="Claire", sexe="F",
        date_naissance="1986-07-04", lieu_naissance="Paris 12e", code_lieu_naissance="75112", type_matricule="",
        carte_vitale_numero="6234567890123456",
        carte_vitale_type="avec photo", adresse="7 rue Oberkampf", complement_adresse="",
        code_postal="75011", ville="Paris", email="",
    )
    row.update(values)
    return row


def _csv(rows: list[dict], separator: str = ";", columns=COLUMNS) -> str:
    lines = [separator.join(columns)]
    lines += [separator.join(row.get(column, "") for column in columns) for row in rows]
    return "\n".join(lines) + "\n"


GOOD_ROWS = [
    _row(
        nir=format_nir(CLAIRE), nom_naissance="  leroy ", nom_usage="Garnier", prenoms=" Claire Anne ",
        date_naissance="04/07/1986", carte_vitale_numero="6234 5678 9012 3456",
        carte_vitale_type="Avec Photo", complement_adresse="Bâtiment B", email="claire.garnier@example.fr",
    ),
    _row(
        nir=HENRI, nom_naissance="Lambert", prenoms="Henri", sexe="m", date_naissance="1939-01-30",
        lieu_naissance="Lyon", code_lieu_naissance="69123", type_matricule="nir",
        carte_vitale_numero="7234567890123456", carte_vitale_type="without_photo",
        adresse="2 quai Saint-Antoine", code_postal="69002", ville="Lyon",
    ),
]
EXPECTED = {
    CLAIRE: InsuredPerson(
        nir=CLAIRE, birth_name="LEROY", first_names="Claire Anne", sex="F", birth_date=date(1986, 7, 4),
        birth_place="Paris 12e", vitale_serial="6234567890123456", vitale_type="with_photo",
        address=PostalAddress("7 rue Oberkampf", "75011", "Paris", "Bâtiment B"),
        usage_name="Garnier", email="claire.garnier@example.fr", birth_place_code="75112",
    ),
    HENRI: InsuredPerson(
        nir=HENRI, birth_name="LAMBERT", first_names="Henri", sex="M", birth_date=date(1939, 1, 30),
        birth_place="Lyon", vitale_serial="7234567890123456", vitale_type="without_photo",
        address=PostalAddress("2 quai Saint-Antoine", "69002", "Lyon"), birth_place_code="69123",
    ),
}


def _import(app, tmp_path, content: str | bytes):
    path = tmp_path / "registre.csv"
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return app.test_cli_runner().invoke(args=["import-register", str(path)])


def _register(app) -> InsuredRegister:
    return InsuredRegister(app.extensions["dmp.store"])


def test_a_good_file_imports_every_row_and_each_person_is_found_by_nir(tmp_path):
    app = make_app(tmp_path)
    result = _import(app, tmp_path, _csv(GOOD_ROWS))
    assert result.exit_code == 0, result.output
    assert result.stdout == "2 personnes importées.\n"
    assert result.stderr == ""
    for nir, person in EXPECTED.items():
        assert _register(app).get(nir) == person


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    app = make_app(tmp_path)
    assert _import(app, tmp_path, _csv(GOOD_ROWS)).exit_code == 0
    before = store_files(tmp_path / "data")
    result = _import(app, tmp_path, _csv(GOOD_ROWS))
    assert result.exit_code == 0, result.output
    assert store_files(tmp_path / "data") == before


def test_a_file_with_bad_rows_reports_each_problem_with_its_line_and_imports_no_row_at_all(tmp_path):
    app = make_app(tmp_path)
    before = store_files(tmp_path / "data")
    rows = [
        GOOD_ROWS[0],  # line 2
        _row(nir=CLAIRE[:-2] + f"{(nir_key(CLAIRE[:13]) % 97) + 1:02d}"),  # line 3
        _row(nir=_nir("2860775123457"), date_naissance="4 juillet 1986"),  # line 4
        _row(nir=_nir("2860775123458"), carte_vitale_type="photo"),  # line 5
        _row(
            nir=_nir("2860775123459"), sexe="X", carte_vitale_numero="12345", code_postal="7501",
            nom_naissance=" ", ville="", email="claire@exemple",
        ),  # line 6
        _row(nir=format_nir(CLAIRE)),  # line 7: the same NIR as line 2
        GOOD_ROWS[1],  # line 8
    ]
    result = _import(app, tmp_path, _csv(rows))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "ligne 3 : le NIR a une clé de contrôle fausse",
        "ligne 4 : la date de naissance doit être écrite AAAA-MM-JJ ou JJ/MM/AAAA",
        "ligne 5 : le type de carte Vitale doit être « avec photo » ou « sans photo »",
        "ligne 6 : le nom de naissance est vide",
        "ligne 6 : le sexe doit être F ou M",
        "ligne 6 : le numéro de carte Vitale doit avoir 16 chiffres",
        "ligne 6 : le code postal doit avoir 5 chiffres (ou 2A ou 2B et 3 chiffres en Corse)",
        "ligne 6 : la ville est vide",
        "ligne 6 : l'adresse e-mail doit ressembler à nom@exemple.fr",
        "ligne 7 : le NIR est déjà à la ligne 2",
        "Aucune ligne importée : 10 erreurs.",
    ]
    assert _register(app).get(CLAIRE) is None
    assert _register(app).get(HENRI) is None
    assert store_files(tmp_path / "data") == before


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "le NIR est vide"),
        ("28607751234", "le NIR doit avoir 15 caractères, il en a 11"),
        ("2860775I23456 12", "le NIR ne doit avoir que des chiffres (et 2A ou 2B pour la Corse)"),
        ("986077512345612", "le NIR doit commencer par 1, 2, 3, 7 ou 8"),
        ("186077512345612", "le NIR a une clé de contrôle fausse"),
    ],
)
def test_a_wrong_nir_says_why_in_french(typed, message):
    people, problems = parse_register_csv(_csv([_row(nir=typed)]), TODAY)
    assert (people, problems) == ([], [f"ligne 2 : {message}"])


@pytest.mark.parametrize(
    "typed, message",
    [
        ("2086-07-04", "la date de naissance est dans le futur"),
        ("31/12/1899", "la date de naissance est avant 1900"),
        ("1986-02-30", "la date de naissance n'existe pas dans le calendrier"),
        ("1986-7-4", "la date de naissance doit être écrite AAAA-MM-JJ ou JJ/MM/AAAA"),
    ],
)
def test_a_birth_date_in_the_future_before_1900_or_impossible_is_refused(typed, message):
    people, problems = parse_register_csv(_csv([_row(date_naissance=typed)]), today=date(2025, 6, 1))
    assert problems == [f"ligne 2 : {message}"]


def test_a_birth_date_of_today_or_of_1900_is_accepted():
    rows = [_row(date_naissance="2025-06-01"), _row(nir=HENRI, date_naissance="01/01/1900")]
    people, problems = parse_register_csv(_csv(rows), today=date(2025, 6, 1))
    assert problems == []
    assert [p.birth_date for p in people] == [date(2025, 6, 1), date(1900, 1, 1)]


@pytest.mark.parametrize(
    "email",
    ["claire@@example.fr", "claire@example", "claire @example.fr", "@example.fr", "claire@.example.fr",
     "claire@example.fr."],
)
def test_an_implausible_email_is_refused(email):
    people, problems = parse_register_csv(_csv([_row(email=email)]), TODAY)
    assert problems == ["ligne 2 : l'adresse e-mail doit ressembler à nom@exemple.fr"]


@pytest.mark.parametrize("column", ["nom_usage", "complement_adresse", "email"])
def test_usage_name_address_complement_and_email_may_be_empty(column):
    people, problems = parse_register_csv(_csv([_row(**{column: ""})]), TODAY)
    assert problems == []
    assert len(people) == 1


@pytest.mark.parametrize("column", ["nom_naissance", "prenoms", "lieu_naissance", "adresse", "ville"])
def test_required_text_fields_may_not_be_empty(column):
    people, problems = parse_register_csv(_csv([_row(**{column: "  "})]), TODAY)
    assert people == []
    assert (len(problems) == 1 and problems[0].startswith("ligne 2 : ")
            and problems[0].endswith("vide" if column != "prenoms" else "vides"))


def test_a_corsican_nir_and_postal_code_are_accepted(tmp_path):
    app = make_app(tmp_path)
    rows = [
        _row(nir=format_nir(AJACCIO).lower(), code_postal="2a000", ville="Ajaccio", carte_vitale_type="sans photo"),
        _row(nir=BASTIA, sexe="M", code_postal="2B200", ville="Bastia"),
    ]
    result = _import(app, tmp_path, _csv(rows))
    assert result.exit_code == 0, result.output
    assert _register(app).get(AJACCIO).address.postal_code == "2A000"
    assert _register(app).get(AJACCIO).vitale_type == "without_photo"
    assert _register(app).get(BASTIA).address.postal_code == "2B200"


def test_the_birth_place_code_and_the_matricule_kind_make_the_ins(tmp_path):
    app = make_app(tmp_path)
    rows = [
        _row(nir=format_nir(AJACCIO), code_lieu_naissance="2a004", code_postal="20000", ville="Ajaccio"),
        _row(nir=BASTIA, sexe="M", code_lieu_naissance="99134", type_matricule="nia"),  # born in Spain
    ]
    result = _import(app, tmp_path, _csv(rows))
    assert result.exit_code == 0, result.output
    ajaccio, bastia = _register(app).get(AJACCIO), _register(app).get(BASTIA)
    assert (ajaccio.birth_place_code, ajaccio.ins.oid, ajaccio.ins.matricule) == ("2A004", "1.2.250.1.213.1.4.8",
                                                                                  AJACCIO)
    assert (bastia.matricule_kind, bastia.ins.oid, bastia.ins.kind) == ("NIA", "1.2.250.1.213.1.4.9", "NIA")
    assert (bastia.ins.birth_place_code, bastia.ins.sex, bastia.ins.birth_name) == ("99134", "M", "LEROY")


@pytest.mark.parametrize(
    "column, typed, message",
    [
        ("code_lieu_naissance", "", "le code INSEE du lieu de naissance est vide"),
        ("code_lieu_naissance", "7511", "le code INSEE du lieu de naissance doit avoir 5 chiffres "
                                        "(ou 2A ou 2B et 3 chiffres en Corse, 99 et 3 chiffres à l'étranger)"),
        ("code_lieu_naissance", "2C004", "le code INSEE du lieu de naissance doit avoir 5 chiffres "
                                         "(ou 2A ou 2B et 3 chiffres en Corse, 99 et 3 chiffres à l'étranger)"),
        ("code_lieu_naissance", "Paris", "le code INSEE du lieu de naissance doit avoir 5 chiffres "
                                         "(ou 2A ou 2B et 3 chiffres en Corse, 99 et 3 chiffres à l'étranger)"),
        ("type_matricule", "INS", "le type de matricule doit être NIR ou NIA (ou vide pour NIR)"),
    ],
)
def test_a_wrong_birth_place_code_or_matricule_kind_says_why_in_french(column, typed, message):
    people, problems = parse_register_csv(_csv([_row(**{column: typed})]), TODAY)
    assert (people, problems) == ([], [f"ligne 2 : {message}"])


def test_a_file_of_before_without_the_ins_columns_is_refused_by_its_header():
    columns = tuple(c for c in COLUMNS if c not in ("code_lieu_naissance", "type_matricule"))
    people, problems = parse_register_csv(_csv(GOOD_ROWS, columns=columns), TODAY)
    assert (people, problems) == ([], ["ligne 1 : il manque les colonnes « code_lieu_naissance », « type_matricule »"])


@pytest.mark.parametrize("separator", [";", ","])
def test_semicolons_and_commas_both_separate_columns(tmp_path, separator):
    app = make_app(tmp_path)
    result = _import(app, tmp_path, _csv(GOOD_ROWS, separator=separator))
    assert result.exit_code == 0, result.output
    assert _register(app).get(HENRI) == EXPECTED[HENRI]


def test_a_comma_inside_a_quoted_field_does_not_split_it():
    text = _csv([_row(adresse="ADDRESS")], separator=",").replace("ADDRESS", '"7, rue Oberkampf"')
    people, problems = parse_register_csv(text, TODAY)
    assert problems == []
    assert people[0].address.street == "7, rue Oberkampf"


def test_a_file_saved_with_a_utf8_byte_order_mark_and_windows_line_ends_is_read(tmp_path):
    app = make_app(tmp_path)
    content = b"\xef\xbb\xbf" + _csv(GOOD_ROWS).replace("\n", "\r\n").encode("utf-8")
    result = _import(app, tmp_path, content)
    assert result.exit_code == 0, result.output
    assert _register(app).get(CLAIRE) == EXPECTED[CLAIRE]


def test_columns_may_come_in_any_order():
    people, problems = parse_register_csv(_csv(GOOD_ROWS, columns=tuple(reversed(COLUMNS))), TODAY)
    assert problems == []
    assert {p.nir: p for p in people} == EXPECTED


def test_a_missing_column_is_reported_once_for_the_header(tmp_path):
    app = make_app(tmp_path)
    columns = tuple(c for c in COLUMNS if c != "ville")
    result = _import(app, tmp_path, _csv(GOOD_ROWS, columns=columns))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "ligne 1 : il manque la colonne « ville »",
        "Aucune ligne importée : 1 erreur.",
    ]
    assert _register(app).get(HENRI) is None


def test_an_unknown_column_is_reported_once_for_the_header():
    people, problems = parse_register_csv(_csv(GOOD_ROWS, columns=COLUMNS + ("telephone",)), TODAY)
    assert (people, problems) == ([], ["ligne 1 : colonne inconnue « telephone »"])


def test_a_row_with_too_few_columns_is_reported():
    text = _csv(GOOD_ROWS) + "123;LEROY\n"
    people, problems = parse_register_csv(text, TODAY)
    assert problems == ["ligne 4 : la ligne a 2 colonnes au lieu de 16 (séparateur « ; »)"]


def test_an_empty_file_or_a_header_alone_is_refused(tmp_path):
    assert parse_register_csv("", TODAY)[1] == ["ligne 1 : il manque la ligne d'en-tête avec le nom des colonnes"]
    assert parse_register_csv(_csv([]), TODAY)[1] == ["ligne 2 : le fichier ne contient aucune personne"]


def test_a_file_not_in_utf8_is_refused_with_its_line(tmp_path):
    app = make_app(tmp_path)
    content = _csv([_row(ville="Sète")]).encode("latin-1")
    result = _import(app, tmp_path, content)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "ligne 2 : le fichier doit être enregistré en UTF-8",
        "Aucune ligne importée : 1 erreur.",
    ]


def test_a_file_that_changes_between_the_check_and_the_writing_stops_and_says_so(tmp_path):
    from dmp_web.services.register_import import RegisterImportRefused, import_register

    good = _csv(GOOD_ROWS).splitlines(keepends=True)
    passes = []

    def open_lines():  # the second read finds a row cut by a copy still going on
        passes.append(1)
        return iter(good if len(passes) == 1 else good[:-1] + ["1234;x\n"])

    class Register:
        people = []

        def put_many(self, batch):
            self.people += batch

    register = Register()
    with pytest.raises(RegisterImportRefused) as refused:
        import_register(open_lines, register, date(2025, 6, 1), tmp_path)
    assert refused.value.problems[0].startswith("Le fichier a changé pendant l’import : 0 personnes écrites sur")
    assert register.people == []  # the batch with the changed row was never written
