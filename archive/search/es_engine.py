"""Search on Elasticsearch / OpenSearch with the same public functions as archive.search.engine.

``search(params)``, ``iterate(params, limit=)``, ``count(params)``,
``timeline(params, interval=)``, ``highlight_article(article, query=, exact=)`` and
``related(article, limit=)`` behave as the Whoosh engine's do: the query language
(archive.search.query) is parsed by the same code, every word is analyzed by the
archive's Python analyzers before it is sent (the index holds those same terms, see
archive.search.elasticsearch), and the rules for plain words side by side are the
Whoosh engine's:

* a keyword search of up to ``STRICT_WORDS`` words: all are required; when nothing holds
  them all, the search relaxes one word at a time instead of finding nothing (and says so);
* a natural-language question or a longer query: any of its words, and for a longer
  keyword query (not a question) the articles holding all of them first (the rules,
  constants and question test are the Whoosh engine's own);
* ranked by relevance, the score is multiplied by the Whoosh engine's coordination bonus
  (archive.search.ranking): a ``function_score`` adds each clause's idf weight for the
  articles holding it, the weights computed from document counts that one ``filters``
  aggregation fetches first (only when the hits need not hold every clause);
* ``"…"`` is a ``match_phrase`` on the whitespace-analyzed stemmed field, ``=word`` a
  term on the exact-form field, ``word*`` ``prefix`` queries on the exact-form field
  (also after the proclitics the Whoosh engine accepts); titles weigh double;
* filters (source, date range, year, month) are ``filter`` clauses; facets are
  aggregations, each counted under every filter but its own (``post_filter``).

Highlighting is the archive's own, on the database text, whatever the engine.
"""

import datetime as dt

from django.utils.translation import gettext as _

from archive.analysis.analyzers import analyze_terms
from archive.search import query as ql
from archive.search.compiling import QueryCompiler
from archive.search.engine import EXACT_FORM_WEIGHT, STRICT_WORDS, all_words_notice, fill_plan
from archive.search.highlight import Highlighter
from archive.search.ranking import COORDINATION_BONUS, clause_weight
from archive.search.types import FacetValue, HighlightedArticle, SearchPage, TimelineBucket

RELEVANCE_MAX_DEPTH = 10_000
TITLE_BOOST = 2.0
# Added to the score of articles holding every word of a long keyword query, so that they come first.
ALL_WORDS_BOOST = 1000.0
FACET_SIZE = 1000


ENGINE = "archive.search.elasticsearch.ArchiveElasticsearchEngine"


def is_configured(alias="default"):
    """Return True when the search connection is the archive's Elasticsearch engine.

    Reads the setting only: importing archive.search.elasticsearch needs the
    elasticsearch client, which a Whoosh-only install does not have.
    """
    from django.conf import settings

    return settings.HAYSTACK_CONNECTIONS.get(alias, {}).get("ENGINE", "") == ENGINE


def terms(text, exact=False):
    return tuple(analyze_terms(text, exact=exact))


# --- compiling: syntax tree -> query DSL -------------------------------------------------


class Plan:
    """A parsed query compiled to DSL clauses, with what to highlight."""

    def __init__(self):
        self.positives = []
        self.musts = []
        self.nots = []
        self.highlighter = Highlighter()
        self.ignored = []
        self.notices = []
        self.question = False
        # The coordination bonus's weight of each scored clause (positives, then musts),
        # set by coordinate() before a search ranked by relevance; [] for none.
        self.weights = []

    @property
    def has_text(self):
        return bool(self.positives or self.musts or self.nots)

    @property
    def scored(self):
        return bool(self.positives or self.musts)

    def words(self):
        return len(self.positives)

    @property
    def keywords(self):
        """A keyword search (all words required), not a question or a long query (any word)."""
        return self.words() <= STRICT_WORDS and not self.question

    def required(self):
        return self.words() if self.keywords else 1

    def text_query(self, required=None):
        """Return the bool query for the text part, ``required`` positive clauses at least."""
        bool_query = {}
        must = list(self.musts)
        if self.positives:
            required = self.required() if required is None else required
            if len(self.positives) == 1:
                must.append(self.positives[0])
            else:
                must.append({"bool": {"should": list(self.positives), "minimum_should_match": required}})
                if required < len(self.positives) and not self.question:
                    # A keyword query (not a question): the articles holding every word first.
                    bool_query["should"] = [
                        {"constant_score": {"filter": {"bool": {"must": list(self.positives)}}, "boost": ALL_WORDS_BOOST}}
                    ]
        if must:
            bool_query["must"] = must
        if self.nots:
            bool_query["must_not"] = list(self.nots)
        if not must:
            bool_query.setdefault("must", [{"match_all": {}}])
        return {"bool": bool_query}

    def clauses(self):
        """Return the clauses the coordination bonus counts (as the Whoosh engine's scoring query)."""
        return list(self.positives) + list(self.musts)

    def scoring_query(self, required=None):
        """Return the text query, times the coordination bonus when weights are set."""
        query = self.text_query(required)
        functions = [
            {"filter": clause, "weight": COORDINATION_BONUS * weight / sum(self.weights)}
            for clause, weight in zip(self.clauses(), self.weights)
            if weight
        ]
        if not functions:
            return query
        return {
            "function_score": {
                "query": query,
                # 1 for every hit, plus the bonus's share of each clause it holds.
                "functions": [{"weight": 1}, *functions],
                "score_mode": "sum",
                "boost_mode": "multiply",
            }
        }


def _term(field, value, boost=None):
    if boost is None:
        return {"term": {field: value}}
    return {"term": {field: {"value": value, "boost": boost}}}


def _any(clauses):
    clauses = [c for c in clauses if c is not None]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}}


def _all(clauses):
    clauses = [c for c in clauses if c is not None]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"bool": {"must": clauses}}


class Compiler(QueryCompiler):
    """Compile the syntax tree into the query DSL (archive.search.compiling does the walk)."""

    def terms(self, text, exact):
        return terms(text, exact)

    def source_names(self):
        return _source_terms()

    def source_clause(self, slugs):
        # No such source: a clause that matches nothing (as Whoosh's NullQuery).
        return {"terms": {"source": slugs}}

    def negate(self, clause):
        return {"bool": {"must_not": [clause]}}

    def combine(self, op, clauses):
        return _any(clauses) if op == "or" else _all(clauses)

    def exact_clause(self, form, field_name):
        if field_name == "title":
            return _term("title_exact", form, TITLE_BOOST)
        return _any([_term("exact", form), _term("title_exact", form, TITLE_BOOST)])

    def stem_clause(self, term, field_name, text):
        if field_name == "title":
            return _term("title", term, TITLE_BOOST)
        alternatives = [_term("text", term), _term("title", term, TITLE_BOOST)]
        alternatives += [_term("exact", form, EXACT_FORM_WEIGHT) for form in terms(text, True)]
        return _any(alternatives)

    def prefix_clause(self, node, prefixes, fieldname):
        return _any([{"prefix": {fieldname: {"value": prefix}}} for prefix in prefixes])

    def phrase(self, node):
        if node.field == "source":
            return self.source(node.text)
        stems = terms(node.text)
        if not stems:
            self.plan.ignored.append(node.text)
            return None
        if len(stems) == 1:
            return self.word(ql.Word(stems[0] if not node.exact else node.text, node.field, node.exact))
        text = " ".join(stems)
        fields = ["title"] if node.field == "title" else ["text", "title"]
        matcher = _any(
            [
                {"match_phrase": {name: {"query": text, "boost": TITLE_BOOST}}}
                if name == "title"
                else {"match_phrase": {name: {"query": text}}}
                for name in fields
            ]
        )
        if node.exact:
            # As in Whoosh: the exact-form field keeps no positions, so the phrase is
            # matched on the stemmed field and every exact form must be present too.
            forms = terms(node.text, True)
            self.plan.highlighter.phrases.append((True, forms))
            exact_field = "title_exact" if node.field == "title" else "exact"
            return _all([matcher, *[_term(exact_field, form) for form in forms]])
        self.plan.highlighter.phrases.append((False, stems))
        return matcher


def _source_terms():
    """Return {slug: set of analyzed terms of the source's name} (sources are few)."""
    from archive.models import Source

    return {slug: set(terms(name)) for slug, name in Source.objects.values_list("slug", "name")}


def plan_query(text, *, exact=False):
    """Parse and compile ``text``; return a :class:`Plan` (no cluster needed)."""
    plan = Plan()
    return fill_plan(plan, text, exact=exact, compiler=Compiler(plan))


# --- filters, facets, sorting ---------------------------------------------------------------


def _day_start(day):
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())


def filter_clauses(params):
    """Return {facet name: [filter clauses]} for the parameters' filters."""
    clauses = {"source": [], "dates": [], "year": [], "month": []}
    if params.sources:
        clauses["source"].append({"terms": {"source": list(params.sources)}})
    if params.date_from or params.date_to:
        bounds = {}
        if params.date_from:
            bounds["gte"] = _day_start(params.date_from)
        if params.date_to:
            bounds["lt"] = _day_start(params.date_to + dt.timedelta(days=1))
        clauses["dates"].append({"range": {"published": bounds}})
    if params.year:
        clauses["year"].append({"term": {"year": params.year}})
    if params.month:
        clauses["month"].append({"term": {"month": params.month}})
    return clauses


def _except(clauses, *left_out):
    return [clause for name, group in clauses.items() if name not in left_out for clause in group]


def facet_aggregations(params):
    """Aggregations for the facets, each under every filter but its own (as the Whoosh engine counts)."""
    clauses = filter_clauses(params)
    aggregations = {
        "source": {
            "filter": {"bool": {"filter": _except(clauses, "source")}},
            "aggs": {"values": {"terms": {"field": "source", "size": FACET_SIZE}}},
        },
        "year": {
            "filter": {"bool": {"filter": _except(clauses, "year", "month") + [{"range": {"year": {"gt": 0}}}]}},
            "aggs": {"values": {"terms": {"field": "year", "size": FACET_SIZE}}},
        },
        "undated": {"filter": {"bool": {"filter": _except(clauses, "dates", "year", "month") + [{"term": {"year": 0}}]}}},
    }
    if params.year:
        aggregations["month"] = {
            "filter": {"bool": {"filter": _except(clauses, "month")}},
            "aggs": {"values": {"terms": {"field": "month", "size": 13}}},
        }
    return aggregations


def sort_clause(params, plan):
    sort = params.sort
    if sort == "relevance" and not plan.scored:
        sort = "newest"
    if sort == "newest":
        return [{"published": {"order": "desc", "missing": "_last"}}, {"article_id": {"order": "desc"}}]
    if sort == "oldest":
        return [{"published": {"order": "asc", "missing": "_last"}}, {"article_id": {"order": "asc"}}]
    return ["_score", {"article_id": {"order": "asc"}}]


def search_body(plan, params, *, start=0, size=None, required=None, facets=True):
    """Return the request body of one search page."""
    clauses = filter_clauses(params)
    size = params.page_size if size is None else size
    body = {
        "query": plan.scoring_query(required),
        "post_filter": {"bool": {"filter": _except(clauses)}},
        "from": start,
        "size": size,
        "sort": sort_clause(params, plan),
        "track_total_hits": True,
        "_source": ["article_id"],
    }
    if facets:
        body["aggs"] = facet_aggregations(params)
    return body


def count_body(plan, params, required=None):
    query = plan.text_query(required)
    query["bool"]["filter"] = _except(filter_clauses(params))
    return {"query": query}


# --- talking to the cluster ---------------------------------------------------------------


def backend():
    from haystack import connections

    return connections["default"].get_backend()


def index_version():
    """Return None: the cluster's index changes without this process knowing, so pages are not cached."""
    return None


def _search(body):
    search_backend = backend()
    return search_backend.conn.search(index=search_backend.index_name, body=body)


def _count(body):
    search_backend = backend()
    return int(search_backend.conn.count(index=search_backend.index_name, body=body)["count"])


def _total(response):
    total = response["hits"]["total"]
    return int(total["value"] if isinstance(total, dict) else total)


def coordinate(plan, params, required):
    """Set ``plan.weights`` for a search ranked by relevance whose hits need not hold every clause.

    One request with a ``filters`` aggregation counts the documents each clause
    matches in the whole index (as the Whoosh engine's idf does); the weights are
    ranking.clause_weight of those counts.
    """
    plan.weights = []
    clauses = plan.clauses()
    if params.sort != "relevance" or len(clauses) < 2 or required >= plan.words():
        return plan
    body = {
        "size": 0,
        "track_total_hits": True,
        "query": {"match_all": {}},
        "aggs": {"clauses": {"filters": {"filters": {str(i): clause for i, clause in enumerate(clauses)}}}},
    }
    response = _search(body)
    buckets = response.get("aggregations", {}).get("clauses", {}).get("buckets", {})
    if len(buckets) != len(clauses):
        return plan
    doc_count = _total(response)
    plan.weights = [clause_weight(int(buckets[str(i)]["doc_count"]), doc_count) for i in range(len(clauses))]
    return plan


def _relaxed_required(plan, params):
    """Return (required, relaxed) as the Whoosh engine decides them."""
    words = plan.words()
    required = plan.required()
    if words <= 1 or not plan.keywords:
        return required, False
    while required > 1 and _count(count_body(plan, params, required)) == 0:
        required -= 1
    return required, required < words


def _notice(plan, required, relaxed):
    notices = list(plan.notices)
    if plan.ignored:
        notices.append(_("Very common words were left out: %(words)s") % {"words": "، ".join(plan.ignored)})
    words = plan.words()
    if words:
        if relaxed:
            notices.append(
                _("No article holds all %(n)d words; these hold %(k)d of them or more.") % {"n": words, "k": required}
            )
        elif required < words:
            notices.append(all_words_notice(plan.question, words))
    return " ".join(notices)


def _facets(response, params):
    from archive.models import Source

    aggregations = response.get("aggregations", {})
    buckets = aggregations.get("source", {}).get("values", {}).get("buckets", [])
    slugs = [bucket["key"] for bucket in buckets if bucket["key"]]
    labels = dict(Source.objects.filter(slug__in=slugs).values_list("slug", "name"))
    result = {
        "source": sorted(
            (
                FacetValue(b["key"], labels.get(b["key"], b["key"]), int(b["doc_count"]), b["key"] in params.sources)
                for b in buckets
                if b["key"]
            ),
            key=lambda value: (-value.count, value.label),
        )
    }
    years = sorted(aggregations.get("year", {}).get("values", {}).get("buckets", []), key=lambda b: b["key"])
    result["year"] = [
        FacetValue(str(b["key"]), str(b["key"]), int(b["doc_count"]), params.year == b["key"]) for b in years
    ]
    if params.year:
        months = sorted(aggregations.get("month", {}).get("values", {}).get("buckets", []), key=lambda b: b["key"])
        result["month"] = [
            FacetValue(str(b["key"]), str(b["key"]), int(b["doc_count"]), params.month == b["key"])
            for b in months
            if b["doc_count"]
        ]
    undated = int(aggregations.get("undated", {}).get("doc_count", 0))
    result["undated"] = undated if not (params.date_from or params.date_to or params.year) else 0
    return result


def _articles(article_ids, *, images=False):
    """Return {id: article}; ``images`` prefetches the images (as engine._articles)."""
    from archive.models import Article

    articles = Article.objects.select_related("source")
    if images:
        articles = articles.prefetch_related("images")
    return articles.in_bulk(article_ids)


def _hits(response):
    return [(int(hit["_source"]["article_id"]), float(hit.get("_score") or 0.0)) for hit in response["hits"]["hits"]]


# --- the public functions ----------------------------------------------------------------


def search(params):
    """Run a search and return one :class:`~archive.search.types.SearchPage`."""
    from archive.search.engine import _hit

    if params.is_empty:
        return SearchPage(params=params)
    plan = plan_query(params.q, exact=params.exact)
    if params.q.strip() and not plan.has_text and not params.has_filters:
        return SearchPage(
            params=params,
            error=_("The query holds no word that can be searched (only very common words or symbols)."),
        )
    start = (params.page - 1) * params.page_size
    if params.sort == "relevance" and plan.scored and start >= RELEVANCE_MAX_DEPTH:
        page = SearchPage(params=params)
        page.error = _("Results ranked by relevance stop at %(n)d; sort by date to go further.") % {
            "n": RELEVANCE_MAX_DEPTH
        }
        return page
    required, relaxed = _relaxed_required(plan, params)
    coordinate(plan, params, required)
    response = _search(search_body(plan, params, start=start, required=required))
    count = _total(response)
    page = SearchPage(params=params, count=count, notice=_notice(plan, required, relaxed), relaxed=relaxed)
    page.facets = _facets(response, params)
    rows = _hits(response)
    articles = _articles([article_id for article_id, _score in rows])
    for article_id, score in rows:
        article = articles.get(article_id)
        if article is not None:
            page.hits.append(_hit(article, score, plan.highlighter))
    if count == 0 and params.q.strip():
        page.suggestion = suggest(params)
    return page


def iterate(params, *, limit):
    """Yield (article, score) for every hit in the search's order, up to ``limit``."""
    plan = plan_query(params.q, exact=params.exact)
    if params.is_empty or (params.q.strip() and not plan.has_text and not params.has_filters):
        return
    required, _relaxed = _relaxed_required(plan, params)
    coordinate(plan, params, required)
    limit = min(limit, RELEVANCE_MAX_DEPTH) if params.sort == "relevance" and plan.scored else limit
    fetched = 0
    search_after = None
    while fetched < limit:
        size = min(500, limit - fetched)
        body = search_body(plan, params, size=size, required=required, facets=False)
        body["track_total_hits"] = False
        if search_after is not None:
            body.pop("from")
            body["search_after"] = search_after
        response = _search(body)
        hits = response["hits"]["hits"]
        if not hits:
            return
        articles = _articles([int(hit["_source"]["article_id"]) for hit in hits], images=True)
        for hit in hits:
            article = articles.get(int(hit["_source"]["article_id"]))
            if article is not None:
                yield article, float(hit.get("_score") or 0.0)
        fetched += len(hits)
        search_after = hits[-1].get("sort")
        if search_after is None or len(hits) < size:
            return


def count(params):
    """Return the number of articles the search finds."""
    plan = plan_query(params.q, exact=params.exact)
    required, _relaxed = _relaxed_required(plan, params)
    return _count(count_body(plan, params, required))


def timeline_body(plan, params, interval="year", required=None):
    key = "period" if interval == "month" else "year"
    query = plan.text_query(required)
    return {
        "size": 0,
        "query": query,
        "aggs": {
            "hits": {
                "filter": {"bool": {"filter": _except(filter_clauses(params)) + [{"range": {key: {"gt": 0}}}]}},
                "aggs": {"values": {"terms": {"field": key, "size": 100_000}}},
            },
            "totals": {
                "global": {},
                "aggs": {
                    "dated": {
                        "filter": {"range": {key: {"gt": 0}}},
                        "aggs": {"values": {"terms": {"field": key, "size": 100_000}}},
                    }
                },
            },
        },
    }


def timeline(params, *, interval="year"):
    """Return hits and archive totals per year (or month) over the archive's whole span."""
    plan = plan_query(params.q, exact=params.exact)
    required, _relaxed = _relaxed_required(plan, params)
    response = _search(timeline_body(plan, params, interval, required))
    aggregations = response["aggregations"]
    totals = {b["key"]: b["doc_count"] for b in aggregations["totals"]["dated"]["values"]["buckets"]}
    hits = {b["key"]: b["doc_count"] for b in aggregations["hits"]["values"]["buckets"]}
    if not totals:
        return []
    buckets = []
    for key in range(min(totals), max(totals) + 1):
        period = f"{key // 12:04d}-{key % 12 + 1:02d}" if interval == "month" else f"{key:04d}"
        buckets.append(TimelineBucket(period=period, hits=int(hits.get(key, 0)), total=int(totals.get(key, 0))))
    return buckets


def snippet_maker(params):
    """Return a function giving an article's keyword-in-context fragments for this search."""
    from archive.search.engine import _hit

    highlighter = plan_query(params.q, exact=params.exact).highlighter if params.q.strip() else Highlighter()

    def snippets(article, max_fragments=1):
        return _hit(article, 0.0, highlighter, max_fragments=max_fragments).snippets

    return snippets


def highlight_article(article, *, query, exact=False):
    """Return the article's text as safe HTML with the query's matches marked and numbered."""
    highlighter = plan_query(query, exact=exact).highlighter if query and query.strip() else Highlighter()
    numbering = [0]
    title = highlighter.mark(article.title, numbering)
    paragraphs = [highlighter.mark(paragraph, numbering) for paragraph in article.paragraphs()]
    captions = [highlighter.mark(caption, numbering) for caption in article.captions()]
    return HighlightedArticle(title=title, paragraphs=paragraphs, captions=captions, match_count=numbering[0])


def related_body(article, index_name, limit):
    from archive.search.indexing import identifier

    return {
        "size": limit,
        "_source": ["article_id"],
        "query": {
            "more_like_this": {
                "fields": ["text"],
                "like": [{"_index": index_name, "_id": identifier(article.pk)}],
                "min_term_freq": 1,
                "min_doc_freq": 1,
                "max_query_terms": 12,
                "include": False,
            }
        },
    }


def related(article, *, limit=5):
    """Return articles that share this article's most distinctive words."""
    search_backend = backend()
    response = _search(related_body(article, search_backend.index_name, limit + 1))
    ids = [article_id for article_id, _score in _hits(response) if article_id != article.pk][:limit]
    articles = _articles(ids)
    return [articles[i] for i in ids if i in articles]


def suggest_body(forms):
    return {
        "size": 0,
        "suggest": {
            str(i): {
                "text": form,
                "term": {"field": "exact", "suggest_mode": "missing", "max_edits": 1 if len(form) <= 4 else 2, "size": 5},
            }
            for i, form in enumerate(forms)
        },
    }


def suggest(params):
    """Return a "did you mean" query for words the index does not hold, or ''."""
    tree = ql.parse(params.q)
    words = []

    def collect(node):
        if isinstance(node, ql.Word) and not node.prefix and node.field != "source":
            words.append(node.text)
        elif isinstance(node, (ql.Not, ql.Must)):
            collect(node.child)
        elif isinstance(node, ql.Group):
            for child in node.children:
                collect(child)

    collect(tree)
    single = [(word, terms(word, True)) for word in words[:8]]
    single = [(word, forms[0]) for word, forms in single if len(forms) == 1]
    if not single:
        return ""
    response = _search(suggest_body([form for _word, form in single]))
    replaced, changed = params.q, False
    for i, (word, _form) in enumerate(single):
        entries = response.get("suggest", {}).get(str(i), [])
        options = entries[0]["options"] if entries else []
        if not options:
            continue
        best = max(options, key=lambda option: (option.get("freq", 0), option.get("score", 0)))["text"]
        replaced = replaced.replace(word, best, 1)
        changed = True
    if not changed or count(params.with_changes(q=replaced, page=1)) == 0:
        return ""
    return replaced
