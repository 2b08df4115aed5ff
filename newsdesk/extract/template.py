"""Learning a site's template: the blocks that repeat across its pages (menus, promos, footers) are boilerplate."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SiteTemplate:
    """What newsdesk learned about one site: the fingerprints of blocks to strip, and from how many pages."""

    domain: str
    blocks: frozenset[str] = frozenset()
    pages_seen: int = 0
    samples: tuple[str, ...] = ()

    def strips(self, fingerprint: str) -> bool:
        """Return whether a block with this fingerprint is part of the site's template."""
        return fingerprint in self.blocks


def learn_template(
    domain: str,
    pages: Iterable[Iterable[str]],
    *,
    min_pages: int = 3,
    min_share: float = 0.5,
    min_words: int = 4,
) -> SiteTemplate:
    """Return the template of a site from the block fingerprints of several of its pages."""
    counts: Counter[str] = Counter()
    total = 0
    for prints in pages:
        total += 1
        counts.update(set(prints))
    if total < min_pages:
        return SiteTemplate(domain, frozenset(), total)
    # A block on most pages of a site is chrome; a rare repeat (a quote two stories share) is not.
    repeated = [fp for fp, n in counts.items() if n >= max(2, min_share * total) and len(fp.split()) >= min_words]
    repeated.sort(key=lambda fp: (-counts[fp], fp))
    return SiteTemplate(domain, frozenset(repeated), total, tuple(repeated[:20]))
