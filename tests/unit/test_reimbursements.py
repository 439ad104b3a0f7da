"""Reimbursements: the 24-month window, stable keys, and reading the Assurance Maladie's CSV file."""
from datetime import date

import pytest

from dmp_web.domain.identity import nir_key
from dmp_web.domain.reimbursements import (
    Reimbursement,
    euros,
    in_window,
    merge,
    months_before,
    newest_first,
    number_occurrences,
    shown,
    window_start,
)
from dmp_web.services.reimbursement_import import (
    COLUMNS,
    decode_reimbursement_file,
    parse_amount,
    parse_reimbursement_csv,
    ReimbursementImportRefused,
)
from ..identities import format_nir

NIR = "275051305511212"
OTHER_NIR = "148086912304582"
TODAY = date(2026, 11, 23)


def _row(day=date(2026, 10, 12), act="Consultation", professional="Dr Marie Durand", paid=3000, back=1900,
         nir=NIR, occurrence=1) -> Reimbursement:
    return Reimbursement(nir, day, act, professional, paid, back, occurrence)


def _csv(rows: list[dict], separator: str = ";", columns=COLUMNS) -> str:
    lines = [separator.join(columns)]
    lines += [separator.join(row.get(column, "") for column in columns) for row in rows]
    return "\n".join(lines) + "\n"


def _line(**values) -> dict:
    line = dict(nir=NIR, date="2026-10-12", acte="Consultation", professionnel="Dr Marie Durand",
                montant_paye="30,00", montant_rembourse="19,00")
    line.update(values)
    return line


# -- the window ------------------------------------------------------------------------------

def test_the_window_starts_the_same_day_24_months_earlier():
    assert window_start(TODAY) == date(2024, 11, 23)


def test_a_day_that_does_not_exist_24_months_earlier_becomes_the_last_day_of_that_month():
    assert window_start(date(2028, 2, 29)) == date(2026, 2, 28)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_a_row_of_the_first_day_of_the_window_is_kept_and_the_day_before_is_not():
    assert in_window(_row(day=date(2024, 11, 23)), TODAY)
    assert not in_window(_row(day=date(2024, 11, 22)), TODAY)


def test_shown_rows_are_the_last_24_months_newest_first():
    rows = [_row(day=date(2025, 1, 5)), _row(day=date(2024, 11, 1)), _row(day=date(2026, 11, 2)),
            _row(day=date(2026, 3, 1), act="Prise de sang")]
    assert [r.care_date for r in shown(rows, TODAY)] == [date(2026, 11, 2), date(2026, 3, 1), date(2025, 1, 5)]


def test_rows_of_one_day_keep_a_fixed_order_whatever_order_they_came_in():
    day = date(2026, 5, 5)
    rows = [_row(day=day, act="Radio"), _row(day=day, act="Consultation"), _row(day=day, act="Analyse")]
    assert [r.act for r in newest_first(rows)] == ["Analyse", "Consultation", "Radio"]
    assert newest_first(rows) == newest_first(reversed(rows))


# -- keys and merging --------------------------------------------------------------------------

def test_the_same_act_always_has_the_same_key():
    assert _row().key == _row().key
    assert _row(act="  Consultation ").key == _row().key  # spaces around or doubled do not count
    assert len(_row().key) == 32


@pytest.mark.parametrize("change", [
    dict(nir=OTHER_NIR), dict(day=date(2026, 10, 13)), dict(act="Consultation de suivi"),
    dict(professional="Dr Paul Lefèvre"), dict(paid=3100), dict(back=2000), dict(occurrence=2),
])
def test_any_other_value_gives_another_key(change):
    assert _row(**change).key != _row().key


def test_identical_rows_of_one_file_are_numbered_so_two_same_acts_stay_two():
    rows = number_occurrences([_row(), _row(act="Radio"), _row()])
    assert [r.occurrence for r in rows] == [1, 1, 2]
    assert len({r.key for r in rows}) == 3


def test_merging_adds_new_rows_keeps_known_ones_and_drops_those_older_than_24_months():
    known, aged = _row(day=date(2026, 1, 10)), _row(day=date(2024, 11, 20))
    new, too_old = _row(day=date(2026, 11, 20)), _row(day=date(2024, 1, 1))
    result = merge([known, aged], [known, new, too_old, new], TODAY)
    assert result.rows == [new, known]
    assert (result.added, result.dropped, result.changed) == (1, 1, True)


def test_merging_the_same_rows_again_changes_nothing():
    rows = [_row(), _row(day=date(2025, 2, 2))]
    result = merge(rows, rows, TODAY)
    assert (result.added, result.dropped, result.changed) == (0, 0, False)


# -- amounts -----------------------------------------------------------------------------------

@pytest.mark.parametrize("cents, written", [
    (2500, "25,00\u00a0€"), (5, "0,05\u00a0€"), (0, "0,00\u00a0€"), (158000, "1\u00a0580,00\u00a0€"),
])
def test_amounts_are_written_the_french_way(cents, written):
    assert euros(cents) == written


@pytest.mark.parametrize("typed, cents", [
    ("25,00", 2500), ("25.00", 2500), ("25", 2500), ("25,5", 2550), ("0,05", 5), ("1 580,00", 158000),
    ("25,00 €", 2500), ("1\u202f580,00", 158000),
])
def test_an_amount_is_read_with_a_comma_or_a_point(typed, cents):
    assert parse_amount(typed) == cents


@pytest.mark.parametrize("typed, message", [
    ("", "le montant est vide"),
    ("-5,00", "le montant ne peut pas être négatif"),
    ("25,001", "le montant doit être écrit comme 25,00 ou 25.00"),
    ("vingt", "le montant doit être écrit comme 25,00 ou 25.00"),
    ("25,,00", "le montant doit être écrit comme 25,00 ou 25.00"),
    ("12345678,00", "le montant est trop grand"),
])
def test_a_wrong_amount_says_why(typed, message):
    with pytest.raises(ValueError) as refused:
        parse_amount(typed)
    assert str(refused.value) == message


# -- the CSV file ------------------------------------------------------------------------------

def test_a_good_file_gives_each_row_with_its_line_number():
    text = _csv([_line(), _line(nir=format_nir(OTHER_NIR), date="03/11/2026", acte=" Échographie  du cœur ",
                                professionnel="Dr Paul Lefèvre", montant_paye="96.49", montant_rembourse="67,54")])
    lines, problems = parse_reimbursement_csv(text, TODAY)
    assert problems == []
    assert [(line.number, line.row) for line in lines] == [
        (2, Reimbursement(NIR, date(2026, 10, 12), "Consultation", "Dr Marie Durand", 3000, 1900)),
        (3, Reimbursement(OTHER_NIR, date(2026, 11, 3), "Échographie du cœur", "Dr Paul Lefèvre", 9649, 6754)),
    ]


def test_commas_separate_columns_too_with_amounts_in_quotes_or_with_a_point():
    text = _csv([_line(montant_paye='"30,00"', montant_rembourse="19.00")], separator=",")
    lines, problems = parse_reimbursement_csv(text, TODAY)
    assert problems == []
    assert (lines[0].row.paid_cents, lines[0].row.reimbursed_cents) == (3000, 1900)


def test_with_commas_between_columns_an_amount_with_a_comma_says_how_to_write_it():
    lines, problems = parse_reimbursement_csv(_csv([_line()], separator=","), TODAY)
    assert lines == []
    assert problems == [
        "ligne 2 : la ligne a 8 colonnes au lieu de 6 (séparateur « , ») ; avec le séparateur « , »,"
        " écrivez les montants avec un point (25.00) ou entre guillemets (\"25,00\")"
    ]


def test_a_byte_order_mark_and_windows_line_ends_are_read():
    data = ("\ufeff" + _csv([_line(), _line(date="2026-10-13")]).replace("\n", "\r\n")).encode("utf-8")
    lines, problems = parse_reimbursement_csv(decode_reimbursement_file(data), TODAY)
    assert problems == [] and [line.number for line in lines] == [2, 3]


def test_a_file_not_in_utf8_is_refused_with_the_line_of_the_first_wrong_byte():
    data = _csv([_line(), _line(acte="Séance")]).encode("latin-1")
    with pytest.raises(ReimbursementImportRefused) as refused:
        decode_reimbursement_file(data)
    assert refused.value.problems == ["ligne 3 : le fichier doit être enregistré en UTF-8"]


def test_each_wrong_value_is_reported_with_its_line_in_french():
    bad_key = NIR[:13] + f"{nir_key(NIR[:13]) % 97 + 1:02d}"
    text = _csv([
        _line(),  # line 2
        _line(nir=bad_key),  # line 3
        _line(date="12 octobre 2026", acte=" "),  # line 4
        _line(date="2026-02-30", professionnel=""),  # line 5
        _line(date="2026-11-24"),  # line 6: tomorrow
        _line(montant_paye="", montant_rembourse="dix"),  # line 7
        _line(montant_paye="10,00", montant_rembourse="12,00"),  # line 8
        _line(acte="x" * 201),  # line 9
    ])
    lines, problems = parse_reimbursement_csv(text, TODAY)
    assert problems == [
        "ligne 3 : le NIR a une clé de contrôle fausse",
        "ligne 4 : la date doit être écrite AAAA-MM-JJ ou JJ/MM/AAAA",
        "ligne 4 : l'acte est vide",
        "ligne 5 : la date n'existe pas dans le calendrier",
        "ligne 5 : le nom du professionnel est vide",
        "ligne 6 : la date est dans le futur",
        "ligne 7 : le montant payé est vide",
        "ligne 7 : le montant remboursé doit être écrit comme 25,00 ou 25.00",
        "ligne 8 : le montant remboursé est plus grand que le montant payé",
        "ligne 9 : l'acte est trop long : 200 caractères au plus, il en a 201",
    ]


def test_a_row_older_than_24_months_is_still_checked():
    lines, problems = parse_reimbursement_csv(_csv([_line(date="2020-01-01", montant_paye="?")]), TODAY)
    assert problems == ["ligne 2 : le montant payé doit être écrit comme 25,00 ou 25.00"]


@pytest.mark.parametrize("columns, message", [
    (("nir", "date", "acte", "montant_paye", "montant_rembourse"), "ligne 1 : il manque la colonne « professionnel »"),
    (COLUMNS + ("remarque",), "ligne 1 : colonne inconnue « remarque »"),
    (COLUMNS + ("date",), "ligne 1 : cette colonne est « date » en double"),
])
def test_a_wrong_header_is_reported_on_line_1(columns, message):
    lines, problems = parse_reimbursement_csv(_csv([], columns=columns), TODAY)
    assert (lines, problems) == ([], [message])


def test_an_empty_file_lacks_its_header_but_a_header_alone_is_a_file_with_no_row():
    assert parse_reimbursement_csv("", TODAY) == ([],
                                                  ["ligne 1 : il manque la ligne d'en-tête avec le nom des colonnes"])
    assert parse_reimbursement_csv(_csv([]), TODAY) == ([], [])


def test_a_quoted_field_spanning_two_lines_keeps_the_next_rows_line_numbers_right():
    text = _csv([_line(acte='"Séance\nde kiné"'), _line(nir="1")])
    lines, problems = parse_reimbursement_csv(text, TODAY)
    assert problems == ["ligne 4 : le NIR doit avoir 15 caractères, il en a 1"]


def test_two_identical_rows_of_a_file_are_two_acts():
    lines, problems = parse_reimbursement_csv(_csv([_line(), _line()]), TODAY)
    assert problems == []
    assert [line.row.occurrence for line in lines] == [1, 2]


def test_a_file_whose_lines_end_with_a_carriage_return_alone_is_read_line_by_line(tmp_path):
    from dmp_web.services.csv_rows import Problems, csv_lines
    from dmp_web.services.reimbursement_import import read_reimbursements

    path = tmp_path / "mac.csv"
    path.write_bytes(b"nir;date;acte;professionnel;montant_paye;montant_rembourse\r"
                     b"275051305511212;2026-03-01;Acte;Dr A;10,00;7,00\r"
                     b"275051305511212;2026-03-02;Acte;Dr A;10,00;70,00\r")
    problems = Problems()
    lines = list(read_reimbursements(csv_lines(path), TODAY, problems))
    assert [line.number for line in lines] == [2]
    assert problems.report() == ["ligne 3 : le montant remboursé est plus grand que le montant payé"]
