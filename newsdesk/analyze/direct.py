"""Direct quotes found from quotation marks: a quoted passage with a speaker and cue right before or after it."""

from __future__ import annotations

import re
from functools import lru_cache

from newsdesk.analyze.cues import cue_forms

Span = tuple[int, int]
Found = tuple[tuple[Span, ...], Span | None, Span]  # content pieces, source, cue

_QUOTED = re.compile(r"(?:(?<=^)|(?<=[\s(\[—―–-]))(?:“|\"|”|'')(?=\S)(?P<q>[^“”\"\n]+?)(?:”|\"|'')(?!\w)", re.M)
_EXTRA = (
    "asks",
    "asked",
    "asking",
    "continued",
    "continues",
    "demanded",
    "sings",
    "sang",
    "chanted",
    "chanting",
    "quipped",
    "shouted",
    "yelled",
    "yells",
    "reads",
    "read",
    "tweets",
    "tweeted",
    "exclaimed",
    "added",
    "adds",
    "concluded",
    "replied",
    "says",
    "said",
)
_ABBR = r"(?:(?<=Rep|Sen|Gov|Col|Mrs|Gen|Sgt|Inc)|(?<=Mr|Ms|Dr|Jr|Lt|St|Co)|(?<=\b[A-Z]))\."
_NAME = rf"(?:[^.!?;“”\"\n]|{_ABBR})"
_ADVERB = r"(?:(?:also|later|then|again|once|simply|just|recently|previously|\w+ly)\s+)?"


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    words = sorted(
        {w for w, (_, takes_object) in cue_forms().items() if not takes_object} | set(_EXTRA), key=len, reverse=True
    )
    cue = "(?:" + "|".join(map(re.escape, words)) + ")"
    after = re.compile(
        rf"^[\s,]*(?:[―—–-]\s*)?(?P<src>{_NAME}{{1,200}}?)\s+{_ADVERB}(?P<cue>{cue})\b"
        rf"|^[\s,]*(?P<cue2>{cue})\s+(?P<src2>(?:the\s+)?[A-Z](?:[^.!?;:“”\"\n]|{_ABBR}){{1,200}}?)(?=\s*[.,;:]|$)"
    )
    dash = re.compile(r"^\s*[―—–]\s*(?P<src>[A-Z][^\n“”\"]{1,80}?)\s*\.?\s*$", re.M)
    before = re.compile(rf"(?P<src>[^.!?;“”\"\n]{{1,100}})\s+{_ADVERB}(?P<cue>{cue})\b[^.!?;“”\"\n]{{0,40}}?[,:]?\s*$")
    return after, dash, before


def _trim_source(text: str, s: int, e: int) -> Span | None:
    piece = text[s:e]
    lead = re.match(r"\s*(?:(?:and|but|so|as|while|when|because|then|which|that)(?:\s+|$))*", piece, re.I)
    s += lead.end() if lead else 0
    while e > s and text[e - 1] in " ,":
        e -= 1
    last = re.search(r"\s+(\w+)$", text[s:e])
    if last and last.group(1).lower() in cue_forms():
        e = s + last.start()  # "the minister said, adding, “…”": the speaker is "the minister"
    words = text[s:e].split()
    if not words or len(words) > 35:
        return None
    return s, e


_CLAUSE_OPENERS = frozenset("that his her their its the a an he she they it we i there this these those".split())


def _closes_clause(rest: str) -> bool:
    """Tell whether a cue after a quote ends its clause ("…,” he said on Monday.") rather than opening one
    ("“Fox News Sunday,” Pence said his running mate …": the quote was a title, the statement follows)."""
    words = re.split(r"[.!?;,“\"]", rest, maxsplit=1)[0].split()
    return len(words) <= 3 or words[0].lower() not in _CLAUSE_OPENERS


def _piece(m: re.Match[str]) -> Span:
    return m.start(), m.end()


def _partial(text: str, cue_end: int, m: re.Match[str], end_para: int) -> Span:
    """Return the content around a quote a cue introduces: words before it ("X says Y is a “…”") and after it."""
    start, end = m.start(), m.end()
    lead = text[cue_end : m.start()]
    if re.search(r"\w", re.sub(r"^\W*(?:that\b)?", "", lead)) and not re.search(r"[.!?;]", lead):
        start = cue_end + len(lead) - len(lead.lstrip(" ,:"))
    rest = re.match(r"[^.!?;“”\"\n]*", text[m.end() : end_para])
    ended = m.group("q").rstrip(" ’'‘")[-1:] in ".?!…"
    if rest and not ended and re.search(r"\w", rest.group()) and not _patterns()[0].match(text[m.end() : end_para]):
        end = m.end() + len(rest.group().rstrip(" ,"))
    return start, end


# a participle cue right before the next quotation gives it a statement of its own: "…,” she said, adding, “…”"
_PARTICIPLE_END = re.compile(r"\b(\w+ing)(?:\s+\w+){0,2}\s*[,:]\s*$")

_SENTENCE_START = re.compile(r"(?:^|[.!?][”\"’']*\s+|\n)(?=[^.!?\n]*$)")


def _lead_in(text: str, m: re.Match[str]) -> Span:
    """Return the quote with the unquoted words that open its sentence ("Not paying taxes “makes me smart,”")."""
    start_para = text.rfind("\n", 0, m.start()) + 1
    head = text[start_para : m.start()]
    opening = _SENTENCE_START.search(head)
    lead = head[opening.end() :] if opening else ""
    if not re.search(r"\w", lead) or re.search(r"[“”\":;]|''", lead):
        return _piece(m)
    forms = cue_forms()
    if any(w.lower() in forms for w in re.findall(r"[\w’'-]+", lead)):
        return _piece(m)  # "Acts of protest, Mr. Obama said, are …": the words before have a speaker of their own
    return start_para + opening.end(), m.end()


def direct_quotes(text: str) -> list[Found]:
    """Return the direct quotes of text whose speaker and cue stand right next to the quoted passage."""
    after, dash, before = _patterns()
    forms = cue_forms()
    out: list[Found] = []
    quotes = list(_QUOTED.finditer(text))
    used: set[int] = set()
    for k, m in enumerate(quotes):
        if k in used or len(m.group("q").split()) < 2:
            continue
        end_para = text.find("\n", m.end())
        end_para = len(text) if end_para < 0 else end_para
        tail = text[m.end() : end_para]
        pieces = [_piece(m)]
        found = None
        closed = m.group("q").rstrip(" ’'‘")[-1:] in ",.?!…—–-" or tail[:1] == ","
        # '“… for him.” She says …': the next sentence speaks; this quote's cue stands before it
        ended = m.group("q").rstrip(" ’'‘")[-1:] == "." and re.match(r"\s+[A-Z]", tail) is not None
        if (
            closed
            and not ended
            and (a := after.match(tail))
            and not any(ch in tail[: a.end()] for ch in '“”"')
            and _closes_clause(tail[a.end() :])
        ):
            if a.group("cue"):
                src = _trim_source(text, m.end() + a.start("src"), m.end() + a.end("src"))
                cue = (m.end() + a.start("cue"), m.end() + a.end("cue"))
            else:
                src = _trim_source(text, m.end() + a.start("src2"), m.end() + a.end("src2"))
                cue = (m.end() + a.start("cue2"), m.end() + a.end("cue2"))
            if src is not None:
                found = (src, cue)
                pieces = [_lead_in(text, m)]
                rest = m.end() + a.end()
                nxt = quotes[k + 1] if k + 1 < len(quotes) else None
                gap = text[rest : nxt.start()] if nxt else ""
                if (
                    nxt
                    and nxt.start() < end_para
                    and re.fullmatch(r"[^“”\"\n]{0,200}?[.,:]\s*", gap)
                    and not after.match(text[nxt.end() : end_para] or " ")
                    and not ((p := _PARTICIPLE_END.search(gap)) and p.group(1).lower() in forms)
                ):
                    pieces.append(_piece(nxt))  # "…,” she said. “…”
                    used.add(k + 1)
        elif (d := dash.match(tail)) and text[m.start()] in '“"”':
            base = m.end()
            found = ((base + d.start("src"), base + d.end("src")), (base + d.start(), base + d.start("src")))
        else:
            start_para = text.rfind("\n", 0, m.start()) + 1
            head = text[start_para : m.start()]
            cut = max(head.rfind(". "), head.rfind("? "), head.rfind("! "), head.rfind("” "))
            b = before.search(head, cut + 1 if cut >= 0 else 0)
            introduced = head.rstrip()[-1:] in ",:" or (closed and len(m.group("q").split()) >= 5)
            if b and introduced and not any(ch in head[b.start() :] for ch in '“”"'):
                src = _trim_source(text, start_para + b.start("src"), start_para + b.end("src"))
                if src is not None:
                    cue_end = start_para + b.end("cue")
                    found = (src, (start_para + b.start("cue"), cue_end))
                    pieces = [_partial(text, cue_end, m, end_para)]
        if found is not None:
            out.append((tuple(pieces), found[0], found[1]))
    return out
