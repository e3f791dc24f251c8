"""What the search index holds for each article."""

from haystack import indexes

from archive.analysis.analyzers import ArabicAnalyzer, ArabicExactAnalyzer
from archive.analysis.version import analysis_version
from archive.models import Article
from archive.search.fields import AnalyzedField, KeywordField, SortableIntegerField

# Undated articles sort after dated ones and fall outside every date range.
UNDATED = -(2**62)


def index_revision(content_hash):
    """Return what the index records of an article's version: its content and the analysis that indexed it."""
    return f"{content_hash}.{analysis_version()}"


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    # Title, body, captions and source name: the stemmed field every plain word searches.
    text = AnalyzedField(document=True, analyzer=ArabicAnalyzer())
    title = AnalyzedField(model_attr="title", analyzer=ArabicAnalyzer(), boost=2.0)
    # Exact forms (normalized, not stemmed) for `=word` and the "exact forms only" switch.
    exact = AnalyzedField(analyzer=ArabicExactAnalyzer(), phrase=False)
    title_exact = AnalyzedField(model_attr="title", analyzer=ArabicExactAnalyzer(), phrase=False, boost=2.0)
    source = KeywordField()
    article_id = SortableIntegerField(model_attr="pk")
    published = SortableIntegerField()
    # The database row's version and the analysis's, so that check_index finds entries
    # that are stale because the article changed or because the Arabic analysis did.
    revision = KeywordField()

    def get_model(self):
        return Article

    def get_updated_field(self):
        return "updated"

    def index_queryset(self, using=None):
        return self.get_model().objects.select_related("source").prefetch_related("images")

    def prepare_text(self, article):
        parts = [article.title, article.body, *article.captions()]
        if article.source_id:
            parts.append(article.source.name)
        return "\n\n".join(parts)

    def prepare_exact(self, article):
        return self.prepare_text(article)

    def prepare_source(self, article):
        return article.source.slug if article.source_id else ""

    def prepare_revision(self, article):
        return index_revision(article.content_hash)

    def prepare_published(self, article):
        return int(article.published.timestamp()) if article.published else UNDATED
