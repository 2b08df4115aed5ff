"""One document's analysis as the JSON object of the benchmark interface (`newsdesk analyze --output`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsdesk.analyze import Analysis, Document


def analysis_record(doc: Document, result: Analysis) -> dict[str, Any]:
    """Return the JSON object `newsdesk analyze` writes for one document: spans are offsets into its text."""
    text = doc.text
    return {
        "id": doc.id,
        "entities": [
            {"start": m.start, "end": m.end, "label": m.label, "text": m.text, "name": m.entity}
            for m in result.mentions
        ],
        "quotes": [
            {
                "content": [list(s) for s in q.span.content],
                "source": [list(q.span.source)] if q.span.source else [],
                "cue": [list(q.span.cue)] if q.span.cue else [],
                "speaker": q.speaker,
                "type": q.span.kind,
                "text": " … ".join(text[s:e] for s, e in q.span.content),
            }
            for q in result.quotes
        ],
        "sources": [{"source": a.source, "cites": a.cites} for a in result.sources],
        "places": list(result.places),
        "dates": [{"start": d.start, "end": d.end, "text": d.text, "date": d.day.isoformat()} for d in result.dates],
    }
