"""The archive on Elasticsearch 7 / OpenSearch, through haystack's own ES7 backend.

Chosen by settings::

    ARCHIVE_SEARCH_ENGINE=archive.search.elasticsearch.ArchiveElasticsearchEngine
    ARCHIVE_ELASTICSEARCH_URL=http://127.0.0.1:9200
    ARCHIVE_ELASTICSEARCH_INDEX=archive            (optional)

and ``pip install -r requirements-elasticsearch.txt``.

The archive's Arabic analysis is Python (archive.analysis) and cannot run inside
the cluster.  So the cluster never analyzes Arabic itself: every analyzed field is
sent as the archive's own terms — exactly what the Whoosh schema indexes for that
field, i.e. ``archive.analysis.analyze_terms(text)`` for the stemmed fields and
``analyze_terms(text, exact=True)`` for the exact-form fields — joined by single
spaces, into ``text`` fields whose analyzer only splits on whitespace
(``archive_terms``).  Positions are kept where the Whoosh field keeps them (for
phrases).  Queries are analyzed by the same Python code before they are sent
(archive.search.es_engine), so a word means the same on both engines.

Besides the SearchIndex's fields, each document carries ``year``, ``month`` and
``period`` (year × 12 + month − 1; 0 when undated) for facets and the timeline;
``published`` (epoch seconds) is left out for an undated article, so date ranges
exclude it and it sorts last either way.
"""

from haystack.backends.elasticsearch7_backend import (
    Elasticsearch7SearchBackend,
    Elasticsearch7SearchEngine,
    Elasticsearch7SearchQuery,
)
from haystack.constants import ID
from haystack.exceptions import SkipDocument
from haystack.utils import get_identifier

from archive.search.fields import AnalyzedField, KeywordField, SortableIntegerField

TERMS_ANALYZER = "archive_terms"

INDEX_SETTINGS = {
    "settings": {
        "index": {
            # The archive's ranking is BM25 everywhere; ES's defaults (k1=1.2, b=0.75) match Whoosh's.
            "similarity": {"default": {"type": "BM25", "k1": 1.2, "b": 0.75}},
        },
        "analysis": {
            "analyzer": {
                # The text is already the archive's analyzed terms: split on spaces, nothing else.
                TERMS_ANALYZER: {"type": "custom", "tokenizer": "whitespace", "filter": []},
            },
        },
    },
}

# Fields the backend adds to every document (see module docstring).
CALENDAR_FIELDS = {
    "year": {"type": "integer"},
    "month": {"type": "integer"},
    "period": {"type": "integer"},
}


def analyzed_terms(field, value):
    """Return the terms the archive's Whoosh schema indexes for ``value`` in ``field``.

    The field's own analyzer is the one archive.search_indexes declares
    (ArabicAnalyzer or ArabicExactAnalyzer), so this is ``analyze_terms(value)``
    or ``analyze_terms(value, exact=True)`` — the same code, the same terms.
    """
    if not value:
        return []
    return [token.text for token in field.analyzer(value)]


class ArchiveElasticsearchBackend(Elasticsearch7SearchBackend):
    """haystack's ES7 backend with the archive's mapping and pre-analyzed documents."""

    DEFAULT_SETTINGS = INDEX_SETTINGS

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self._fields = None

    # --- mapping ------------------------------------------------------------------------

    def build_schema(self, fields):
        content_field_name = ""
        mapping = self._get_common_mapping()
        mapping[ID] = {"type": "keyword"}
        for field in fields.values():
            name = field.index_fieldname
            if isinstance(field, AnalyzedField):
                mapping[name] = {
                    "type": "text",
                    "analyzer": TERMS_ANALYZER,
                    "search_analyzer": TERMS_ANALYZER,
                    # Positions where Whoosh keeps them (phrases); frequencies elsewhere.
                    "index_options": "positions" if field.phrase else "freqs",
                }
            elif isinstance(field, KeywordField):
                mapping[name] = {"type": "keyword"}
            elif isinstance(field, SortableIntegerField):
                mapping[name] = {"type": "long"}
            else:
                raise ValueError(f"field {name!r} needs an archive field type (archive.search.fields)")
            if field.document:
                content_field_name = name
        mapping.update(CALENDAR_FIELDS)
        return content_field_name, mapping

    def analyzed_fields(self):
        """Return {index field name: haystack field} for the analyzed fields."""
        if self._fields is None:
            from haystack import connections

            fields = connections[self.connection_alias].get_unified_index().all_searchfields()
            self._fields = {f.index_fieldname: f for f in fields.values() if isinstance(f, AnalyzedField)}
        return self._fields

    # --- documents ----------------------------------------------------------------------

    def _prepare_object(self, index, obj):
        from archive.search_indexes import UNDATED

        document = index.full_prepare(obj)
        document.pop("boost", None)
        for name, field in self.analyzed_fields().items():
            if name in document:
                document[name] = " ".join(analyzed_terms(field, document[name]))
        published = document.get("published")
        if published is None or published == UNDATED:
            document.pop("published", None)
            document.update(year=0, month=0, period=0)
        else:
            import datetime as dt

            moment = dt.datetime.fromtimestamp(published, tz=dt.timezone.utc)
            document.update(year=moment.year, month=moment.month, period=moment.year * 12 + moment.month - 1)
        return document

    def prepare_document(self, index, obj):
        """Return the JSON document (with ``_id``) that ``update`` sends for ``obj``."""
        prepared = self._prepare_object(index, obj)
        final = {key: self._from_python(value) for key, value in prepared.items()}
        final["_id"] = final[ID]
        return final

    def write_changes(self, index, *, update=(), remove=(), changes=None):
        """Index some articles and delete others, a bulk request per batch (archive.search.indexing).

        ``changes``, when given, is called first and returns an iterable of
        ``(update, remove)`` batches, as for the Whoosh backend.
        """
        from elasticsearch.helpers import bulk

        if not self.setup_complete:
            self.setup()
        batches = changes() if changes is not None else [(update, remove)]
        for batch_update, batch_remove in batches:
            actions = [{"_op_type": "delete", "_id": identifier} for identifier in batch_remove]
            for obj in batch_update:
                try:
                    actions.append(self.prepare_document(index, obj))
                except SkipDocument:
                    continue
            if actions:
                # A delete of a document that is not there is not an error here.
                bulk(self.conn, actions, index=self.index_name, raise_on_error=False, refresh=True)

    def changed(self):
        """Nothing is cached per process: the cluster's refresh makes changes visible."""

    def remove(self, obj_or_string, commit=True):
        self.write_changes(None, remove=[get_identifier(obj_or_string)])

    def indexed_revisions(self):
        """Yield (article_id, revision) for every document in the index (for check_index)."""
        from elasticsearch.helpers import scan

        body = {"query": {"match_all": {}}, "_source": ["article_id", "revision"]}
        for hit in scan(self.conn, query=body, index=self.index_name):
            source = hit.get("_source", {})
            yield int(source.get("article_id", 0)), source.get("revision", "")

    def generation(self):
        return None


class ArchiveElasticsearchEngine(Elasticsearch7SearchEngine):
    backend = ArchiveElasticsearchBackend
    query = Elasticsearch7SearchQuery


# Defined in es_engine, which needs no elasticsearch client, so that selectors can ask.
from archive.search.es_engine import ENGINE, is_configured  # noqa: E402


__all__ = [
    "ArchiveElasticsearchBackend",
    "ArchiveElasticsearchEngine",
    "INDEX_SETTINGS",
    "TERMS_ANALYZER",
    "analyzed_terms",
    "ENGINE",
    "is_configured",
]
