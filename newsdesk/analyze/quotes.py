"""Quotes in a text: direct, partial and reported speech, each with its cue verb and speaker mention."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsdesk.analyze.cues import cue_forms, cue_nouns
from newsdesk.analyze.direct import direct_quotes
from newsdesk.analyze.reported import SEEM, STANCE, reported_speech, stances, unattributed
from newsdesk.analyze.sentences import sentence_spans

if TYPE_CHECKING:
    from spacy.tokens import Doc

Parser = Callable[[Iterable[str]], Iterable["Doc"]]

Span = tuple[int, int]

_CUES = (
    "said|says|say|told|tells|tell|added|adds|noted|notes|wrote|writes|argued|argues|claimed|claims|stated|"
    "explained|explains|insisted|insists|warned|warns|acknowledged|admitted|announced|announces|asked|suggested|"
    "suggests|reported|reports|recalled|declared|believes|believe|believed|thinks|think|stressed|emphasized|"
    "emphasised|pointed out|continued|replied|responded|tweeted|posted|confirmed|denied|predicted|estimated|"
    "estimates|found|showed|shows|agreed|complained|conceded|contended|cautioned|observed|testified|urged|"
    "promised|pledged|vowed|alleged|alleges|charged|maintained|maintains|countered|concluded|indicated|revealed|"
    "disclosed|hopes|expects|fears|feared|worried|mentioned|remarked|boasted|joked|wondered|"
    "recounted|conceded|assured|predicts|argue|claim|warn|insist|noting|saying|adding|arguing|claiming|writing"
)
_AUX = (
    r"(?:(?:has|have|had|also|later|previously|repeatedly|then|again|further|would|will|could|did|does|do|not|"
    r"often|once|recently|publicly|privately|reportedly|earlier|simply|just|even|still|who|which)\s+){0,3}"
)
CUE = re.compile(rf"\b{_AUX}(?:{_CUES})\b")
_TAIL_OBJECT = re.compile(r"^(?:\s+(?:[\w.'’-]+\s+){0,4}?(?=that\b|[,:“\"]))?\s*[,:]?\s*")
_PRONOUNS = frozenset("he she they it we i who you".split())
_SUBJECT_LEAD = re.compile(r"^(?:(?:but|and|so|yet|also|however|still|meanwhile|instead|now|then)\b[,]?\s*)+", re.I)
_TRAILING = re.compile(
    rf"[,?!—–-][\"”’]?\s+(?P<a>[^,;:“”\"]{{1,80}}?)\s+(?P<cue>{_AUX}(?:{_CUES}))"
    rf"(?P<rest>(?:\s+[\w.'’-]+){{0,10}})"
    rf"\s*[.!?]?[\"”’]?$|[,?!—–-][\"”’]?\s+(?P<cue2>said|says|added|wrote|asked|noted|told)\s+"
    rf"(?P<b>[^“”\"]{{2,200}}?)\s*[.!?]?$"
)
_DASHED = re.compile(r"[”\"]\s*[―—–]\s*(?P<src>[A-Z][^\n“”\"]{1,80}?)\s*[.]?$")
_COLON_CUE = re.compile(rf"(?P<cue>{_AUX}(?:{_CUES}))(?:\s+[\w.'’-]+){{0,6}}\s*:$")
_ACCORDING = re.compile(r"\baccording to\s+(?P<src>[^,;.“”\"]{2,120}?)(?=\s*[,.;]|$)", re.I)
_QUOTED = re.compile(r"“[^”]{2,}”|\"[^\"\n]{2,}\"")
_WORD = re.compile(r"\w+")
_POSSESSIVES = frozenset("s his her their its our my your".split())
_DETERMINERS = frozenset("the a an his her its their our my your this that these those every each no".split())


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """A quote found in a text, by character offsets."""

    content: tuple[Span, ...]
    source: Span | None
    cue: Span | None
    kind: str  # direct, mixed, indirect


def _kind(text: str, content: tuple[Span, ...]) -> str:
    pieces = "".join(text[s:e] for s, e in content)
    quoted = sum(len(m.group()) for m in _QUOTED.finditer(pieces))
    words = len(_WORD.findall(pieces))
    if quoted and quoted >= 0.9 * len(pieces.strip(" ,.")):
        return "direct"
    return "mixed" if quoted and words else "indirect"


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-"):
        end -= 1
    return start, end


def _subject(text: str, start: int, end: int) -> Span | None:
    """Return the subject phrase of the clause text[start:end] that precedes a cue verb."""
    phrase = text[start:end]
    if not phrase.strip() or len(phrase.split()) > 30:
        return None
    if any(q in phrase for q in '“”"'):
        return None
    parts = re.split(r"[,―—–]", phrase.rstrip())
    if phrase.rstrip().endswith(",") and len(parts) > 2:
        offset = 0  # "Brunner, a developer, said": the name opens the clause
        piece = parts[0]
    else:
        piece = parts[-1]
        offset = len(phrase) - len(phrase.rstrip()) and 0
        offset = phrase.rstrip().rfind(piece)
    lead = _SUBJECT_LEAD.match(piece)
    s = start + offset + (lead.end() if lead else 0)
    s, e = _trim(text, s, start + offset + len(piece))
    if e <= s or len(text[s:e].split()) > 14 or not re.search(r"[A-Za-z]", text[s:e]):
        return None
    if (
        text[s:e].split()[0].lower() in {"that", "this", "there", "it", "what", "if", "when"}
        and text[s:e].lower() not in _PRONOUNS
    ):
        return None
    return s, e


def _trailing(text: str, s: int, e: int) -> QuoteSpan | None:
    m = _TRAILING.search(text, s, e)
    if not m or m.start() - s < 12:
        return None
    if m.group("a") is not None:
        src = _trim(text, m.start("a"), m.end("a"))
        cue = (m.start("cue"), m.end("cue"))
        if len(text[src[0] : src[1]].split()) > 8:
            return None
    else:
        src = _trim(text, m.start("b"), m.end("b"))
        cue = (m.start("cue2"), m.end("cue2"))
    content = _trim(text, s, (m.start("a") if m.group("a") is not None else m.start("cue2")))
    if _fronted(text[content[0] : content[1]]):
        return None  # "Despite the tests, its ambitions were barely mentioned": a scene, not what was said
    return QuoteSpan((content,), src, cue, _kind(text, (content,)))


_FRONTING = frozenset(
    "in on at after before despite during following since if when whenever although though because while as amid "
    "for with without by from under until unlike like among".split()
)


def _fronted(content: str) -> bool:
    """Tell whether content is one fronted adverbial phrase ("But in July 2012", "If you're in that situation")."""
    words = _SUBJECT_LEAD.sub("", content).split()
    return bool(words) and words[0].lower() in _FRONTING and "," not in content and not _QUOTED.search(content)


_NOT_SUBJECT_ENDS = _DETERMINERS | frozenset(
    "of is are was were be been being has have had to made make never not no".split()
)


def _inside(text: str, s: int, i: int) -> bool:
    piece = text[s:i]
    return piece.count("“") > piece.count("”") or piece.count('"') % 2 == 1


def _leading(text: str, s: int, e: int) -> QuoteSpan | None:
    for m in CUE.finditer(text, s, e):
        if _inside(text, s, m.start()):
            continue
        subject = _subject(text, s, m.start())
        if subject is None or text[subject[0] : subject[1]].split()[-1].lower() in _NOT_SUBJECT_ENDS:
            continue  # "his claims", "the secretary of state", "have been charged": not a speaker and a cue
        after = _TAIL_OBJECT.match(text, m.end(), e)
        c0 = after.end() if after else m.end()
        content = _trim(text, c0, e)
        if len(text[content[0] : content[1]].split()) < 3 or text[content[0] : content[1]].lower().startswith(
            "according"
        ):
            continue
        return QuoteSpan((content,), subject, (m.start(), m.end()), _kind(text, (content,)))
    return None


_PARENTHETICAL = re.compile(
    rf"(?P<a>[^,;“”\"]*?\w[^,;“”\"]*?),\s+(?P<src>he|she|they|we|I|it|(?:(?:the|a|an|his|her|their|its)\s+|"
    rf"(?=[A-Z]))[\w.'’-]+(?:\s+[\w.'’-]+){{0,4}}?)\s+{_AUX}(?P<cue>[a-z]+)(?:\s+[\w.'’-]+){{0,3}}?,"
    rf"\s+(?P<b>[^“”\"]*\w[^“”\"]*)"
)


def _parenthetical(text: str, s: int, e: int) -> QuoteSpan | None:
    """Return a statement its attribution interrupts: "All of this, he acknowledges, could be undone"."""
    m = _PARENTHETICAL.fullmatch(text, s, e)
    if m is None or len(m.group("b").split()) < 3 or cue_forms().get(m.group("cue"), ("", True))[1]:
        return None  # not a cue, or one that takes an object ("…, he criticized, …" is no aside)
    content = (_trim(text, m.start("a"), m.end("a")), _trim(text, m.start("b"), e))
    return QuoteSpan(content, (m.start("src"), m.end("src")), (m.start("cue"), m.end("cue")), "indirect")


def _according(text: str, s: int, e: int) -> QuoteSpan | None:
    m = _ACCORDING.search(text, s, e)
    if not m:
        return None
    src = (m.start("src"), m.end("src"))
    if m.start() - s < 3:
        content = _trim(text, m.end(), e)
    else:
        content = _trim(text, s, m.start())
    if len(text[content[0] : content[1]].split()) < 3:
        return None
    return QuoteSpan((content,), src, (m.start(), m.start() + len("according to")), _kind(text, (content,)))


def _dashed(text: str, s: int, e: int) -> QuoteSpan | None:
    m = _DASHED.search(text, s, e)
    if not m or not text[s:e].lstrip().startswith(("“", '"', "”")):
        return None
    content = _trim(text, s, m.start() + 1)
    return QuoteSpan((content,), (m.start("src"), m.end("src")), (m.start() + 1, m.start("src")), "direct")


def _introduced(text: str, previous: tuple[int, int] | None, s: int, e: int) -> QuoteSpan | None:
    """Return a quote-only sentence introduced by the sentence before ("Trump said:")."""
    if previous is None or not _is_quote_only(text, s, e):
        return None
    m = _COLON_CUE.search(text, previous[0], previous[1])
    if not m:
        return None
    subject = _subject(text, previous[0], m.start())
    return QuoteSpan((_trim(text, s, e),), subject, (m.start("cue"), m.end("cue")), "direct") if subject else None


_LABEL = re.compile(r"^[\"“]?(?P<src>[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}):[ \t]+(?P<c>\S[^\n]{10,})$", re.M)
_NOT_SPEAKERS = frozenset(
    "note update updated editor photo photos video watch read related source sources see "
    "correction disclosure warning q a by image credit".split()
)
_LINE_CUE = re.compile(
    rf"^(?P<lead>[^\n]{{1,200}}?)\s+(?P<cue>{_AUX}(?:{_CUES}))(?:\s+[\w.'’-]+){{0,6}}\s*:[ \t]*$", re.M
)


# a headline whose words after the colon are all a quotation: "A lesson from Loretta Lynch: ‘Be the voice …’"
_QUOTE_LABEL = re.compile(
    r"^(?P<src>[^\n:“”\"‘’]{3,80}?[A-Z][^\n:“”\"‘’]*?):[ \t]+(?P<c>[“\"‘'][^\n“”\"]{10,}?[”\"’'][.!?]?)[ \t]*$", re.M
)


def _labelled(text: str) -> list[QuoteSpan]:
    """Return the lines a name opens with a colon: headlines ("Pence: Trump Was ‘Mocking’ …"), transcripts."""
    out = []
    labels = {m.start(): m for m in _QUOTE_LABEL.finditer(text)} | {m.start(): m for m in _LABEL.finditer(text)}
    for m in labels.values():
        words = m.group("src").split()
        if words[0].lower().strip(".") in _NOT_SPEAKERS and len(words) <= 2:
            continue  # "Note:", "Photo credit:", "Q:"; but "A lesson from Loretta Lynch:" names a speaker
        content = _trim(text, m.start("c"), m.end("c"))
        out.append(
            QuoteSpan(
                (content,), (m.start("src"), m.end("src")), (m.end("src"), m.end("src") + 1), _kind(text, (content,))
            )
        )
    return out


def _paragraph_after(text: str) -> list[QuoteSpan]:
    """Return the paragraphs a line ending in "<speaker> <cue>:" introduces ("Limbaugh added:\n\nAnd from …")."""
    out = []
    for m in _LINE_CUE.finditer(text):
        start = m.end()
        while start < len(text) and text[start].isspace():
            start += 1
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        subject = _subject(text, m.start("lead"), m.end("lead") + 1)
        if subject is None or end - start < 10:
            continue
        content = _trim(text, start, end)
        out.append(QuoteSpan((content,), subject, (m.start("cue"), m.end("cue")), _kind(text, (content,))))
    return out


def _is_quote_only(text: str, s: int, e: int) -> bool:
    piece = text[s:e].strip()
    return bool(piece) and piece[0] in '“"' and bool(_QUOTED.fullmatch(piece.rstrip(".")))


_TITLE_WORD = re.compile(r"(?<![\w’'])([A-Z])([a-z][\w’'-]*)")


def _sentence_case(sentence: str, names: Counter[str]) -> str:
    """Return a Title Case headline in sentence case for the parser, same length ("Sanders Vows To Eliminate …"
    → "Sanders vows to eliminate …"); a word stays capitalised where the text writes it so elsewhere."""
    words = [w for w in _WORD.findall(sentence) if len(w) > 3]
    if len(words) < 4 or sum(w[0].isupper() for w in words) < 0.7 * len(words):
        return sentence
    return _TITLE_WORD.sub(
        lambda m: m.group() if m.start() == 0 or names.get(m.group(), 0) > 1 else m.group(1).lower() + m.group(2),
        sentence,
    )


def _has_cue(text: str, s: int, e: int) -> bool:
    """Tell whether text[s:e] holds a cue-verb form or "according to" (worth a parse)."""
    forms = cue_forms()
    if "ccording to" in text[s:e]:
        return True
    nouns = cue_nouns()
    previous = ""
    for m in _WORD.finditer(text, s, e):
        word = m.group().lower()
        if (
            word in forms or word in SEEM or word in STANCE
        ) and previous not in _DETERMINERS:  # "the report", "a call": nouns
            return True
        if word in nouns and previous in _POSSESSIVES:  # "Trump's claim", "her promise"
            return True
        previous = word
    return False


def _unsourced(text: str, s: int, subject: Span, complement: Span, cue: Span) -> QuoteSpan:
    content = (_trim(text, s + subject[0], s + subject[1]), _trim(text, s + complement[0], s + complement[1]))
    return QuoteSpan(content, None, (s + cue[0], s + cue[1]), _kind(text, content))


def _parsed(text: str, s: int, doc: Doc) -> list[QuoteSpan]:
    out = []
    found = reported_speech(doc)
    found += [f for f in stances(doc) if not any(o[0][0] <= f[2][0] < o[0][1] for o in found)]
    for (c0, c1), source, (k0, k1) in found:
        content = _trim(text, s + c0, s + c1)
        if content[1] <= content[0]:
            continue
        src = (s + source[0], s + source[1]) if source else None
        out.append(QuoteSpan((content,), src, (s + k0, s + k1), _kind(text, (content,))))
    return out


def _direct(text: str, before: tuple[int, int] | None, s: int, e: int) -> QuoteSpan | None:
    return _dashed(text, s, e) or _introduced(text, before, s, e) or _trailing(text, s, e)


def _overlaps(a: tuple[Span, ...], b: tuple[Span, ...]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _clash(new: QuoteSpan, old: QuoteSpan) -> bool:
    """Tell whether a parsed quote repeats one already found (same cue, or overlapping content)."""
    same_cue = new.cue is not None and old.cue is not None and _overlaps((new.cue,), (old.cue,))
    return same_cue or _overlaps(new.content, old.content)


def _inside_any(s: int, e: int, taken: list[Span]) -> bool:
    """Tell whether a direct quote's content covers most of text[s:e] (its parse adds nothing)."""
    return any(max(0, min(e, b) - max(s, a)) >= 0.6 * (e - s) for a, b in taken)


def _closing(text: str, q: QuoteSpan, end: int) -> bool:
    """Tell whether q's speaker and cue close its sentence, after what was said ("…, Schiff said.")."""
    if q.cue is None or q.source is None or q.cue[0] < q.content[-1][1]:
        return False
    return len(_WORD.findall(text[q.cue[1] : end])) <= 3


@dataclass(frozen=True, slots=True)
class _Prepared:
    """What a text's quote search finds before any parse: direct quotes, sentences, the sentences to parse."""

    marked: list[QuoteSpan]
    taken: list[Span]
    sentences: list[Span]
    wanted: list[Span]  # sentences with a cue word, to parse
    inputs: list[str]  # their text as the parser gets it


def _prepare(text: str, parsing: bool) -> _Prepared:
    marked = [QuoteSpan(content, source, cue, _kind(text, content)) for content, source, cue in direct_quotes(text)]
    taken = [(q.content[0][0], q.content[-1][1]) for q in marked]
    sentences = sentence_spans(text)
    wanted = [(s, e) for s, e in sentences if _has_cue(text, s, e) and not _inside_any(s, e, taken)] if parsing else []
    cased = Counter(w.group() for w in _WORD.finditer(text) if w.group()[:1].isupper()) if wanted else Counter()
    return _Prepared(marked, taken, sentences, wanted, [_sentence_case(text[s:e], cased) for s, e in wanted])


def find_quotes(text: str, parse: Parser | None = None) -> list[QuoteSpan]:
    """Return the quotes of text with the span of their source mention and cue; `parse` adds reported speech."""
    return find_quotes_many([text], parse)[0]


def find_quotes_many(texts: list[str], parse: Parser | None = None) -> list[list[QuoteSpan]]:
    """Return the quotes of each text, as find_quotes does, parsing the sentences of all texts in one stream
    (one parser call for many short documents runs faster than one call each)."""
    prepared = [_prepare(text, parse is not None) for text in texts]
    if parse is None:
        return [_find(text, p, {}) for text, p in zip(texts, prepared, strict=True)]
    stream = iter(parse([x for p in prepared for x in p.inputs]))
    out = []
    for text, p in zip(texts, prepared, strict=True):
        docs = {s: next(stream) for s, _ in p.wanted}
        out.append(_find(text, p, docs))
    return out


def _find(text: str, prepared: _Prepared, docs: dict[int, Doc]) -> list[QuoteSpan]:
    marked, taken, sentences = list(prepared.marked), prepared.taken, prepared.sentences
    out: list[QuoteSpan] = []
    unsourced: list[QuoteSpan] = []
    previous: tuple[QuoteSpan, int] | None = None
    before: tuple[int, int] | None = None
    for s, e in sentences:
        covered = any(a < e and s < b for a, b in taken)
        found = None if covered else _direct(text, before, s, e)
        parsed = _parsed(text, s, docs[s]) if s in docs else []
        if s in docs:
            extra = [_unsourced(text, s, *found) for found in unattributed(docs[s])]
            extra = [q for q in extra if not any(_clash(q, p) for p in parsed if p.source is not None)]
            unsourced.extend(extra)
            parsed.extend(extra)
        if parsed and found is not None and found.kind != "direct":
            found = None  # the parse reads reported speech better than the comma patterns
        if not covered and (aside := _parenthetical(text, s, e)) is not None:
            found = aside  # "The museum, Mr. Obama said, would …": the parse splits what the speaker joins
            parsed = [p for p in parsed if not _clash(p, aside)]
        near = [q for q in marked if q.content[0][0] < e + 200 and s - 200 < q.content[-1][1]]
        parsed = [p for p in parsed if not any(_clash(p, q) for q in [*near, *([found] if found else [])])]
        out.extend(parsed)
        if found is None and not parsed and not covered:
            found = _leading(text, s, e) or _according(text, s, e)
        before = (s, e)
        if covered or parsed:
            out.extend([found] if found else [])
            # "The administration may be reluctant …, Schiff said." and then a quote: the speaker goes on
            previous = (parsed[-1], e) if found is None and not covered and _closing(text, parsed[-1], e) else None
            continue
        if found is None and previous and _is_quote_only(text, s, e) and "\n" not in text[previous[1] : s]:
            prior = previous[0]  # a quote continued after ", she said."
            content = (*prior.content, _trim(text, s, e))
            out[-1] = QuoteSpan(content, prior.source, prior.cue, _kind(text, content))
            previous = (out[-1], e)
            continue
        if found is not None:
            out.append(found)
            previous = (found, e) if found.kind == "direct" else None
        else:
            previous = None
    # a statement whose speaker the sentence does not name is rarely reported speech ("to be elected", "rules")
    speakerless = {id(q) for q in unsourced}  # kept without a source on purpose
    named = [q for q in out if q.source is not None or q.kind == "direct" or id(q) in speakerless] + marked
    for block in (*_paragraph_after(text), *_labelled(text)):
        (b0, b1), inside = block.content[0], []
        for q in named:  # pieces of the block found sentence by sentence without a cue of their own give way
            if _overlaps(q.content, block.content):
                inside.append(q)
        if all(
            b0 <= q.content[0][0] and q.content[-1][1] <= b1 and (q.cue is None or not b0 <= q.cue[0] < b1)
            for q in inside
        ):
            named = [q for q in named if q not in inside] + [block]
    return sorted((_clean_source(text, q) for q in named), key=lambda q: q.content[0][0])


_SOURCE_LEAD = re.compile(
    r"(?:[^\n—–]{0,60}\([A-Z][\w ]{0,12}\)\s*[—–-]+\s*|"  # a dateline: "FLINT, Mich. (UPI) —"
    r"(?:in|on|at|after|before|during|following)\b[^,]{0,60},\s+|"
    r"(?:as|though|although|while|but|and|so|because|since|if|when|yet)\s+)+",
    re.I,
)


def _clean_source(text: str, q: QuoteSpan) -> QuoteSpan:
    """Return q without the scene-setting words that open its source ("In a statement, Peabody" → "Peabody")."""
    if q.source is None:
        return q
    lead = _SOURCE_LEAD.match(text, *q.source)
    if lead is None or lead.end() >= q.source[1]:
        return q
    return QuoteSpan(q.content, (lead.end(), q.source[1]), q.cue, q.kind)
