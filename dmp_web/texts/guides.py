"""The easy-to-read guides (FALC): Markdown files with a YAML front matter in content/falc/.

A guide file looks like this:

    ---
    title: Créer mon DMP               the h1 of its page and of its booklet
    audience: Pour les patients        who it is written for
    summary: Vous pouvez créer …       1 or 2 sentences, shown in the list of guides
    pictogram: carnet                  static/pictos/carnet.svg, beside the introduction
    order: 1                           its place in the list and in the booklet of all guides
    version: 2026-11-23                the date of this version, printed on the booklet
    ---
    The introduction: one sentence per paragraph (a blank line between sentences).

    ## A main idea                     each main idea is a section with its own pictogram
    <!-- picto : ordinateur -->        the pictogram beside it (static/pictos/ordinateur.svg)
    <!-- écran : /creer -->            the screen of the app where the labels quoted below appear

    Cliquez sur « J’ai mon code ».     «…» quotes a real label of the app, and nothing else

A `<!-- écran : /path -->` line holds for every «…» after it, until the next one; a test
(tests/web/test_guide_labels.py) opens each screen and checks that each label is on it.
The two comments above are the only HTML a guide may hold; italics are refused too.

The URL of a guide is the stem of its file (its slug); a slug from a URL is only ever looked up
among the guides loaded from the folder, never joined to a path.

Longer than 300 lines: the guide format, its checks and its rendering for the page and for print.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import markdown
import yaml

from ..domain.help_line import HelpLine
from ..settings import PROJECT_ROOT

GUIDES_DIR = PROJECT_ROOT / "content" / "falc"
PICTOS_DIR = PROJECT_ROOT / "static" / "pictos"
ALL_GUIDES_SLUG = "tous"  # /guides/tous.pdf is the booklet of every guide
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# Our own drawings in static/pictos/, and what each shows (its text alternative).
PICTOGRAMS: dict[str, str] = {
    "ajouter": "Une feuille avec le signe plus",
    "balance": "Une balance de la justice",
    "bloquer": "Un panneau sens interdit",
    "cacher": "Un œil barré",
    "cadenas": "Un cadenas fermé",
    "caisse": "L’accueil de la caisse d’assurance maladie",
    "carnet": "Un carnet de santé",
    "carte-vitale": "Une carte Vitale",
    "cle": "Une clé",
    "confiance": "2 personnes côte à côte",
    "directives": "Une feuille et un stylo",
    "document": "Une feuille de papier écrite",
    "don": "Un cœur",
    "entraide": "2 personnes devant un ordinateur",
    "enveloppe": "Une enveloppe",
    "fermer": "Un dossier fermé",
    "historique": "Une horloge",
    "imprimante": "Une imprimante",
    "liste": "Une liste de 3 étapes",
    "medecin": "Un stéthoscope de médecin",
    "oeil": "Un œil",
    "ordinateur": "Un ordinateur",
    "pharmacie": "La croix d’une pharmacie",
    "prevenir": "Un téléphone qui sonne",
    "soignants": "2 soignants",
    "telephone": "Un téléphone portable qui reçoit un message",
    "urgence": "Une ambulance",
}

FRONT_MATTER_KEYS = {"title", "audience", "summary", "pictogram", "order", "version"}
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_DIRECTIVE = re.compile(r"^<!--\s*(picto|écran)\s*:\s*(\S+)\s*-->\s*$")
LABEL = re.compile(r"«\s*([^«»]+?)\s*»")


class GuideError(ValueError):
    """A guide file breaks the format above; the message says which file and line."""


@dataclass(frozen=True)
class Label:
    """A label of the app quoted in a guide, and the screen the guide says it is on."""
    text: str
    screen: str
    guide: str
    line: int


@dataclass(frozen=True)
class Section:
    """A main idea: its heading (none for the introduction), its pictogram and its text."""
    heading: str | None
    anchor: str
    pictogram: str
    pictogram_alt: str  # empty when the same drawing already appeared higher in the guide
    html: str
    text: str
    print_html: str  # the same, laid out for the booklet
    print_heading: str | None = None


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    audience: str
    summary: str
    pictogram: str
    order: int
    version: datetime.date
    sections: tuple[Section, ...]
    labels: tuple[Label, ...] = field(default=())

    def plain_text(self) -> str:
        """Every sentence a reader sees, one block per line: for the easy-to-read check."""
        lines = [self.title, self.audience, self.summary]
        for section in self.sections:
            if section.heading:
                lines.append(section.heading)
            lines.append(section.text)
        return "\n".join(lines)


_HYPHENATED = re.compile(r"\w+(?:-\w+)+")
WORD_JOINER = "\u2060"


def joined(text: str) -> str:
    """The text with word joiners around the hyphens inside words: no line break there in print."""
    return _HYPHENATED.sub(lambda m: m.group(0).replace("-", f"{WORD_JOINER}-{WORD_JOINER}"), text)


def _render(source: str, for_print: bool = False) -> str:
    rendered = markdown.markdown(source, extensions=["sane_lists"], output_format="html")

    # A word with a hyphen (e-mail, peut-être) is never cut at the end of a line. Browsers keep
    # a nowrap span whole; WeasyPrint mislays the line before such a span (its issue #1614),
    # so a printed word gets word joiners around its hyphens instead (invisible, not extracted).
    def keep_whole(match: re.Match) -> str:
        return joined(match.group(0)) if for_print else f'<span class="nowrap">{match.group(0)}</span>'

    rendered = "".join(  # the text between the tags only, never the tags themselves
        part if part.startswith("<") else _HYPHENATED.sub(keep_whole, part)
        for part in re.split(r"(<[^>]+>)", rendered)
    )
    # A label reads as one block: «, the label and » never part at the end of a line.
    return LABEL.sub(lambda m: f'<span class="ui-label">«\u00a0{m.group(1)}\u00a0»</span>', rendered)


class _Text(HTMLParser):
    BLOCKS = {"p", "li", "h2", "h3", "h4"}

    def __init__(self):
        super().__init__()
        self.blocks: list[str] = []
        self._current: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in self.BLOCKS | {"ul", "ol"}:
            self._flush()

    def handle_data(self, data):
        self._current.append(data)

    def _flush(self):
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []


def html_to_text(fragment: str) -> str:
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    parser._flush()
    return "\n".join(parser.blocks)


def _anchor(heading: str, taken: set[str]) -> str:
    plain = heading.lower()
    for accented, bare in (("àâä", "a"), ("éèêë", "e"), ("îï", "i"), ("ôö", "o"), ("ùûü", "u"), ("ç", "c"),
                           ("œ", "oe")):
        for char in accented:
            plain = plain.replace(char, bare)
    anchor = "-".join(re.findall(r"[a-z0-9]+", plain))[:50].strip("-") or "partie"
    candidate, n = anchor, 2
    while candidate in taken:
        candidate, n = f"{anchor}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _front_matter(path: Path, text: str) -> tuple[dict, str, int]:
    match = _FRONT_MATTER.match(text)
    if not match:
        raise GuideError(f"{path.name}: the file must start with a front matter between 2 lines ---")
    meta = yaml.safe_load(match.group(1)) or {}
    if not isinstance(meta, dict) or set(meta) != FRONT_MATTER_KEYS:
        raise GuideError(f"{path.name}: the front matter needs exactly {sorted(FRONT_MATTER_KEYS)}")
    if not isinstance(meta["order"], int) or not isinstance(meta["version"], datetime.date):
        raise GuideError(f"{path.name}: order is a number and version a date (2026-11-23)")
    for key in ("title", "audience", "summary", "pictogram"):
        if not isinstance(meta[key], str) or not meta[key].strip():
            raise GuideError(f"{path.name}: {key} must be a text")
    body_start_line = match.group(0).count("\n") + 1
    return meta, text[match.end():], body_start_line


def _check_pictogram(path: Path, name: str, line: int) -> None:
    if name not in PICTOGRAMS or not (PICTOS_DIR / f"{name}.svg").is_file():
        raise GuideError(f"{path.name}, line {line}: unknown pictogram {name!r}")


def _directive(path: Path, number: int, kind: str, value: str, part: dict, screen: str | None) -> str | None:
    """A <!-- picto : … --> sets the part's pictogram; a <!-- écran : /path --> is the screen of
    the labels below it (returned: the screen in force after this line)."""
    if kind == "picto":
        _check_pictogram(path, value, number)
        if part["pictogram"] is not None:
            raise GuideError(f"{path.name}, line {number}: one pictogram per main idea")
        part["pictogram"] = value
        return screen
    if not value.startswith("/"):
        raise GuideError(f"{path.name}, line {number}: a screen is a path of the site, like /creer")
    return value


def _parts(path: Path, slug: str, pictogram: str, body: str, first_line: int) -> tuple[list[dict], list[Label]]:
    """The body split into the introduction and the main ideas (## headings), reading directives."""
    parts: list[dict] = [{"heading": None, "pictogram": pictogram, "lines": [], "line": first_line}]
    labels: list[Label] = []
    screen: str | None = None
    for number, line in enumerate(body.splitlines(), start=first_line):
        directive = _DIRECTIVE.match(line.strip())
        if directive:
            screen = _directive(path, number, *directive.groups(), parts[-1], screen)
            continue
        if "<" in line or ">" in line:
            raise GuideError(f"{path.name}, line {number}: no HTML in a guide")
        if line.startswith("## "):
            parts.append({"heading": line[3:].strip(), "pictogram": None, "lines": [], "line": number})
            continue
        if line.startswith("# "):
            raise GuideError(f"{path.name}, line {number}: the title is in the front matter; main ideas use ##")
        for label in LABEL.findall(line):
            if screen is None:
                raise GuideError(f"{path.name}, line {number}: «{label}» needs a line <!-- écran : /path --> above it")
            labels.append(Label(" ".join(label.split()), screen, slug, number))
        parts[-1]["lines"].append(line)

    return parts, labels


def _sections(path: Path, parts: list[dict]) -> list[Section]:
    """Each part rendered, checked (a pictogram, no italics) and given a unique anchor."""
    sections: list[Section] = []
    shown: set[str] = set()
    anchors: set[str] = set()
    for part in parts:
        source = "\n".join(part["lines"]).strip()
        if part["heading"] is None and not source:
            continue  # no introduction
        if part["pictogram"] is None:
            raise GuideError(f"{path.name}, line {part['line']}: the main idea {part['heading']!r} needs a pictogram")
        rendered = _render(source)
        if re.search(r"<(em|i)>", rendered):
            raise GuideError(f"{path.name}, line {part['line']}: no italics in a guide")
        name = part["pictogram"]
        sections.append(Section(
            heading=part["heading"],
            anchor=_anchor(part["heading"] or "introduction", anchors),
            pictogram=name,
            pictogram_alt="" if name in shown else PICTOGRAMS[name],
            html=rendered,
            text=html_to_text(rendered),
            print_html=_render(source, for_print=True),
            print_heading=joined(part["heading"]) if part["heading"] else None,
        ))
        shown.add(name)
    return sections


def load_guide(path: Path) -> Guide:
    """Read and check one guide file; GuideError says what is wrong, and where."""
    slug = path.stem
    if not SLUG.fullmatch(slug) or slug == ALL_GUIDES_SLUG:
        raise GuideError(f"{path.name}: a guide's file name is lowercase words joined by -, not {ALL_GUIDES_SLUG!r}")
    meta, body, first_line = _front_matter(path, path.read_text(encoding="utf-8"))
    _check_pictogram(path, meta["pictogram"], 1)

    parts, labels = _parts(path, slug, meta["pictogram"], body, first_line)
    sections = _sections(path, parts)
    return Guide(
        slug=slug, title=meta["title"].strip(), audience=meta["audience"].strip(), summary=meta["summary"].strip(),
        pictogram=meta["pictogram"], order=meta["order"], version=meta["version"],
        sections=tuple(sections), labels=tuple(labels),
    )


def _signature(folder: Path) -> tuple:
    return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.glob("*.md")))


@lru_cache(maxsize=8)
def _load(folder: Path, signature: tuple) -> tuple[Guide, ...]:
    guides = [load_guide(folder / name) for name, _mtime, _size in signature]
    orders = [g.order for g in guides]
    if len(set(orders)) != len(orders):
        raise GuideError(f"{folder}: 2 guides have the same order")
    return tuple(sorted(guides, key=lambda g: g.order))


def load_guides(folder: Path = GUIDES_DIR) -> tuple[Guide, ...]:
    """Every guide of the folder, sorted by `order`; read again only when a file changed."""
    folder = Path(folder).resolve()
    return _load(folder, _signature(folder))


def guide_by_slug(slug: str, folder: Path = GUIDES_DIR) -> Guide | None:
    """The guide whose file stem is `slug`, or None: the slug never reaches the file system."""
    return next((g for g in load_guides(folder) if g.slug == slug), None)


DEFAULT_HELP_LINE = HelpLine()


@lru_cache(maxsize=16)
def _booklet(guides: tuple[Guide, ...], all_guides: bool, help_line: HelpLine, site_address: str) -> bytes:
    from ..pdf.render import render_pdf

    return render_pdf("guide.html", {"guides": guides, "all_guides": all_guides, "help_line": help_line,
                                     "site_address": site_address})


def booklet_pdf(guides: tuple[Guide, ...] | list[Guide], all_guides: bool = False, *,
                help_line: HelpLine = DEFAULT_HELP_LINE, site_address: str = "www.dmp.fr") -> bytes:
    """The A4 booklet (tagged PDF/UA) of these guides, each ending on the site and the help line
    (the deployment's, from the caller); made once per version of their text."""
    return _booklet(tuple(guides), all_guides, help_line, site_address)
