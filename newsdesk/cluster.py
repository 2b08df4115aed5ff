"""Streaming story clustering: each arriving article joins the most similar active story or starts one.

An article is a TF-IDF vector of stemmed words (title counted twice, entities added as terms, IDF damped);
its similarity to a story is the mean cosine to the story's members, which equals the dot product
with the sum of their unit vectors, so a story costs one sparse vector whatever its size. A story that
gains an article also takes in the candidate stories whose members' mean cosine to its own passes the same
threshold (group-average linkage), so two stories begun apart join once they turn out to be one.
Stories that stay quiet longer than the window leave the index, which bounds memory by the
active time window; similarity decays with the time since a story's last article.

Similarity is corrected for hubness, as CSLS does for nearest neighbours: each article keeps its local density,
its mean cosine to its nearest articles so far (updated as later ones arrive), and an article-to-story similarity
loses half the density above the running mean of the article and of the story's members. An article on a crowded
topic (one more Trump or COVID story) then needs more in common with a story to join it than one whose nearest
articles are far; measured against the running mean, the correction is the same early in a stream, when every
density is still low, as later. Each new article is compared with the earlier ones sharing the most heavy terms
(at most density_compared), so the cost per article stays bounded.

Dev stories (bench/stories.py), BCubed F1: 0.778 before; with the density correction 0.800, with damped IDF too
0.811, with story-to-story merging 0.816 (P 0.904, R 0.743).

When the static sentence-embedding model is built (newsdesk.embed), the similarity mixes in the mean
embedding cosine to the story's members, again one dense sum per story, minus the article's mean cosine to
all articles seen (so a topic-neutral offset of the static model does not count as similarity).
Without the model the clusterer logs it once and uses TF-IDF alone.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np

from newsdesk.embed import Encoder, load_encoder
from newsdesk.model import Article
from newsdesk.neighbours import NeighbourIndex, cosine

_WORD = re.compile(r"[^\W\d_][\w'’]*|\d[\d,.]*\d|\d")
_SUFFIXES = ("ies", "es", "s", "ed", "ing", "ly")
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own said same says she should so some such than
    that the their theirs them themselves then there these they this those through to too under until up very was
    we were what when where which while who whom why will with would you your yours yourself yourselves new one
    two us mr ms mrs""".split()
)

Vector = dict[str, float]


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterOptions:
    """Thresholds, weights and the time window of story clustering."""

    threshold: float = 0.30  # mean cosine to a story's members (density-corrected) needed to join it
    merge_threshold: float = 0.45  # a second story this close to the article is the same story
    # a story that gains an article also takes in a candidate story whose members' mean cosine to its own
    # (density-corrected, TF-IDF only) reaches this: group-average linkage (dev BCubed F1 0.811 -> 0.816)
    story_merge_threshold: float = 0.30
    title_weight: float = 2.0
    # a term weighs tf × idf ** idf_power: damped, the words of one article alone (a typo, a quoted name) weigh
    # less against the words it shares with other coverage; 0.7 gave dev BCubed F1 0.811, 1.0 gave 0.800
    idf_power: float = 0.7
    entity_weight: float = 1.5
    window_hours: float = 72.0  # a story with no article for this long is closed
    half_life_hours: float = 48.0  # similarity halves per this much time since the story's last article
    lookup_terms: int = 12  # an article's heaviest terms used to find candidate stories
    shortlist: int = 20  # candidate stories scored in full
    story_terms: int = 400  # terms kept in a story's summed vector
    idf_window: int = 100_000  # articles per document-frequency generation; two are kept
    # hubness correction: the share of (density - mean density) of article and story taken off the similarity
    density_weight: float = 1.0
    density_neighbours: int = 5  # an article's density is its mean cosine to this many nearest articles
    density_compared: int = 50  # earlier articles sharing the most heavy terms that a new one is compared with
    density_per_term: int = 200  # newest articles kept per heavy term to find those
    # the correction grows in as articles arrive (weight × n / (n + this)): among the first few articles, each
    # with one or no neighbour yet, a density says little about the topic's crowding
    density_warmup: int = 100
    # share of the embedding cosine in the similarity; 0 = TF-IDF only. Off by default: with the static model,
    # 0.15 scored dev BCubed F1 0.815 against 0.816 for TF-IDF alone, at a third of the speed
    embed_weight: float = 0.0
    embed_shortlist: int = 10  # candidate stories added by embedding cosine alone
    embed_chars: int = 1000  # characters of title and text encoded


@dataclass(frozen=True, slots=True)
class ClusterDoc:
    """What clustering reads of an article."""

    key: int
    title: str
    text: str
    published: datetime | None = None
    entities: tuple[str, ...] = ()
    embedding: np.ndarray | None = field(default=None, compare=False)  # unit vector; encoded on add when None


@dataclass(slots=True)
class _Story:
    id: int
    total: Vector
    size: int
    last: float | None
    members: list[int] = field(default_factory=list)
    row: int = -1  # the story's row in the clusterer's embedding sums, -1 without embeddings
    density: float = 0.0  # sum of the members' densities


def stem(word: str) -> str:
    """Return word without a common English inflection suffix (a light, fast stemmer)."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    """Return the stemmed content words of text, without stop words."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).replace("’", "'")
    out = []
    for word in _WORD.findall(text.lower()):
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) > 1 and word not in STOP_WORDS:
            out.append(stem(word.replace("'", "")))
    return out


class DocumentFrequency:
    """Document frequencies over a sliding window of articles (two generations kept)."""

    def __init__(self, window: int) -> None:
        self.window = window
        self._current: dict[str, int] = {}
        self._previous: dict[str, int] = {}
        self._count = 0
        self._previous_count = 0

    def add(self, words: Iterable[str]) -> None:
        """Count one document's distinct words."""
        if self._count >= self.window:
            self._previous, self._previous_count = self._current, self._count
            self._current, self._count = {}, 0
        self._count += 1
        for word in words:
            self._current[word] = self._current.get(word, 0) + 1

    def idf(self, word: str) -> float:
        """Return the smoothed inverse document frequency of word."""
        df = self._current.get(word, 0) + self._previous.get(word, 0)
        return math.log((self._count + self._previous_count + 1) / (df + 1)) + 1.0


class _EmbeddingSums:
    """Each open story's sum of member embeddings, one row of a matrix, so one product scores every story."""

    def __init__(self, dim: int, window: int) -> None:
        self.sums = np.zeros((64, dim), dtype=np.float32)
        self.sizes = np.zeros(64, dtype=np.float32)  # 0 marks a free row
        self.story = np.full(64, -1, dtype=np.int64)
        self.free: list[int] = []
        self.used = 0
        self.mean = np.zeros(dim, dtype=np.float32)  # running mean of the embeddings seen
        self.seen = 0
        self.window = window

    def new_row(self, story_id: int) -> int:
        """Return a free row for story_id."""
        if self.free:
            row = self.free.pop()
        else:
            if self.used == len(self.sizes):
                grow = len(self.sizes)
                self.sums = np.vstack([self.sums, np.zeros_like(self.sums)])
                self.sizes = np.concatenate([self.sizes, np.zeros(grow, dtype=np.float32)])
                self.story = np.concatenate([self.story, np.full(grow, -1, dtype=np.int64)])
            row, self.used = self.used, self.used + 1
        self.story[row] = story_id
        return row

    def add(self, row: int, vector: np.ndarray) -> None:
        """Add a member's embedding to a row."""
        self.sums[row] += vector
        self.sizes[row] += 1

    def observe(self, vector: np.ndarray) -> None:
        """Count an article's embedding in the running mean (over about the last window articles)."""
        self.seen += 1
        self.mean += (vector - self.mean) / min(self.seen, self.window)

    def merge(self, keep: int, gone: int) -> None:
        """Add row gone into row keep and free gone."""
        self.sums[keep] += self.sums[gone]
        self.sizes[keep] += self.sizes[gone]
        self.release(gone)

    def release(self, row: int) -> None:
        """Free a row."""
        self.sums[row] = 0.0
        self.sizes[row] = 0.0
        self.story[row] = -1
        self.free.append(row)

    def scores(self, vector: np.ndarray) -> np.ndarray:
        """Return each row's mean cosine to vector, less vector's mean cosine to all articles (-inf if free)."""
        sizes = self.sizes[: self.used]
        dots = self.sums[: self.used] @ vector
        offset = float(vector @ self.mean)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(sizes > 0, dots / sizes - offset, -np.inf)


def _fade(seconds: float, half_life_hours: float) -> float:
    """Return the factor a similarity keeps across a time gap: it halves per half-life (no gain for a negative gap)."""
    return 0.5 ** (max(0.0, seconds) / 3600.0 / half_life_hours)


class StoryClusterer:
    """Assigns articles to stories one at a time, keeping only the active window in memory."""

    def __init__(self, options: ClusterOptions | None = None, encoder: Encoder | None = None) -> None:
        self.options = options or ClusterOptions()
        self.df = DocumentFrequency(self.options.idf_window)
        if self.options.embed_weight > 0 and encoder is None:
            encoder = load_encoder()
        self.encoder = encoder if self.options.embed_weight > 0 else None
        self._sums: _EmbeddingSums | None = None  # made on the first embedding, which gives the dimension
        self._stories: dict[int, _Story] = {}
        self._index: dict[str, set[int]] = {}
        o = self.options
        self._near = NeighbourIndex(o.density_neighbours, o.density_compared, o.lookup_terms, o.density_per_term)
        self._story_of: dict[int, int] = {}  # article key → its open story's id
        self._merges: list[tuple[int, int]] = []
        self._next_id = 0
        self._clock: float | None = None
        self._swept: float | None = None

    @property
    def active(self) -> int:
        """Return how many stories are open."""
        return len(self._stories)

    def vectorise(self, doc: ClusterDoc, *, learn: bool = False) -> Vector:
        """Return the unit TF-IDF vector of doc, counting its words first when learn is set."""
        o = self.options
        counts: dict[str, float] = {}
        for word in terms(doc.title):
            counts[word] = counts.get(word, 0.0) + o.title_weight
        for word in terms(doc.text):
            counts[word] = counts.get(word, 0.0) + 1.0
        for name in doc.entities:
            key = "@" + name.lower()
            counts[key] = counts.get(key, 0.0) + o.entity_weight
        if learn:
            self.df.add(counts)
        power = o.idf_power
        vector = {
            word: (1.0 + math.log(count)) * self.df.idf(word) ** power for word, count in counts.items() if count > 0
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {word: v / norm for word, v in vector.items()}

    def add(self, doc: ClusterDoc) -> tuple[int, Vector]:
        """Assign doc to a story; return the story id and the doc's vector."""
        now = doc.published.timestamp() if doc.published else self._clock
        if now is not None:
            self._clock = now if self._clock is None else max(self._clock, now)
            self._expire(self._clock)
        vector = self.vectorise(doc, learn=True)
        embedding = self._embed(doc) if self.options.embed_weight > 0 else None
        if embedding is not None and self._sums is None:
            self._sums = _EmbeddingSums(len(embedding), self.options.idf_window)
        self._forget(doc.key)
        if self.options.density_weight:
            for other, old in self._near.insert(doc.key, vector).items():
                self._stories[self._story_of[other]].density += self._near.density[other] - old
        scored = self._score(vector, embedding, now, self._near.density.get(doc.key, 0.0))
        if scored and scored[0][0] >= self.options.threshold:
            story = self._stories[scored[0][1]]
            for score, other in scored[1:]:
                if score < self.options.merge_threshold:
                    break
                story = self._merge(story, self._stories[other])
        else:
            story = self._new_story(now)
        self._join(story, doc.key, vector, now)
        if story.size > 1:
            story = self._merge_close(story, [other for _, other in scored])
        if self._sums is not None and embedding is not None:
            if story.row < 0:
                story.row = self._sums.new_row(story.id)
            self._sums.add(story.row, embedding)
            self._sums.observe(embedding)
        return story.id, vector

    def embed(self, docs: Sequence[ClusterDoc]) -> list[ClusterDoc]:
        """Return docs with their embeddings filled in, encoded as one batch (unchanged without a model)."""
        if self.encoder is None:
            return list(docs)
        todo = [i for i, doc in enumerate(docs) if doc.embedding is None]
        out = list(docs)
        if todo:
            vectors = self.encoder.encode([self._embed_text(docs[i]) for i in todo])
            for i, row in zip(todo, vectors, strict=True):
                out[i] = replace(docs[i], embedding=row)
        return out

    def _embed_text(self, doc: ClusterDoc) -> str:
        return f"{doc.title}. {doc.text}"[: self.options.embed_chars]

    def _embed(self, doc: ClusterDoc) -> np.ndarray | None:
        if doc.embedding is not None:
            return doc.embedding
        if self.encoder is None:
            return None
        return self.encoder.encode([self._embed_text(doc)])[0]

    def pop_merges(self) -> list[tuple[int, int]]:
        """Return the (merged, kept) story id pairs since the last call, and forget them."""
        merges, self._merges = self._merges, []
        return merges

    def _score(
        self, vector: Vector, embedding: np.ndarray | None, now: float | None, density: float
    ) -> list[tuple[float, int]]:
        o = self.options
        mean = self._near.mean
        correction = self._correction()
        heavy = sorted(vector, key=vector.__getitem__, reverse=True)[: o.lookup_terms]
        # a partial dot product over the heaviest terms shortlists the stories worth a full one
        partial: dict[int, float] = {}
        for word in heavy:
            weight = vector[word]
            for story_id in self._index.get(word, ()):
                story = self._stories[story_id]
                partial[story_id] = partial.get(story_id, 0.0) + weight * story.total.get(word, 0.0) / story.size
        shortlist = sorted(partial, key=partial.__getitem__, reverse=True)[: o.shortlist]
        near = None
        if embedding is not None and self._sums is not None and self._sums.used:
            near = self._sums.scores(embedding)
            # stories close in meaning but sharing no heavy term are candidates too
            top = np.argsort(-near)[: o.embed_shortlist]
            shortlist.extend(int(self._sums.story[row]) for row in top if near[row] > -np.inf)
            shortlist = list(dict.fromkeys(shortlist))
        scored = []
        for story_id in shortlist:
            story = self._stories[story_id]
            total = story.total
            score = sum(v * total.get(word, 0.0) for word, v in vector.items()) / story.size
            if near is not None and story.row >= 0:
                score = (1.0 - o.embed_weight) * score + o.embed_weight * float(near[story.row])
            if now is not None and story.last is not None:
                score *= _fade(now - story.last, o.half_life_hours)
            if correction:
                score -= correction * (density + story.density / story.size - 2 * mean)
            scored.append((score, story_id))
        scored.sort(reverse=True)
        return scored

    def _merge_close(self, story: _Story, candidates: list[int]) -> _Story:
        """Merge into story the candidates whose mean cosine to its members reaches story_merge_threshold."""
        o = self.options
        correction, mean = self._correction(), self._near.mean
        close = []
        for other_id in candidates:
            other = self._stories.get(other_id)
            if other is None or other is story:
                continue
            score = cosine(story.total, other.total) / (story.size * other.size)
            if story.last is not None and other.last is not None:
                score *= _fade(abs(story.last - other.last), o.half_life_hours)
            score -= correction * (story.density / story.size + other.density / other.size - 2 * mean)
            if score >= o.story_merge_threshold:
                close.append((score, other_id))
        for _, other_id in sorted(close, reverse=True):
            story = self._merge(story, self._stories[other_id])
        return story

    def _correction(self) -> float:
        # the density correction's weight, grown in over the first density_warmup articles
        seen = len(self._near.vectors)
        return self.options.density_weight / 2 * seen / (seen + self.options.density_warmup)

    def _forget(self, key: int) -> None:
        # a key seen before (a replayed article) leaves its old story's density sum before it is indexed again
        story_id = self._story_of.pop(key, None)
        if story_id is not None and story_id in self._stories:
            self._stories[story_id].density -= self._near.density.get(key, 0.0)
        self._near.remove(key)

    def _new_story(self, now: float | None) -> _Story:
        story = _Story(self._next_id, {}, 0, now)
        self._next_id += 1
        self._stories[story.id] = story
        return story

    def _join(self, story: _Story, key: int, vector: Vector, now: float | None) -> None:
        total = story.total
        for word, v in vector.items():
            total[word] = total.get(word, 0.0) + v
        story.size += 1
        story.members.append(key)
        if key in self._near.vectors:
            story.density += self._near.density[key]
            self._story_of[key] = story.id
        if now is not None:
            story.last = now if story.last is None else max(story.last, now)
        if len(total) > self.options.story_terms * 2:
            self._prune(story)
        for word in vector:
            if word in story.total:
                self._index.setdefault(word, set()).add(story.id)

    def _prune(self, story: _Story) -> None:
        keep = sorted(story.total, key=story.total.__getitem__, reverse=True)[: self.options.story_terms]
        dropped = set(story.total) - set(keep)
        story.total = {word: story.total[word] for word in keep}
        self._unindex(story.id, dropped)

    def _merge(self, keep: _Story, gone: _Story) -> _Story:
        if gone.size > keep.size:
            keep, gone = gone, keep
        for word, v in gone.total.items():
            keep.total[word] = keep.total.get(word, 0.0) + v
            self._index.setdefault(word, set()).add(keep.id)
        keep.size += gone.size
        keep.members.extend(gone.members)
        keep.density += gone.density
        for key in gone.members:
            if self._story_of.get(key) == gone.id:
                self._story_of[key] = keep.id
        if gone.last is not None:
            keep.last = gone.last if keep.last is None else max(keep.last, gone.last)
        self._unindex(gone.id, gone.total)
        if self._sums is not None and gone.row >= 0:
            if keep.row < 0:
                keep.row, gone.row = gone.row, -1
                self._sums.story[keep.row] = keep.id
            else:
                self._sums.merge(keep.row, gone.row)
        del self._stories[gone.id]
        self._merges.append((gone.id, keep.id))
        return keep

    def _unindex(self, story_id: int, words: Iterable[str]) -> None:
        for word in words:
            postings = self._index.get(word)
            if postings is not None:
                postings.discard(story_id)
                if not postings:
                    del self._index[word]

    def _expire(self, now: float) -> None:
        # sweeping every article would cost O(active stories) each; once per 1/24 window is enough
        window = self.options.window_hours * 3600.0
        if self._swept is not None and now - self._swept < window / 24:
            return
        self._swept = now
        stale = [s for s in self._stories.values() if s.last is not None and s.last < now - window]
        for story in stale:
            self._unindex(story.id, story.total)
            for key in story.members:
                if self._story_of.get(key) == story.id:  # not since replayed into another story
                    del self._story_of[key]
                    self._near.remove(key)
            if self._sums is not None and story.row >= 0:
                self._sums.release(story.row)
            del self._stories[story.id]


def cluster_docs(docs: Iterable[ClusterDoc], options: ClusterOptions | None = None) -> list[int]:
    """Return the final story id of each doc, clustering them one at a time in the given order."""
    clusterer = StoryClusterer(options)
    assigned = []
    parent: dict[int, int] = {}
    for doc in docs:
        assigned.append(clusterer.add(doc)[0])
        for gone, kept in clusterer.pop_merges():
            parent[gone] = kept
    return [_root(parent, story_id) for story_id in assigned]


def _root(parent: dict[int, int], story_id: int) -> int:
    while story_id in parent:
        story_id = parent[story_id]
    return story_id


def cluster_doc(article: Article, key: int) -> ClusterDoc:
    """Return the ClusterDoc of an article (its canonical entity names included)."""
    names = tuple(sorted({m.entity or m.text for m in article.mentions}))
    return ClusterDoc(key, article.title, article.text or article.lead, article.published or article.fetched_at, names)


def cluster_articles(batch: Sequence[Article], clusterer: StoryClusterer) -> list[int]:
    """Feed a batch of articles to clusterer; return each one's story key.

    An article is known to the clusterer by its id; one not saved yet by a negative key of its own.
    """
    return [
        clusterer.add(cluster_doc(article, article.id if article.id is not None else -1 - n))[0]
        for n, article in enumerate(batch)
    ]
