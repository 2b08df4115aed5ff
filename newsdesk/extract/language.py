"""A guess at a text's language from its commonest short words, for pages that do not declare one."""

from __future__ import annotations

import re
from collections import Counter

_STOPWORDS = {
    "en": "the and of to in is that for was on with said as it by".split(),
    "de": "der die und das ist nicht den von zu mit sich des auf für".split(),
    "fr": "le la les et des est une pour que dans qui pas sur du".split(),
    "es": "el la los las que del por una con para como pero según".split(),
    "pt": "o os que do da em não uma para com dos das mais foi".split(),
    "it": "il di che la della per una sono non gli con anche nel".split(),
    "nl": "de het een van en dat niet zijn voor met ook op aan".split(),
    "id": "yang dan di itu dengan untuk dari ini tidak akan pada juga".split(),
    "sk": "a je na sa v že to do po pre so od aj ako".split(),
    "pl": "i w nie na się że z do jest to o jak po".split(),
    "ru": "и в не на что с по это как из для он к".split(),
    "uk": "і в не на що з по це як для від та у".split(),
}
_WORD = re.compile(r"\w+")


def guess_language(text: str) -> str:
    """Return the two-letter code of the likeliest language of text, or "" when unsure."""
    words = Counter(_WORD.findall(text[:5000].lower()))
    if not words:
        return ""
    if sum(n for w, n in words.items() if re.match(r"[\uac00-\ud7af]", w)) > 0.3 * sum(words.values()):
        return "ko"
    scores = {lang: sum(words[w] for w in stop) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] >= 5 else ""
