"""Backfill: WARC archives extracted and stored on Dask distributed, restartable, in byte-range tasks."""

from newsdesk.backfill.ranges import DEFAULT_CHUNK, warc_paths
from newsdesk.backfill.run import BackfillOptions, BackfillProgress, BackfillSummary, backfill

__all__ = ["DEFAULT_CHUNK", "BackfillOptions", "BackfillProgress", "BackfillSummary", "backfill", "warc_paths"]
