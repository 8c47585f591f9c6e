"""Photo credits written the way news sites around the world write them, at the start or the end of a
caption: "… vor dem Rathaus. Foto: dpa", "… en Madrid. EFE/ J.J. Guillén", "Bild: SN/APA/KEYSTONE/CYRIL
ZINGARO Nationaler Trauertag …", "…国民（ソウルで、３日）＝ＡＰ", "… 있다. 연합뉴스", "… (Symbolfoto) © Getty Images".

Three kinds of evidence, none tied to a site:
- a label word in front of the credit (Foto, Bild, Quelle, Photo, Imagen, Crédit, ©, 사진, 写真 …) followed by
  ":", "=" or "©";
- the conventions of CJK captions (a credit after "＝", "(name撮影)" = "photographed by name", "X 기자" = "reporter X");
- a picture agency or wire service from a maintained list, alone after the caption's last sentence or as one
  part of a "Name/Agency" chain.

Every split falls on a word boundary: a credit is never cut inside a word."""
from __future__ import annotations

import re
import unicodedata

# Words that label a credit; each is followed by ":", "=", "©" or (English) "by".
CREDIT_LABELS = (
    # English
    "photo", "photos", "photograph", "photographs", "photography", "picture", "pictures", "pic", "pics", "image",
    "images", "img", "illustration", "video", "credit", "credits", "source", "copyright", "photo credit",
    "photo credits", "image credit", "image source", "picture credit", "photo source",
    # German, Dutch, Nordic
    "foto", "fotos", "fotografie", "fotograf", "fotografin", "bild", "bilder", "bildquelle", "bildrechte", "quelle",
    "grafik", "beeld", "bron", "kilde", "källa", "kuva", "bildkälla",
    # Romance languages
    "fotografía", "fotografia", "imagen", "imágenes", "imagem", "fuente", "fonte", "crédito", "créditos", "crédit",
    "crédits", "vídeo", "credito", "crediti",
    # Central/Eastern Europe, Turkish, Russian/Ukrainian
    "fot", "zdroj", "źródło", "zdjęcie", "fotoğraf", "kaynak", "görsel", "фото", "источник", "джерело", "фотография",
    # Vietnamese, Indonesian/Malay
    "ảnh", "nguồn", "sumber", "dok",
    # Korean, Japanese, Chinese
    "사진", "사진 출처", "출처", "写真", "図", "图", "圖", "图片", "圖片", "来源", "來源", "摄影", "攝影",
)
# Picture agencies, wire services and stock libraries, as they are printed (lower-cased).
AGENCY_NAMES = (
    "ap", "afp", "reuters", "dpa", "epa", "efe", "epa-efe", "ansa", "apa", "keystone", "keystone-sda", "sda", "belga",
    "anp", "ntb", "tt", "scanpix", "ntb scanpix", "ritzau", "ritzau scanpix", "lehtikuva", "čtk", "ctk", "pap", "mti",
    "hina", "tanjug", "bta", "lusa", "europa press", "agencia efe", "kyodo", "kyodo news", "jiji", "jiji press",
    "yonhap", "xinhua", "tass", "ria novosti", "sputnik", "anadolu", "anadolu agency", "aa", "iha", "dha", "kcna",
    "irna", "wafa", "anadolu ajansı", "pti", "ians", "ani", "aap", "pa", "pa wire", "pa media", "pa images", "press association",
    "associated press", "the associated press", "getty", "getty images", "imago", "imago images",
    "picture alliance", "picture-alliance", "ullstein bild", "action press", "sz photo", "dpa-bildfunk",
    "funke foto services", "shutterstock", "shutterstock.com", "istock", "istockphoto", "alamy", "unsplash",
    "pexels", "pixabay", "adobe stock", "bloomberg", "sipa", "abaca", "zuma", "zuma press", "nurphoto", "sopa images",
    "afp photo", "ap photo", "reuters photo", "handout", "pool", "privat", "zvg", "archiv", "archivbild",
    "symbolbild", "symbolfoto", "the yomiuri shimbun", "yomiuri shimbun", "the asahi shimbun", "asahi shimbun",
    "the mainichi", "mainichi", "共同通信", "共同通信社", "共同", "時事", "時事通信", "時事通信社", "新华社", "新華社",
    "연합뉴스", "뉴시스", "뉴스1", "연합", "aaa",
)
_AGENCIES = frozenset(AGENCY_NAMES)


def _alternation(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s*") for w in sorted(set(words), key=len, reverse=True))


_LABEL_WORDS = _alternation(CREDIT_LABELS)
# A label: a label word then ":", "=", "©" (or English "by"), or a copyright sign on its own.
_LABEL = re.compile(
    rf"(?:(?<!\w)(?:(?:{_LABEL_WORDS})\.?\s*(?:[:：=＝]|©)|(?:photo(?:graph)?|picture|image)s?\s+by(?!\w))"
    rf"|©|\([cC]\)|（[cCｃＣ]）)\s*", re.I)
# "courtesy of X", "cedida por X" (given by): the words belong to the credit as printed.
_COURTESY = re.compile(r"(?<!\w)(?:courtesy(?:\s+of)?|cedid[ao]s?\s+por|cortesía\s+de|mit\s+freundlicher\s+genehmigung"
                       r"|avec\s+l[’']aimable\s+autorisation)\s+\S", re.I)
_OPENERS, _CLOSERS = "([［【（", ")]］】）"
_SENTENCE_END = re.compile(r"[.!?…。”\"’»)）]\s*$")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3\uff00-\uffef]")
# "(潟沼義樹撮影)" photographed by, "(共同通信提供)" supplied by: the CJK way of writing a credit.
CJK_BY = re.compile(r"[(（]\s*([^()（）]{1,24}?)\s*(?:撮影|提供)\s*[)）]\s*$")
# "…国民＝ＡＰ": Japanese captions put the credit after a full-width equals sign.
CJK_EQUALS = re.compile(r"＝\s*([^＝\d０-９、,]{1,16})\s*$")
# "… 있다. 고영권 기자": a Korean caption names its photographer as "<name> 기자" (reporter).
_KO_REPORTER = re.compile(r"(?<=[.!?。])\s*([\uac00-\ud7a3]{2,4}\s*기자)\s*$")
# "… 점검하고 있다. 인천=연합뉴스", "…している。ソウル=共同": a dateline, then the credit, after the last sentence
_CJK_DATELINE = re.compile(r"(?<=[.!?。])\s*[^\s=＝.!?。]{1,12}\s*[=＝]\s*(\S{1,16}(?:\s*기자)?)\s*$")
_AGENCY_RE = _alternation(AGENCY_NAMES)
# A "/"-chain that opens with a known agency: "EFE/ J.J. Guillén", "IMAGO/Nico Herbertz", "Getty Images/iStock".
_AGENCY_CHAIN = re.compile(rf"(?<!\S)((?:{_AGENCY_RE})\s*/\s*\S.*)$", re.I)


def fold(text: str) -> str:
    """Full-width letters and digits as ASCII, lower-cased, for comparison only ("ＡＰ" -> "ap")."""
    return unicodedata.normalize("NFKC", text).lower().strip(" .,;:()[]")


def is_agency(text: str) -> bool:
    return fold(text) in _AGENCIES


def _credit_words_ok(credit: str) -> bool:
    """Could this be the text of a credit (names, agencies), rather than more caption?"""
    credit = credit.strip(" .,;:|–—-/")
    words = credit.split()
    if not words or len(words) > 16 or len(credit) > 160:
        return False
    # a sentence inside ("… Kiev. Die Stadt …"), unless the dot ends an initial or an abbreviation
    if re.search(r"[^\W\d_]{4,}[.!?]\s+[^\W\d_]", credit):
        return False
    first = words[0].strip("(\"'„«")
    if first[:1].islower() and not is_agency(first.split("/")[0]) and "/" not in credit and not CJK.search(first):
        return False  # "Foto: ein Beweis" is a sentence going on, "Foto: dpa" a credit
    return True


def _clean(credit: str) -> str:
    credit = credit.strip()
    while credit and credit[-1] in _CLOSERS and not _balanced(credit):
        credit = credit[:-1].rstrip()
    return credit.strip(" .,;:|–—-/").strip()


def _balanced(text: str) -> bool:
    return sum(text.count(c) for c in _OPENERS) >= sum(text.count(c) for c in _CLOSERS)


def _head(text: str) -> str:
    """The caption before a credit, without the separator or bracket that stood between them."""
    head = text.rstrip()
    while head and head[-1] in ",;|–—-/·•" + _OPENERS:
        head = head[:-1].rstrip()
    return head


def split_labelled_tail(text: str) -> tuple[str, str] | None:
    """(caption, credit) for "… Foto: Jane Doe/dpa", "… © BELGA", "… [사진 출처 = 연합뉴스]", "… | Bild: X"."""
    for m in _LABEL.finditer(text):
        credit = _clean(text[m.end():])
        if not credit or not _credit_words_ok(credit):
            continue
        head = _head(text[:m.start()])
        if head:  # a label at the very start is a leading credit (split_leading_credit)
            return head, credit
    for m in _COURTESY.finditer(text):
        head, credit = _head(text[:m.start()]), _clean(text[m.start():])
        if head and len(credit.split()) <= 16 and not re.search(r"[^\W\d_]{4,}[.!?]\s", credit):
            return head, credit
    return None


def split_bare_tail(text: str) -> tuple[str, str] | None:
    """(caption, credit) for a credit with no label at the end of the caption: an agency after the
    last sentence ("… Rafah. AFP"), a "/"-chain of names and agencies ("… EFE/ J.J. Guillén"),
    "Name (Agency)" ("… Florion Goga (REUTERS)"), and the CJK conventions."""
    text = text.rstrip()
    m = _CJK_DATELINE.search(text)
    if m and CJK.search(text[:m.start()]) and (is_agency(m.group(1)) or m.group(1).endswith("기자")):
        return _head(text[:m.start()]), m.group(1).strip()
    for pattern in (CJK_BY, CJK_EQUALS, _KO_REPORTER):
        m = pattern.search(text)
        if m and m.start() > 0 and CJK.search(text[:m.start()]):
            head = _head(text[:m.start()])
            if head:
                return head, m.group(1).strip()
    # the tail after one of the caption's last sentences: the leftmost that reads as a credit
    # (an initial such as "J." ends no sentence)
    ends = [m.end() for m in re.finditer(r"(?<!(?<!\w)[A-ZÀ-Þ])[.!?…。”\"’»)）]\s+", text)][-4:]
    for end in ends:
        tail = text[end:].strip()
        if tail and _credit_words_ok(tail) and _is_bare_credit(tail):
            return _head(text[:end]), _clean(tail)
    # "(AFP / JORGE GUERRERO)": a bracketed chain that opens with an agency, wherever the sentence ended
    m = re.search(rf"\s*[(（]\s*((?:{_AGENCY_RE})\s*/[^()（）]+?)\s*[)）]\s*$", text, re.I)
    if m and m.start() > 0 and _chain_ok(m.group(1)):
        head = _head(text[:m.start()])
        if len(head.split()) >= 2:
            return head, m.group(1).strip()
    # "Kryžius / J. Stacevičiaus / LRT nuotr.": two spaced slashes close a caption with a chain of credits
    m = re.search(r"\s+/\s+([^/]{2,40}\s+/\s+[^/]{2,40})$", text)
    if m and _chain_ok(m.group(1)) and "/" not in text[:m.start()] and any(
            is_agency(p) or _is_name(p.strip(" .")) and len(p.split()) >= 2 for p in m.group(1).split("/")):
        return _head(text[:m.start()]), _clean(m.group(1))
    # a "/"-chain opening with an agency, even without a full stop before it
    m = _AGENCY_CHAIN.search(text)
    if m and m.start() > 0 and _chain_ok(m.group(1)):
        head = _head(text[:m.start()])
        if len(head.split()) >= 2:
            return head, _clean(m.group(1))
    # "… hier in La Soledat / Lorenzo Marina": a person's name after a spaced slash
    m = re.search(r"\s+/\s+((?:[A-ZÀ-Þ][\w'’.-]+\s+){1,2}[A-ZÀ-Þ][\w'’.-]+)\s*$", text)
    if m and len(text[:m.start()].split()) >= 3 and not re.search(r"/", text[:m.start()][-40:]):
        return _head(text[:m.start()]), m.group(1).strip()
    return None


def _chain_ok(chain: str) -> bool:
    parts = [p.strip() for p in re.split(r"\s*[/|]\s*", chain.strip(" .")) if p.strip()]
    if len(parts) < 2 or sum(len(p.split()) for p in parts) > 14:
        return False
    for p in parts:
        words = p.split()
        if len(words) > 6:
            return False
        first = words[0].strip("(\"'")
        if not (first[:1].isupper() or first[:1].isdigit() or is_agency(p) or is_agency(first)
                or CJK.search(first)):
            return False
    return True


def _is_bare_credit(tail: str) -> bool:
    tail = tail.strip(" .")
    if not tail:
        return False
    if is_agency(tail):
        return True
    m = re.fullmatch(r"(.+?)\s*[(（]([^()（）]+)[)）]", tail)
    if m:  # "Alketa Misja (dpa/picture alliance via Getty)", "Florion Goga (REUTERS)"
        name, inner = m.group(1).strip(), m.group(2).strip()
        return _is_name(name) and (is_agency(inner) or _chain_ok(inner) or _agency_words(inner))
    if "/" in tail or " | " in tail:
        words = [w for w in re.split(r"[\s/|]+", tail) if w]
        capitalised = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit() or is_agency(w))
        return _chain_ok(tail) and capitalised >= 0.6 * len(words) and (any(is_agency(w) for w in re.split(r"[\s/|]+", tail))
                                    or all(p.strip()[:1].isupper() for p in re.split(r"[/|]", tail) if p.strip()))
    return bool(re.fullmatch(r"(?:[\w.&-]+\s+){0,4}via\s+[\w\s.&-]+", tail)) and _agency_words(tail)


def _agency_words(text: str) -> bool:
    return any(is_agency(w) for w in re.split(r"[\s/|,]+", text)) or is_agency(text) or any(
        is_agency(" ".join(p)) for p in zip(text.split(), text.split()[1:]))


def _is_name(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 4 and all(w[:1].isupper() or w.lower() in {"van", "von", "de", "der", "da", "di", "del",
                                                                          "la", "le", "el", "al"} for w in words)


def split_credit_tail(text: str) -> tuple[str, str] | None:
    """(caption, credit) when the caption ends with a credit in any of the forms above, else None.
    The caption part is never empty: a text that is only a credit is not split."""
    if not text or len(text) > 3000:
        return None
    for split in (split_labelled_tail, split_bare_tail):
        found = split(text)
        if found and found[0] and re.search(r"\w", found[0]) and found[1]:
            return found
    return None


_SOURCE_LABEL = re.compile(r"^\s*[(\[]?\s*(?:source|sources|quelle|fuente|fonte|bron|kilde|källa|zdroj|źródło|kaynak"
                           r"|источник|джерело|nguồn|sumber|출처|来源|來源)\s*[:：=]", re.I)


def is_bare_credit(text: str) -> bool:
    """Does `text`, on a line of its own, read as a credit: a known agency, "Name/Agency" chains, a
    labelled credit ("Foto: X", "© X")?"""
    text = (text or "").strip()
    if not text or len(text.split()) > 12:
        return False
    m = _LEADING_LABEL.match(text)
    if m and _credit_words_ok(text[m.end():]):
        # "Quelle:", "Source:", "Kilde:" also name where a fact or a chart comes from; alone on a line
        # only a picture's label ("Foto:", "Bild:", "©") says the line belongs to a picture
        return not _SOURCE_LABEL.match(text)
    # alone on a line, a chain of capitalised words could be anything ("Royal Parade/Mayflower Street",
    # "Sport | Football"): it must name an agency
    return (_credit_words_ok(text) and _is_bare_credit(text) and not re.search(r"\d", text)
            and (is_agency(text) or ("/" in text and _agency_words(text))))


# --- a credit printed before the caption --------------------------------------------------------------------

_LEADING_LABEL = re.compile(rf"^\s*[(\[]?\s*(?:(?:{_LABEL_WORDS})\.?\s*(?:[:：=＝]|©)|©|\([cC]\))\s*", re.I)


def strip_leading_label(credit: str) -> str:
    """The credit without the label in front of it, in any language ("Quelle: dpa" -> "dpa")."""
    m = _LEADING_LABEL.match(credit)
    return credit[m.end():].strip() if m and credit[m.end():].strip() else credit


def split_leading_credit(text: str) -> tuple[str, str] | None:
    """(credit, caption) for a credit printed before the caption: "Bild: SN/APA/KEYSTONE/CYRIL ZINGARO
    Nationaler Trauertag …" (a label, then a "/"-chain whose last name ends where the caption's words
    begin) or "The Yomiuri Shimbun The leaders of …" (an agency from the list, then a capitalised word)."""
    if not text or len(text) > 3000:
        return None
    m = _LEADING_LABEL.match(text)
    if m:
        tokens = text[m.end():].split()
        end = _chain_end(tokens)
        if end and len(tokens) - end >= 3:
            return " ".join(tokens[:end]).strip(" ,;:|"), " ".join(tokens[end:])
        return None
    m = re.match(rf"^\s*((?:{_AGENCY_RE}))\s+(?=[A-ZÀ-Þ\"“„])", text, re.I)
    if m and len(m.group(1).split()) >= 2 and m.group(1)[:1].isupper() and len(text[m.end():].split()) >= 4:
        return m.group(1).strip(), text[m.end():].strip()
    return None


def _chain_end(tokens: list[str]) -> int:
    """How many leading tokens form the credit: slash-joined parts, the last one a name in capitals
    ("CYRIL ZINGARO") or up to two capitalised words after the last slash."""
    last_slash = max((i for i, t in enumerate(tokens[:12]) if "/" in t), default=-1)
    if last_slash < 0:
        # no chain: a single agency ("Bild: dpa Der Kanzler …")
        return 1 if tokens and is_agency(tokens[0]) else 0
    i = last_slash + 1
    after = tokens[last_slash].rsplit("/", 1)[1]
    if after.isupper() and after.isalpha():
        while i < len(tokens) and tokens[i].isupper() and len(tokens[i]) > 1:
            i += 1
    elif after[:1].isupper():
        if i < len(tokens) and tokens[i][:1].isupper() and tokens[i][1:2].islower() and i + 1 < len(tokens) \
                and tokens[i + 1][:1].isupper():
            i += 1  # "dpa/Max Muster Der Kanzler": the surname, then the caption
    elif not after:
        if i < len(tokens) and tokens[i][:1].isupper():
            i += 1
    return i
