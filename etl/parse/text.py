"""Plain-text page reader: a whole page rendered to text -> title, dek, byline, date, body and captions.

How it reads a page:
1. Every line is classified by its own shape (etl.parse.text_lines): prose, short heading, list item,
   furniture vocabulary, caption with credit, bare credit, date-only line, byline.
2. The article body is the stretch of lines with the highest total content weight (prose counts for,
   menus and furniture against), widened over neutral lines until furniture is met, so a clean article
   file (no furniture at all) is kept whole.
3. Headline and dek are read from the lines above the first body paragraph; byline and date likewise.
4. Inside the body stretch, furniture, captions, credits, date-only lines, link lists under a
   recirculation heading and repeats are dropped. Body paragraphs are input lines, verbatim.
"""
from __future__ import annotations

import re
from datetime import datetime

from etl.parse.credits import split_credit
from etl.parse.dates import find_dates, years_in
from etl.parse.page_kind import NotAnArticle
from etl.parse.text_kind import text_not_an_article
from etl.parse.text_meta import breadcrumb_section, byline_organisation, line_dates
from etl.parse.text_headline import (_DROPPED_KINDS, _could_be_title, _headline, _neutral,
                                     _window_start)
from etl.parse.text_lines import (Line, classify, content_weight, is_cut_short, is_markup, mark_introduced_lists,
                                  split_lines, too_long_for_a_caption)
from etl.model.records import Caption, ParsedPage

_TEASER_RUN = 2  # headline-and-summary pairs in a row
_GAP_LINES = 25  # how far an interruption (ads, paywall box, link list) may run inside an article
_REPEAT_WEIGHT = -0.5
_STAMP_REPEATS = 3  # dated short lines on one page: the headers of comments or of teasers
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\b\.?)", re.I)
_STANDALONE_CREDITS = 4
# A prose line at least this long above the headline ends the search for the article's lead captions.
_LEAD_MEDIA_STOP_WORDS = 15
_STANDALONE_CREDIT_SHARE = 0.3
_LABEL_REPEATS = 3
_TEASER_BOX_SPAN = 3  # lines between two cut-short headlines of one box
_TEASER_BOX_SIZE = 3
# An ad slot inside the article says so ("Advertisement", "Story continues below"): however many lines
# it takes, the article goes on after it.
_AD_SLOT = re.compile(r"(?i)\badvertis|\bsponsored\b|\b(?:story|article|reading) continues\b|\bcontinue reading below")
_AD_SLOT_LINES = 6
_CARD_PERIOD = 3  # a short heading printed this often on one page is a widget's label
_MIN_CONTINUATION = 8.0  # content weight of a further stretch of prose, about three paragraphs
_CONTINUATION_SHARE = 0.1
_REPRINTED_LINES = 2
_VALLEY = -15.0  # a run of furniture this heavy splits the article from what lies past it
_ROLE_WORDS = re.compile(
    r"\b(?:staff|senior|chief|political|correspondent|reporter|editor|writer|contributor|columnist|"
    r"journalist|producer|analyst|in\s+[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?$)\b.*$", re.I)


def read_text_page(text: str) -> ParsedPage:
    try:
        return _read(text if isinstance(text, str) else "")
    except NotAnArticle:
        raise
    except Exception:  # never take the batch down; an unreadable page still yields its text
        paras = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()] if isinstance(text, str) else []
        return ParsedPage(body="\n\n".join(paras))


def _read(text: str) -> ParsedPage:
    lines = split_lines(text)
    if not lines:
        return ParsedPage()
    for line in lines:
        classify(line)
    _mark_repeated_captions(lines)
    _mark_repeated_labels(lines)
    _mark_labelled_links(lines)
    _mark_embedded_posts(lines)
    _mark_entry_stamps(lines)
    _mark_gallery_slides(lines)
    _mark_cut_short_teasers(lines)
    mark_introduced_lists(lines)

    if _is_clean_article(lines):
        return _read_clean(lines, text)
    start, end, gaps = _body_region(lines)
    body_start = next((i for i in range(start, end + 1) if lines[i].kind == "prose"), start)

    title_idx, subtitle_idx = _headline(lines, body_start)
    title = lines[title_idx].text if title_idx is not None else None
    subtitle = lines[subtitle_idx].text if subtitle_idx is not None else None

    window_start = _window_start(lines, body_start)
    captions, caption_lines = _captions(lines, window_start, end)
    captions = _lead_media_captions(lines, window_start, captions) + captions
    # a headline printed twice in a row reads as a caption shown twice; it is the headline
    captions = [c for c in captions if c.caption != title]
    body_lines = _body_lines(lines, start, end, title_idx, subtitle_idx, caption_lines | gaps, captions,
                             body_start)

    # A one-paragraph page with a "title" is more likely just a paragraph: keep it as body.
    if not body_lines and title_idx is not None and subtitle_idx is None and len(lines) == 1:
        body_lines, title = [lines[title_idx]], None

    reason = text_not_an_article(lines, body_lines)
    if reason:
        raise NotAnArticle(reason)
    authors = _authors(lines, window_start, min(end, body_start + 3))
    published, precision, modified = _published(lines, window_start, body_start, end, text)
    return ParsedPage(title=title, subtitle=subtitle, authors=authors, published_at=published,
                      body="\n\n".join(line.text for line in body_lines), captions=captions,
                      published_precision=precision, modified_at=modified,
                      source=_source(lines, window_start, min(end, body_start + 3)),
                      section=_section(lines, window_start, body_start, title))


def _is_clean_article(lines: list[Line]) -> bool:
    """An article file without page furniture (a feed's text, a corpus document): nothing to strip.
    Embedded markup (a corpus's <tweet ...> elements) is not page furniture."""
    furniture = sum(1 for k, line in enumerate(lines) if line.words and (
        line.kind == "furniture" and not is_markup(line.raw) or line.bullet and line.words < 6 and not re.match(r"\d", line.raw)
        and not (k and _credits_quote(lines[k - 1], line))))
    return furniture <= max(2, len(lines) // 20)


def _read_clean(lines: list[Line], text: str) -> ParsedPage:
    """Every line is kept: the first is the headline when it is short and stands apart."""
    title = None
    rest = lines
    # Without a single sentence-length line there are no paragraphs for a headline to stand over
    # (a list, a stub page): every line is content.
    has_paragraph = any(line.kind == "prose" or line.words > 25 for line in lines)
    if len(lines) > 1 and has_paragraph and _could_be_title(lines[0], lines):
        title, rest = lines[0].raw, lines[1:]
    reason = text_not_an_article(lines, [line for line in rest if line.words])
    if reason:
        raise NotAnArticle(reason)
    head = rest[:6]
    authors = next((names for names in (parse_byline(line.text) for line in head) if names), [])
    published, precision, modified = _published(lines, 0, min(len(lines) - 1, 3), min(len(lines) - 1, 6), text)
    return ParsedPage(title=title, authors=authors, published_at=published,
                      body="\n\n".join(line.raw for line in rest if line.words),
                      published_precision=precision, modified_at=modified,
                      source=_source(lines, 0, min(len(lines) - 1, 6)))


def _mark_repeated_captions(lines: list[Line]) -> None:
    """A long line printed again within a few lines (a caption shown twice, around an image) is a caption."""
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.text] = counts.get(line.text, 0) + 1
    for i, line in enumerate(lines):
        if line.kind not in ("prose", "other") or not 4 <= line.words <= 50:
            continue
        if counts[line.text] > 2:
            continue  # printed three times or more: a repeated paragraph, not one image's caption
        for j in range(i + 1, min(len(lines), i + 4)):
            if lines[j].text == line.text:
                line.kind = lines[j].kind = "caption"
                line.caption = lines[j].caption = line.text
                line.shown_twice = lines[j].shown_twice = True
                break


def _mark_repeated_labels(lines: list[Line]) -> None:
    """A few words printed again and again down the page ("Article content", "View 6 images", "Key event")
    label the page's slots; an article's own subheadings are each written once."""
    counts: dict[str, int] = {}
    for line in lines:
        # (code listings repeat short lines too; their brackets and operators set them apart)
        if 1 <= line.words <= 3 and not line.ends_sentence and not re.search(r"[{}()\[\];=<>:\"]", line.text):
            counts[line.text.lower()] = counts.get(line.text.lower(), 0) + 1
    for line in lines:
        if line.kind in ("short", "other") and counts.get(line.text.lower(), 0) >= _LABEL_REPEATS:
            line.kind = "label"


# "3/50 Star Wars boosts economy", "* 12 of 20": a slide's counter, then its title.
_SLIDE_COUNTER = re.compile(r"^(?:[*•·-]\s*)?(\d{1,3})\s*(?:/|of)\s*(\d{1,3})(?![\d/.,:])\s*(.*)$", re.I)
_MIN_SLIDES = 3


def _mark_gallery_slides(lines: list[Line]) -> None:
    """A photo gallery printed into the page: lines opening with a running counter out of one total
    ("1/50 ...", "2/50 ..."), each followed by the slide's text and credit. Every slide is one
    caption (its title and text, with the credit); none of it is the article's text. Three slides
    out of the same total, in order, are required: a fraction in a sentence is not a counter. The
    last slide is as many lines long as the one before it."""
    slides: dict[int, list[tuple[int, int, str]]] = {}
    for i, line in enumerate(lines):
        m = _SLIDE_COUNTER.match(line.raw.strip())
        if m and 1 <= int(m.group(1)) <= int(m.group(2)) > 1:
            title = m.group(3).strip() if re.search(r"\w", m.group(3)) else ""
            slides.setdefault(int(m.group(2)), []).append((i, int(m.group(1)), title))
    for found in slides.values():
        numbers = [n for _, n, _ in found]
        if len(set(numbers)) < _MIN_SLIDES or numbers != sorted(numbers):
            continue
        for k, (i, _, title) in enumerate(found):
            stop = found[k + 1][0] if k + 1 < len(found) else min(len(lines), i + found[k][0] - found[k - 1][0])
            members = [j for j in range(i + 1, stop) if lines[j].kind not in ("furniture", "label")]
            credit = next((lines[j].credit for j in members if lines[j].credit), None)
            texts = [lines[j].caption or lines[j].text for j in members if lines[j].kind != "credit"]
            caption = " ".join(texts)
            if title:
                caption = f"{title}{'' if re.search(r'[.!?:]$', title) or not caption else '.'} {caption}".strip()
            for j in [i, *members]:
                lines[j].kind, lines[j].caption, lines[j].credit = "caption", caption, credit


# "READ MORE: <headline>", "FUNDA OLUNYE UDABA LAPHA | <headline>": a label, a colon or bar, a headline.
_LABELLED_LINE = re.compile(r"^([^\W\d_][^:|]{0,60}?)\s*[:|]\s+(\S.*)$")
_LABEL_WORDS = 5
_LABELLED_HEADLINE_WORDS = 15


def _mark_labelled_links(lines: list[Line]) -> None:
    """Lines that open with the same short label and go on with a headline (no closing full stop),
    three times or more on the page, are links to other stories ("READ MORE: ...", "Related | ...").
    An interview's "Q:" lines end with a question mark and a transcript's speaker lines with a full
    stop, so they stay."""
    groups: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        if line.kind not in ("prose", "short", "other") or re.search(r"[{}()\[\];=<>\"]", line.text):
            continue  # credits ("Image: ...") are read elsewhere; code has keys and values too
        m = _LABELLED_LINE.match(line.text)
        if not m or len(m.group(1).split()) > _LABEL_WORDS or len(m.group(2).split()) > _LABELLED_HEADLINE_WORDS:
            continue
        if re.search(r"[.!?…][\"'”’)]?$", m.group(2)):
            continue
        groups.setdefault(m.group(1).lower(), []).append(i)
    for found in groups.values():
        # (one line printed three times, a headline with a colon shown in title, heading and share
        # box, is one story, not a list of links)
        if len({lines[i].text for i in found}) >= _LABEL_REPEATS:
            for i in found:
                lines[i].kind = "label"


# The line an embedded post (a tweet, as its embed prints in a page's text) ends with:
# "— Jane Roe (@janeroe) July 18, 2026".
_POST_SIGNATURE = re.compile(r"^[—–-]\s*\S.{0,80}\(@\w{1,30}\)\s+\w+\.?\s+\d{1,2},\s+\d{4}$")
_POST_LINE_WORDS = 60


def _mark_embedded_posts(lines: list[Line]) -> None:
    """An embedded social-media post quotes someone else's post, not the story: its signature line
    and the line just above it (the post's text, or its last part) are furniture. A longer post's
    earlier lines cannot be told from the story's paragraphs and are left alone."""
    for i, line in enumerate(lines):
        if _POST_SIGNATURE.match(line.text):
            line.kind = "furniture"
            if i and lines[i - 1].words <= _POST_LINE_WORDS and lines[i - 1].kind in ("prose", "other", "short"):
                lines[i - 1].kind = "furniture"


def _mark_cut_short_teasers(lines: list[Line]) -> None:
    """Headlines and summaries cut short with an ellipsis come in boxes of several; one or two such lines
    are the article's own (sentences trailing off)."""
    cut = [i for i, line in enumerate(lines) if line.kind in ("short", "other", "prose") and is_cut_short(line)]
    boxes: list[list[int]] = []
    for i in cut:
        if boxes and i - boxes[-1][-1] <= _TEASER_BOX_SPAN:
            boxes[-1].append(i)
        else:
            boxes.append([i])
    for box in boxes:
        if len(box) >= _TEASER_BOX_SIZE:
            for i in box:
                lines[i].kind = "label"


def _mark_entry_stamps(lines: list[Line]) -> None:
    """Comments and teaser lists head each entry with a short dated line ("Jane Doe · March 10, 2017 at
    2:56 AM"); an article is dated once, at the top. When several such lines are on the page they are
    stamps: never body, and weighing against the stretch of entries they head."""
    # (a stamp starts with a name or a date; a fragment of a citation starts mid-sentence)
    dated = [line for line in lines if line.words <= 12 and not line.bullet and not line.ends_sentence
             and line.kind in ("meta_date", "other", "short") and re.match(r"[^\W_a-z]", line.text)
             and (line.kind == "meta_date" or _CLOCK.search(line.text) or find_dates(line.text))]
    if len(dated) >= _STAMP_REPEATS:
        for line in dated:
            line.kind = "stamp"


def _body_region(lines: list[Line]) -> tuple[int, int, set[int]]:
    """(start, end, gaps): the article's stretch of lines, and the lines inside it that interrupt it."""
    weights = [content_weight(line) for line in lines]
    repeated = _discount_repeats(lines, weights)
    # A lone furniture line inside the article ("Related: ...", "Advertisement") is dropped on its own
    # later; it must not cut the article in two.
    i, last_bridged = 0, -_CARD_PERIOD - 1
    while i < len(weights):
        if weights[i] >= 0:
            i += 1
            continue
        j = i
        while j < len(weights) and weights[j] < 0:
            j += 1
        ad_slot = j - i <= _AD_SLOT_LINES and all(_AD_SLOT.search(lines[k].text) or lines[k].kind == "label"
                                                   for k in range(i, j))
        # (furniture after every summary, two or three lines apart, is a list of cards, not an article)
        periodic = i - last_bridged <= _CARD_PERIOD and any(lines[k].kind == "furniture" for k in range(i, j))
        if (j - i <= 2 or ad_slot) and i > 0 and j < len(lines) and lines[i - 1].kind == lines[j].kind == "prose" \
                and not periodic:
            for k in range(i, j):
                weights[k] = max(weights[k], -0.8)
            if any(lines[k].kind == "furniture" for k in range(i, j)):
                last_bridged = j
        i = j
    best, start, end = _best_span(weights, 0, len(weights))
    if best <= 0:
        return 0, len(lines) - 1, set()
    best, start, end = _split_at_valley(weights, lines, start, end, repeated)
    gaps: set[int] = set()
    # An article broken up by an ad slot, a paywall box or a "most read" list goes on after it: a
    # further stretch of prose close by, weighty in its own right, is the same article. Below the
    # article it must weigh more: pages end in boilerplate prose (mailing-list and privacy blurbs).
    while end < len(lines) - 1:
        more, s2, e2 = _best_span(weights, end + 1, min(len(weights), end + 1 + _GAP_LINES + 60))
        if more < max(2 * _MIN_CONTINUATION, best * _CONTINUATION_SHARE) or s2 - end - 1 > _GAP_LINES \
                or not _reads_as_article(lines[s2:e2 + 1]) or _widget_reprint(range(s2, e2 + 1), repeated):
            break
        # list items between the two stretches are the interruption's (a numbered "most read" box)
        gaps.update(k for k in range(end + 1, s2) if weights[k] < 0 or lines[k].bullet)
        end, best = e2, best + more
    while start > 0:
        more, s2, e2 = _best_span(weights, max(0, start - _GAP_LINES - 60), start)
        if more < max(_MIN_CONTINUATION, best * _CONTINUATION_SHARE) or start - e2 - 1 > _GAP_LINES \
                or not _reads_as_article(lines[s2:e2 + 1]) or _widget_reprint(range(s2, e2 + 1), repeated):
            break
        gaps.update(k for k in range(e2 + 1, start) if weights[k] < 0 or lines[k].bullet)
        start, best = s2, best + more
    # widen over neutral lines (headings, datelines, tables) until furniture or a list is met
    while start > 0 and _neutral(lines[start - 1]):
        start -= 1
    while end < len(lines) - 1 and _neutral(lines[end + 1]):
        end += 1
    end = _before_comments(lines, start, end)
    end = _through_author_note(lines, start, end)
    return start, _before_teaser_list(lines, start, end), gaps


# The heading a comment thread opens with: "There are 13 comments", "42 Comments", "Leave a Reply",
# "Join the conversation", "Comments (7)".
_COMMENTS_HEADING = re.compile(
    r"^(?:there (?:are|is) (?:\d+|no) (?:comments?|responses|replies)|[\d,]+ (?:comments?|responses|replies)|"
    r"(?:leave|post|add) a (?:reply|comment)|join the (?:conversation|discussion)|comments? \(\d+\)|"
    r"discussion \(\d+\))[\s.:!]*$", re.I)
_PROSE_BEFORE_COMMENTS = 3
# The heading of the story's topic list ("TOPICS", "Tags:", "Themen"): an article's last element;
# what follows it (author box, comments, other stories) is the page's.
_TOPICS_HEADING = re.compile(
    r"^(?:topics|tags|categories|related topics|more about|themen|schlagw(?:o|ö)rter?|étiquettes|mots-clés|"
    r"etiquetas|temas|argomenti|tag|emneord|ämnen|konular)\s*:?$", re.I)


def _before_comments(lines: list[Line], start: int, end: int) -> int:
    """Where the article ends if a comment thread's heading, or its topic list's, lies inside its
    stretch: readers' comments are prose too, and a long thread can outweigh the furniture between it and the story.
    The heading counts only below a few paragraphs of the article (a page may open with a
    comment count)."""
    prose = 0
    for i in range(start, end + 1):
        if (_COMMENTS_HEADING.match(lines[i].text) or _TOPICS_HEADING.match(lines[i].text)) \
                and prose >= _PROSE_BEFORE_COMMENTS:
            return i - 1
        prose += lines[i].kind == "prose"
    return end


# The note on the writer that closes an article: "Jane Roe is a senior writer for The Post."
_AUTHOR_NOTE = re.compile(
    r"^(?:[A-Z][\w'’.-]+\s+){1,3}(?:is|was|has been|covers|writes)\s+(?:a|an|the|our)?\s*(?:[\w'’-]+\s+){0,6}?"
    r"(?i:writer|reporter|editor|correspondent|journalist|columnist|contributor|producer|author|photographer|"
    r"analyst)\b")
_AUTHOR_NOTE_WORDS = 80


def _through_author_note(lines: list[Line], start: int, end: int) -> int:
    """Where the article ends if a note on its writer lies inside its stretch: the note is the
    article's last paragraph, and what follows (other stories, sign-up boxes) is the page's. Only
    below a few paragraphs of the story (a profile may open by introducing a reporter)."""
    prose = 0
    for i in range(start, end + 1):
        if prose >= _PROSE_BEFORE_COMMENTS and _author_note(lines[i]):
            # notes on several writers follow one another, with their names and the credits of
            # those who contributed
            last = k = i
            while k < end and (lines[k + 1].words <= _BLOCK_NAME_WORDS or _author_note(lines[k + 1])
                               or _CONTRIBUTED.search(lines[k + 1].text)):
                k += 1
                if lines[k].words > _BLOCK_NAME_WORDS:
                    last = k
            return last
        prose += lines[i].kind == "prose"
    return end


_BLOCK_NAME_WORDS = 4
_CONTRIBUTED = re.compile(r"\b(?:contributed|contributed reporting|contributed to this (?:report|story))\.?$", re.I)


def _author_note(line: Line) -> bool:
    return line.words <= _AUTHOR_NOTE_WORDS and bool(_AUTHOR_NOTE.match(line.text))


def _before_teaser_list(lines: list[Line], start: int, end: int) -> int:
    """Where the article ends if its stretch closes on a list of teasers: headlines, some with a
    one-paragraph summary, perhaps a short label (section, author) around them. (A bulleted list of
    headline-like lines with no summaries may be the article's own list, and is left alone.)"""
    units, summarised, listed, i, cut = 0, 0, False, end, end + 1
    while i > start:
        j = i
        while j > start and lines[j].words <= 3:
            j -= 1
        has_summary = lines[j].kind == "prose" and lines[j].words <= 45 and not _teaser_headline(lines[j])
        if has_summary:
            j -= 1
            while j > start and lines[j].words <= 3:
                j -= 1
        if not _teaser_headline(lines[j]):
            break
        units, summarised, cut, i = units + 1, summarised + has_summary, j, j - 1
        listed = listed or lines[j].bullet
    return cut - 1 if units >= _TEASER_RUN and (summarised or not listed) else end


def _teaser_headline(line: Line) -> bool:
    # headlines carry no full stop (a question mark is allowed)
    # (a headline may end on a quotation: 'SEC & Crypto: "It's about legislation"')
    return (6 <= line.words <= 30 and line.kind != "caption"
            and not re.search(r"[.!…。！][\"'”’)]*$", line.text))


def _discount_repeats(lines: list[Line], weights: list[float]) -> set[int]:
    """Text printed twice far apart on one page belongs to the page's widgets (teaser lists shown in two
    rails, section labels over every teaser), not to the article, which says each thing once."""
    where: dict[str, list[int]] = {}
    for line in lines:
        if line.words >= 4 and line.kind not in ("caption", "credit"):
            where.setdefault(line.text, []).append(line.index)
    repeated: set[int] = set()
    for positions in where.values():
        if len(positions) > 1 and positions[-1] - positions[0] > 3:
            for k in positions:
                weights[k] = min(weights[k], _REPEAT_WEIGHT)
            repeated.update(positions)
    return repeated


def _split_at_valley(weights: list[float], lines: list[Line], start: int, end: int,
                     repeated: set[int]) -> tuple[float, int, int]:
    """The heaviest stretch may run across a deep block of furniture (share bar, tag menu, "most read"
    heading) into the widgets below it when they are long enough. Keep the heavier side of the deepest
    such block; the other side rejoins only if it reads as the article going on. (Lines without words,
    a chart's axis marks or icon bullets, do not deepen a block: charts sit inside articles.)"""
    depth = [0.0 if line.words == 0 else -w for line, w in zip(lines, weights)]
    while True:
        valley, a, b = _best_span(depth, start, end + 1)
        if -valley > _VALLEY or a <= start or b >= end:
            return sum(weights[start:end + 1]), start, end
        left, right = sum(weights[start:a]), sum(weights[b + 1:end + 1])
        # the side printed elsewhere on the page too is a widget, however heavy
        left_widget = _widget_reprint(range(start, a), repeated)
        right_widget = _widget_reprint(range(b + 1, end + 1), repeated)
        keep_left = left_widget == right_widget and left >= right or right_widget and not left_widget
        start, end = (start, a - 1) if keep_left else (b + 1, end)
        start, end = _trim(weights, start, end)


def _trim(weights: list[float], start: int, end: int) -> tuple[int, int]:
    best, s, e = _best_span(weights, start, end + 1)
    return s, e


def _widget_reprint(stretch: range, repeated: set[int]) -> bool:
    """A stretch that shares several lines with another part of the page is a widget shown twice (a
    "most read" rail and its copy), not the article going on."""
    return sum(1 for k in stretch if k in repeated) >= _REPRINTED_LINES


def _reads_as_article(stretch: list[Line]) -> bool:
    """Mostly full paragraphs: several long sentences, few headlines, links or list items between them."""
    paragraphs = [line for line in stretch if line.kind == "prose" and not line.bullet and line.words >= 15]
    texty = [line for line in stretch if line.words >= 4 and line.kind not in _DROPPED_KINDS]
    return len(paragraphs) >= 3 and len(paragraphs) >= 0.6 * len(texty) \
        and sum(line.words for line in paragraphs) / len(paragraphs) >= 20


def _best_span(weights: list[float], lo: int, hi: int) -> tuple[float, int, int]:
    """The stretch of weights[lo:hi] with the highest sum (Kadane): (sum, first, last)."""
    best, best_span = float("-inf"), (lo, lo)
    run, run_start = 0.0, lo
    for i in range(lo, hi):
        w = weights[i]
        if run <= 0:
            run, run_start = w, i
        else:
            run += w
        if run > best:
            best, best_span = run, (run_start, i)
    return best, best_span[0], best_span[1]


def _captions(lines: list[Line], lo: int, hi: int) -> tuple[list[Caption], set[int]]:
    captions: list[Caption] = []
    used: set[int] = set()
    seen: dict[str, Caption] = {}
    credits_stand_alone = _credits_stand_alone(lines, lo, hi)
    for i in range(lo, min(hi, len(lines) - 1) + 1):
        line = lines[i]
        caption_text = credit = None
        if line.kind == "caption":
            caption_text, credit = line.caption, line.credit
            used.add(i)
        elif line.kind == "credit":
            used.add(i)
            prev = None if credits_stand_alone else _previous_caption_line(lines, i, lo)
            if prev is None:
                continue
            if prev in used and lines[prev].caption in seen:
                cap = seen[lines[prev].caption]
                if cap.credit is None:
                    cap.credit = line.credit
                    cap.photographer, cap.agency = split_credit(line.credit)
                continue
            caption_text, credit = lines[prev].caption or lines[prev].text, line.credit
            used.add(prev)
        if not caption_text:
            continue
        key = caption_text.strip()
        if key in seen:
            cap = seen[key]
            if cap.credit is None and credit:
                cap.credit = credit
                cap.photographer, cap.agency = split_credit(credit)
            continue
        cap = _credited_caption(key, credit)
        seen[key] = cap
        captions.append(cap)
    return captions, used


def _credited_caption(caption: str, credit: str | None) -> Caption:
    photographer, agency = split_credit(credit)
    return Caption(caption=caption, credit=credit, photographer=photographer, agency=agency)


def _lead_media_captions(lines: list[Line], window_start: int, found: list[Caption]) -> list[Caption]:
    """Credited captions printed above the headline: the article's lead picture or gallery, which
    some pages render before the headline. Only captions that carry a photo credit count, and only
    up to the nearest paragraph of prose above the headline (what lies beyond it is another text's)."""
    known = {c.caption for c in found}
    lead: list[Caption] = []
    for i in range(window_start - 1, -1, -1):
        line = lines[i]
        if line.kind == "prose" and line.words >= _LEAD_MEDIA_STOP_WORDS:
            break
        if line.kind == "caption" and line.credit and line.caption and line.caption.strip() not in known:
            key = line.caption.strip()
            known.add(key)
            lead.append(_credited_caption(key, line.credit))
    return lead[::-1]


def _credits_stand_alone(lines: list[Line], lo: int, hi: int) -> bool:
    """Some pages print only a credit under each image, between the paragraphs. Then the line before a
    credit is the article's paragraph, not a caption: reading it as one would take a large share of the
    article's paragraphs away, which a page's captions never are."""
    hi = min(hi, len(lines) - 1)
    paragraphs = sum(1 for i in range(lo, hi + 1) if lines[i].kind == "prose" and lines[i].words >= 15)
    before_credit = sum(1 for i in range(max(lo + 1, 1), hi + 1) if lines[i].kind == "credit"
                        and lines[i - 1].kind == "prose" and lines[i - 1].words >= 15)
    return before_credit >= _STANDALONE_CREDITS and before_credit > _STANDALONE_CREDIT_SHARE * paragraphs


# A paragraph over a credit is a paragraph when it is this long: captions run to a sentence or two.
_LONGEST_CAPTION = 60


def _previous_caption_line(lines: list[Line], i: int, lo: int) -> int | None:
    j = i - 1
    if j < lo:
        return None
    prev = lines[j]
    if prev.kind == "caption":
        return j
    if prev.kind in ("prose", "other", "short") and 3 <= prev.words <= _LONGEST_CAPTION and not prev.bullet \
            and not too_long_for_a_caption(prev.text):
        return j
    return None


def _body_lines(lines, start, end, title_idx, subtitle_idx, caption_lines, captions, body_start) -> list[Line]:
    skip_texts = {c.caption for c in captions}
    for idx in (title_idx, subtitle_idx):
        if idx is not None:
            skip_texts.add(lines[idx].text)
    kept: list[Line] = []
    seen: set[str] = set()
    in_link_list = False
    for i in range(start, end + 1):
        line = lines[i]
        if i in caption_lines or i in (title_idx, subtitle_idx):
            continue
        if line.kind == "label":
            continue
        if line.kind in _DROPPED_KINDS:
            # a recirculation heading ("More Trending", "Related") heads a list of links
            in_link_list = line.kind == "furniture"
            continue
        # the article's own lead-in to its list ("He also said:") and the list under it end any link list
        lead_in = not line.bullet and i + 1 < len(lines) and lines[i + 1].introduced
        if in_link_list and i > 0 and _RECIRCULATION.match(lines[i - 1].text) and line.words <= _BLURB_WORDS \
                and not lead_in and i + 1 <= end and lines[i + 1].bullet and not lines[i + 1].introduced:
            continue  # the box's blurb between its heading and its links ("Here are more stories on ...")
        if line.kind == "prose" or line.introduced or lead_in:
            in_link_list = False
        elif in_link_list:
            continue
        if line.bullet and not line.introduced and not _prose_list_item(lines, i) \
                and not (kept and _credits_quote(kept[-1], line)):
            continue
        if i < body_start and line.words <= 10 and parse_byline(line.text):
            continue  # "Jane Doe | Agency" above the first paragraph is a byline
        if i < body_start and title_idx is not None and line.text.endswith(lines[title_idx].text):
            continue  # a breadcrumb ending in the headline ("Home › News › <headline>")
        if line.text in skip_texts or (line.text in seen and line.words < 25):
            continue
        seen.add(line.text)
        kept.append(line)
    return kept


# The heading of a box of links to other stories: "More from ...", "Related coverage", "Read more".
_RECIRCULATION = re.compile(r"(?i)^(?:more|related|recommended|read (?:more|next|also)|you (?:may|might)|"
                            r"also on|popular|latest|trending|top stories)\b")
_BLURB_WORDS = 25


_QUOTED_PARAGRAPH = re.compile(r"^[\"“«„].*[\"”»][.!?]?$")
_CREDIT_LINE = re.compile(r"^[-–—―]\s*(?:[A-Z][\w’'.-]*\s+){0,3}[A-Z][\w’'.-]*[.,]?$")


def _credits_quote(above: Line, line: Line) -> bool:
    """A dash line of a name or two under a paragraph that is one quotation credits it ("“…” ¶
    - Bernie Sanders."), as in fact checks and collections of quotes: a part of the article."""
    return bool(_QUOTED_PARAGRAPH.match(above.text) and _CREDIT_LINE.match(line.raw))


def _prose_list_item(lines: list[Line], i: int) -> bool:
    """Article lists are written in sentences or sit between paragraphs; menus are runs of short links."""
    line = lines[i]
    if line.kind == "prose" or line.words >= 10:
        return True
    neighbours = [lines[j] for j in (i - 1, i + 1) if 0 <= j < len(lines) and lines[j].bullet]
    return bool(neighbours) and all(n.words >= 6 for n in neighbours) and line.words >= 4


def _authors(lines: list[Line], lo: int, hi: int) -> list[str]:
    for i in range(lo, min(hi + 1, len(lines))):
        names = parse_byline(lines[i].text)
        if names:
            return names
    return []


def parse_byline(text: str) -> list[str]:
    """["Jane Doe", "John Roe"] from "By Jane Doe and John Roe" or "Jane Doe | Reuters"; [] otherwise."""
    if not text or len(text) > 200:
        return []
    t = text.strip()
    m = re.match(r"(?i)^(?:by|written by|words by|story by)\s+(.+)$", t)
    if m:
        t = m.group(1)
    else:
        m = re.match(r"^([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3})\s*[|,–—-]\s*([A-Z][\w&.' -]{1,40})$", t)
        if not m:
            return []
        t = m.group(1)
    t = re.split(r"(?i)\s*(?:\||published|updated|posted|\bon\s+(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))",
                 t)[0]
    t = re.sub(r"\s*[,–—-]\s*(?:for|at|from)\s+.*$", "", t)
    parts = re.split(r"\s*(?:,|\band\b|&)\s*", t)
    names = []
    for part in parts:
        part = _ROLE_WORDS.sub("", part).strip(" .,;:-")
        words = part.split()
        if 1 <= len(words) <= 4 and all(w[:1].isupper() or w.lower() in {"van", "de", "der", "von", "da", "al", "bin"}
                                        for w in words):
            names.append(part)
    return names


def _source(lines: list[Line], lo: int, hi: int) -> str | None:
    """The publisher a byline of the header names ("Jane Doe | Northfield Wire")."""
    for i in range(max(lo, 0), min(hi + 1, len(lines))):
        if lines[i].words <= 12:
            org = byline_organisation(lines[i].text)
            if org:
                return org
    return None


_TRAIL_REACH = 3


def _section(lines: list[Line], lo: int, body_start: int, title: str | None) -> str | None:
    """The section a breadcrumb trail above the story names. The trail is itself a run of short
    links, so it may sit just inside the menu that the header window starts after."""
    for i in range(max(lo - _TRAIL_REACH, 0), min(body_start, len(lines))):
        if lines[i].words <= 16 and not lines[i].bullet:
            section = breadcrumb_section(lines[i].text, title)
            if section:
                return section
    return None


def _published(lines: list[Line], lo: int, body_start: int, end: int,
               text: str) -> tuple[datetime | None, str | None, datetime | None]:
    """(published, its precision "day"/"time", modified): dates of the header, then of the first
    paragraphs; a date a line marks as an update ("Updated 6:15 PM GMT, ...") is the modification
    time and never the publication time."""
    years = years_in(text)
    default_year = max(set(years), key=years.count) if years else None
    header = range(lo, min(body_start + 1, len(lines)))
    modified = next((upd[0][0] for i in header for upd in [line_dates(lines[i].text, default_year)[1]] if upd), None)
    for kinds in (("meta_date", "stamp", "byline"), None):
        for i in header:
            if kinds is None or lines[i].kind in kinds:
                found = line_dates(lines[i].text, default_year if kinds is None else None)[0]
                if found:
                    return found[0][0], "time" if found[0][1] else "day", modified
    for i in range(body_start, min(end + 1, body_start + 5, len(lines))):
        found = line_dates(lines[i].text, default_year)[0]
        if found:
            return found[0][0], "time" if found[0][1] else "day", modified
    return None, None, modified
