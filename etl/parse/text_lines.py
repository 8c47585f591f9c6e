"""Line features for the plain-text page reader: what kind of line each line of a page dump is.

A page rendered to text keeps the page's furniture (menus, share buttons, newsletter boxes, footers) as
lines of their own. Each line is judged on its own shape: its length, whether it ends a sentence, its
stop-word density, whether it is a list item, and whether it speaks the vocabulary of site furniture.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from etl.parse.credit_marks import is_bare_credit, split_credit_tail
from etl.parse.credits import is_credit, split_caption_credit
from etl.parse.dates import find_dates, is_relative_date

STOP_WORDS = set(
    "a an the and or but of to in on at for from by with as is are was were be been being has have had do does did "
    "that this these those it its he she they we you i his her their our your them him not no so if than then "
    "there here who whom which what when where why how will would can could should may might must said says "
    "about after before over under into out up down also just more most some any all".split())

class _Prefiltered:
    """A case-insensitive pattern that is only run on lines holding one of `literals` (lower case),
    a set that every match must contain. Long alternations of words cost ~25 us per line in `re`,
    which tries each alternative at each position; a substring test rules out most lines first.
    tests/parse/test_parse_text.py checks that the two always agree."""

    def __init__(self, pattern: re.Pattern, literals: tuple[str, ...]):
        self.pattern, self.literals = pattern, literals

    def search(self, text: str):
        low = text.lower()
        if not any(literal in low for literal in self.literals):
            return None
        return self.pattern.search(text)


# Whole short lines that are site furniture in any site's page: navigation, sharing, sign-up, comments,
# recirculation headings, legal footers, media-player chrome.
_FURNITURE_START = re.compile(
    r"^(?:skip to|jump to|go to|back to (?:top|home)|sign (?:in|up|out)|log ?(?:in|out)|register\b|subscribe|"
    r"subscription|newsletter|follow (?:us|@|on)|share\b|shares?$|tweet|e-?mail\b|print\b|comments?\b|"
    r"\d+ comments?|there (?:are|is) (?:\d+|no) (?:comments?|responses|replies)|leave a (?:reply|comment)|post a comment|join the (?:conversation|discussion)|"
    r"read (?:more|next|full|the full|also|this)|more (?:from|on|stories|news|in|like this|about|top stories|trending|videos?)\b|"
    r"related\b|recommended|you (?:may|might) (?:also )?(?:like|be interested|enjoy)|"
    r"(?:most|more) (?:read|popular|viewed|shared|commented)|trending|advertisement|advert\b|sponsored|"
    r"promoted|cookies?\b|accept|we use cookies|privacy|terms (?:of|&|and)|contact(?: us)?$|about us|"
    r"copyright|all rights reserved|menu$|search\b|home$|click here|watch(?: now| live|:)|listen(?: now|:| to)|"
    r"download (?:the|our)|get the (?:app|latest)|view (?:\d+ )?(?:images?|photos?|gallery|comments|all)|enable javascript|"
    r"to view this video|toggle|close\b|next\b|previous\b|prev\b|load more|show (?:more|less)|see (?:more|all)|"
    r"up next|reuse this content|explore more|topics?:?$|tags?:|filed under|more on this|don'?t miss|"
    r"our community|report an? (?:error|typo|issue)|editorial standards|(?:story|article) continues|"
    r"continue reading|loading|link copied|copy link|open in app|ad\b|ads\b|follow\b|image \d+ of \d+|"
    r"\d+ of \d+\b|photo gallery|gallery\b|video\b|play video|watch video|breadcrumb|you are here|"
    r"latest (?:news|stories|videos?)|top stories|editor'?s picks?|popular\b|sections?$|navigation|"
    r"thank you for|thanks for (?:reading|signing)|already a (?:subscriber|member)|become a (?:member|subscriber)|"
    r"support (?:us|our)|donate|manage (?:cookies|preferences|consent)|do not sell|cookie (?:settings|policy)|"
    r"this (?:article|story|content) (?:is|was|has|contains)|published in|posted in|we'?d like to|"
    r"sign up for|enter your email|your email|email address|by clicking|by signing up|newsletters?$|"
    r"follow the|like us on|find us on|send (?:us|this)|whatsapp|facebook|twitter|linkedin|pinterest|"
    r"reddit|flipboard|instagram|youtube|tiktok|telegram|messenger|x$|sms$|labels?:|in this (?:article|story):|"
    r"(?:newer|older) (?:post|entry|article)s?\b|links? to this (?:post|article)|comments? \(\d+)",
    re.I)
_FURNITURE_ANYWHERE = _Prefiltered(re.compile(
    r"©|\(c\) \d{4}|all rights reserved|privacy (?:policy|notice)|cookie policy|terms of (?:use|service)|"
    r"(?:enable|turn on|requires?|disabled?)\s+javascript|javascript\s+(?:is|must|has been)\s+(?:disabled|required|"
    r"enabled|turned off)|unsubscribe|recaptcha|\bad blocker|this site uses|log in to comment|must be logged in|"
    r"comments? (?:are|is) (?:closed|moderated)|licensed under (?:a |the )?creative commons|"
    r"(?:log|sign) in to reply|^reply$|"
    r"^(?:subscribe|sign up|sign in|log in|register)\b",
    re.I), (
    "©", "(c) ", "all rights reserved", "privacy ", "cookie policy", "terms of ", "javascript", "unsubscribe",
    "recaptcha", "ad blocker", "this site uses", "log in to comment", "must be logged in", "comment",
    "licensed under", " in to reply", "reply", "subscribe", "sign up", "sign in", "log in", "register"))
# Words that mark a short line as a sign-up or ad slot, but that a sentence of the article may also use.
_FURNITURE_ANYWHERE_SHORT = re.compile(
    r"newsletter|sign up to|subscribe to|advertis(?:e|ing|ement)|javascript", re.I)
# Recirculation and sharing prompts that introduce a link: "Read more: <headline>", "RELATED: <headline>".
_LINK_PROMPT = re.compile(
    r"^(?:read (?:more|also|next)|related(?: (?:article|story|stories|content|reading))?|see also|also read|"
    r"more on this|more:|watch|listen|recommended|trending|explainer|opinion|analysis|must read|don'?t miss|"
    r"click here|sign up|subscribe)\s*[:|>»›-]", re.I)
_COOKIE_BANNER = re.compile(
    r"\b(?:we|this (?:web)?site|our (?:web)?site|(?:web)?sites?|partners)\s+(?:\w+\s+){0,3}uses?\s+cookies\b|"
    r"\bcookies?\b.*\b(?:consent|accept|agree|preferences|settings|gdpr)\b|"
    r"\b(?:consent|accept|agree|gdpr)\b.*\bcookies?\b", re.I)
# Cookie tables and notices that describe what a cookie does: about cookies from their first words on.
# (An article may mention cookies and websites in passing.)
_COOKIE_NOTE = re.compile(
    r"^(?:\S+\s+){0,5}cookies?\b.*\b(?:website|browser|experience|site)\b|"
    r"\bcookies?\b.*\bcookies?\b.*\b(?:website|browser|site)\b", re.I)
# The site speaking to its reader (not the article reporting): calls to sign up, follow, get in touch,
# support the outlet, or the shopping-link disclaimer. Such sentences close many articles in prose form.
_READER_SERVICE = _Prefiltered(re.compile(
    r"\b(?:sign(?:ing)? up|subscrib(?:e|ing)|register)\b.{0,60}\b(?:newsletters?|inbox|email|account)\b|"
    r"\bnewsletters?\b.{0,60}\b(?:sign(?:ing)? up|subscrib|inbox|free)|"
    r"\b(?:delivered|straight) (?:to|into) your inbox\b|\bcheck your (?:junk|spam) folder|\bvalid email address|"
    r"\bpreferred source\b|\b(?:get in touch|email us|emailing us|contact us)\b.{0,80}@|"
    r"\bfollow (?!him\b|her\b|them\b|me\b)(?:us|[\w.]+(?: \w+)?) on (?:twitter|facebook|instagram|google news|x\b)|"
    r"\bfor more (?:stories|news|articles|updates) like this\b|"
    r"\bsupport (?:our|independent|quality) (?:\w+ )?journalism\b|"
    r"\b(?:we|may) (?:may )?earn (?:a|an affiliate) commission\b|"
    r"\b(?:read|review) our comment(?:ing)? (?:policy|guidelines)\b|"
    r"^(?:enjoyed|liked) this (?:story|article)\b|^click (?:here )?to (?:read|view|see|watch|hide|show)\b",
    re.I), (
    "sign", "subscrib", "register", "newsletter", "your inbox", "check your ", "valid email address",
    "preferred source", "@", "follow ", "for more ", "journalism", "commission", "our comment", "d this ",
    "click"))
# A membership or donation appeal, printed with its button's label run into its last sentence:
# "... That's all it takes to support the journalism you rely on. Become a Member".
_APPEAL_BUTTON = re.compile(
    r"[.!?]\s*(?:become a (?:member|subscriber|supporter)|donate(?: now| today)?|support us(?: now| today)?|"
    r"join (?:now|today|us)|subscribe(?: now| today)?)\W*$", re.I)
# The publisher's disclaimer on contributed opinion: "Opinions expressed are solely those of the author".
_DISCLAIMER = re.compile(r"\b(?:opinions|views) expressed (?:here |in this (?:article|piece|column) )?are "
                         r"(?:solely |entirely )?(?:those of the (?:author|writer)s?|the (?:author|writer)'?s? own)", re.I)
_SHOP_BUTTON = re.compile(r"^[$£€]\s?\d[\d,.]*\s+(?:at|from|on)\s+\S")
_FLATTENED_RANKING = re.compile(r"(?:^|\s)#1\s.*\s#2\s.*\s#3\s")
_TRUNCATED_TEASER = re.compile(r"(?:…|\.\.\.)\s*(?:read|continue reading|more)\b[\w\s]{0,24}[\W]*$", re.I)
_EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\[email(?:&#160;| )protected\]")
_BREADCRUMB = re.compile(r"\s[›»>|]\s.*\s[›»>|]\s|^home\s*[›»>/]", re.I)
# An HTML tag with attributes: the page's source code, never the article's words. (A bare tag name such
# as "<img>" can be written about; a tag with attributes is markup.)
_MARKUP = re.compile(r"<[a-zA-Z][\w-]*\s+[\w-]+\s*=\s*[\"'\w]")
_BULLET = re.compile(r"^(?:[*+•·▪◦‣o-]|\d{1,2}[.)])\s+")
_BARE_BULLET = re.compile(r"^[*+•·▪◦o-]$")
_BYLINE = re.compile(r"^(?:by|written by|words by|reporting by|story by|posted by|von|par|por)\s+\S", re.I)
_META_DATE_WORDS = re.compile(
    r"\b(?:published|updated|posted|last|modified|on|at|and|am|pm|a\.m\.|p\.m\.|utc|gmt|[a-z]{1,2}t|[a-z]{3,4}t|"
    r"mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|date|time|read|"
    r"min|mins|minutes?|hours?|ago|first|edited|created|issued|released|today|yesterday|sept?|pub|upd)\b", re.I)
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.U)
# Scripts written without spaces between words (Chinese, Japanese, Thai...): a run of them is one regex
# "word", so their length is counted in characters instead, at about two characters a word.
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


_CAPTION_MAX_WORDS = 40
# A player's or picture's caption announced as one: "Media caption Mr Obama told the BBC ..."
_CAPTION_LABEL = re.compile(r"^(?:media|image|video|photo|picture)\s+caption\s*:?\s+(?=\S)", re.I)
_PHOTO_CREDIT_WORDS = re.compile(
    r"\b(?:photo|photograph|picture|pic|image|foto|credit|getty|reuters|ap|afp|epa|pa|shutterstock|alamy)\b", re.I)


@dataclass
class Line:
    index: int
    raw: str
    text: str  # the line with any list marker removed
    block: int  # which blank-line-separated block it belongs to
    bullet: bool
    words: int
    ends_sentence: bool
    stop_ratio: float
    kind: str = "other"  # furniture | caption | credit | prose | short | meta_date | byline | label | other
    caption: str | None = None
    credit: str | None = None
    introduced: bool = False  # a list item under the article's own lead-in ("were as follows:")
    shown_twice: bool = False  # printed again a few lines on (a caption around its image, or a doubled heading)


def split_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    block = 0
    prev_blank = True
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped:
            if not prev_blank:
                block += 1
            prev_blank = True
            continue
        prev_blank = False
        bullet = bool(_BULLET.match(stripped)) or bool(_BARE_BULLET.match(stripped))
        body = _BULLET.sub("", stripped) if _BULLET.match(stripped) else stripped
        if _BARE_BULLET.match(stripped):
            body = ""
        words = _WORD.findall(body)
        unspaced = len(_UNSPACED.findall(body))
        lw = [w.lower() for w in words if not _UNSPACED.search(w)]
        stop = sum(1 for w in lw if w in STOP_WORDS) / len(lw) if lw else 0.0
        n_words = len(lw) + (unspaced + 1) // 2
        if unspaced > len(lw):
            stop = 0.1  # no stop-word list for these scripts: neither a list of names nor clearly prose
        ends = bool(re.search(r"[.!?…:;。！？][\"'”’)\]」』）]*$|[\"”’」』]$", body))
        lines.append(Line(len(lines), stripped, body, block, bullet, n_words, ends, stop))
    return lines


def is_markup(text: str) -> bool:
    return bool(_MARKUP.search(text))


@functools.lru_cache(maxsize=32768)  # a site's menus and footers recur verbatim on every page it serves
def is_furniture_text(text: str, words: int) -> bool:
    if words == 0:
        return not re.search(r"\w", text)
    if _MARKUP.search(text):
        return True  # page source leaking into the text dump (tracking pixels, ad slots)
    if words <= 12 and _FURNITURE_START.match(text):
        return True
    if words <= 40 and _FURNITURE_ANYWHERE.search(text):
        return True
    if words <= 12 and _FURNITURE_ANYWHERE_SHORT.search(text):
        return True
    if words <= 30 and _LINK_PROMPT.match(text):
        return True
    if words <= 120 and _COOKIE_BANNER.search(text):
        return True
    if words <= 50 and _COOKIE_NOTE.search(text):
        return True
    if words <= 45 and _READER_SERVICE.search(text):
        return True
    if words <= 300 and _APPEAL_BUTTON.search(text):
        return True
    if words <= 120 and _DISCLAIMER.search(text):
        return True
    if words <= 12 and _EMAIL_ADDRESS.search(text):
        return True  # a contact line: the reporter's or the newsroom's address
    if words <= 150 and _FLATTENED_RANKING.search(text):
        return True  # a "most read" box run into one line: "#1 <headline> #2 <headline> #3 ..."
    if words <= 80 and _TRUNCATED_TEASER.search(text):
        return True  # a teaser's summary, cut short and linked
    if is_doubled(text):
        return True  # a teaser's headline printed twice (link text and title) in one line
    if words <= 10 and _BREADCRUMB.search(text):
        return True
    if words <= 8 and re.search(r"(^|\s)@\w{2,}", text):
        return True  # social handles
    if words <= 6 and re.fullmatch(r"[\W\d_]*(?:https?://|www\.)\S+[\W]*", text):
        return True
    return False


def is_cut_short(line: "Line") -> bool:
    """A short line ending in an ellipsis, not a quotation trailing off: a headline cut to fit a box."""
    return line.words <= 40 and line.text.endswith(("…", "...")) and not re.match(r"[\"'“‘«]", line.text)


def is_doubled(text: str) -> bool:
    """The same headline-length phrase of three or more words two or three times in a row, filling the
    whole line."""
    words = text.split()
    n = len(words)
    if n > 60:
        return False
    for times in (2, 3):
        if n >= 3 * times and n % times == 0:
            k = n // times
            if all(words[i * k:(i + 1) * k] == words[:k] for i in range(1, times)):
                return True
    return False


def is_meta_date(text: str) -> bool:
    """A line that only states when the page was published or updated (not a "PLACE, date" dateline)."""
    if is_relative_date(text) and len(_WORD.findall(text)) <= 8:
        return True
    dates = find_dates(text, default_year=2000)
    if not dates:
        return False
    rest = re.sub(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?", " ", text)
    rest = re.sub(r"\d+(?:st|nd|rd|th)?", " ", rest)
    rest = _META_DATE_WORDS.sub(" ", rest)
    left = _WORD.findall(rest)
    return len(left) <= 1


def classify(line: Line) -> None:
    t = line.text
    if not t or line.words == 0:
        line.kind = "furniture"
        return
    if "©" in t and 5 <= line.words <= _CAPTION_MAX_WORDS + 20:
        # "… über Wohnhäuser. © Anett Seidler": a copyright sign after a sentence credits a picture;
        # the page's own "© 2024 Example Media. All rights reserved" stays furniture.
        split = split_credit_tail(t)
        if split and len(split[0].split()) >= 3 and not re.search(r"\d{4}|rights|reserved|rechte", split[1], re.I):
            line.kind = "caption"
            line.caption, line.credit = split
            return
    if is_furniture_text(t, line.words):
        line.kind = "furniture"
        return
    if line.words <= 16 and (is_credit(t) or is_bare_credit(t)):
        line.kind = "credit"
        line.credit = t
        return
    labelled = _CAPTION_LABEL.match(t)
    if labelled and line.words <= 60:
        line.kind = "caption"
        line.caption, line.credit = t[labelled.end():].strip(), None
        return
    split = split_caption_credit(t)
    if split is None and line.words <= _CAPTION_MAX_WORDS + 20:
        # credits as other languages write them ("… Foto: dpa", "… EFE/ J.J. Guillén", "…＝ＡＰ")
        split = split_credit_tail(t)
        if split and too_long_for_a_caption(split[0]):
            split = None
    if split and not _paragraph_with_a_signature(*split):
        line.kind = "caption"
        line.caption, line.credit = split
        return
    if line.words <= 10 and _SHOP_BUTTON.match(t):
        line.kind = "label"  # dropped, but an article of product picks goes on past its buttons
        return

    if line.words <= 14 and is_meta_date(t):
        line.kind = "meta_date"
        return
    if line.words <= 14 and _BYLINE.match(t):
        line.kind = "byline"
        return
    if is_prose(line):
        line.kind = "prose"
    elif line.words <= 7:
        line.kind = "short"
    else:
        line.kind = "other"


def mark_introduced_lists(lines: list[Line]) -> None:
    """Bullets right under a phrase ending in a colon ("The rankings were as follows:", "What you'll need:")
    are the article's own list, however short its items: menus are not introduced by a sentence."""
    i = 0
    while i < len(lines):
        lead_in = lines[i]
        if (not lead_in.bullet and lead_in.text.endswith(":") and lead_in.words >= 3
                and lead_in.kind not in ("furniture", "credit", "caption", "byline", "meta_date")):
            j = i + 1
            while j < len(lines) and lines[j].bullet and lines[j].words and lines[j].kind != "furniture":
                lines[j].introduced = True
                j += 1
            i = j
        else:
            i += 1


def _paragraph_with_a_signature(caption: str, credit: str) -> bool:
    """A long passage of several sentences ending in "(Name)" or "[Source]" is a paragraph signed by its
    writer or sourced, not a picture's caption: captions run to a sentence or two. A credit that says it
    is one ("Photo: ...", a picture agency) makes even a long passage a caption."""
    if _PHOTO_CREDIT_WORDS.search(credit):
        return False
    return too_long_for_a_caption(caption)


def too_long_for_a_caption(text: str) -> bool:
    """Captions run to a sentence or two; several sentences past forty words are a paragraph."""
    sentences = len(re.findall(r"[.!?…](?:\s|$)", text.strip() + " "))
    return len(_WORD.findall(text)) > _CAPTION_MAX_WORDS and sentences >= 3


def is_prose(line: Line) -> bool:
    if line.words >= 25:
        return True
    return line.words >= 7 and line.ends_sentence and not line.text.endswith(":")


def content_weight(line: Line) -> float:
    """How much a line argues for being inside the article (positive) or outside it (negative)."""
    if line.kind == "prose":
        w = 1.0 + min(line.words, 60) / 15
        if line.bullet:
            w *= 0.5
        if line.stop_ratio < 0.08 and line.words < 40:
            w *= 0.5
        return w
    if line.kind == "furniture":
        return -2.5 if line.words > 1 or line.bullet else -1.5
    if line.bullet and line.introduced:
        return 0.3 if line.words >= 8 else 0.0
    if line.bullet:
        # menus are runs of a few capitalised words; an article's own list items read as phrases
        if line.stop_ratio < 0.15 or line.words < 5:
            return -1.2
        return 0.3 if line.words >= 8 else 0.0
    if line.kind == "stamp":
        return -1.5
    if line.kind in ("caption", "credit", "meta_date", "byline"):
        return 0.0
    if line.kind in ("short", "label"):
        return -0.3
    return 0.1 if line.words >= 10 else -0.1


# --- a headline printed more than once ---------------------------------------------------------------

ECHO_LEAD_IN = re.compile(r"^(?:share(?: this)?(?: story| article)?|teilen|compartir|partager|condividi|del|dela)\s*:\s*",
                           re.I)


def echo_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", ECHO_LEAD_IN.sub("", text).lower()))


def echoes(lines: list[Line], i: int) -> int:
    """How often the text of line `i` is printed on the page, alone or after a "Share this story:"."""
    key = echo_key(lines[i].text)
    return sum(1 for ln in lines if key and echo_key(ln.text) == key)
