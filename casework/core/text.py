"""Text folding for search: case-, accent- and punctuation-insensitive keys."""

import re
import unicodedata

# Letters that do not decompose into a base letter plus a combining mark.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i"})
# Anything but letters and digits separates words. Letters of every script are kept (a name typed in
# Cyrillic or Chinese must still be findable); accents are stripped above.
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """'José  García-Núñez' -> 'jose garcia nunez'."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold().translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_SPECIAL)
    return _NON_WORD.sub(" ", stripped).strip()


def search_terms(query: str, *, limit: int = 6) -> list[str]:
    """Folded, de-duplicated terms of a search box entry; at most `limit` terms are used.

    A one-letter term next to a longer one (an initial: "Jose A Garcia") adds little and matches a
    fifth of the district, so it is dropped; on its own it is kept."""
    terms: list[str] = []
    for term in fold(query).split():
        if term not in terms:
            terms.append(term)
    if any(len(t) > 1 for t in terms):
        terms = [t for t in terms if len(t) > 1]
    return terms[:limit]
