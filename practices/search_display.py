"""What a results page shows about a search: the matched words in a snippet, and "did you mean".

Both work in Python on text the page already loaded, so they read the same on PostgreSQL and SQLite.
Segments are (text, matched) pairs; templates escape the text and wrap matched ones in <mark>.
"""

import difflib
import threading
from dataclasses import dataclass

from pagecache.models import current_version

from .search import APOSTROPHES, WORD, query_tokens

SNIPPET_WORDS = 40
WORDS_BEFORE = 10
# Endings taken off a visitor's word before it is compared with a word of the text, roughly as the
# databases' stemmers do: "academies" marks "academy", "deportation" marks "deported".
ENDINGS = ("ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "s")


def stem(word):
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def word_spans(text):
    """(start, end, lowercase word) of each word, leaving out the "s" of a possessive."""
    folded = text.translate(APOSTROPHES).lower()
    spans = []
    for match in WORD.finditer(folded):
        if match.group() == "s" and match.start() > 0 and folded[match.start() - 1] == "'":
            continue
        spans.append((match.start(), match.end(), match.group()))
    return spans


def word_matches(text_word, query_word, last):
    if len(query_word) <= 2:
        return text_word == query_word
    root = stem(query_word)
    return text_word.startswith(root) if last else text_word.startswith(root) and len(text_word) <= len(query_word) + 4


def marked_spans(spans, phrases):
    """Indexes of the words in ``spans`` that are part of one of ``phrases``."""
    marked = set()
    words = [word for _start, _end, word in spans]
    for index in range(len(words)):
        for phrase in phrases:
            if index + len(phrase) <= len(words) and all(
                word_matches(words[index + offset], part, offset == len(phrase) - 1)
                for offset, part in enumerate(phrase)
            ):
                marked.update(range(index, index + len(phrase)))
    return marked


def segments(text, spans, marked, start=0, end=None):
    """The text from word ``start`` to word ``end`` as (text, matched) pairs."""
    end = len(spans) if end is None else end
    if not spans:
        return [(text, False)]
    begin = 0 if start == 0 else spans[start][0]
    finish = len(text) if end >= len(spans) else spans[end - 1][1]
    parts, position = [], begin
    for index in range(start, min(end, len(spans))):
        if index in marked:
            word_start, word_end, _word = spans[index]
            if word_start > position:
                parts.append((text[position:word_start], False))
            parts.append((text[word_start:word_end], True))
            position = word_end
    if finish > position:
        parts.append((text[position:finish], False))
    return [("…", False), *parts] if start else parts


def highlight(text, parsed):
    """The whole text, its words that match the search marked."""
    spans = word_spans(text)
    return segments(text, spans, marked_spans(spans, parsed.phrases))


@dataclass
class Snippet:
    segments: list
    found_in: str  # "summary", "facts" (the summary does not match) or "names" (only its names and tags do)


def snippet(practice, parsed):
    """About SNIPPET_WORDS words around the first match in the summary, else in the facts; else the
    words of its names and tags (place, kinds, communities...) that match; None if nothing marks."""
    for text, found_in in ((practice.summary, "summary"), (practice.search_facts, "facts")):
        spans = word_spans(text)
        marked = marked_spans(spans, parsed.phrases)
        if marked:
            start = max(0, min(marked) - WORDS_BEFORE)
            end = start + SNIPPET_WORDS
            parts = segments(text, spans, marked, start, end)
            if end < len(spans):
                parts.append(("…", False))
            return Snippet(parts, found_in)
    names = practice.search_names
    spans = word_spans(names)
    marked = marked_spans(spans, parsed.phrases)
    words = dict.fromkeys(names[start:end] for index, (start, end, _word) in enumerate(spans) if index in marked)
    if not words:
        return None
    parts = []
    for word in words:
        parts += [(", ", False), (word, True)] if parts else [(word, True)]
    return Snippet(parts, "names")


# The directory's own words, for "did you mean": kept per thread, rebuilt when the content version moves
# (every write to the directory moves it, pagecache/triggers.py), so never older than the last edit.
_words = threading.local()
NOT_BUILT = object()
MIN_SUGGESTED_LENGTH = 4


def directory_words(practices):
    """The distinct words of the published practices' searchable text (``practices``: those practices)."""
    fingerprint = (current_version(), str(practices.query))
    if getattr(_words, "fingerprint", NOT_BUILT) != fingerprint:
        words = set()
        for row in practices.values_list("search_names", "summary", "search_facts").iterator():
            for text in row:
                words.update(word for _start, _end, word in word_spans(text or ""))
        _words.fingerprint = fingerprint
        _words.words = sorted(word for word in words if len(word) >= MIN_SUGGESTED_LENGTH and word.isalpha())
    return _words.words


def did_you_mean(parsed, missing, practices):
    """A corrected query where the words in ``missing`` (group indexes that found nothing) are near
    misses of the directory's own words; None if none is."""
    candidates = None
    replaced = []
    changed = False
    for index, group in enumerate(parsed.groups):
        word = group.words[0] if len(group.words) == 1 else ""
        if index in missing and not group.synonym and len(word) >= MIN_SUGGESTED_LENGTH and word.isalpha():
            if candidates is None:
                candidates = directory_words(practices)
            near = [other for other in candidates if abs(len(other) - len(word)) <= 2]
            close = difflib.get_close_matches(word, near, n=1, cutoff=0.75)
            if close and close[0] != word:
                replaced.append(close[0])
                changed = True
                continue
        replaced.append(group.label)
    # The excluded words as typed, each with its own minus: their groups may join several ("-u -visa").
    replaced += [token for token, _words, excluded in query_tokens(parsed.text) if excluded]
    return " ".join(replaced) if changed else None
