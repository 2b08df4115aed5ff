"""Extract stage: a RawPage becomes an Article with metadata and a health status."""

from newsdesk.extract.core import ExtractOptions, extract_article, extract_articles, extract_with_body
from newsdesk.extract.serialize import article_dict, explain_article
from newsdesk.extract.template import SiteTemplate, learn_template

__all__ = [
    "ExtractOptions",
    "SiteTemplate",
    "article_dict",
    "explain_article",
    "extract_article",
    "extract_articles",
    "extract_with_body",
    "learn_template",
]
