"""Photo credits: find them at the end of captions and split them into photographer and agency.

"Andrew Caballero-Reynols / AFP" -> ("Andrew Caballero-Reynols", "AFP"); "(AP Photo/Evan Vucci)" -> ("Evan Vucci",
"AP"); "Photo: Jane Doe/Reuters" -> ("Jane Doe", "Reuters"); "Getty Images" -> (None, "Getty Images");
"REUTERS/Kevin Lamarque" -> ("Kevin Lamarque", "REUTERS"). Which part is the agency is decided by the
shape of the words (agency vocabulary, acronyms, organisation words) rather than by position, since
credits put the agency first ("REUTERS/Name", "Gallo Images / Name") as often as last.
"""
from __future__ import annotations

import re

# Picture agencies and wire services whose names appear in credits, lower-cased.
AGENCIES = {
    "ap", "aap", "afp", "reuters", "getty", "getty images", "epa", "epa-efe", "efe", "pa", "pa wire", "pa images",
    "pa media", "shutterstock", "alamy", "bloomberg", "xinhua", "anp", "dpa", "anadolu", "anadolu agency", "sopa",
    "sopa images", "nurphoto", "lightrocket", "sipa", "sipa usa", "zuma", "zuma press", "zuma wire", "corbis", "istock",
    "istockphoto", "gallo images", "press association", "associated press", "upi", "kyodo", "yonhap", "tass",
    "sputnik", "ria novosti", "ians", "pti", "ani", "imago", "picture alliance", "abaca", "abacapress", "rex",
    "rex features", "bbc", "cnn", "nasa", "pool", "handout", "supplied", "file", "wireimage", "filmmagic",
    "unsplash", "pexels", "flickr", "wikimedia commons", "ap photo", "ap images", "the associated press",
    "afp photo", "reuters photo", "news1", "newsis", "eyevine", "camera press", "mirrorpix", "bauer-griffin",
}
# Words that make a credit part an organisation rather than a person.
ORG_WORDS = {
    "images", "image", "photo", "photos", "pictures", "picture", "news", "press", "agency", "media", "wire",
    "service", "services", "newspapers", "newspaper", "times", "post", "ministry", "office", "department",
    "government", "court", "university", "foundation", "council", "police", "museum", "group", "studio", "studios",
    "archive", "archives", "library", "collection", "network", "tv", "television", "radio", "magazine", "journal",
    "company", "corporation", "inc", "ltd", "llc", "club", "institute", "agency", "commission", "embassy",
    "army", "navy", "forces", "stock", "courtesy", "via", "handout", "pool", "file", "supplied", "staff",
    "screenshot", "screengrab", "video", "youtube", "x", "twitter", "instagram", "facebook", "tiktok",
}
NAME_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "la", "le", "bin", "al",
                  "el", "ibn", "dos", "das", "st", "mac", "ter"}

_MARKER = (r"(?:photo(?:graph)?s?|images?|pictures?|pics?|credits?|photo\s+credits?|image\s+credits?|"
           r"source|isithombe|foto)")
_LEAD = re.compile(rf"^\W*{_MARKER}\s*(?:by\b)?\s*[:\-–—]?\s*", re.I)
_LEAD_BY = re.compile(r"^\W*(?:photo(?:graph)?s?|image|picture)\s+by\s+|^\W*(?:courtesy\s+(?:of\s+)?)", re.I)
_TRAILING_NOTES = re.compile(r"(?:[,;/]\s*|\s+-\s+)(?:file(?:\s+photo)?|pool|handout|via\s+reuters)\s*$", re.I)


def _words(part: str) -> list[str]:
    return re.findall(r"[\w.'’&-]+", part)


def looks_like_agency(part: str) -> bool:
    """Agency vocabulary, an acronym, an organisation word, a web address."""
    p = part.strip(" .,;()[]").lower()
    if not p:
        return False
    if p in AGENCIES or re.search(r"\.(com|org|net|co\.\w+|gov)\b", p):
        return True
    words = _words(part)
    low = [w.lower().strip(".") for w in words]
    if any(w in ORG_WORDS for w in low) or any(a in AGENCIES for a in low if len(a) > 1 and a not in {"file", "pool"}):
        return True
    if " via " in f" {p} ":
        return True
    # acronyms such as "MSB", "EPA-EFE", "NPA" (one or two all-capital tokens)
    return 1 <= len(words) <= 2 and all(re.fullmatch(r"[A-Z][A-Z0-9&-]{1,9}", w) and len(w) <= 4 or
                                        re.fullmatch(r"[A-Z]{2,5}-[A-Z]{2,5}", w) for w in words)


def looks_like_person(part: str) -> bool:
    """Two to five capitalised words (particles such as "van" allowed), not an organisation."""
    words = _words(part)
    if not 2 <= len(words) <= 5 or looks_like_agency(part):
        return False
    caps = 0
    for w in words:
        if w.lower() in NAME_PARTICLES:
            continue
        if not w[0].isupper():
            return False
        caps += 1
    return caps >= 2


def clean_credit(credit: str) -> str:
    """The credit without its label ("Photo:", "Picture by") and surrounding brackets."""
    text = credit.strip()
    text = re.sub(r"^[(\[]\s*", "", text)
    text = re.sub(r"\s*[)\]]\s*\.?$", "", text)
    text = _LEAD_BY.sub("", text)
    text = _LEAD.sub("", text)
    return text.strip(" .,;:()[]")


def split_credit(credit: str | None) -> tuple[str | None, str | None]:
    """(photographer, agency) from a credit as written; either may be None."""
    if not credit or not isinstance(credit, str):
        return None, None
    text = clean_credit(credit)
    text = _TRAILING_NOTES.sub("", text).strip(" ,;")
    if not text:
        return None, None
    # "AP Photo/Evan Vucci", "AFP Photo / Name": the agency names itself before "Photo"
    m = re.match(r"^([A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*)?)\s+Photos?\s*/\s*(.+)$", text)
    if m:
        return _person_or_none(m.group(2)), m.group(1).strip()
    # "Tom Brenner for The Washington Post via Getty Images"
    m = re.match(r"^(.+?)\s+for\s+(.+)$", text)
    if m and looks_like_person(m.group(1)):
        return m.group(1).strip(), m.group(2).strip()
    parts = [p.strip() for p in re.split(r"\s*[/|]\s*|\s+-\s+|\s*;\s*", text) if p.strip()]
    if len(parts) == 1:
        # "Name, Agency" or a single name or agency
        sub = [p.strip() for p in parts[0].split(",") if p.strip()]
        if len(sub) == 2 and looks_like_person(sub[0]) and looks_like_agency(sub[1]):
            return sub[0], sub[1]
        if looks_like_person(parts[0]):
            return parts[0], None
        return None, parts[0]
    people = [p for p in parts if looks_like_person(p)]
    agencies = [p for p in parts if not looks_like_person(p)]
    if len(people) > 1 and not agencies:
        # "Sam Pix/Agence Example": an agency named in ordinary words reads like a person; the
        # photographer conventionally comes first, and the rest must not be lost.
        agencies = people[1:]
    photographer = people[0] if people else None
    if photographer is None and agencies and not looks_like_agency(agencies[0]) and len(agencies) > 1:
        # neither part is clearly a person: conventionally the photographer comes first
        photographer = agencies.pop(0)
    agency = " / ".join(agencies) if agencies else None
    return photographer, agency


def _person_or_none(part: str) -> str | None:
    part = _TRAILING_NOTES.sub("", part).strip(" ,;")
    return part or None


# --- finding a credit inside a caption line -------------------------------------------------------------

_PAREN_TAIL = re.compile(r"\s*[(\[]([^()\[\]]{1,120})[)\]]\s*$")
_LABELLED_TAIL = re.compile(
    rf"(?:(?<=[\s.,;:!?)”\"’])|^)((?:{_MARKER})\s*(?:by\b)?\s*:\s*[^:]{{2,120}}|(?:photo(?:graph)?|picture|image)\s+by\s+[^:]{{2,120}})\s*$",
    re.I)
_CREDIT_WORD = re.compile(r"^[A-Z0-9][\w.'’&-]*$|^[/|]$")


def is_credit(text: str) -> bool:
    """Does `text` (on its own) read as a photo credit?"""
    if not text or len(text) > 160:
        return False
    t = text.strip()
    if _LEAD.match(t) and re.match(rf"^\W*{_MARKER}\s*(?:by\b)?\s*[:\-–—]", t, re.I):
        return True
    if _LEAD_BY.match(t):
        return True
    inner = clean_credit(t)
    if not inner or len(inner.split()) > 14:
        return False
    if re.search(r"[a-z]{2,}[.!?]\s", inner) and not re.search(r"courtesy|via", inner, re.I) or re.search(r"[()\[\]]", inner):
        return False  # a sentence, not a credit
    if re.match(r"^[A-Z][\w.&-]*\s+Photos?\s*/", inner):
        return True
    parts = [p.strip() for p in re.split(r"\s*/\s*", inner) if p.strip()]
    if len(parts) >= 2:
        if any(len(p.split()) > 6 for p in parts):
            return False
        named = any(p.lower() in AGENCIES or looks_like_person(p) or re.fullmatch(r"[A-Z]{2,6}", p) for p in parts)
        return named and any(looks_like_agency(p) for p in parts) and all(
            looks_like_agency(p) or looks_like_person(p) or p[:1].isupper() for p in parts)
    low = inner.lower()
    if low in AGENCIES or re.fullmatch(r"(?:[\w.&-]+\s+){0,3}via getty images|getty images(?: for [\w\s]+)?", low):
        return True
    return False


def split_caption_credit(line: str) -> tuple[str, str] | None:
    """(caption, credit) when `line` ends with a photo credit, else None.

    Recognises a bracketed tail "(Picture: PA)", "(AP Photo/Name)", "(AP)"; a labelled tail "Photograph:
    Name/Agency", "Photo by Name / Agency"; and a bare tail of capitalised words joined by "/" ("...
    in Washington. REUTERS/Kevin Lamarque")."""
    if not line or len(line) > 2000:
        return None
    text = line.rstrip()
    m = _PAREN_TAIL.search(text)
    if m:
        inner = m.group(1).strip()
        head = text[:m.start()].rstrip()
        if head and (is_credit(inner) or _LEAD.match(inner) and ":" in inner or text.endswith((")", "]")) and _short_source(inner, head)):
            return head, inner
    m = _LABELLED_TAIL.search(text)
    if m and m.start() > 0:
        head = text[:m.start()].rstrip()
        if head and len(head.split()) >= 2:
            return head, m.group(1).strip()
    tail = _bare_tail(text)
    if tail:
        head = text[: len(text) - len(tail)].rstrip()
        if head and len(head.split()) >= 2:
            return head, tail
    m = _PERSON_FOR_OUTLET.search(text)
    if m and looks_like_person(m.group(1)) and not _SENTENCE_WORD.search(m.group(1)) \
            and len(text[:m.start()].split()) >= 3:
        return text[:m.start()].rstrip(), f"{m.group(1)} for {m.group(2)}"
    return None


# "... south of Duqm. Tara Atkinson for Rest of World": a photographer shooting for a publication,
# after the caption's last sentence. ("Then Smith for England" opens a sentence instead.)
_SENTENCE_WORD = re.compile(r"\b(?:The|Then|And|But|So|This|That|These|Those|When|While|After|Before|With|In|On|"
                            r"At|As|If|Now|Today|It|He|She|They|We|I|You|His|Her|Their|Our|A|An)\b")
_PERSON_FOR_OUTLET = re.compile(
    r"(?<=[.!?”\"’])\s+([A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|van|von|de|der|den|da|di|du|le|la|bin|al|el)){1,4})"
    r"\s+for\s+"
    r"((?:[Tt]he\s+)?[A-Z][\w'’&.-]*(?:\s+(?:of|the|and|&|[A-Z][\w'’&.-]*)){0,5})\s*$")


def _short_source(inner: str, head: str) -> bool:
    """"... the abuse. (AP)" — a short capitalised source in brackets right after a finished sentence."""
    words = inner.split()
    if not 1 <= len(words) <= 7 or re.match(r"(?i)reporting|editing|writing|additional|with\b|file\b|pictured|left|right|centre|center|above|below|top|bottom|from", inner):
        return False
    if not re.search(r"[.!?”\"’]$", head):
        return False
    if re.search(r"\d", inner) and not re.search(r"[A-Za-z]{3}", inner):
        return False
    significant = [w for w in words if w.lower() not in {"of", "the", "and", "for", "de", "la", "&"}]
    return bool(significant) and all(w[0].isupper() or w[0].isdigit() for w in significant)


def _bare_tail(text: str) -> str | None:
    tokens = text.split(" ")
    i = len(tokens)
    while i > 0:
        tok = tokens[i - 1]
        if not tok:
            i -= 1
            continue
        is_initial = re.fullmatch(r"[A-Z]\.(?:[A-Z]\.)*", tok) is not None
        if tok.lower() in {"via", "for"} | NAME_PARTICLES or is_initial or tok == "/":
            i -= 1
            continue
        core = tok.rstrip(",")
        if not _CREDIT_WORD.match(core) and not re.fullmatch(r"[A-Z][\w'’-]*/[A-Z][\w'’.-]*", core):
            break
        if core.endswith(".") and i < len(tokens):
            break  # a sentence ended here
        i -= 1
    tail = " ".join(t for t in tokens[i:]).strip()
    while tail.lower().startswith(("via ", "for ")):
        tail = tail.split(" ", 1)[1] if " " in tail else ""
    if not tail or "/" not in tail or len(tail.split()) > 10:
        return None
    if i == 0:
        return None
    return tail if is_credit(tail) else None
