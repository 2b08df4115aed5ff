"""Benchmark the story stages: dedupe, streaming clustering, related articles, and a bounded-memory scale run.

Usage: .venv/bin/python bench/stories.py [--shared ../shared] [--no-baseline] [--scale N] [--embed] [--ceiling]
Baselines run here too: datasketch MinHash LSH (128 permutations, word 5-grams, threshold 0.5, union of
hits) for dedupe; TF-IDF single-pass centroid (best of a few thresholds, IDF from the whole file) for clustering,
and our clusterer as it was before its density correction, IDF damping and story merging (PLAIN_OPTIONS), with its
related-article share.
--embed measures the static sentence-embedding model (`make models`): encoder texts/s, each article's 2
nearest neighbours' own-story share by TF-IDF, embedding and a 50/50 mix of the cosines, and the streaming
clusterer with the mixed similarity (encoding included) against the TF-IDF-only clusterer.
--ceiling prints what all-pairs average link (batch, so not what the service can do) reaches with the same
similarity, and the related share those stories would give.
Speeds are CPU seconds of this process (one core; BLAS limited to one thread).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from newsdesk.cluster import ClusterDoc, ClusterOptions, StoryClusterer, cluster_docs
from newsdesk.dedupe import DedupeOptions, dedupe_groups
from newsdesk.rank import RelatedIndex, related_articles


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _score(tool: Path, gold: Path, ids: list[str], clusters: list) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as out:
        for doc_id, cluster in zip(ids, clusters, strict=True):
            out.write(json.dumps({"id": doc_id, "cluster": str(cluster)}) + "\n")
    result = subprocess.run(
        [sys.executable, str(tool), str(gold), out.name, "--json"], capture_output=True, text=True, check=True
    )
    Path(out.name).unlink()
    return json.loads(result.stdout.splitlines()[-2])


def _timed(fn, *args):  # type: ignore[no-untyped-def]
    start = time.process_time()
    result = fn(*args)
    return result, time.process_time() - start


def minhash_groups(docs: list[tuple[str, str]]) -> list[int]:
    """The datasketch MinHash LSH baseline: union of LSH hits at Jaccard threshold 0.5."""
    from datasketch import MinHash, MinHashLSH

    from newsdesk.text import tokens

    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    parent = list(range(len(docs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (title, text) in enumerate(docs):
        words = tokens(f"{title} {text}")
        grams = {" ".join(words[j : j + 5]) for j in range(max(1, len(words) - 4))}
        sketch = MinHash(num_perm=128)
        sketch.update_batch([g.encode() for g in grams])
        for hit in lsh.query(sketch):
            parent[find(int(hit))] = find(i)
        lsh.insert(str(i), sketch)
    return [find(i) for i in range(len(docs))]


def tfidf_single_pass(docs: list[str], threshold: float) -> list[int]:
    """The TF-IDF single-pass centroid baseline (cosine to each story's centroid)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(docs)
    sims = (matrix @ matrix.T).toarray()
    labels = np.zeros(len(docs), dtype=int)
    norms: list[float] = []
    for i in range(len(docs)):
        if norms:
            sums = np.bincount(labels[:i], weights=sims[i, :i], minlength=len(norms))
            cosines = sums / np.sqrt(np.maximum(norms, 1e-12))
            best = int(cosines.argmax())
            if cosines[best] >= threshold:
                labels[i] = best
                norms[best] += 2 * sums[best] + sims[i, i]
                continue
        labels[i] = len(norms)
        norms.append(float(sims[i, i]))
    return labels.tolist()


def bench_dedupe(shared: Path, baseline: bool) -> None:
    gold = shared / "corpora/near-duplicates/dev.jsonl"
    rows = _read(gold)
    docs = [(r["title"] or "", r["text"] or "") for r in rows]
    ids = [r["id"] for r in rows]
    tool = shared / "tools/eval_clusters.py"
    groups, seconds = _timed(dedupe_groups, docs, DedupeOptions())
    m = _score(tool, gold, ids, groups)
    print(
        f"dedupe  ours     pairwise P {m['pairwise_p']:.4f} R {m['pairwise_r']:.4f} F1 {m['pairwise_f1']:.4f}"
        f"  ARI {m['ari']:.4f}  {len(docs) / seconds:,.0f} texts/s"
    )
    if baseline:
        groups, seconds = _timed(minhash_groups, docs)
        m = _score(tool, gold, ids, groups)
        print(
            f"dedupe  minhash  pairwise P {m['pairwise_p']:.4f} R {m['pairwise_r']:.4f} F1 {m['pairwise_f1']:.4f}"
            f"  ARI {m['ari']:.4f}  {len(docs) / seconds:,.0f} texts/s"
        )


def _related_share(rows: list[dict], stories: list[int], vectors: RelatedIndex, k: int = 2) -> float:
    members: dict[int, list[int]] = {}
    for key, story in enumerate(stories):
        members.setdefault(story, []).append(key)
    story_of = dict(enumerate(stories))
    own = total = 0
    density = vectors.density
    for key, row in enumerate(rows):
        pool = vectors.candidates(key, members[stories[key]])
        found = related_articles(key, vectors.vectors, story_of, {}, k, pool, density=density)
        own += sum(rows[other]["label"] == row["label"] for other in found)
        total += k
    return own / total


# the clusterer before the density correction, IDF damping and story-to-story merging (dev BCubed F1 0.778,
# related share 0.709)
PLAIN_OPTIONS = ClusterOptions(
    density_weight=0.0, idf_power=1.0, story_merge_threshold=float("inf"), threshold=0.30, merge_threshold=0.45
)


def bench_cluster(shared: Path, baseline: bool) -> None:
    gold = shared / "corpora/story-clusters/dev.jsonl"
    rows = _read(gold)
    ids = [r["id"] for r in rows]
    tool = shared / "tools/eval_clusters.py"
    docs = [ClusterDoc(i, r["title"] or "", r["text"] or "") for i, r in enumerate(rows)]
    for name, options in (("ours", ClusterOptions()), ("plain", PLAIN_OPTIONS))[: 2 if baseline else 1]:
        stories, seconds = _timed(cluster_docs, docs, options)
        m = _score(tool, gold, ids, stories)
        print(
            f"cluster {name:8} BCubed P {m['bcubed_p']:.4f} R {m['bcubed_r']:.4f} F1 {m['bcubed_f1']:.4f}"
            f"  pairwise F1 {m['pairwise_f1']:.4f}  {len(docs) / seconds:,.0f} articles/s (streaming, file order)"
        )
        clusterer, index = StoryClusterer(options), RelatedIndex()
        for doc in docs:
            index.add(doc.key, clusterer.add(doc)[1])
        print(f"related {name:8} top-2 own-story share {_related_share(rows, stories, index):.3f}")
    if baseline:
        texts = [f"{r['title']}. {r['text']}" for r in rows]
        best = max((_score(tool, gold, ids, tfidf_single_pass(texts, t))["bcubed_f1"], t) for t in (0.2, 0.3, 0.4))
        print(f"cluster tfidf single-pass centroid BCubed F1 {best[0]:.4f} (best threshold {best[1]})")


EMBED_OPTIONS = ClusterOptions(embed_weight=0.15)


def _nearest_share(sims: np.ndarray, labels: np.ndarray, k: int = 2) -> float:
    sims = sims.copy()
    np.fill_diagonal(sims, -np.inf)
    top = np.argpartition(-sims, k, axis=1)[:, :k]
    return float((labels[top] == labels[:, None]).mean())


def _tfidf_cosines(docs: list[ClusterDoc]) -> np.ndarray:
    """Return the all-pairs cosines of the clusterer's TF-IDF vectors, IDF taken from all the docs."""
    from scipy.sparse import csr_matrix

    clusterer = StoryClusterer(ClusterOptions())
    for doc in docs:
        clusterer.vectorise(doc, learn=True)
    vocab: dict[str, int] = {}
    data, cols, ptr = [], [], [0]
    for doc in docs:
        for word, v in clusterer.vectorise(doc).items():
            cols.append(vocab.setdefault(word, len(vocab)))
            data.append(v)
        ptr.append(len(cols))
    tfidf = csr_matrix((data, cols, ptr), shape=(len(docs), len(vocab)))
    return (tfidf @ tfidf.T).toarray()


def bench_ceiling(shared: Path) -> None:
    """What batch clustering, which the issue rules out, reaches with our similarity, and the related share then.

    All-pairs average link over the clusterer's TF-IDF cosine with its density correction computed from every
    article (end-of-file densities); the related share is then measured with those stories, as with ours.
    """
    from sklearn.cluster import AgglomerativeClustering

    gold = shared / "corpora/story-clusters/dev.jsonl"
    rows = _read(gold)
    ids = [r["id"] for r in rows]
    tool = shared / "tools/eval_clusters.py"
    docs = [ClusterDoc(i, r["title"] or "", r["text"] or "") for i, r in enumerate(rows)]
    sims = _tfidf_cosines(docs)
    others = sims.copy()
    np.fill_diagonal(others, -np.inf)
    options = ClusterOptions()
    density = np.sort(others, axis=1)[:, -options.density_neighbours :].mean(axis=1)
    excess = 0.5 * options.density_weight * (density - density.mean())
    distance = np.clip(1.0 - (sims - excess[:, None] - excess[None, :]), 0.0, None)
    np.fill_diagonal(distance, 0.0)
    clusterer, index = StoryClusterer(options), RelatedIndex()
    for doc in docs:
        index.add(doc.key, clusterer.vectorise(doc, learn=True))
    for threshold in (0.25, 0.30, 0.35):
        stories = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - threshold
        ).fit_predict(distance)
        m = _score(tool, gold, ids, list(stories))
        print(
            f"ceiling batch average link (not streaming), threshold {threshold}: BCubed F1 {m['bcubed_f1']:.4f}, "
            f"related share with these stories {_related_share(rows, list(stories), index):.3f}"
        )
    labels = {label: n for n, label in enumerate(dict.fromkeys(r["label"] for r in rows))}
    print(f"ceiling gold stories: related share {_related_share(rows, [labels[r['label']] for r in rows], index):.3f}")


def bench_embed(shared: Path) -> None:
    """Encoder speed, nearest-2 own-story shares, and streaming clustering with and without embeddings."""
    from newsdesk.embed import load_encoder, model_dir

    encoder = load_encoder()
    if encoder is None:
        print(f"embed   no model at {model_dir()} (make models): skipped")
        return
    gold = shared / "corpora/story-clusters/dev.jsonl"
    rows = _read(gold)
    ids, labels = [r["id"] for r in rows], np.array([r["label"] for r in rows])
    tool = shared / "tools/eval_clusters.py"
    docs = [ClusterDoc(i, r["title"] or "", r["text"] or "") for i, r in enumerate(rows)]
    texts = [f"{d.title}. {d.text}"[: EMBED_OPTIONS.embed_chars] for d in docs]
    embedded, seconds = _timed(encoder.encode, texts)
    _, single = _timed(lambda: [encoder.encode([t]) for t in texts[:1000]])
    print(
        f"embed   encoder {encoder.dim} dims: {len(texts) / seconds:,.0f} texts/s in one batch, "
        f"{1000 / single:,.0f} texts/s one at a time"
    )
    sims_t, sims_e = _tfidf_cosines(docs), embedded @ embedded.T
    print(
        f"embed   nearest-2 own-story share: TF-IDF {_nearest_share(sims_t, labels):.3f}, "
        f"embedding {_nearest_share(sims_e, labels):.3f}, 50/50 mix {_nearest_share(sims_t + sims_e, labels):.3f}"
    )
    for name, options in (("TF-IDF only", ClusterOptions(embed_weight=0.0)), ("mixed", EMBED_OPTIONS)):
        stories, seconds = _timed(cluster_docs, docs, options)
        m = _score(tool, gold, ids, stories)
        print(
            f"embed   cluster {name:12} BCubed P {m['bcubed_p']:.4f} R {m['bcubed_r']:.4f} F1 {m['bcubed_f1']:.4f}"
            f"  {len(docs) / seconds:,.0f} articles/s (streaming, encoding included)"
        )


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_scale(shared: Path, total: int) -> None:
    """Replay the story corpus with new ids and dates (48 h per pass, 5 days apart) through one clusterer.

    Each article also goes into a related-article index with the story stage's 7-day window, as in the service.
    """
    rows = _read(shared / "corpora/story-clusters/dev.jsonl")
    clusterer = StoryClusterer(ClusterOptions())
    related = RelatedIndex(window=timedelta(days=7).total_seconds())
    start, step = datetime(2024, 1, 1, tzinfo=UTC), timedelta(hours=48) / len(rows)
    clock, checkpoints = time.process_time(), []
    for n in range(total):
        r, row = divmod(n, len(rows))
        when = start + timedelta(days=5 * r) + step * row
        _, vector = clusterer.add(ClusterDoc(n, rows[row]["title"], rows[row]["text"], when))
        related.add(n, vector, when.timestamp())
        clusterer.pop_merges()
        if (n + 1) % max(1, total // 5) == 0:
            checkpoints.append(
                f"{n + 1:,}: {_rss_mib():.0f} MiB, {clusterer.active} open stories, {len(related.vectors)} indexed"
            )
    seconds = time.process_time() - clock
    print("scale   " + "; ".join(checkpoints))
    print(f"scale   {total:,} articles  {total / seconds:,.0f} articles/s  peak RSS {_rss_mib():.0f} MiB")


def main() -> None:
    """Print every figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--scale", type=int, default=0, help="only the scale run, with this many articles")
    parser.add_argument("--embed", action="store_true", help="only the sentence-embedding figures")
    parser.add_argument(
        "--ceiling", action="store_true", help="only batch clustering (ruled out by the issue) as a ceiling"
    )
    args = parser.parse_args()
    threadpool_limits(limits=1)
    if args.scale:
        bench_scale(args.shared, args.scale)
        return
    if args.embed:
        bench_embed(args.shared)
        return
    if args.ceiling:
        bench_ceiling(args.shared)
        return
    bench_dedupe(args.shared, not args.no_baseline)
    bench_cluster(args.shared, not args.no_baseline)


if __name__ == "__main__":
    main()
