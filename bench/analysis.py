"""Benchmark the analysis stage: entities on CoNLL-2003 dev, quotes on PolNeAR dev, speed; prints figures.

Usage: .venv/bin/python bench/analysis.py [--shared ../shared] [--no-baseline] [--limit N] [--only quotes]
The baseline is plain spaCy en_core_web_sm (full pipeline, as spacy.load gives it) with the OntoNotes→CoNLL label
map, run here too. Speeds are per CPU second of this process (BLAS limited to one thread), so they read per core.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsdesk.analyze import AnalyzeOptions, Document, analyze_documents
from newsdesk.analyze.nlp import load_nlp, load_parser
from newsdesk.analyze.record import analysis_record


def _read(path: Path, limit: int | None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit else rows


def _score(tool: Path, gold: Path, pred: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(tool), str(gold), str(pred), *args], capture_output=True, text=True, check=True
    )
    return result.stdout


def _summary(report: str) -> str:
    keep = ("LOC", "ORG", "PER", "ALL", "F1", "content", "speaker", "direct", "indirect", "mixed", "quote+")
    return "\n".join("    " + line for line in report.splitlines() if line.startswith(keep))


def _run(rows: list[dict], options: AnalyzeOptions) -> tuple[list, float]:
    """Return the analyses of rows and the CPU seconds they took (models loaded beforehand)."""
    docs = [Document(r["id"], r["text"], r.get("title") or "") for r in rows]
    load_nlp(options.model, options.fast)  # loading is not analysis time
    if options.reported_speech:
        load_parser(options.model)
    analyze_documents(docs[:2], options)  # first-call set-up (gazetteer patterns, lexicons) is not analysis time
    start = time.process_time()
    results, _ = analyze_documents(docs, options)
    return results, time.process_time() - start


def _words(rows: list[dict]) -> int:
    return sum(len(r["text"].split()) for r in rows)


def _write(path: Path, lines: list[dict]) -> None:
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")


def bench_entities(shared: Path, tmp: Path, limit: int | None, baseline: bool) -> None:
    """Print entity F1 (ours and baseline) and speed on CoNLL-2003 dev."""
    gold = shared / "corpora/ner-news/conll2003-dev.jsonl"
    tool = shared / "tools/eval_entities.py"
    rows = _read(gold, limit)
    results, seconds = _run(rows, AnalyzeOptions())
    pred = tmp / "entities.jsonl"
    _write(
        pred,
        [
            {"id": r["id"], "entities": [{"start": m.start, "end": m.end, "label": m.label} for m in a.mentions]}
            for r, a in zip(rows, results, strict=True)
        ],
    )
    speed = len(rows) / seconds
    print(
        f"entities, CoNLL-2003 dev ({len(rows)} docs, {_words(rows) // len(rows)} words each): {speed:.1f} "
        f"articles/CPU-s, {_words(rows) / seconds:.0f} words/CPU-s (whole analysis)"
    )
    for name, args in (("PER,ORG,LOC --skip-sports", ["--skip-sports"]), ("PER,ORG,LOC all docs", [])):
        print(f"  ours {name}:\n{_summary(_score(tool, gold, pred, '--labels', 'PER,ORG,LOC', *args))}")
    if baseline:
        import spacy
        from threadpoolctl import threadpool_limits

        nlp = spacy.load(AnalyzeOptions().model)
        with threadpool_limits(limits=1, user_api="blas"):
            start = time.process_time()
            docs = list(nlp.pipe([r["text"] for r in rows], batch_size=32))
            speed = len(rows) / (time.process_time() - start)
        base = tmp / "baseline.jsonl"
        _write(
            base,
            [
                {
                    "id": r["id"],
                    "entities": [{"start": e.start_char, "end": e.end_char, "label": e.label_} for e in d.ents],
                }
                for r, d in zip(rows, docs, strict=True)
            ],
        )
        print(f"  baseline spaCy sm full pipeline: {speed:.1f} articles/CPU-s")
        for name, args in (("PER,ORG,LOC --skip-sports", ["--skip-sports"]), ("PER,ORG,LOC all docs", [])):
            report = _score(tool, gold, base, "--label-map", "ontonotes", "--labels", "PER,ORG,LOC", *args)
            print(f"  baseline {name}:\n{_summary(report)}")


def bench_quotes(shared: Path, tmp: Path, limit: int | None) -> None:
    """Print quote + speaker F1 (all types and direct only) and speed on PolNeAR dev."""
    gold = shared / "corpora/quotes/polnear-dev.jsonl"
    tool = shared / "tools/eval_quotes.py"
    rows = _read(gold, limit)
    results, cpu = _run(rows, AnalyzeOptions())
    pred = tmp / "quotes.jsonl"
    _write(pred, [analysis_record(Document(r["id"], r["text"]), a) for r, a in zip(rows, results, strict=True)])
    print(
        f"quotes, PolNeAR dev ({len(rows)} docs, {_words(rows) // len(rows)} words each): {len(rows) / cpu:.1f} "
        f"articles/CPU-s, {_words(rows) / cpu:.0f} words/CPU-s (the quote pass parses the sentences with a cue word)"
    )
    print(f"  all types:\n{_summary(_score(tool, gold, pred))}")
    print(f"  direct only:\n{_summary(_score(tool, gold, pred, '--types', 'direct'))}")
    print("  baseline (corpus README, regex + speech verbs): all 0.431, direct 0.647")
    print(f"  ceilings on these texts: {_spacy_speeds(rows)}")


def _spacy_speeds(rows: list[dict]) -> str:
    """Return the speed of spaCy alone on rows: the NER we run over every text, and the full sm pipeline."""
    import spacy
    from threadpoolctl import threadpool_limits

    texts = [r["text"] for r in rows]
    ner = load_nlp(AnalyzeOptions().model, True)
    full = spacy.load(AnalyzeOptions().model)
    speeds = []
    with threadpool_limits(limits=1, user_api="blas"):
        for nlp in (ner, full):
            list(nlp.pipe(texts[:2]))
            start = time.process_time()
            for _doc in nlp.pipe(texts, batch_size=32):
                pass
            speeds.append(len(texts) / (time.process_time() - start))
    return (
        f"spaCy sm NER alone (no analysis) {speeds[0]:.1f} articles/CPU-s; "
        f"full sm pipeline (tagger, parser, NER) {speeds[1]:.1f} articles/CPU-s"
    )


def main() -> None:
    """Run both benchmarks and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents of each corpus")
    parser.add_argument("--no-baseline", action="store_true", help="skip the spaCy baseline run")
    parser.add_argument("--only", choices=("entities", "quotes"), help="run one corpus only (default: both)")
    args = parser.parse_args()
    if not (args.shared / "corpora").is_dir():
        sys.exit(f"no corpora under {args.shared}: pass --shared")
    with tempfile.TemporaryDirectory() as tmp:
        if args.only != "quotes":
            bench_entities(args.shared, Path(tmp), args.limit, not args.no_baseline)
        if args.only != "entities":
            bench_quotes(args.shared, Path(tmp), args.limit)


if __name__ == "__main__":
    main()
