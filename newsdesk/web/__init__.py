"""The reader website, JSON API and feeds: they only read through the Store."""
