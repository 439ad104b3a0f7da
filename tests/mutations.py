"""Mutation runner for tests/web: break a feature on purpose, and check that its tests notice.

Each entry of MUTATIONS names a test module of tests/web and a change of the product code that
module covers (the exact original text, its replacement, what a user would see). For each one,
the runner writes the change, runs that module alone (`pytest <module> -q -x`), expects it to
FAIL, and always puts the file back byte for byte (and checks it did). A mutation whose original
text is no longer in its file exactly once is reported «stale», never skipped in silence: when
code moves, its entry here must move with it.

Usage, from the repository root (not collected by pytest: the name is not test_*.py):

    .venv/bin/python -m tests.mutations                  # every mutation
    .venv/bin/python -m tests.mutations professionals    # the modules whose name holds the word
    .venv/bin/python -m tests.mutations --list           # the table, run nothing

Prefix long runs with `nice -n 10` (about 30 minutes for the whole table on a busy machine).
The exit code is 0 only when every mutation is killed and every tests/web module has one:
«SURVIVED» means a test is too weak (mend the test), «stale» that the table must follow the
code, «error» that the mutant did not even run its tests (a mutation must break behaviour, not
the import).

Example output (all 40 modules, 65 mutations; four survived the first run, and their tests
were mended: the anonymous forms now prove each form reached its next step, the hidden document
is tried by a doctor the matrix lets read it, the letters' purge meets a letter still to print):

    module                        mutation                                           result  seconds
    test_anonymous_forms          the NIR typed twice is always «not the same»       killed      7.4
    test_letters                  the purge deletes letters not printed yet          killed     13.8
    test_professionals            the deposit saves nothing                          killed     18.8
    test_professionals            a hidden document is shown to other professionals  killed     14.4
    ...
    65 mutations: 65 killed
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB_TESTS = ROOT / "tests" / "web"


@dataclass(frozen=True)
class Mutation:
    module: str  # a test module of tests/web, without «.py»
    path: str  # the product file, from the repository root
    original: str  # found exactly once in the file
    replacement: str
    description: str  # what a user would notice


M = Mutation
ACCESS = "dmp_web/domain/access.py"
DOSSIER_ACCESS = "dmp_web/services/dossier_access.py"
MUTATIONS: tuple[Mutation, ...] = (
    M("test_anonymous_forms", "dmp_web/forms/validators.py",
      "if not other.errors and _digits(field.data)", "if True or _digits(field.data)",
      "the NIR typed twice is always «not the same»"),
    M("test_anonymous_forms", "dmp_web/services/online_creation.py",
      '        elif refusal.code == "minor":', '        elif refusal.code == "unknown_nir":\n            raise\n'
      '        elif refusal.code == "minor":',
      "an unknown NIR gets an error page, not «code sent»"),
    M("test_backup", "dmp_web/services/backup.py",
      'elif _digest(source / DATA / relative) != expected["sha256"]:', "elif False:",
      "a damaged backup is restored"),
    M("test_backup", "dmp_web/services/backup.py",
      "            if stat.S_ISLNK(os.lstat(path).st_mode):\n                return False\n", "",
      "a crafted backup may write through a link"),
    M("test_carer_notices", DOSSIER_ACCESS,
      "    if isinstance(actor, Carer):\n        notices.carer_acted(", "    if False:\n        notices.carer_acted(",
      "the patient never hears that a carer acted"),
    M("test_carer_notices", "dmp_web/domain/notices.py",
      "            due = max(due, self.last_sent_at + pace.every)", "            due = due",
      "what carers did is told every hour, not once a day"),
    M("test_carer_notices", "dmp_web/domain/notices.py",
      "        if not self.quiet or NIGHT_ENDS <= local.hour < NIGHT_STARTS:", "        if True:",
      "the carers' message wakes the patient at night"),
    M("test_closing", ACCESS,
      'if dossier.status != "open" and not', 'if dossier.status == "no such status" and not',
      "a closed DMP is read like an open one"),
    M("test_closing", "dmp_web/domain/dossier.py",
      "    return now >= limit", "    return True",
      "the purge erases a closed DMP at once"),
    M("test_copies", ACCESS,
      "(Action.READ_DOCUMENT, Action.HIDE_DOCUMENT, Action.COPY_DOCUMENT) and document.awaiting_explanation",
      "(Action.READ_DOCUMENT, Action.HIDE_DOCUMENT) and document.awaiting_explanation",
      "a document still to be explained goes into the copies"),
    M("test_copies", "dmp_web/services/copy_jobs.py",
      "sent_lately = job.state == DONE and job.mark == mark", "sent_lately = False and job.mark == mark",
      "the same copy is posted twice in a few days"),
    M("test_copy_store", "dmp_web/services/store_copy.py",
      'if not before or before[0].get("hash") != there.last_hash:', "if not before:",
      "a journal that went its own way in the database is written over"),
    M("test_data_keys", "dmp_web/services/data_keys.py",
      '("volontés", repos.wishes), ("remboursements", repos.reimbursements),', '("volontés", repos.wishes),',
      "reseal-data leaves the reimbursements on the old key"),
    M("test_delivery", "dmp_web/web/errors.py",
      '    DeliveryFailed: ("not_sent.html", 503),\n', "",
      "a message that did not leave shows a server error"),
    M("test_desk_creation", "dmp_web/web/desk.py",
      '    if "consent" not in state:\n        return redirect(url_for("desk.consent"))\n', "",
      "the consent step can be skipped"),
    M("test_desk_creation", "dmp_web/web/desk.py",
      'if form.consent.data != "yes":', 'if form.consent.data == "never":',
      "a «no» to the consent creates the DMP all the same"),
    M("test_download_names", "dmp_web/web/deps.py",
      "    if plain != filename:\n        value +=", "    if False:\n        value +=",
      "a download loses its exact UTF-8 name"),
    M("test_enrolment", "dmp_web/services/login.py",
      "if check is PasswordCheck.OK and account.deactivated_at is not None:",
      "if check is PasswordCheck.OK and account.deactivated_at is None and False:",
      "a deactivated professional still logs in"),
    M("test_enrolment", "dmp_web/services/directory_import.py",
      'if id_type == "rpps" and not rpps_is_valid(get[RPPS]):', 'if id_type == "rpps" and False:',
      "an extract with a wrong RPPS number is imported"),
    M("test_falc_check", "dmp_web/texts/page_text.py",
      'return (tag in NOT_TEXT or "hidden" in attributes or', "return (tag in NOT_TEXT or",
      "hidden text is read as visible"),
    M("test_form_macros", "templates/macros/forms.html",
      '{%- if field.errors %}{% set _ = ids.append(field.id ~ "-error") %}{% endif -%}', "",
      "a field does not point to its error message"),
    M("test_form_macros", "templates/macros/forms.html",
      "{{ field.label.text }}{% if not field.flags.required %} (facultatif){% endif %}", "{{ field.label.text }}",
      "an optional field is not said to be optional"),
    M("test_glossary", "templates/pages/glossary/index.html",
      "{%- if term.expansion %}<p>{{ term.meaning_sentence }}</p>{% endif %}", "",
      "an acronym is not spelled out"),
    M("test_glossary", "dmp_web/texts/glossary.py",
      "glossary, key=_sort_key)", "glossary, key=lambda term: term.term)",
      "the terms sort capitals and accents apart"),
    M("test_guide_labels", "templates/pages/auth/login_code.html",
      '"Accéder au DMP") }}', '"Valider") }}',
      "a button the guide quotes is not on its screen"),
    M("test_guide_labels", "dmp_web/texts/guides.py",
      "            if screen is None:\n                raise GuideError(",
      "            if False:\n                raise GuideError(",
      "a guide may quote a label without naming its screen"),
    M("test_guides", "dmp_web/texts/guides.py",
      "«\\u00a0{m.group(1)}\\u00a0»", "« {m.group(1)} »",
      "a quoted label can break at the end of a line"),
    M("test_history", "dmp_web/services/history.py",
      "        yield from reversed(journal.entries(dossier_id, start, stop))",
      "        yield from journal.entries(dossier_id, start, stop)",
      "the history is oldest first"),
    M("test_history", "dmp_web/services/history.py",
      "titles = {document.id: document.title for document in readable}",
      "titles = {d.id: d.title for d in ctx.repos.documents.list(dossier.id)}",
      "the title of a document still to be explained shows"),
    M("test_journal_check", "dmp_web/domain/journal.py",
      ' or chain.mac(journal_id, fields) != stored:', ":",
      "an edited journal entry passes"),
    M("test_journal_check", "dmp_web/services/journal_check.py",
      'if header.get("kind") != ANCHOR_KIND or mac != repos.journal.chain.text_mac(body.encode("utf-8")):',
      'if header.get("kind") != ANCHOR_KIND:',
      "an anchor edited without the key is believed"),
    M("test_journal_details", DOSSIER_ACCESS,
      '            note if decision.allowed else ""), consent', '            ""), consent',
      "the journal forgets which copy or hiding it was"),
    M("test_kept_forms", "dmp_web/web/auth.py",
      'return give_back_kept_form() or redirect(url_for("patient.home"))',
      'return redirect(url_for("patient.home"))',
      "a form kept when the session ended is not given back"),
    M("test_letters", "dmp_web/letters_cli.py",
      '    journal("letter_taken", detail=letter_id)\n', "",
      "taking a letter's PDF is not in the operators' journal"),
    M("test_letters", "dmp_web/domain/letters.py",
      "return printed_at is not None and now", "return printed_at is None or now",
      "the purge deletes letters not printed yet"),
    M("test_limits", "dmp_web/web/limits.py",
      '"creation.request_code": ("nir", "5 per hour; 10 per day", False),',
      '"creation.request_code": ("nir", "500 per hour", False),',
      "one NIR can ask many creation codes"),
    M("test_limits", "dmp_web/web/limits.py",
      'ip_network(f"{address}/64", strict=False)', 'ip_network(f"{address}/128", strict=False)',
      "each IPv6 address of one subscriber counts apart"),
    M("test_login_cost", "dmp_web/domain/accounts.py",
      "self.otp = OneTimeCode(hash_short_lived(code, pepper),", "self.otp = OneTimeCode(hash_secret(code),",
      "a login code is hashed with scrypt: 2 slow hashes a login"),
    M("test_login_cost", "dmp_web/domain/credentials.py",
      "digest = hmac.new(pepper, salt + value.encode(", "digest = hmac.new(pepper, value.encode(",
      "a login code's hash is not salted"),
    M("test_management", ACCESS,
      "    if rpps == dossier.attending_doctor_rpps:\n"
      '        return verdict.refuse("attending_doctor_cannot_be_blocked")\n',
      "", "the médecin traitant can be blocked"),
    M("test_management", "dmp_web/services/management.py",
      "lambda d: d.attending_rights_rpps.remove(rpps) if rpps in d.attending_rights_rpps else None)",
      "lambda d: None)", "rights given cannot be taken back"),
    M("test_management", "dmp_web/services/management.py",
      'lambda d: setattr(d, "alert_new_documents", on))', 'lambda d: setattr(d, "alert_new_documents", True))',
      "the e-mail alert cannot be turned off"),
    M("test_no_leak", "dmp_web/web/pro.py",
      "documents, left_out = dossier_access.visible_documents(ctx(), actor, dossier)",
      "documents, left_out = ctx().repos.documents.list(dossier.id), 0",
      "a professional's list shows every title"),
    M("test_no_leak", "dmp_web/web/pro.py",
      '        return render_template("pages/pro/forbidden.html", actor=actor, '
      'reason=REASONS["forbidden_actor"]), 403\n    form = PatientSearchForm()',
      "        pass\n    form = PatientSearchForm()",
      "a mutual insurer may search for a patient"),
    M("test_operations", "dmp_web/services/health.py",
      'HEALTHY = ("ok", "busy")', 'HEALTHY = ("ok", "busy", "fail")',
      "a store that cannot write answers healthy"),
    M("test_operations", "dmp_web/web/request_log.py",
      'request.headers.get(REQUEST_ID_HEADER, "") if trust_request_id else ""',
      'request.headers.get(REQUEST_ID_HEADER, "")',
      "any client sets the request id of the log"),
    M("test_pagecheck", "tests/pagecheck.py",
      "    if len(h1s) != 1:", "    if not h1s:",
      "the page check lets two h1 through"),
    M("test_patient_account_errors", "dmp_web/domain/accounts.py",
      "            self.otp = None  # works once", "            pass  # works once",
      "a one-time code works twice"),
    M("test_patient_account_errors", "dmp_web/domain/accounts.py",
      "        if now >= otp.expires_at:\n            return CodeCheck.EXPIRED\n", "",
      "a one-time code never expires"),
    M("test_patient_account_errors", "dmp_web/domain/accounts.py",
      "return len(recent) < CREATION_CODE_EMAILS_PER_DAY", "return True",
      "creation codes by e-mail have no daily cap"),
    M("test_patient_documents", DOSSIER_ACCESS,
      "        current.hidden = hidden\n", "        current.hidden = True\n",
      "a hidden document cannot be shown again"),
    M("test_patient_documents", DOSSIER_ACCESS,
      "shown = ordered[(number - 1) * per_page:number * per_page]", "shown = ordered[:per_page]",
      "every page of documents shows the first 50"),
    M("test_patient_journey", "dmp_web/services/login.py",
      '    source.record(key, "login_password_ok")\n', "",
      "a right password is not journaled"),
    M("test_professionals", DOSSIER_ACCESS,
      '        unit.add_document(document, text=text, file_name=upload.clean_name if upload else "",',
      '        return\n        unit.add_document(document, text=text, file_name=upload.clean_name if upload else "",',
      "the deposit saves nothing"),
    M("test_professionals", "dmp_web/services/notices.py",
      "    if dossier.alert_new_documents:\n        tell_holder(", "    if True:\n        tell_holder(",
      "the patient is e-mailed without asking for it"),
    M("test_professionals", ACCESS,
      '        return verdict.refuse("hidden")\n    return _matrix(actor, READ, document, verdict)',
      '        return _matrix(actor, READ, document, verdict)\n    return _matrix(actor, READ, document, verdict)',
      "a hidden document is shown to other professionals"),
    M("test_public_pages", "dmp_web/__init__.py",
      "    csrf.init_app(app)", '    app.config["WTF_CSRF_CHECK_DEFAULT"] = False\n    csrf.init_app(app)',
      "a post without its CSRF token is not refused"),
    M("test_public_pages", "dmp_web/web/security.py",
      'headers["Cache-Control"] = "no-store"', 'headers["Cache-Control"] = "private, max-age=600"',
      "pages with personal data are kept in the browser's cache"),
    M("test_reimbursements", "dmp_web/domain/reimbursements.py",
      "return newest_first(r for r in rows if in_window(r, today))", "return newest_first(rows)",
      "care older than 24 months is shown"),
    M("test_reimbursements", "dmp_web/web/reimbursements.py",
      "    if not decision.allowed:\n", "    if False:\n",
      "a closed DMP still shows its reimbursements"),
    M("test_sealed_metadata", "dmp_web/store/documents.py",
      '"title": sealer.seal_text(row["title"]), "sealed_meta": True}', '"sealed_meta": False}',
      "document titles are stored in clear"),
    M("test_session_notice", "dmp_web/web/sessions.py",
      'NOT_A_USE = {"auth.session_notice", "static"}', 'NOT_A_USE = {"static"}',
      "asking for the notice keeps the session open"),
    M("test_sessions", "dmp_web/web/sessions.py",
      "    session.rotate = True\n", "    session.rotate = False\n",
      "logging in keeps the session id known before"),
    M("test_sessions", "dmp_web/web/sessions.py",
      "now - record.last_seen > idle or now - record.created_at > SESSION_MAX_AGE", "now - record.last_seen > idle",
      "a busy session never ends"),
    M("test_unit_of_work", DOSSIER_ACCESS,
      "fresh = unit.dossier() or dossier", "fresh = dossier",
      "a change rests on the dossier read before the lock"),
    M("test_unit_of_work", "dmp_web/store/unit.py",
      "        _finish_pending(self.repos, self.dossier_id, self._held)\n", "",
      "a unit cut by a crash is never finished"),
    M("test_wishes", "dmp_web/services/wishes.py",
      'hashlib.sha256(f"{kind}:{value}".encode())', "hashlib.sha256(kind.encode())",
      "a code sent to one number confirms another"),
    M("test_wishes", "dmp_web/services/wishes.py",
      "    if old:\n        _warn_old_contact(ctx, kind, old)",
      "    if False:\n        _warn_old_contact(ctx, kind, old)",
      "the old number or address is not told of the change"),
    # the first connection with one contact, the initial password in groups, the resumed first connection
    M("test_patient_journey", "dmp_web/forms/accounts.py",
      "        if not field.data and not (self.email.data or \"\").strip():\n", "        if False:\n",
      "the first connection goes on with neither mobile nor e-mail"),
    M("test_patient_journey", "dmp_web/domain/accounts.py",
      "            password = without_spaces(password)\n", "            pass\n",
      "the initial password typed in its groups of 4 is refused"),
    M("test_patient_journey", "dmp_web/web/patient.py",
      "    if account.first_connection_step > 2:\n", "    if False:\n",
      "a resumed first connection asks for the password change again"),
    M("test_patient_journey", "dmp_web/services/first_connection.py",
      "            account.otp_channel = next(iter(account.otp_channels()), account.otp_channel)\n",
      "            pass\n", "after step 1 with an e-mail only, the login codes go to no mobile"),
    M("test_patient_journey", "dmp_web/web/auth.py",
      "redirect(url_for(FIRST_CONNECTION_STEPS[current_user.account.first_connection_step]))",
      'redirect(url_for("patient.first_connection"))', "a login after step 2 lands on step 1 again"),
    M("test_patient_journey", "dmp_web/web/patient.py",
      "    form.offer_channels(account.otp_channels())\n", "",
      "step 2 asks for a channel the person has no contact for"),
    M("test_desk_existing", "dmp_web/services/desk_help.py",
      "        account.set_initial_password(password)\n", "        account.set_password(password, ctx.now())\n",
      "the new letter's password typed in its groups of 4 is refused"),
    # a minor's legal representatives (issue 17)
    M("test_representatives", "dmp_web/services/history.py",
      "            continue  # a document hidden from the representatives: not even that it exists\n",
      "            pass\n",
      "the history tells a representative of a document hidden from them"),
    M("test_representatives", "dmp_web/services/holder.py",
      "    return dossier.acting_in(slot) if dossier is not None else Holder(dossier_id)",
      "    return Holder(dossier_id)",
      "a representative's acts are journaled as the holder's"),
    M("test_representatives", "dmp_web/services/desk_help.py",
      "        account = unit.account(slot)\n        before[:] = [replace(account)]",
      "        account = unit.account()\n        before[:] = [replace(account)]",
      "the desk changes the first representative's mobile for the second"),
    M("test_coming_of_age", "dmp_web/services/coming_of_age.py",
      "            representative.ended_at = now\n", "",
      "at 18 the representatives keep their access"),
    # carers (issue 18)
    M("test_carers", "dmp_web/domain/carers.py",
      "    if len(counted(dossier, now)) >= MAX_CARERS:", "    if False:",
      "a patient names a 4th carer"),
    M("test_carer_space", "dmp_web/services/carer_accounts.py",
      "        return account if account is not None and account.first_connection_done else None",
      "        return account",
      "an account left before its code logs in"),
    M("test_carer_space", "dmp_web/services/login.py",
      "        if isinstance(self.directory.actor(login_id), CarerPerson):\n            return None",
      "        if False:\n            return None",
      "a carer logs in as a professional"),
    M("test_carer_space", "dmp_web/domain/carers.py",
      "g.code_digest == digest and g.invitation_open(now)", "g.code_digest == digest",
      "an invitation's code opens it again once used"),
    M("test_carer_space", "dmp_web/web/navigation.py",
      "    if grant is None or not grant.in_force(", "    if grant is None or not True or grant.in_force(",
      "the banner says « Vous agissez pour » on an access that ended"),
    M("test_carer_space", "dmp_web/web/carers.py",
      '    if decision.reason_code == "not_a_carer":\n        hidden_as_not_found("policy")',
      '    if decision.reason_code == "no such reason":\n        hidden_as_not_found("policy")',
      "a carer learns that a DMP they do not help with exists"),
    M("test_carers_pages", "dmp_web/services/carers.py",
      "            ctx.notifier.sms.send(Sms(to=grant.contact, body=invitation_sms(ctx, dossier, grant, code)))",
      "            pass",
      "the invitation by SMS never reaches the carer"),
    M("test_helped_visit", "dmp_web/domain/helped_visit.py",
      "        return self.started_at <= now < self.ends_at", "        return self.started_at <= now",
      "a helped visit never ends after its 2 hours"),
    M("test_helped_visit", "dmp_web/services/dossier_access.py",
      "            helper=ctx.helper if isinstance(actor, Holder | LegalRepresentative) else None)",
      "            helper=None)",
      "a document read during a helped visit does not name the helper"),
    M("test_review18_findings", ACCESS,
      "    if document.hidden_from_representatives:\n        # a minor's",
      "    if False:\n        # a minor's",
      "a parent invited as a carer reads what the doctor hid from the parents"),
)


def run_module(module: str) -> int:
    """pytest's exit code for one module: 0 passed, 1 a test failed, anything else an error."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}  # no compiled mutant left behind
    command = [sys.executable, "-m", "pytest", f"tests/web/{module}.py", "-q", "-x", "-p", "no:cacheprovider"]
    return subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode


def fresh(mutation: Mutation) -> bool:
    """The original text is in its file exactly once (else the table no longer says the truth)."""
    path = ROOT / mutation.path
    return (path.is_file() and path.read_text(encoding="utf-8").count(mutation.original) == 1
            and mutation.original != mutation.replacement)


def try_mutation(mutation: Mutation) -> str:
    if not fresh(mutation):
        return "stale"
    path = ROOT / mutation.path
    before = path.read_bytes()
    times = os.stat(path)
    text = before.decode("utf-8")
    try:
        path.write_bytes(text.replace(mutation.original, mutation.replacement).encode("utf-8"))
        code = run_module(mutation.module)
    finally:
        path.write_bytes(before)
        # the original's time too, so its compiled file stays the one Python trusts
        os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
        if path.read_bytes() != before:
            raise SystemExit(f"{mutation.path} was not restored: put it back with git checkout")
    return {0: "SURVIVED", 1: "killed"}.get(code, "error")


def main(argv: list[str]) -> int:
    words = [a for a in argv if not a.startswith("--")]
    chosen = [m for m in MUTATIONS if not words or any(w in m.module for w in words)]
    modules = sorted(p.stem for p in WEB_TESTS.glob("test_*.py"))
    unknown = sorted({m.module for m in MUTATIONS} - set(modules))
    uncovered = [] if words else sorted(set(modules) - {m.module for m in MUTATIONS})
    width = max([len(m.description) for m in chosen] + [8])
    print(f"{'module':34} {'mutation':{width}} {'result':8} seconds")
    results = []
    for mutation in chosen:
        if "--list" in argv:  # and whether each original text is still there, once
            print(f"{mutation.module:34} {mutation.description:{width}} {'ok' if fresh(mutation) else 'stale'}")
            continue
        start = time.monotonic()
        result = try_mutation(mutation)
        results.append(result)
        print(f"{mutation.module:34} {mutation.description:{width}} {result:8} {time.monotonic() - start:7.1f}",
              flush=True)
    if "--list" in argv:
        return 0 if all(fresh(m) for m in chosen) else 1
    counts = {r: results.count(r) for r in dict.fromkeys(results)}
    print(f"{len(results)} mutations: " + ", ".join(f"{n} {r}" for r, n in counts.items()))
    for module in uncovered:
        print(f"no mutation for {module}")
    for module in unknown:
        print(f"no test module {module}")
    return 0 if set(results) <= {"killed"} and not uncovered and not unknown else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
