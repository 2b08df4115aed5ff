"""The lead (standfirst or first paragraph) and the subheadings of an extracted body."""

from __future__ import annotations

from newsdesk.extract.blocks import same_text
from newsdesk.extract.body import Body
from newsdesk.extract.meta import PageMeta, ld_text


def lead_of(text: str, meta: PageMeta) -> str:
    """Return the article's lead: the declared description when the body opens with it, else the first paragraph."""
    first = text.split("\n", 1)[0].strip()
    description = ld_text(meta.ld.get("description")) or meta.first("og:description", "description")
    if description and (same_text(description, first) or description[:60] in text[:1000]):
        return description
    return first if 0 < len(first) < 500 else ""


def subheadings_of(body: Body) -> tuple[str, ...]:
    """Return the headings kept inside the body."""
    kept = {d.text for d in body.decisions if d.kept}
    if body.document is None or body.document.body is None:
        return ()
    heads = (" ".join("".join(h.itertext()).split()) for h in body.document.body.iter("head"))
    return tuple(h for h in heads if h and h in kept)
