"""The one orchestrator: pages flow ingest → extract → analyse → save → dedupe/cluster → rank.

It is the only package that calls both the stages and the store. One item's NewsdeskError never
stops a batch: it is recorded in the report (and on the feed row) and the batch goes on.

- ``batch``: a batch of items through extract, analyse, save and the story stages
- ``sources``: where items come from (files, URLs, feeds polled on a schedule)
- ``stories``: the streaming state of deduplication and clustering between batches
"""

from newsdesk.pipeline.batch import (
    BATCH_SIZE,
    STORABLE,
    PipelineOptions,
    Report,
    analyze_new,
    learn_templates,
    load_templates,
    process_items,
    save_articles,
)
from newsdesk.pipeline.sources import iter_inputs, iter_local, iter_url, poll_due_feeds, poll_feed, read_feed
from newsdesk.pipeline.stories import StoryDesk, StoryOptions, assign_stories

__all__ = [
    "BATCH_SIZE",
    "STORABLE",
    "PipelineOptions",
    "Report",
    "StoryDesk",
    "StoryOptions",
    "analyze_new",
    "assign_stories",
    "iter_inputs",
    "iter_local",
    "iter_url",
    "learn_templates",
    "load_templates",
    "poll_due_feeds",
    "poll_feed",
    "process_items",
    "read_feed",
    "save_articles",
]
