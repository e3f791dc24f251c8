"""Keep the search index in step with the database (placeholder until the search issue lands)."""


def index_update_articles(*, article_ids):
    """Re-index the given articles."""
