"""Reported speech from a dependency parse: cue verb, its subject as source, its clause as content."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from newsdesk.analyze.cues import cue_forms, cue_nouns

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

Span = tuple[int, int]
Found = tuple[Span, Span | None, Span]  # content, source, cue (offsets into the parsed text)


@lru_cache(maxsize=8)
def _hashes(kind: str) -> frozenset[int]:
    from spacy.strings import hash_string

    words = {
        "according": frozenset(("according",)),
        "forms": frozenset(cue_forms()),
        "nouns": cue_nouns(),
        "passive": frozenset(cue_forms()) | SEEM,
        "stance": STANCE,
    }[kind]
    return frozenset(hash_string(w) for w in words)


def _tokens(doc: Doc, kind: str) -> list[Token]:
    """Return the tokens of doc whose lower-case form is a word of `kind`, without building the others (a sentence's
    Token objects cost more than its rules when every pass walks them all)."""
    from spacy.attrs import LOWER

    wanted = _hashes(kind)
    return [doc[i] for i, h in enumerate(doc.to_array(LOWER).tolist()) if h in wanted]


_SUBJECTS = ("nsubj", "csubj")
_CLAUSES = ("ccomp", "xcomp")
_OBJECTS = ("dobj",)
_PREPS = frozenset(("for", "against", "about", "of", "on"))
_TO = frozenset(("to",))
_TO_VERBS = frozenset(("point", "respond", "refer", "allude", "object", "talk", "speak"))  # "pointed to reports …"
_SKIP_HEADS = ("amod", "compound", "acl")  # "the so-called ...", "a promised tax cut": adjectives, not speech


def _extent(tokens: list[Token]) -> Span:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _subtree(token: Token, stop: Token | None = None) -> Span:
    """Return the character span of token's subtree, cut before `stop` when stop lies inside it."""
    toks = [t for t in token.subtree if not (stop is not None and t.i >= stop.i > token.i)]
    while toks and toks[-1].is_punct:
        toks.pop()
    while toks and toks[0].is_punct:
        toks.pop(0)
    return _extent(toks) if toks else (token.idx, token.idx + len(token.text))


# prepositions that set the scene of the speaking ("during the debate", "in a statement"), not what was said
_SETTING = frozenset("during after before since at in on with amid while following at through".split())
_ASIDES = frozenset(("relcl", "advcl", "conj", "appos", "acl", "npadvmod"))


# cues of attitude and action: conjoined inside a statement ("say he posed a threat and refused to drop the gun")
# they go on with it, where a conjoined speech verb with a clause or an object opens a second statement
_NOT_SPEECH = frozenset(
    "refuse decline continue want plan hope expect fear worry know feel think believe understand learn realize "
    "suspect intend decide consider remember imagine envision anticipate prefer doubt assume find show prove "
    "support back oppose release offer sign rule determine demonstrate calculate reason favor favour admire "
    "despise detest resent regret view regard".split()
)


def _clause(head: Token) -> Span:
    """Return the span of a content clause, cut before a comma that opens an aside ("…, which forced her …")."""
    start, end = _subtree(head)
    forms = cue_forms()
    for tok in head.subtree:
        if (
            tok.dep_ == "conj"
            and tok.lower_ in forms
            and tok.tag_.startswith("VB")
            and tok.i > head.i
            and (forms[tok.lower_][0] not in _NOT_SPEECH or any(c.dep_ == "ccomp" for c in tok.children))
        ):
            cut = tok.i  # "said the country would leave and suggested it would …": a second statement
            while cut > head.i + 1 and (tok.doc[cut - 1].dep_ == "cc" or tok.doc[cut - 1].is_punct):
                cut -= 1
            last = tok.doc[cut - 1]
            return start, max(start, min(end, last.idx + len(last.text)))
        clause = tok.dep_ != "conj" or any(c.dep_ in _SUBJECTS for c in tok.children)  # not a list: a new clause
        if tok.dep_ in _ASIDES and clause and tok.i > head.i:
            edge = tok.left_edge.i
            if edge > 0 and tok.doc[edge - 1].text in (",", "—", "–", "--") and tok.doc[edge - 1].idx > start:
                return start, min(end, tok.doc[edge - 1].idx)
    return start, end


def _mention(subject: Token, verb: Token) -> Span:
    """Return the subject's words before the verb, without its relative or participle clauses."""
    clauses = {t.i for c in subject.children if c.dep_ in ("relcl", "acl") for t in c.subtree}
    toks = [t for t in subject.subtree if t.i < verb.i and t.i not in clauses]
    while toks and (toks[-1].is_punct or toks[-1].dep_ == "cc"):
        toks.pop()
    toks = [t for t in toks if t.i >= toks[0].i] if toks else []
    return _extent(toks) if toks else (subject.idx, subject.idx + len(subject.text))


def _outer_cue(clause: Token) -> Token:
    """Return the outermost cue verb whose reported clauses hold `clause`, or `clause` itself without one."""
    node, found = clause, clause
    while node.dep_ in ("ccomp", "xcomp") and node.head.i != node.i:
        node = node.head
        if node.lower_ in cue_forms():
            found = node
    return found


def _source(verb: Token) -> Span | None:
    """Return the span of the subject of verb, borrowed from the governing verb for participles and conjuncts."""
    node = verb
    for _ in range(6):
        subjects = [c for c in node.children if c.dep_ in _SUBJECTS]
        if subjects:
            subj = subjects[0]
            return _mention(subj, verb) if subj.i < verb.i else (subj.idx, subj.idx + len(subj.text))
        if node.dep_ == "pcomp" and node.head.dep_ == "prep" and node.head.head.i != node.head.i:
            node = node.head.head  # "began by saying he would …", "steering clear of criticizing …"
            continue
        if node.dep_ in ("advcl", "conj", "xcomp", "acomp") and node.head.i != node.i:
            head = node.head
            if node.dep_ == "conj" and head.dep_ == "ccomp" and head.head.lower_ in cue_forms():
                head = head.head  # "May said the country would leave and suggested …": a second statement of May's
            if node.dep_ == "advcl" and node.tag_ == "VBG" and head.dep_ == "ccomp":
                head = _outer_cue(head)  # "Clinton told them she believes …, saying …": Clinton says it, not "she"
            node = head
            continue
        if node.dep_ == "relcl":
            head = node.head
            return head.idx, head.idx + len(head.text)
        break
    return None


def _noun_before(verb: Token) -> Span | None:
    """Return the name or pronoun right before a verb the parse gave no subject ("… the Washington Post Trump said")."""
    j = verb.i - 1
    while j >= 0 and verb.doc[j].dep_ in ("aux", "neg", "advmod"):
        j -= 1
    if j < 0 or verb.doc[j].tag_ not in ("NNP", "NNPS", "PRP"):
        return None
    start = j
    while start > 0 and verb.doc[start - 1].tag_ in ("NNP", "NNPS") and verb.doc[j].tag_ != "PRP":
        start -= 1
    return _extent([verb.doc[start], verb.doc[j]])


# cues whose object is whom they address ("told his supporters", "urged voters"), not what they say
_ADDRESSEE = frozenset(
    "tell ask remind inform assure reassure urge advise persuade convince press lobby beg implore".split()
)
_PEOPLE = frozenset(
    "people voters supporters reporters audience crowd members officials colleagues lawmakers followers fans "
    "students parents donors readers listeners viewers delegates residents americans citizens".split()
)


def _person(token: Token) -> bool:
    """Tell whether an object names whom a cue addresses: a pronoun, a name or a group of people."""
    return token.tag_ in ("PRP", "NNP", "NNPS") or token.lower_ in _PEOPLE


def _content(verb: Token, with_object: bool, lemma: str = "") -> Token | None:
    for dep in _CLAUSES:
        found = [c for c in verb.children if c.dep_ == dep]
        if found:  # "It's unlikely; the team says she'll continue": the clause after the cue is what is said
            return ([c for c in found if c.i > verb.i] or found)[0]
    for c in verb.rights:  # "reported at the time that …": the parse hangs a "that" clause on as an adverbial
        if c.dep_ == "advcl" and c.left_edge.lower_ == "that":
            return c
    if with_object:
        found = [c for c in verb.children if c.dep_ in _OBJECTS and not (lemma in _ADDRESSEE and _person(c))]
        if found:
            return found[0]
    for prep in verb.rights:  # "called for more investment", "railed against super PACs"
        preps = _PREPS | _TO if lemma in _TO_VERBS else _PREPS
        if prep.dep_ == "prep" and prep.lower_ in preps and prep.i <= verb.i + 2:
            objects = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
            return objects[0] if objects else None
    return None


def _according(doc: Doc) -> list[Found]:
    out = []
    for tok in _tokens(doc, "according"):
        if tok.lower_ != "according" or tok.i + 2 >= len(doc) or doc[tok.i + 1].lower_ != "to":
            continue
        objects = [c for c in doc[tok.i + 1].children if c.dep_ == "pobj"]
        if not objects:
            continue
        source = _subtree(objects[0])
        phrase = _subtree(tok)
        rest = [t for t in doc if not (phrase[0] <= t.idx < phrase[1]) and not t.is_punct and not t.is_space]
        if len(rest) < 3:
            continue
        left = [t for t in rest if t.idx < phrase[0]]
        right = [t for t in rest if t.idx >= phrase[1]]
        part = right if len(right) >= len(left) else left
        out.append((_extent(part), source, (tok.idx, doc[tok.i + 1].idx + 2)))
    return out


def _passive(verb: Token) -> Found | None:
    """Return the statement of a passive cue with its agent: "The issue was first reported by The Post"."""
    agents = [o for c in verb.children if c.dep_ == "agent" for o in c.children if o.dep_ == "pobj"]
    subjects = [c for c in verb.children if c.dep_ == "nsubjpass"]
    if not agents or not subjects or subjects[0].lower_ in ("it", "this", "that"):
        return None
    return _subtree(subjects[0]), _subtree(agents[0]), (verb.idx, verb.idx + len(verb.text))


def _as_aside(verb: Token) -> Found | None:
    """Return the statement an "as" clause attributes: "As many tax experts have pointed out, Mr. Trump is free …"."""
    head = verb.head
    marked = any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
    if verb.dep_ != "advcl" or head.i <= verb.i or not marked:
        return None
    rest = [t for t in head.subtree if t.i > verb.right_edge.i]
    while rest and rest[0].is_punct:
        rest.pop(0)
    while rest and rest[-1].is_punct:
        rest.pop()
    source = _source(verb)
    if len(rest) < 3 or source is None:
        return None
    return _extent(rest), source, (verb.idx, verb.idx + len(verb.text))


_COLON_QUOTE = re.compile(r"\s*:\s*(?:“[^”]+”|\"[^\"]+\")")


def _with_quote(text: str, content: Span) -> Span:
    """Return content with the quotation a colon hangs on it ("said she has the quality: “Steadiness …”")."""
    m = _COLON_QUOTE.match(text, content[1])
    return (content[0], m.end()) if m else content


def _quoted(text: str, i: int) -> bool:
    """Tell whether position i of text lies inside quotation marks."""
    piece = text[:i]
    return piece.count("“") > piece.count("”") or piece.count('"') % 2 == 1 or piece.count("''") % 2 == 1


# verbs that name or class what they report ("called Oz a quack", "labeled it a hoax"): all that follows is said
_NAMING = frozenset(("call", "label", "dub", "brand", "term", "deem", "declare"))


def _naming_end(verb: Token, obj: Token) -> int:
    """Return where the naming after `verb`'s object ends: its complement with every modifier, up to a new clause."""
    end = _subtree(obj)[1]
    for c in verb.rights:
        if c.i <= obj.i or c.is_punct or c.dep_ in ("cc", "conj"):
            continue
        edge = c.left_edge.i
        marked = any(g.dep_ == "mark" for g in c.children)
        if c.dep_ in ("advcl", "npadvmod") and (marked or (edge > 0 and c.doc[edge - 1].text == ",")):
            break  # "…, saying …", "… because they felt …": a new clause
        end = max(end, _subtree(c)[1])
    return end


def _complement(noun: Token) -> Span | None:
    """Return the span of what a nominal cue reports: its "that"/"to" clause or its object after about/of/on/…"""
    for c in noun.rights:
        if c.dep_ in ("acl", "ccomp", "relcl") and any(
            g.dep_ in ("mark", "aux") and g.lower_ in ("that", "to") and g.i < c.i for g in c.children
        ):
            return _subtree(c)
        objects = [g for g in c.children if g.dep_ in ("pobj", "pcomp")]
        if c.dep_ == "prep" and c.lower_ in _PREPS and objects:
            return _subtree(objects[0])[0], _subtree(c)[1]
    return None


def _nominal(doc: Doc) -> list[Found]:
    """Return what a possessor's nominal cue reports: "Trump's claim that …", "her promise to …", "his attacks on …"."""
    nouns = cue_nouns()
    out = []
    for tok in _tokens(doc, "nouns"):
        if tok.lower_ not in nouns or not tok.tag_.startswith("NN") or _quoted(doc.text, tok.idx):
            continue
        owners = [c for c in tok.children if c.dep_ == "poss"]
        content = _complement(tok) if owners else None
        if content is None:
            continue
        owner = [t for t in owners[0].subtree if t.dep_ != "case"]  # "Trump's" → "Trump"
        out.append((content, _extent(owner), (tok.idx, tok.idx + len(tok.text))))
    return out


def reported_speech(doc: Doc) -> list[Found]:
    """Return (content, source, cue) of each reported statement of a parsed sentence."""
    forms = cue_forms()
    out: list[Found] = []
    for tok in _tokens(doc, "forms"):
        entry = forms.get(tok.lower_)
        if entry is None or not tok.tag_.startswith("VB") or tok.dep_ in _SKIP_HEADS or _quoted(doc.text, tok.idx):
            continue
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children):
            if (passive := _passive(tok)) is not None:
                out.append(passive)
            continue
        # "stressed the need to …", "is promising lower taxes": in news, clause verbs take what is said as an object too
        clause = _content(tok, True, entry[0])
        if clause is None:
            if (aside := _as_aside(tok)) is not None:
                out.append(aside)
            continue
        content = _clause(clause)
        addressee = [c for c in tok.children if c.dep_ == "dobj" and c.i < clause.i] if clause.dep_ == "xcomp" else []
        if addressee:  # "urged fellow Republicans to unendorse Trump": whom the request goes to is part of it
            content = (_subtree(addressee[0])[0], content[1])
        if clause.dep_ != "ccomp":  # "cited remarks … as examples of …": the object runs on with the verb's modifiers
            tail = [
                c
                for c in tok.rights
                if c.i > clause.i
                and c.dep_ not in ("advcl", "conj", "cc", "punct", "ccomp", "npadvmod", "advmod")
                and c.lower_ not in _SETTING
            ]
            if tail:
                content = (content[0], max(content[1], _subtree(tail[-1])[1]))
            complement = any(c.dep_ == "oprd" for c in tok.children) or any(c.dep_ == "appos" for c in clause.children)
            if entry[0] in _NAMING and clause.dep_ == "dobj" and complement:
                content = (content[0], max(content[1], _naming_end(tok, clause)))
        words = [t for t in clause.subtree if not t.is_punct]
        named = clause.dep_ == "dobj" and clause.tag_ in ("NNP", "NNPS", "PRP")  # "endorsed Clinton", "cited it"
        verbless = clause.dep_ == "ccomp" and not any(t.tag_.startswith(("VB", "MD")) for t in words)
        if (len(words) < 2 and not named) or verbless:
            continue  # a clause without a verb is a misparse ("In an essay last week, she acknowledged …")
        particles = [c for c in tok.children if c.dep_ == "prt"]
        if entry[0] == "point" and not particles and clause.head.lower_ != "to":
            continue
        cue_end = particles[0] if particles else tok
        source = _source(tok) or _noun_before(tok)
        after = [t for t in doc[cue_end.i + 1 :] if not t.is_punct]
        if content[1] <= tok.idx and (source is None or content[0] <= source[0] < content[1]) and len(after) >= 4:
            source, content = content, _extent(after)  # "Jane Roe, a lawyer, said the plan fails": a misparse
        out.append((_with_quote(doc.text, content), source, (tok.idx, cue_end.idx + len(cue_end.text))))
    # "X said Y doubted Z": the inner cue belongs to the outer statement's content
    out = [f for f in out if not any(o is not f and o[0][0] <= f[2][0] < o[0][1] for o in out)]
    # "Police have said they …, according to the family's lawyers": a trailing "according to" scopes over the whole
    # clause, inner cue and all; placed before the cue ("according to AFP, Iwaya pointed out …") it only passes it on
    out += [n for n in _nominal(doc) if not any(o[0][0] <= n[2][0] < o[0][1] for o in out)]  # not inside a statement
    according = [a for a in _according(doc) if not any(a[2][0] < a[0][0] <= cue[0] < a[0][1] for _, _, cue in out)]
    return according + [f for f in out if not any(a[0][0] <= f[2][0] < a[0][1] for a in according)]


_PASSIVE_COMPLEMENTS = frozenset(("xcomp", "oprd", "ccomp"))
_PASSIVE_PREPS = frozenset(("as", "of", "for", "with"))
_EXPLETIVES = frozenset(("it", "there", "this", "what", "whatever"))


def unattributed(doc: Doc) -> list[tuple[Span, Span, Span]]:
    """Return (subject, complement, cue) of each statement a passive cue reports without saying who made it
    ("He was accused of …", "The vote is expected to …", "Pence was dubbed the winner")."""
    forms = cue_forms()
    out: list[tuple[Span, Span, Span]] = []
    for tok in _tokens(doc, "passive"):
        if tok.lower_ in SEEM and not _quoted(doc.text, tok.idx):
            if (seeming := _seeming(tok)) is not None:
                out.append(seeming)
            continue
        if tok.lower_ not in forms or tok.tag_ != "VBN" or _quoted(doc.text, tok.idx):
            continue
        subjects = [c for c in tok.children if c.dep_ == "nsubjpass" and c.i < tok.i]
        if not subjects or subjects[0].lower_ in _EXPLETIVES or any(c.dep_ == "agent" for c in tok.children):
            continue
        complements = [c for c in tok.rights if c.dep_ in _PASSIVE_COMPLEMENTS] or [
            c
            for c in tok.rights
            if c.dep_ == "prep" and c.lower_ in _PASSIVE_PREPS and any(g.dep_ in ("pobj", "pcomp") for g in c.children)
        ]
        if not complements or not any(c.dep_ == "auxpass" for c in tok.children):
            continue
        complement = _subtree(complements[0])
        out.append((_mention(subjects[0], tok), complement, (tok.idx, tok.idx + len(tok.text))))
    return out


# "seem" states an impression whose holder the sentence does not name: attribution corpora (PolNeAR) count it
SEEM = frozenset(("seem", "seems", "seemed"))


def _seeming(verb: Token) -> tuple[Span, Span, Span] | None:
    """Return (subject, complement, cue) of "X seems (to be) Y": "Melania seems to have vanished from …"."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i]
    complements = [c for c in verb.rights if c.dep_ in ("xcomp", "acomp", "attr", "oprd")]
    if not subjects or not complements or subjects[0].lower_ in _EXPLETIVES:
        return None
    if any(c.dep_ == "prep" and c.lower_ == "to" for c in (*verb.children, *complements[0].children)):
        return None  # "seems credible to me": it says whose impression
    return _mention(subjects[0], verb), _subtree(complements[0]), (verb.idx, verb.idx + len(verb.text))


# adjectives of belief and feeling that report a clause ("she was sure Trump would win", "Protesters were frustrated
# that …"): attribution corpora count beliefs as attributions, their holder being the copula's subject
STANCE = frozenset(
    "sure certain confident convinced worried concerned afraid hopeful optimistic skeptical sceptical adamant "
    "frustrated angry upset disappointed pleased glad critical supportive wary pessimistic vague coy passionate "
    "enthusiastic".split()
)
_STANCE_PREPS = frozenset(("about", "of", "over"))


def stances(doc: Doc) -> list[Found]:
    """Return (content, source, cue) of each belief an adjective reports: "Many Democrats are afraid that …"."""
    out: list[Found] = []
    for tok in _tokens(doc, "stance"):
        if tok.lower_ not in STANCE or tok.dep_ != "acomp" or _quoted(doc.text, tok.idx):
            continue
        clauses = [c for c in tok.children if c.dep_ == "ccomp"] or [
            c for c in tok.head.children if c.dep_ == "ccomp" and c.i > tok.i
        ]
        objects = [
            o
            for c in tok.rights
            if c.dep_ == "prep" and c.lower_ in _STANCE_PREPS
            for o in c.children
            if o.dep_ in ("pobj", "pcomp") and o.tag_ not in ("PRP", "DT", "WDT")  # not "proud of her", "of that"
        ]
        source = _source(tok.head)
        if source is None or not (clauses or objects):
            continue
        content = _clause(clauses[0]) if clauses else _subtree(objects[0])  # "was critical of the plan"
        out.append((content, source, (tok.idx, tok.idx + len(tok.text))))
    return out
