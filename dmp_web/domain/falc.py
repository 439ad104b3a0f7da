"""The easy-to-read (FALC) check: the rules every guide and every page of the app must pass.

It reads a text (a guide in Markdown, or a page's visible text as a list of blocks) and reports:
- each sentence of more than 15 words, words counted the French way;
- each glossary term whose first use has no explanation nearby;
- numbers written in words («trois», «vingt-quatre»), where digits are easier to read;
- words in capitals, and italics markers;
- a readability score under a threshold (Flesch adapted to French by Kandel and Moles).

Pure Python: no Flask. The glossary is a content file (content/glossary.yaml), read here as data.

Longer than 300 lines: the rules share the French sentence and word splitting, and most lines are
word lists.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from collections.abc import Sequence

import yaml

GLOSSARY_PATH = Path(__file__).resolve().parents[2] / "content" / "glossary.yaml"

MAX_WORDS = 15
# Kandel & Moles read like Flesch: 60 to 70 is ordinary text, 70 to 80 fairly easy, 80 and more
# easy. Measured with this module on the documents the product was written from: a model
# easy-to-read guide scores 79; an official leaflet, a credential letter, a regional announcement
# and a blog post score 61 to 69. 60 would let all four ordinary texts pass; 70 is the line
# between them and easy-to-read text.
MIN_SCORE = 70.0
# The score is an average: on a few words, one long word moves it by 10 points or more. Under
# this many words (a page of 3 labels) it is shown but not reported; the other rules still apply.
MIN_WORDS_FOR_SCORE = 30
# Glossary terms: an explanation counts within the same section, or in the sentence of the first
# use and the next 3 sentences (they may cross into the next section).
NEARBY_SENTENCES = 3

# Words in capitals that are allowed although they are not in the glossary. Kept short on purpose:
# an acronym the reader needs explained belongs in the glossary, with its meaning.
ALLOWED_CAPITALS: frozenset[str] = frozenset({
    "JPEG",  # a kind of photo file: the reader must find the same word their computer shows
})
# A family name is printed in capitals on the Vitale card and in the register of insured persons;
# the app shows it as printed, so that the patient can check it is theirs. Capitals are allowed
# right after one of these labels (the value of a "Nom" line) or right after a first name
# ("Fatima ROCHE"), and nowhere else.
NAME_LABELS: frozenset[str] = frozenset({"nom", "nom de naissance", "nom d’usage", "nom de famille"})

APOSTROPHES = "'’ʼ"
# Elided words: «l’accueil» is 2 words, «aujourd’hui» and «quelqu’un» are 1.
ELIDED = frozenset({"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"})
# Abbreviations after which a full stop does not end the sentence («M. Martin», «par ex. »);
# «etc.» ends it when a capital letter follows.
ABBREVIATIONS = frozenset({"m", "mme", "mmes", "mlle", "dr", "pr", "me", "st", "ste", "etc", "ex", "cf"})

NUMBER_WORDS = frozenset({
    "zéro", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
    "treize", "quatorze", "quinze", "seize", "vingt", "vingts", "trente", "quarante", "cinquante",
    "soixante", "septante", "huitante", "octante", "nonante", "cent", "cents", "mille",
    "million", "millions", "milliard", "milliards",
})
# «un», «une» and «et» are numbers only inside a compound («vingt-et-un»): alone they are an
# article or a conjunction.
NUMBER_JOINERS = frozenset({"un", "une", "et"})

VOWELS = "aeiouyàâäéèêëîïôöùûüÿæœ"

# ---------------------------------------------------------------------------------------------
# The glossary


@dataclass(frozen=True)
class Term:
    """A term of art the app cannot avoid, with the one sentence that explains it."""

    term: str
    explanation: str
    expansion: str = ""  # what the letters stand for, for an acronym
    forms: tuple[str, ...] = ()  # other written forms, e.g. the plural
    # the same sentence for a professional's page, where «votre» would mean the professional's
    # («le carnet de santé du patient»); "" when the explanation already suits them
    for_professionals: str = ""

    @property
    def is_acronym(self) -> bool:
        letters = [c for c in self.term if c.isalpha()]
        return bool(letters) and all(c.isupper() for c in letters)

    @property
    def written_forms(self) -> tuple[str, ...]:
        return (self.term, *self.forms)

    @property
    def anchor(self) -> str:
        """An id for the glossary page: «carte Vitale» → «carte-vitale»."""
        plain = unicodedata.normalize("NFKD", self.term).encode("ascii", "ignore").decode().lower()
        return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")

    def explanation_for(self, professional: bool = False) -> str:
        """The sentence to show: the professionals' own one on their pages, when there is one."""
        return (self.for_professionals or self.explanation) if professional else self.explanation

    @property
    def meaning_sentence(self) -> str:
        """«DMP veut dire dossier médical partagé.» for an acronym, else nothing."""
        return f"{self.term} veut dire {self.expansion}." if self.expansion else ""


Glossary = tuple[Term, ...]


def parse_glossary(entries: Sequence[dict]) -> Glossary:
    terms = []
    for entry in entries:
        unknown = set(entry) - {"term", "explanation", "expansion", "forms", "for_professionals"}
        if unknown or not entry.get("term") or not entry.get("explanation"):
            raise ValueError(f"glossary entry {entry!r}: needs term and explanation, "
                             "knows only expansion, forms and for_professionals")
        terms.append(Term(
            term=str(entry["term"]).strip(),
            explanation=" ".join(str(entry["explanation"]).split()),
            expansion=" ".join(str(entry.get("expansion") or "").split()),
            forms=tuple(str(f).strip() for f in entry.get("forms") or ()),
            for_professionals=" ".join(str(entry.get("for_professionals") or "").split()),
        ))
    return tuple(terms)


@lru_cache(maxsize=4)
def load_glossary(path: Path = GLOSSARY_PATH) -> Glossary:
    return parse_glossary(yaml.safe_load(Path(path).read_text(encoding="utf-8")) or [])


# ---------------------------------------------------------------------------------------------
# Words, sentences, syllables

_URL = r"(?:https?://|www\.)[^\s«»()<>]*[^\s«»()<>.,;:!?]"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
# A time, «10 h 12» or «8 h», is read as one number.
_TIME = r"\d{1,2}[ \u00a0\u202f]?h(?:[ \u00a0\u202f]?\d{2})?(?!\w)"
# «06 12 34 56 78» and «10 000» are one number: groups of 2 or 3 digits after a space join it.
_NUMBER = r"\d+(?:[.,]\d+)?(?:[ \u00a0\u202f]\d{2,3}(?!\d))*(?:[^\W\d_]{1,3}\b)?"
_WORD = rf"[^\W\d_]+(?:[{APOSTROPHES}\-‐‑][^\W\d_]+)*[{APOSTROPHES}]?"
TOKEN = re.compile(rf"{_URL}|{_EMAIL}|{_TIME}|{_NUMBER}|{_WORD}", re.IGNORECASE)


def normalize(text: str) -> str:
    """One apostrophe, one kind of space, one kind of hyphen: the rules compare texts."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(f"[{APOSTROPHES}]", "’", text)
    text = re.sub(r"[\u00a0\u202f\u2007]", " ", text)
    return text.replace("‐", "-").replace("‑", "-")


def words(text: str) -> list[str]:
    """The words of a text, counted the French way.

    «l’accueil» is 2 words (the elided article counts), «aujourd’hui» 1, «e-mail» 1,
    «06 12 34 56 78» 1 (one number), «10 h 12» 1 (a time), an address or a web link 1;
    punctuation is not a word.
    """
    found: list[str] = []
    for token in TOKEN.findall(normalize(text)):
        if token[0].isalpha() and "’" in token:
            parts = token.split("’")
            while len(parts) > 1 and parts[0].lower() in ELIDED:
                found.append(parts.pop(0) + "’")
            rest = "’".join(parts)
            if rest:
                found.append(rest)
        else:
            found.append(token)
    return found


def _spelled_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and not any(c.lower() in VOWELS for c in letters)


def syllables(word: str) -> int:
    """French syllables, counted by groups of vowels.

    «qu» and «gu» before a vowel count as a consonant; a final silent «e» or «es» after a
    consonant does not count («carte» 1, «santé» 2); an elided word («l’») has none. An acronym
    with no vowel is spelled letter by letter («DMP» 3). A number counts 1 per group of digits.
    """
    if word[0].isdigit():
        return len(re.findall(r"\d+", word))
    if word.endswith("’"):
        return 0
    if _spelled_acronym(word):
        return sum(1 for c in word if c.isalpha())
    total = 0
    for part in re.split(r"[-’]", word.lower()):
        part = re.sub(r"([qg])u(?=[aeiouyéèêàâîô])", r"\1", part)
        groups = re.findall(f"[{VOWELS}]+", part)
        count = len(groups)
        if count > 1 and re.search(f"[^{VOWELS}]es?$", part):
            count -= 1
        total += count
    return max(1, total)


def split_sentences(text: str) -> list[str]:
    """Sentences of one block: a full stop, «!», «?» or «…» followed by a space ends one."""
    sentences: list[str] = []
    start = 0
    for match in re.finditer(r"(?:\.\.\.|[.!?…])+[»\")]*(?=\s|$)", text):
        before = text[start:match.start()].split()
        last = before[-1].lower().strip("«(") if before else ""
        abbreviation = last in ABBREVIATIONS or re.fullmatch(r"[a-zà-ÿ]", last)
        capital_follows = text[match.end():].strip()[:1].isupper()
        if match.group().startswith(".") and abbreviation and not (last == "etc" and capital_follows):
            continue
        sentence = text[start:match.end()].strip()
        if sentence:
            sentences.append(sentence)
        start = match.end()
    rest = text[start:].strip()
    if rest and words(rest):
        sentences.append(rest)
    return [s for s in sentences if words(s)]


def readability(word_count: int, sentence_count: int, syllable_count: int) -> float:
    """Flesch's score adapted to French (Kandel & Moles, 1958): the higher, the easier."""
    if not word_count or not sentence_count:
        return 0.0
    return 207 - 1.015 * (word_count / sentence_count) - 73.6 * (syllable_count / word_count)


# ---------------------------------------------------------------------------------------------
# Texts as blocks


@dataclass(frozen=True)
class Block:
    """One piece of visible text: a heading, a paragraph, a list item, a label, a button…"""

    text: str
    kind: str = "paragraph"  # a "heading" starts a new section
    where: str = ""  # where it is, for the reader of the findings: «ligne 12», «main > h2»
    # The text echoes what the reader meets elsewhere (a form's error summary repeats the errors
    # shown beside the fields; a message confirms what the reader just did): every rule checks
    # it, but a hard word's first use, the one that needs its explanation nearby, is looked for
    # in the rest of the page.
    repeats: bool = False


@dataclass(frozen=True)
class Finding:
    code: str
    text: str  # the sentence or the word
    message: str  # in French: what is wrong and what to do
    place: str

    def __str__(self) -> str:
        return f"{self.place} : [{self.code}] {self.message} «{self.text}»"


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    score: float
    words: int = 0
    sentences: int = 0
    syllables: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n---[ \t]*(?:\n|\Z)", re.DOTALL)


def without_front_matter(text: str) -> str:
    """The Markdown body; the front matter lines become blank so line numbers stay true."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return text
    return "\n" * match.group().count("\n") + text[match.end():]


def markdown_blocks(text: str) -> list[Block]:
    """Headings, list items and paragraphs of a Markdown text, each with its line number.

    Links keep their text, images and HTML comments are dropped (they are not read as text),
    bold marks go; italics marks stay so that the italics rule sees them.
    """
    text = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group().count("\n"), text, flags=re.DOTALL)
    blocks: list[Block] = []
    paragraph: list[str] = []
    paragraph_line = 0

    def flush() -> None:
        if paragraph:
            blocks.append(Block(_inline(" ".join(paragraph)), "paragraph", f"ligne {paragraph_line}"))
            paragraph.clear()

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        heading = re.match(r"#{1,6}\s+(.*?)\s*#*$", stripped)
        item = re.match(r"(?:[-*+]|\d+[.)])\s+(.*)", stripped)
        if not stripped or re.fullmatch(r"([-*_])(\s*\1){2,}", stripped):
            flush()
        elif heading:
            flush()
            blocks.append(Block(_inline(heading.group(1)), "heading", f"ligne {number}"))
        elif item:
            flush()
            blocks.append(Block(_inline(item.group(1)), "item", f"ligne {number}"))
        elif line[:1].isspace() and blocks and blocks[-1].kind == "item" and not paragraph:
            last = blocks.pop()  # a list item written on several lines
            blocks.append(Block(f"{last.text} {_inline(stripped)}", "item", last.where))
        else:
            if not paragraph:
                paragraph_line = number
            paragraph.append(stripped.lstrip("> ").strip())
    flush()
    return [b for b in blocks if b.text.strip()]


def _inline(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # an image: its alternative is not text to read
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link: its text
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", text)  # bold
    text = text.replace("`", "")
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------
# The rules

_ITALICS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])"
                      r"|(?<![\w_])_(?=[^\s_])([^_\n]*?[^\s_])_(?![\w_])")
_ARTICLES = r"(?:(?:le|la|les|un|une|des|votre|vos|ce|cette|ces|mon|ma|mes)\s+|l’)?"
_DEFINES = r"\s+(?:veut dire|veulent dire|est|sont)\b"


def _term_pattern(form: str) -> str:
    body = r"\s+".join(re.escape(part) for part in normalize(form).split())
    return rf"(?<![\w-]){body}(?!-?\w)"


@dataclass
class _Sentence:
    text: str
    where: str
    section: int
    repeats: bool = False
    clean: str = field(init=False)

    def __post_init__(self) -> None:
        self.clean = _ITALICS.sub(lambda m: m.group(1) or m.group(2), normalize(self.text))


def uses(term: Term, text: str) -> bool:
    """Does this text use the term, in any of its written forms?"""
    return _finds(term, text)


def _finds(term: Term, sentence: str) -> bool:
    flags = 0 if term.is_acronym else re.IGNORECASE
    return any(re.search(_term_pattern(form), sentence, flags) for form in term.written_forms)


def _explains(term: Term, sentence: str) -> bool:
    """The sentence is the glossary's explanation, says «X veut dire …» or «X est …», or gives
    the meaning of the letters next to the acronym («DMP – dossier médical partagé»)."""
    plain = " ".join(sentence.lower().split())
    if " ".join(normalize(term.explanation).lower().split()).rstrip(".") in plain:
        return True
    flags = 0 if term.is_acronym else re.IGNORECASE
    for form in term.written_forms:
        pattern = _term_pattern(form)
        if re.match(rf"\s*(?i:{_ARTICLES}){pattern}{_DEFINES}", sentence, flags):
            return True
    if term.expansion and _finds(term, sentence):
        return normalize(term.expansion).lower() in plain
    return False


def _unexplained_terms(sentences: list[_Sentence], glossary: Glossary) -> list[Finding]:
    findings = []
    for term in glossary:
        first = next((i for i, s in enumerate(sentences) if not s.repeats and _finds(term, s.clean)), None)
        if first is None:
            continue
        section = sentences[first].section
        nearby = [s for i, s in enumerate(sentences)
                  if s.section == section or first <= i <= first + NEARBY_SENTENCES]
        if not any(_explains(term, s.clean) for s in nearby):
            findings.append(Finding(
                "unexplained_term", term.term,
                f"«{term.term}» est un mot difficile. Expliquez-le près de sa première utilisation : "
                f"«{term.explanation}»",
                sentences[first].where,
            ))
    return findings


def _long_sentence(sentence: _Sentence) -> list[Finding]:
    count = len(words(sentence.clean))
    if count <= MAX_WORDS:
        return []
    return [Finding("long_sentence", sentence.text,
                    f"Cette phrase a {count} mots. Écrivez des phrases de {MAX_WORDS} mots au plus.",
                    sentence.where)]


def _numbers_in_words(sentence: _Sentence) -> list[Finding]:
    findings = []
    tokens = words(sentence.clean)
    for index, token in enumerate(tokens):
        parts = token.lower().split("-")
        if not any(p in NUMBER_WORDS for p in parts) or not all(p in NUMBER_WORDS | NUMBER_JOINERS for p in parts):
            continue
        before = tokens[index - 1] if index else ""
        after = tokens[index + 1].lower() if index + 1 < len(tokens) else ""
        if parts[0].startswith(("million", "milliard")) and before[:1].isdigit():
            continue  # «3 millions» is how digits write it
        if token.lower() == "neuf" and not re.search(r"[sx]$", after):
            continue  # «un téléphone neuf» is new, «neuf mois» is 9
        findings.append(Finding("number_in_words", token,
                                f"«{token}» est un nombre écrit en lettres. Écrivez-le en chiffres.",
                                sentence.where))
    return findings


_UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒ"
_LOWER = "a-zàâäçéèêëîïôöùûüÿæœ"
_CAPITAL_WORD = rf"[{_UPPER}][{_UPPER}’-]*[{_UPPER}]"
# «Fatima ROCHE», «Jean-Marc DE LA FONTAINE»: a first name, one space, the name in capitals; the
# first name may follow an elided «de» («le DMP d’Antoine SANTONI»).
_AFTER_FIRST_NAME = re.compile(
    rf"(?:(?<=\b[dD]’)|(?<![\w’-]))[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)? "
    rf"((?:{_CAPITAL_WORD} )*{_CAPITAL_WORD})(?![\w’-])")


def _family_names(sentence: str, previous_block_text: str, acronyms: set[str]) -> set[str]:
    """The words in capitals that are a family name as printed on the Vitale card: after a first
    name inside a sentence («Bonjour Fatima ROCHE.») or alone («Fatima ROCHE»), or the value of
    a «Nom» line («Nom : ROCHE», or a «Nom» label just before)."""
    names: set[str] = set()
    for match in _AFTER_FIRST_NAME.finditer(sentence):
        name = match.group(1).split()
        if acronyms & set(name):
            continue  # «Mon DMP …» is not a name
        if not sentence[:match.start()].strip() and sentence[match.end():].strip(" .,;:!?»)"):
            continue  # the first word of a sentence may be a verb: «Lisez BIEN ceci.»
        names.update(name)
    label, colon, value = sentence.partition(":")
    if colon and label.strip().lower() in NAME_LABELS:
        names.update(value.split())
    if previous_block_text.strip().rstrip(" :").lower() in NAME_LABELS:
        names.update(sentence.split())
    return names


def _capitals(sentence: _Sentence, glossary: Glossary, previous_block_text: str) -> list[Finding]:
    acronyms = {normalize(f) for t in glossary if t.is_acronym for f in t.written_forms}
    names: set[str] | None = None
    findings = []
    for token in words(sentence.clean):
        letters = [c for c in token if c.isalpha()]
        if len(letters) < 4 or not all(c.isupper() for c in letters):
            continue
        if token in acronyms or token in ALLOWED_CAPITALS:
            continue
        if names is None:
            names = _family_names(sentence.clean, normalize(previous_block_text), acronyms)
        if token in names:
            continue
        findings.append(Finding("capitals", token,
                                f"«{token}» est écrit en majuscules. Écrivez en minuscules, c’est plus facile à lire.",
                                sentence.where))
    return findings


def _italics(sentence: _Sentence) -> list[Finding]:
    return [Finding("italics", m.group(), "Pas d’italique : il est difficile à lire. Écrivez le texte droit.",
                    sentence.where)
            for m in _ITALICS.finditer(normalize(sentence.text))]


def check_blocks(blocks: Sequence[Block], glossary: Glossary | None = None, min_score: float = MIN_SCORE,
                 scored_region: str = "") -> Report:
    """Check a text given as blocks (a page's visible text, or a guide cut into blocks).

    scored_region: when set («main»), only the blocks of that region count for the readability
    score. A page's header and footer are the same on every page: the other rules check them,
    but they would move every page's score by the same amount and hide what the page itself says.
    """
    glossary = load_glossary() if glossary is None else glossary
    blocks = [b for b in blocks if b.text.strip()]
    findings: list[Finding] = []
    sentences: list[_Sentence] = []
    scored: list[_Sentence] = []
    for (before, own), block in zip(_sentences_by_block(blocks), blocks, strict=True):
        for position, sentence in enumerate(own):
            findings += _long_sentence(sentence)
            findings += _numbers_in_words(sentence)
            findings += _capitals(sentence, glossary, before.text if position == 0 else "")
            findings += _italics(sentence)
        sentences += own
        if not block.repeats and (not scored_region or block.where.split(" > ")[0] == scored_region):
            scored += own  # an echo would count its words twice
    findings += _unexplained_terms(sentences, glossary)

    word_count = sum(len(words(s.clean)) for s in scored)
    syllable_count = sum(syllables(w) for s in scored for w in words(s.clean))
    score = readability(word_count, len(scored), syllable_count)
    if word_count >= MIN_WORDS_FOR_SCORE and score < min_score:
        findings.append(Finding(
            "low_score", f"{score:.0f}",
            f"Le texte est difficile à lire : score {score:.0f} sur 100, il faut au moins {min_score:.0f}. "
            "Écrivez des phrases plus courtes, avec des mots plus courts.",
            "tout le texte",
        ))
    return Report(tuple(findings), round(score, 1), word_count, len(scored), syllable_count)


def _sentences_by_block(blocks: Sequence[Block]) -> list[tuple[Block, list[_Sentence]]]:
    """Each block's sentences, with the block before it (a «Nom» label before a name)."""
    result = []
    section = 0
    previous = Block("")
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            section += 1
        where = block.where or f"bloc {index + 1}"
        own = [_Sentence(text, where, section, block.repeats) for text in split_sentences(normalize(block.text))]
        result.append((previous, own))
        previous = block
    return result


def check_text(text: str, glossary: Glossary | None = None, min_score: float = MIN_SCORE) -> Report:
    """Check a guide: Markdown, with or without its front matter."""
    return check_blocks(markdown_blocks(without_front_matter(text)), glossary, min_score)
