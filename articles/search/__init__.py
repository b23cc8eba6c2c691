"""Archive search: one interface, a backend per database.

Placeholder until the search issue lands: indexing is a no-op and ``search`` is not yet offered.
"""


def index_articles(article_ids) -> None:
    """Bring the search index in step with these articles (called after commit)."""
