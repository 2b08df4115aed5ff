"""Getting news in: guarded fetching, charset decoding, robots.txt, and RSS/Atom, sitemap and OPML parsing."""
