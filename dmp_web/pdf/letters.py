"""The letters sent to patients: credentials, creation code, forgotten identifier.

Each is rendered on demand and never stored (DESIGN: no secret at rest in clear).
"""
from __future__ import annotations

import datetime

from ..domain.help_line import HelpLine
from .render import render_pdf

# The address to type, printed in the letters; callers pass the deployment's (DMP_SITE_URL).
SITE_ADDRESS = "www.dmp.fr"
HELP_LINE = HelpLine()  # callers pass the deployment's (DMP_HELP_PHONE, DMP_HELP_HOURS)


def _letter(template_name: str, full_name: str, address_lines: list[str], *, site_address: str,
            dated: datetime.date, help_line: HelpLine, **context) -> bytes:
    """Every letter extends templates/pdf/_letter.html, which prints the site and the help line."""
    return render_pdf(template_name, {
        "full_name": full_name,
        "address_lines": [line for line in address_lines if line.strip()],
        "today": dated,
        "site_address": site_address,
        "help_line": help_line,
        **context,
    })


def credential_letter(*, full_name: str, address_lines: list[str], login_id: str, initial_password: str,
                      ins_c: str, created_on: datetime.date, for_minor_name: str | None = None,
                      at_18: bool = False, site_address: str = SITE_ADDRESS, dated: datetime.date,
                      help_line: HelpLine = HELP_LINE, ins: str = "") -> bytes:
    """The letter given at creation: identifier, initial password, INS-C, then the INS (its
    matricule; none for a dossier that holds none yet), first-login steps (`at_18`: the young
    adult's own, when the representatives' access ends)."""
    return _letter(
        "credential_letter.html", full_name, address_lines,
        login_id=login_id, initial_password=initial_password, ins_c=ins_c, ins=ins, at_18=at_18,
        created_on=created_on, for_minor_name=for_minor_name, site_address=site_address, dated=dated,
        help_line=help_line,
    )


def creation_code_letter(*, full_name: str, address_lines: list[str], code: str, expires_on: datetime.date,
                         site_address: str = SITE_ADDRESS, dated: datetime.date,
                         help_line: HelpLine = HELP_LINE) -> bytes:
    """The letter that carries the 12-character code used to create a DMP online."""
    return _letter("creation_code_letter.html", full_name, address_lines, code=code, expires_on=expires_on,
                   site_address=site_address, dated=dated, help_line=help_line)


def identifier_letter(*, full_name: str, address_lines: list[str], login_id: str,
                      site_address: str = SITE_ADDRESS, dated: datetime.date,
                      help_line: HelpLine = HELP_LINE) -> bytes:
    """The letter sent when the patient forgot the login identifier."""
    return _letter("identifier_letter.html", full_name, address_lines, login_id=login_id,
                   site_address=site_address, dated=dated, help_line=help_line)


def emergency_notice_letter(*, full_name: str, address_lines: list[str], told: list[str],
                            site_address: str = SITE_ADDRESS, dated: datetime.date,
                         help_line: HelpLine = HELP_LINE) -> bytes:
    """The letter that tells a patient without mobile or e-mail of an emergency access to their
    DMP: who, when, which kind, the reason (services/notice_texts.py writes those lines)."""
    return _letter("emergency_notice_letter.html", full_name, address_lines, told=told,
                   site_address=site_address, dated=dated, help_line=help_line)


def notice_letter(template_name: str, *, full_name: str, address_lines: list[str], title: str, told: list[str],
                  site_address: str = SITE_ADDRESS, dated: datetime.date, help_line: HelpLine = HELP_LINE) -> bytes:
    """A notice to the patient by post (services/notices.py tell_holder): its title and its
    lines, which never say what a document holds. The emergency access has its own template."""
    return _letter(template_name, full_name, address_lines, title=title, told=told, site_address=site_address,
                   dated=dated, help_line=help_line)


def history_letter(*, full_name: str, address_lines: list[str], month: str, lines: list[tuple[str, str]],
                   site_address: str = SITE_ADDRESS, dated: datetime.date, help_line: HelpLine = HELP_LINE) -> bytes:
    """The month's accesses by post (services/history_letters.py): (when, what) for each, oldest first."""
    return _letter("history_letter.html", full_name, address_lines, month=month, lines=lines,
                   site_address=site_address, dated=dated, help_line=help_line)


def carer_invitation_letter(*, full_name: str, address_lines: list[str], inviter: str, allowed: str,
                            starts_on: datetime.date, ends_on: datetime.date | None, code: str, accept_address: str,
                            until: str, site_address: str = SITE_ADDRESS,
                            dated: datetime.date, help_line: HelpLine = HELP_LINE) -> bytes:
    """The invitation the patient prints for a carer without e-mail (services/carers.py): who
    invites, what the carer may do, the code, where to type it and until when."""
    return _letter("carer_invitation_letter.html", full_name, address_lines, inviter=inviter, allowed=allowed,
                   starts_on=starts_on, ends_on=ends_on, code=code, accept_address=accept_address,
                   until=until, site_address=site_address, dated=dated, help_line=help_line)
