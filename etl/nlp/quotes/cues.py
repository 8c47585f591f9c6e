"""Reporting cues: the verbs (and "according to") that introduce reported speech.

The ETL runs spaCy without its lemmatizer, so verbs are recognised by their written forms,
generated here from base forms with the regular English inflection rules plus the irregular ones."""
from __future__ import annotations

# Verbs of saying, writing and stance that news writing uses to attribute words to a source.
_SPEECH_BASES = (
    "say tell add ask reply respond answer explain note state declare claim insist argue write tweet post "
    "announce warn suggest acknowledge admit recall continue conclude observe remark comment complain contend "
    "maintain quip joke predict vow promise pledge urge call describe report testify assert caution concede "
    "counter emphasize emphasise stress charge allege boast deny lament muse offer proclaim recount reiterate "
    "reveal scoff shout speculate wonder whisper yell blast slam criticize criticise accuse praise thank chant "
    "retort confirm estimate opine agree disagree object protest plead beg demand exclaim interject "
    "mock tout ridicule dismiss brag rail fume sneer thunder cry scream read quote cite label dub term "
    "hail decry deride denounce condemn lambaste blame mention point go echo ponder email text highlight confess "
    "interrupt anticipate retweet snap sigh gush rave pose wonder inform assure advise "
    "bark riff react chide relate reference sing rant snipe jab gripe grumble marvel hint lecture tease vent "
    "share attack lash exhort elaborate scold grouse characterize characterise liken imply question reason laud herald"
).split()

_IRREGULAR = {
    "say": ("said",), "tell": ("told",), "write": ("wrote", "written"), "read": ("read",),
    "go": ("went", "gone"), "cry": ("cried",), "offer": ("offered",), "counter": ("countered",),
    "wonder": ("wondered",), "answer": ("answered",), "thunder": ("thundered",), "muse": ("mused",),
    "admit": ("admitted", "admitting"), "quip": ("quipped", "quipping"), "plead": ("pled", "pleaded"),
    "beg": ("begged", "begging"), "brag": ("bragged", "bragging"), "regret": ("regretted",),
    "label": ("labelled", "labelling"), "rail": ("railed",), "sneer": ("sneered",),
    "snipe": ("sniped", "sniping"), "jab": ("jabbed", "jabbing"), "sing": ("sang", "sung"),
    "riff": ("riffed", "riffing"), "vent": ("vented",),
}


def _forms(base: str) -> set[str]:
    forms = {base}
    if base.endswith("e"):
        forms |= {base + "s", base + "d", base[:-1] + "ing"}
    elif base.endswith("y") and base[-2:-1] not in "aeiou":
        forms |= {base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    elif base.endswith(("s", "sh", "ch", "x")):
        forms |= {base + "es", base + "ed", base + "ing"}
    else:
        forms |= {base + "s", base + "ed", base + "ing"}
    forms |= set(_IRREGULAR.get(base, ()))
    return forms


SPEECH_FORMS: frozenset[str] = frozenset(f for b in _SPEECH_BASES for f in _forms(b))

# Forms that also serve as ordinary verbs far more often than as cues; they count only when the
# quote is their complement (never from a neighbouring-window match).
WEAK_FORMS: frozenset[str] = frozenset(
    f for b in ("go", "point", "continue", "offer", "read", "call", "label", "dub", "term", "describe",
                "quote", "cite", "thank", "praise", "blame", "mention", "agree", "answer", "post", "share",
                "attack", "lash", "react", "relate", "sing", "reference", "vent")
    for f in _forms(b))


# Verbs that report words only with "back" after them: "shot back", "fired back", "hit back".
_BACK_FORMS: frozenset[str] = frozenset(
    f for b in ("shoot", "fire", "hit", "push", "strike", "punch", "swing") for f in _forms(b)
) | {"shot", "struck", "swung", "hitting"}


def is_speech_verb(token) -> bool:
    """True for a verb token whose form is a reporting verb."""
    if token.tag_[:2] != "VB" and token.pos_ not in ("VERB", "AUX"):
        return False
    if any(c.dep_ == "det" for c in token.children):
        return False  # a noun the tagger read as a verb ("calling the nightclub attack an act of “…”")
    if token.lower_ in _BACK_FORMS:
        return token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "back"
    if token.lower_ == "quote" and any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in token.children):
        return False  # "Trump said, and I quote, “…”": the writer announcing someone else's words
    return token.lower_ in SPEECH_FORMS


def cue_text(token) -> str:
    """The reporting phrase as written: the verb plus a particle ("pointed out")."""
    prt = [c for c in token.children if c.dep_ in ("prt", "advmod") and c.i == token.i + 1
           and c.lower_ in ("back", "out", "up", "in", "off", "on")]
    if prt:
        return token.doc[token.i:prt[-1].i + 1].text
    return token.text


_GO_FORMS = frozenset(_forms("go"))


def is_strong_cue(token) -> bool:
    """A reporting verb that reports words even from beside the quote: not a weak form, except
    "went on" / "goes on", which continue someone's words ("“…?” Trump went on.")."""
    if not is_speech_verb(token):
        return False
    if token.lower_ not in WEAK_FORMS:
        return True
    nxt = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return token.lower_ in _GO_FORMS and nxt is not None and nxt.lower_ == "on"
