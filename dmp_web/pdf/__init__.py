"""PDF adapter: letters, dossier copies and guides rendered by WeasyPrint (imported lazily)."""
from .letters import (
    carer_invitation_letter,
    credential_letter, creation_code_letter, emergency_notice_letter, history_letter, identifier_letter, notice_letter,
)
from .render import render_pdf

__all__ = ["render_pdf", "credential_letter", "creation_code_letter", "identifier_letter", "emergency_notice_letter",
           "notice_letter", "history_letter", "carer_invitation_letter"]
