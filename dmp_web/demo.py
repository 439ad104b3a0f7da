"""Demo data for a newcomer: loading it twice changes nothing."""
from __future__ import annotations

from datetime import date, datetime, UTC
from functools import cache

from .domain.accounts import FIRST_CONNECTION_DONE, Account
from .domain.actors import ActorKind, DeskAgent, ForbiddenActor, Profession, Professional
from .domain.credentials import hash_secret
from .domain.details import noted
from .domain.documents import Document
from .domain.dossier import Consent, Dossier
from .domain.journal import Actor
from .domain.register import InsuredPerson, PostalAddress, dossier_identity
from .domain.reimbursements import Reimbursement
from .store.dossiers import Repositories

DEMO_PASSWORD = "demo-dmp-2026"

# The directory: one of each kind, the actors the law keeps out included (they can log in,
# and every page refuses them). Login: the RPPS number, or the id for the others.
DIRECTORY = [
    Professional("10001000016", "Dr Marie Durand", Profession.MEDECIN, "medecine_generale",
                 workplace="Cabinet médical, Paris 20e", sex="F"),
    Professional("10001000024", "Dr Paul Lefèvre", Profession.MEDECIN, "cardiologie",
                 workplace="Hôpital Tenon, Paris", sex="M"),
    Professional("10001000032", "Claire Petit", Profession.PHARMACIEN, workplace="Pharmacie des Lilas, Paris", sex="F"),
    Professional("10001000040", "Hugo Bernard", Profession.INFIRMIER, workplace="Cabinet infirmier, Paris", sex="M"),
    Professional("10001000057", "Sophie Laurent", Profession.MASSEUR_KINESITHERAPEUTE,
                 workplace="Cabinet de kinésithérapie, Lyon", sex="F"),
    Professional("10001000065", "Inès Garcia", Profession.SAGE_FEMME, workplace="Maternité des Lilas", sex="F"),
    Professional("10001000073", "Dr Karim Haddad", Profession.MEDECIN, "medecine_urgence", emergency_regulator=True,
                 workplace="SAMU de Paris, Centre 15", sex="M"),
    DeskAgent("cpam0001", "Nadia Benoît", caisse="CPAM de Paris"),
    ForbiddenActor(ActorKind.OCCUPATIONAL_DOCTOR, "medtrav01", "Dr Luc Moreau"),
    ForbiddenActor(ActorKind.MUTUAL_INSURER, "mutuelle01", "Mutuelle Exemple"),
    ForbiddenActor(ActorKind.INSURER, "assureur01", "Assurances Exemple"),
    ForbiddenActor(ActorKind.BANK, "banque01", "Banque Exemple"),
    ForbiddenActor(ActorKind.EMPLOYER, "employeur01", "Entreprise Exemple"),
]

# A patient whose DMP exists, to log in at once (README). Codes go to exports/outbox/ in development.
DEMO_LOGIN = {"nir": "275051305511212", "login_id": "fro7510", "password": DEMO_PASSWORD,
              "dossier_id": "d3m0f47140a0c5e55e0001", "mobile": "0611223344", "email": "fatima.roche@example.org"}

# Invented people; each NIR carries a correct control key.
INSURED = [
    InsuredPerson(
        nir="242037505604161", birth_name="MARTIN", first_names="Jeanne Marie", sex="F",
        birth_date=date(1942, 3, 14), birth_place="Paris 4e", vitale_serial="1234567890123456",
        birth_place_code="75104", vitale_type="without_photo",
        address=PostalAddress("12 rue des Lilas", "75020", "Paris"),
    ),
    InsuredPerson(
        nir="148086912304582", birth_name="DUPUIS", first_names="Marcel", sex="M",
        birth_date=date(1948, 8, 2), birth_place="Lyon", vitale_serial="2234567890123456",
        birth_place_code="69123", vitale_type="with_photo",
        address=PostalAddress("5 place Bellecour", "69002", "Lyon"),
        email="marcel.dupuis@example.org",
    ),
    InsuredPerson(
        nir="275051305511212", birth_name="BENALI", first_names="Fatima", sex="F",
        birth_date=date(1975, 5, 21), birth_place="Marseille", vitale_serial="3234567890123456",
        birth_place_code="13055", vitale_type="with_photo",
        address=PostalAddress("40 boulevard National", "13003", "Marseille"),
        usage_name="ROCHE", email="fatima.roche@example.org",
    ),
    InsuredPerson(
        nir="112013306307811", birth_name="MOREAU", first_names="Lucas", sex="M",
        birth_date=date(2012, 1, 9), birth_place="Bordeaux", vitale_serial="4234567890123456",
        birth_place_code="33063", vitale_type="with_photo",
        address=PostalAddress("8 cours de l'Intendance", "33000", "Bordeaux"),
    ),
    InsuredPerson(
        nir="150022A00401783", birth_name="SANTONI", first_names="Antoine", sex="M",
        birth_date=date(1950, 2, 11), birth_place="Ajaccio", vitale_serial="5234567890123456",
        birth_place_code="2A004", vitale_type="without_photo",
        address=PostalAddress("3 cours Napoléon", "20000", "Ajaccio"),
    ),
]


@cache
def _demo_hash() -> str:
    """Every demo account has the same password: hash it once (about 40 ms) per process."""
    return hash_secret(DEMO_PASSWORD)


def load_demo_data(repos: Repositories) -> dict[str, int]:
    """The register, the directory, a ready DMP with its documents (sealed with the repositories' keys)."""
    for person in INSURED:
        repos.register.put(person)
    return {"insured persons": len(INSURED), "directory": _demo_directory(repos.directory),
            "dossiers": _demo_dossier(repos),
            "documents": _demo_documents(repos), "reimbursements": _demo_reimbursements(repos)}


# (id, type, title, author index in DIRECTORY, day, text, pending explanation)
DEMO_DOCUMENTS = [
    ("d0c0000000000001", "consultation_report", "Consultation du 12 octobre 2026", 0, date(2026, 10, 12),
     "Motif : fatigue depuis 3 semaines.\nExamen normal. Tension 12/8.\nPrise de sang demandée.", False),
    ("d0c0000000000002", "lab_results", "Prise de sang du 20 octobre 2026", 0, date(2026, 10, 20),
     "Hémoglobine : 11,2 g/dL (un peu basse).\nFer : bas.\nLe reste est normal.", False),
    ("d0c0000000000003", "medication_prescription", "Ordonnance du 22 octobre 2026", 0, date(2026, 10, 22),
     "Fer : 1 comprimé par jour pendant 3 mois.", False),
    ("d0c0000000000004", "hospital_report", "Séjour en cardiologie, septembre 2026", 1, date(2026, 9, 18),
     "Hospitalisation de 2 jours pour palpitations.\nBilan rassurant. Retour à domicile.", False),
    ("d0c0000000000005", "imaging_report", "Échographie cardiaque du 3 novembre 2026", 1, date(2026, 11, 3),
     "Petite anomalie d’une valve, à expliquer à la patiente en consultation.", True),
]


def _demo_documents(repos: Repositories) -> int:
    dossier_id = DEMO_LOGIN["dossier_id"]
    if repos.documents.list(dossier_id):
        return len(DEMO_DOCUMENTS)
    for doc_id, type_code, title, author, day, text, pending in DEMO_DOCUMENTS:
        ref = DIRECTORY[author].ref
        repos.documents.add(Document(
            id=doc_id, dossier_id=dossier_id, type_code=type_code, title=title, author_kind=ref.kind,
            author_id=ref.id, author_name=ref.name, created_at=datetime(day.year, day.month, day.day, 14, tzinfo=UTC),
            pending_explanation=pending, document_date=day,
        ), text=text)
    return len(DEMO_DOCUMENTS)


def _demo_directory(directory) -> int:
    for n, actor in enumerate(DIRECTORY):
        login_id = directory.login_id_of(actor)
        if directory.actor(login_id) is None:
            directory.add(actor, Account(
                login_id=login_id, dossier_id="", password_hash=_demo_hash(),
                email=f"pro{n + 1:02d}@example.org", otp_channel="email",
                first_connection_step=FIRST_CONNECTION_DONE,
            ))
    return len(DIRECTORY)


def _demo_dossier(repos: Repositories) -> int:
    demo = DEMO_LOGIN
    if repos.dossiers.find_by_nir(demo["nir"]) is not None:
        return 1  # already there: running the command again changes nothing
    person = next(p for p in INSURED if p.nir == demo["nir"])
    created = datetime(2026, 1, 15, 10, 30, tzinfo=UTC)
    repos.dossiers.add(Dossier(
        id=demo["dossier_id"], **dossier_identity(person), created_at=created,
        consent=Consent(given_by="holder", recorded_by="pharmacie des Lilas", at=created, channel="pharmacy"),
        regulator_access=True, break_glass_access=True, attending_doctor_rpps="10001000016",
        # those who care for her; the sage-femme and the Centre 15 regulator are not in it
        care_team_rpps=["10001000024", "10001000032", "10001000040", "10001000057"],
    ))
    repos.accounts.add(Account(
        login_id=demo["login_id"], dossier_id=demo["dossier_id"], password_hash=_demo_hash(),
        mobile=demo["mobile"], email=demo["email"], otp_channel="email",
        first_connection_step=FIRST_CONNECTION_DONE,
    ))
    repos.journal.append(demo["dossier_id"], created, Actor("system", "demo", "données de démonstration"),
                         "dossier_created", detail=noted("demo_data"))
    return 1


# The demo patient's care over the last 24 months, as the Assurance Maladie sends it:
# (day, act, professional, amount paid, amount reimbursed), amounts in euro cents.
DEMO_REIMBURSEMENTS = [
    (date(2026, 11, 3), "Échographie du cœur", "Dr Paul Lefèvre", 9649, 6754),
    (date(2026, 10, 22), "Médicaments : fer", "Pharmacie des Lilas", 840, 546),
    (date(2026, 10, 20), "Prise de sang", "Laboratoire des Lilas", 2430, 1458),
    (date(2026, 10, 12), "Consultation chez le médecin généraliste", "Dr Marie Durand", 3000, 1900),
    (date(2026, 9, 18), "Séjour à l’hôpital en cardiologie (2 jours)", "Hôpital Tenon", 158000, 126400),
    (date(2026, 3, 12), "Séance de kinésithérapie", "Sophie Laurent", 1750, 1050),
    (date(2026, 3, 5), "Séance de kinésithérapie", "Sophie Laurent", 1750, 1050),
    (date(2025, 6, 10), "Consultation chez le médecin généraliste", "Dr Marie Durand", 3000, 1900),
    (date(2024, 12, 2), "Vaccin contre la grippe", "Pharmacie des Lilas", 796, 796),
]


def _demo_reimbursements(repos: Repositories) -> int:
    rows = [Reimbursement(DEMO_LOGIN["nir"], *row) for row in DEMO_REIMBURSEMENTS]
    # written only when the dossier has none yet: loading the demo again changes nothing
    with repos.unit(DEMO_LOGIN["dossier_id"]) as unit:
        if not unit.reimbursements():
            unit.save_reimbursements(rows)
            unit.commit()
    return len(rows)
