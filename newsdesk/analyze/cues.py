"""The cue-verb lexicon of reported speech: lemmas and every inflected form that maps back to them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "cues.tsv"
_IRREGULAR = {
    "say": ("said",),
    "tell": ("told",),
    "write": ("wrote", "written"),
    "think": ("thought",),
    "find": ("found",),
    "show": ("shown",),
    "know": ("knew", "known"),
    "feel": ("felt",),
    "understand": ("understood",),
    "learn": ("learnt",),
    "seek": ("sought",),
    "admit": ("admitted", "admitting"),
    "regret": ("regretted",),
    "refer": ("referred", "referring"),
    "prefer": ("preferred",),
    "rebut": ("rebutted",),
    "commit": ("committed",),
}


def _inflections(lemma: str) -> set[str]:
    """Return the regular inflections of a verb lemma, plus its irregular ones."""
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    third = (
        lemma[:-1] + "ies"
        if lemma.endswith("y") and lemma[-2] not in "aeiou"
        else lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "z", "o")) else "s")
    )
    past = lemma[:-1] + "ied" if lemma.endswith("y") and lemma[-2] not in "aeiou" else stem + "ed"
    forms = {lemma, third, past, stem + "ing"}
    if len(lemma) <= 4 and lemma[-1] not in "aeiouwyx" and lemma[-2] in "aeiou" and lemma[-3] not in "aeiou":
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}  # plan -> planned
    return forms | set(_IRREGULAR.get(lemma, ()))


@lru_cache(maxsize=1)
def cue_forms() -> dict[str, tuple[str, bool]]:
    """Return {inflected form: (lemma, takes a plain object as its content)} for every cue verb."""
    out: dict[str, tuple[str, bool]] = {}
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lemma, kind = line.split("\t")
        for form in _inflections(lemma):
            out.setdefault(form, (lemma, kind == "o"))
    return out


# Nouns that report what their possessor said, meant or decided ("Trump's claim that …", "her promise to …"),
# the nominal cues of attribution corpora (PARC, PolNeAR); each with its plural.
_NOUNS = (
    "claim statement comment remark promise pledge vow decision plan proposal call demand warning criticism attack "
    "assertion argument accusation allegation charge belief view hope fear concern insistence suggestion "
    "announcement determination message position denial admission prediction threat request description "
    "refusal endorsement complaint question answer response reply explanation pitch case vision idea "
    "commitment reluctance effort pronouncement emphasis acknowledgment acknowledgement opposition objection "
    "assurance recommendation assessment estimate conclusion finding analysis appeal condemnation rejection "
    "dismissal praise insinuation implication contention"
)


@lru_cache(maxsize=1)
def cue_nouns() -> frozenset[str]:
    """Return the nominal cues and their plurals ("claim", "claims", "criticism", …)."""
    words = _NOUNS.split()
    return frozenset(words) | frozenset(w + ("es" if w.endswith(("s", "sh", "ch")) else "s") for w in words)
