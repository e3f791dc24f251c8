"""Search over the archive's Whoosh index.

A search has two halves.  *Which* articles match — the count, the facets, the
timeline and the export — is worked out on sets of document numbers with numpy,
against per-document columns that each process keeps for the current index
generation (archive.search.backend.IndexSnapshot).  *In which order* the page
shows them is BM25F scoring by Whoosh, restricted to those documents.

Plain words side by side are matched in one of two ways.  A keyword search of up
to ``STRICT_WORDS`` words finds the articles holding all of them (the Boolean
reading researchers expect, and what counts, facets, the timeline and exports
report); when no article holds them all, it relaxes one word at a time and says
so, rather than finding nothing.  A natural-language question (it opens with an
interrogative or holds a question mark) or a longer query finds every article
holding any of its words — measured on ARCD and Qur'an QA, requiring even a third
of a question's words loses most of the relevant passages (docs/search-quality.md).

The order is BM25F times a coordination bonus (archive.search.ranking): each
word (or phrase, prefix, group) the article holds raises its score in proportion
to the word's idf, so an article holding all the words scores up to twice its
BM25F, one missing a word most articles hold loses little, and one missing the
query's rarest word loses most.  A longer *keyword* query (not a question) puts
the articles holding all its words first, as researchers who typed each word on
purpose expect; a question does not, because its wording is not the answer's —
an article holding every word, the commonest included, would otherwise come
before a better one missing only that word (measured in docs/search-quality.md).
"""

import datetime as dt
import math
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from whoosh import query as wq

from archive.analysis.analyzers import ArabicAnalyzer, ArabicExactAnalyzer
from archive.analysis.tokenize import tokenize_terms
from archive.search import query as ql
from archive.search.backend import backend
from archive.search.compiling import QueryCompiler
from archive.search.highlight import Highlighter
from archive.search import vectors
from archive.search.ranking import COORDINATION_BONUS, CoordinatedOr
from archive.search.types import FacetValue, HighlightedArticle, SearchHit, SearchPage, TimelineBucket

STRICT_WORDS = 3
# A query that opens with one of these (normalized) or holds a question mark is a
# natural-language question: no article need hold every word of it.
QUESTION_WORDS = frozenset(
    {
        "\u0645\u0627",  # ما
        "\u0645\u0627\u0630\u0627",  # ماذا
        "\u0645\u0646",  # من
        "\u0645\u062a\u064a",  # متي (متى)
        "\u0643\u0645",  # كم
        "\u0628\u0643\u0645",  # بكم
        "\u0627\u064a\u0646",  # اين
        "\u0644\u0645\u0627\u0630\u0627",  # لماذا
        "\u0643\u064a\u0641",  # كيف
        "\u0647\u0644",  # هل
        "\u0627\u064a",  # اي
        "\u0627\u064a\u0647",  # ايه (أية)
        "\u0645\u0627\u0647\u0648",  # ماهو
        "\u0645\u0627\u0647\u064a",  # ماهي
        "\u0644\u0645",  # لم
    }
)
QUESTION_MARKS = ("?", "\u061f")
PREFIX_MAX_TERMS = 300
RELEVANCE_MAX_DEPTH = 10_000
# Weight of an exact-form match next to the stemmed one: the form the researcher
# typed ranks a little above its other inflections.
EXACT_FORM_WEIGHT = 0.25
_CACHE_LIMIT = 512


# --- analysis ---------------------------------------------------------------------


class _Analyzers:
    def __init__(self):
        self.stem = ArabicAnalyzer()
        self.exact = ArabicExactAnalyzer()
        self.cache = OrderedDict()

    def terms(self, text, exact):
        key = (text, exact)
        cached = self.cache.get(key)
        if cached is None:
            analyzer = self.exact if exact else self.stem
            cached = tuple(token.text for token in analyzer(text, mode="query"))
            self.cache[key] = cached
            if len(self.cache) > 4096:
                self.cache.popitem(last=False)
        return cached


_analyzers = None


def analyzers():
    global _analyzers
    if _analyzers is None:
        _analyzers = _Analyzers()
    return _analyzers


# --- planning: syntax tree -> Whoosh queries ------------------------------------------


@dataclass
class Plan:
    """A parsed query, compiled: clauses to match and what to highlight."""

    positives: list = field(default_factory=list)
    musts: list = field(default_factory=list)
    nots: list = field(default_factory=list)
    highlighter: Highlighter = field(default_factory=Highlighter)
    ignored: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    question: bool = False

    @property
    def has_text(self):
        return bool(self.positives or self.musts or self.nots)

    def scoring_query(self):
        queries = self.positives + self.musts
        if not queries:
            return None
        return CoordinatedOr(queries)


class _Compiler(QueryCompiler):
    """Compile the syntax tree into Whoosh queries (archive.search.compiling does the walk)."""

    def __init__(self, snapshot, plan):
        super().__init__(plan)
        self.snapshot = snapshot

    def terms(self, text, exact):
        return analyzers().terms(text, exact)

    def source_names(self):
        return _source_terms()

    def source_clause(self, slugs):
        if not slugs:
            return wq.NullQuery
        return wq.Or([wq.Term("source", slug) for slug in slugs])

    def negate(self, clause):
        return wq.Not(clause)

    def combine(self, op, clauses):
        return wq.Or(clauses) if op == "or" else wq.And(clauses)

    def exact_clause(self, form, field_name):
        if field_name == "title":
            return wq.Term("title_exact", form)
        return wq.Or([wq.Term("exact", form), wq.Term("title_exact", form)])

    def stem_clause(self, term, field_name, text):
        if field_name == "title":
            return wq.Term("title", term)
        alternatives = [wq.Term("text", term), wq.Term("title", term)]
        for form in analyzers().terms(text, True):
            alternatives.append(wq.Term("exact", form, boost=EXACT_FORM_WEIGHT))
        return wq.Or(alternatives)

    def prefix_clause(self, node, prefixes, fieldname):
        reader = self.snapshot.searcher.reader()
        expansions = []
        for prefix in prefixes:
            for term in reader.expand_prefix(fieldname, prefix):
                expansions.append(term.decode("utf-8") if isinstance(term, bytes) else term)
                if len(expansions) > PREFIX_MAX_TERMS:
                    break
            if len(expansions) > PREFIX_MAX_TERMS:
                self.plan.notices.append(
                    _("“%(word)s*” matches very many words; only the first %(n)d are searched.")
                    % {"word": node.text, "n": PREFIX_MAX_TERMS}
                )
                expansions = expansions[:PREFIX_MAX_TERMS]
                break
        if not expansions:
            return wq.NullQuery
        return wq.Or([wq.Term(fieldname, term) for term in expansions])

    def phrase(self, node):
        if node.field == "source":
            return self.source(node.text)
        stems = analyzers().terms(node.text, False)
        forms = analyzers().terms(node.text, True) if node.exact else ()
        if node.exact and len(forms) == 1:
            return self.exact_term(forms[0], node.field)
        if not node.exact and len(stems) == 1:
            return self.stem_term(stems[0], node.field, node.text)
        if not stems and not forms:
            self.plan.ignored.append(node.text)
            return None
        fields = ["title"] if node.field == "title" else ["text", "title"]
        phrases = [wq.Phrase(name, list(stems)) for name in fields] if len(stems) > 1 else []
        if node.exact:
            # The exact-form field keeps no positions: the phrase is matched on the
            # stemmed field and every exact form must be present too.
            self.plan.highlighter.phrases.append((True, forms))
            exact_field = "title_exact" if node.field == "title" else "exact"
            positional = [phrases[0] if len(phrases) == 1 else wq.Or(phrases)] if phrases else []
            return wq.And([*positional, *[wq.Term(exact_field, form) for form in forms]])
        self.plan.highlighter.phrases.append((False, stems))
        return phrases[0] if len(phrases) == 1 else wq.Or(phrases)


def _source_terms():
    """Return {slug: set of analyzed terms of the source's name} (sources are few)."""
    from archive.models import Source

    return {
        slug: set(analyzers().terms(name, False)) for slug, name in Source.objects.values_list("slug", "name")
    }


def _is_question(text):
    if any(mark in text for mark in QUESTION_MARKS):
        return True
    first = tokenize_terms(text[:80])
    return bool(first) and first[0] in QUESTION_WORDS


def fill_plan(plan, text, *, exact, compiler):
    """Parse ``text`` and sort its compiled clauses into ``plan`` (shared by both engines).

    Clauses side by side are "positives" (matched by the rules in the module
    docstring), ``+word`` and explicit AND clauses are "musts", NOT and ``-word``
    clauses are "nots"; ``compiler.compile`` turns each into the engine's query.
    """
    tree = ql.parse(text)
    if tree is None:
        return plan
    plan.question = _is_question(text)
    if ql.clause_count(tree) >= ql.MAX_CLAUSES:
        plan.notices.append(_("The query is very long; only its first %(n)d words are used.") % {"n": ql.MAX_CLAUSES})
    if exact:
        tree = ql.force_exact(tree)
    if isinstance(tree, ql.Group) and tree.op in ("default", "and"):
        children, strict = tree.children, tree.op == "and"
    else:
        children, strict = (tree,), False
    for child in children:
        if isinstance(child, ql.Not):
            compiled = compiler.compile_silently(child.child)
            if compiled is not None:
                plan.nots.append(compiled)
            continue
        compiled = compiler.compile(child)
        if compiled is None:
            continue
        if strict or isinstance(child, ql.Must):
            plan.musts.append(compiled)
        else:
            plan.positives.append(compiled)
    return plan


def plan_query(text, *, exact, snapshot):
    """Parse and compile ``text``; return a :class:`Plan`."""
    plan = Plan()
    return fill_plan(plan, text, exact=exact, compiler=_Compiler(snapshot, plan))


# --- matching: document sets -------------------------------------------------------


def _docs(snapshot, q):
    """Return the sorted document numbers matching ``q`` (cached per index generation)."""
    return vectors.evaluate(snapshot, q).ids


def _mask(snapshot, docs):
    mask = np.zeros(len(snapshot.live), dtype=bool)
    mask[docs] = True
    return mask


@dataclass
class Matches:
    """Boolean masks over document numbers for one search."""

    text: np.ndarray
    all_words: np.ndarray | None
    source: np.ndarray
    dates: np.ndarray
    year: np.ndarray
    month: np.ndarray
    required: int = 0
    words: int = 0
    relaxed: bool = False

    @property
    def final(self):
        return self.text & self.source & self.dates & self.year & self.month


def _day_start(day):
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())


def match(snapshot, plan, params):
    """Return the :class:`Matches` of a planned search under the parameters' filters."""
    size = len(snapshot.live)
    everything = np.ones(size, dtype=bool)
    source = everything
    if params.sources:
        codes = [snapshot.source_code[slug] for slug in params.sources if slug in snapshot.source_code]
        source = np.isin(snapshot.source, codes) if codes else np.zeros(size, dtype=bool)
    dates = everything
    if params.date_from or params.date_to:
        lower = _day_start(params.date_from) if params.date_from else -(2**61)
        upper = 2**62
        if params.date_to and params.date_to < dt.date.max:  # 9999-12-31 + 1 day overflows
            upper = _day_start(params.date_to + dt.timedelta(days=1))
        dates = (snapshot.published >= lower) & (snapshot.published < upper)
    year = snapshot.year == params.year if params.year else everything
    month = snapshot.month == params.month if params.month else everything

    base = snapshot.live.copy()
    for q in plan.musts:
        base &= _mask(snapshot, _docs(snapshot, q))
    for q in plan.nots:
        base[_docs(snapshot, q)] = False
    filters = source & dates & year & month
    if not plan.positives:
        return Matches(base, None, source, dates, year, month)

    counts = np.zeros(size, dtype=np.int16)
    for q in plan.positives:
        counts[_docs(snapshot, q)] += 1
    words = len(plan.positives)
    counts[~base] = 0
    keywords = words <= STRICT_WORDS and not plan.question
    required = words if keywords else 1
    all_words = counts >= words
    if keywords and not (all_words & filters).any():
        # Nothing holds every word: relax one word at a time rather than find nothing.
        while required > 1 and not ((counts >= required) & filters).any():
            required -= 1
        relaxed = True
    else:
        relaxed = False
    text = counts >= required
    return Matches(text, all_words, source, dates, year, month, required, words, relaxed and required < words)


def _last(snapshot, slot, key, compute):
    """Return ``compute()``, reused while ``key`` stays this thread's last in ``slot``.

    A results page plans and matches the same search twice (its hits, then its
    timeline); a prefix's expansion and the masks (a byte per article each) are what
    cost, so only the last of each is kept.
    """
    kept = snapshot.cache.get(slot)
    if kept is None or kept[0] != key:
        kept = snapshot.cache[slot] = (key, compute())
    return kept[1]


def _planned(snapshot, params):
    """Return the search's :class:`Plan` (see _last)."""
    return _last(
        snapshot, "last plan", (params.q, params.exact),
        lambda: plan_query(params.q, exact=params.exact, snapshot=snapshot),
    )


def _matched(snapshot, params):
    """Return the search's :class:`Matches` (see _last)."""
    key = (params.q, params.exact, params.sources, params.date_from, params.date_to, params.year, params.month)
    return _last(snapshot, "last matches", key, lambda: match(snapshot, _planned(snapshot, params), params))


def index_version():
    """Return a string that changes whenever the index does (cached pages depend on it)."""
    generation, modified = backend().snapshot().generation
    return f"whoosh-{generation}-{modified!r}"


# --- results -----------------------------------------------------------------------------


def _source_labels(slugs):
    from archive.models import Source

    return dict(Source.objects.filter(slug__in=slugs).values_list("slug", "name"))


def facets(snapshot, matches, params):
    """Return facet counts: each facet is counted under every filter but its own."""
    result = {}
    in_sources = matches.text & matches.dates & matches.year & matches.month
    counts = np.bincount(snapshot.source[in_sources], minlength=len(snapshot.source_slugs))
    slugs = [snapshot.source_slugs[code] for code in np.nonzero(counts)[0] if snapshot.source_slugs[code]]
    labels = _source_labels(slugs)
    result["source"] = sorted(
        (
            FacetValue(slug, labels.get(slug, slug), int(counts[snapshot.source_code[slug]]), slug in params.sources)
            for slug in slugs
        ),
        key=lambda value: (-value.count, value.label),
    )
    in_years = matches.text & matches.source & matches.dates & (snapshot.year > 0)
    years = np.bincount(snapshot.year[in_years]) if in_years.any() else np.zeros(0, dtype=np.int64)
    result["year"] = [
        FacetValue(str(y), str(y), int(years[y]), params.year == y) for y in np.nonzero(years)[0]
    ]
    if params.year:
        in_months = matches.text & matches.source & matches.dates & matches.year
        months = np.bincount(snapshot.month[in_months], minlength=13)
        result["month"] = [
            FacetValue(str(m), str(m), int(months[m]), params.month == m) for m in range(1, 13) if months[m]
        ]
    undated = matches.text & matches.source & (snapshot.year == 0)
    result["undated"] = int(undated.sum()) if not (params.date_from or params.date_to or params.year) else 0
    return result


def _date_order(snapshot, docs, newest):
    published = snapshot.published[docs]
    article_id = snapshot.article_id[docs]
    from archive.search_indexes import UNDATED

    undated = published == UNDATED
    if newest:
        order = np.lexsort((-article_id, -published))
    else:
        key = np.where(undated, np.iinfo(np.int64).max, published)
        order = np.lexsort((article_id, key))
    return docs[order]


def _ranked(snapshot, plan, docs, limit):
    """Return [(docnum, score)] for ``docs`` by relevance, best first, at most ``limit``."""
    return vectors.ranked(snapshot, plan.scoring_query(), docs, limit, COORDINATION_BONUS)


def ordered(snapshot, plan, matches, params, start, stop):
    """Return [(docnum, score)] for positions start..stop of the result list."""
    final = matches.final
    docs = np.nonzero(final)[0]
    sort = params.sort
    if sort == "relevance" and plan.scoring_query() is None:
        sort = "newest"
    if sort in ("newest", "oldest"):
        page = _date_order(snapshot, docs, newest=sort == "newest")[start:stop]
        return [(int(d), 0.0) for d in page]
    stop = min(stop, RELEVANCE_MAX_DEPTH)
    if matches.all_words is None or plan.question:
        return _ranked(snapshot, plan, docs, stop)[start:stop]
    ranked = _ranked(snapshot, plan, np.nonzero(final & matches.all_words)[0], stop)
    rest = np.nonzero(final & ~matches.all_words)[0]
    if len(ranked) < stop and len(rest):
        ranked += _ranked(snapshot, plan, rest, stop - len(ranked))
    return ranked[start:stop]


def _articles(article_ids, *, images=False):
    """Return {id: article}; ``images`` prefetches the images (exports need every caption).

    A results page needs captions only for a hit whose body holds no match, and
    prefetching costs more than those few lookups (half the page's database time).
    """
    from archive.models import Article

    articles = Article.objects.select_related("source")
    if images:
        articles = articles.prefetch_related("images")
    return articles.in_bulk(article_ids)


def all_words_notice(question, words):
    """Say how a search that does not require every word orders its hits (shared by both engines)."""
    if question:
        return _(
            "Articles need not hold all %(n)d words; the more of them an article holds, "
            "and the rarer they are, the higher it ranks."
        ) % {"n": words}
    return _("Articles holding all %(n)d words come first, then those holding most of them.") % {"n": words}


def _notice(plan, matches):
    notices = list(plan.notices)
    if plan.ignored:
        notices.append(_("Very common words were left out: %(words)s") % {"words": "، ".join(plan.ignored)})
    if matches is not None and matches.all_words is not None:
        if matches.relaxed:
            notices.append(
                _("No article holds all %(n)d words; these hold %(k)d of them or more.")
                % {"n": matches.words, "k": matches.required}
            )
        elif matches.required < matches.words:
            notices.append(all_words_notice(plan.question, matches.words))
    return " ".join(notices)


def search(params):
    """Run a search and return one :class:`SearchPage`."""
    if params.is_empty:
        return SearchPage(params=params)
    snapshot = backend().snapshot()
    plan = _planned(snapshot, params)
    if params.q.strip() and not plan.has_text and not params.has_filters:
        return SearchPage(
            params=params,
            error=_("The query holds no word that can be searched (only very common words or symbols)."),
        )
    matches = _matched(snapshot, params)
    final = matches.final
    count = int(final.sum())
    start = (params.page - 1) * params.page_size
    page = SearchPage(params=params, count=count, notice=_notice(plan, matches), relaxed=matches.relaxed)
    page.facets = facets(snapshot, matches, params)
    if params.sort == "relevance" and plan.scoring_query() is not None and start >= RELEVANCE_MAX_DEPTH:
        page.error = _(
            "Results ranked by relevance stop at %(n)d; sort by date to go further."
        ) % {"n": RELEVANCE_MAX_DEPTH}
        return page
    rows = ordered(snapshot, plan, matches, params, start, start + params.page_size)
    ids = [int(snapshot.article_id[docnum]) for docnum, _score in rows]
    articles = _articles(ids)
    for (docnum, score), article_id in zip(rows, ids):
        article = articles.get(article_id)
        if article is None:  # the index is ahead of the database; check_index repairs it
            continue
        page.hits.append(_hit(article, score, plan.highlighter))
    if count == 0 and params.q.strip():
        page.suggestion = suggest(snapshot, params)
    return page


def _hit(article, score, highlighter, max_fragments=3):
    title_html = highlighter.mark(article.title) if highlighter else escape(article.title)
    snippets = []
    if highlighter:
        snippets = highlighter.fragments(article.body, max_fragments=max_fragments)
        if not snippets:
            for caption in article.captions():
                snippets.extend(highlighter.fragments(caption, max_fragments=1))
                if snippets:
                    break
    if not snippets:
        lead = article.body.strip().split("\n", 1)[0]
        cut = lead[:240].rsplit(" ", 1)[0] + " …" if len(lead) > 240 else lead
        snippets = [mark_safe(escape(cut))]
    return SearchHit(article=article, score=float(score), snippets=snippets, title_html=mark_safe(title_html))


def iterate(params, *, limit):
    """Yield (article, score) for every hit in the search's order, up to ``limit``."""
    snapshot = backend().snapshot()
    plan = plan_query(params.q, exact=params.exact, snapshot=snapshot)
    if params.is_empty or (params.q.strip() and not plan.has_text and not params.has_filters):
        return
    matches = match(snapshot, plan, params)
    rows = ordered(snapshot, plan, matches, params.with_changes(page=1), 0, limit)
    for offset in range(0, len(rows), 500):
        chunk = rows[offset : offset + 500]
        articles = _articles([int(snapshot.article_id[docnum]) for docnum, _ in chunk], images=True)
        for docnum, score in chunk:
            article = articles.get(int(snapshot.article_id[docnum]))
            if article is not None:
                yield article, float(score)


def snippet_maker(params):
    """Return a function giving an article's keyword-in-context fragments for this search."""
    highlighter = Highlighter()
    if params.q.strip():
        snapshot = backend().snapshot()
        highlighter = plan_query(params.q, exact=params.exact, snapshot=snapshot).highlighter

    def snippets(article, max_fragments=1):
        return _hit(article, 0.0, highlighter, max_fragments=max_fragments).snippets

    return snippets


def count(params):
    """Return the number of articles the search finds."""
    snapshot = backend().snapshot()
    return int(_matched(snapshot, params).final.sum())


def timeline(params, *, interval="year"):
    """Return hits and archive totals per year (or month) over the archive's whole span."""
    snapshot = backend().snapshot()
    matches = _matched(snapshot, params)
    periods = _periods(snapshot, interval)
    if periods is None:
        return []
    dated, keys, first, last, totals = periods
    hits = np.bincount(keys[matches.final & dated] - first, minlength=last - first + 1)
    buckets = []
    for offset in range(last - first + 1):
        key = first + offset
        period = f"{key // 12:04d}-{key % 12 + 1:02d}" if interval == "month" else f"{key:04d}"
        buckets.append(TimelineBucket(period=period, hits=int(hits[offset]), total=int(totals[offset])))
    return buckets


def _periods(snapshot, interval):
    """Return (dated, period of each document, first, last, articles per period), or None.

    The same for every search of an index generation: kept with it.
    """
    key = ("periods", interval)
    if key not in snapshot.cache:
        dated = snapshot.live & (snapshot.year > 0)
        periods = None
        if dated.any():
            keys = snapshot.year * 12 + (snapshot.month - 1) if interval == "month" else snapshot.year.copy()
            first, last = int(keys[dated].min()), int(keys[dated].max())
            totals = np.bincount(keys[dated] - first, minlength=last - first + 1)
            periods = (dated, keys, first, last, totals)
        snapshot.cache[key] = periods
    return snapshot.cache[key]


def highlight_article(article, *, query, exact=False):
    """Return the article's text as safe HTML with the query's matches marked and numbered."""
    highlighter = Highlighter()
    if query and query.strip():
        snapshot = backend().snapshot()
        highlighter = plan_query(query, exact=exact, snapshot=snapshot).highlighter
    numbering = [0]
    title = highlighter.mark(article.title, numbering)
    paragraphs = [highlighter.mark(paragraph, numbering) for paragraph in article.paragraphs()]
    captions = [highlighter.mark(caption, numbering) for caption in article.captions()]
    return HighlightedArticle(title=title, paragraphs=paragraphs, captions=captions, match_count=numbering[0])


def related(article, *, limit=5):
    """Return articles that share this article's most distinctive words."""
    snapshot = backend().snapshot()
    key = ("related", article.pk, article.content_hash, limit)
    cached = snapshot.cache.get(key)
    if cached is None:
        cached = _related_ids(snapshot, article, limit)
        if len(snapshot.cache) > _CACHE_LIMIT:
            snapshot.cache.clear()
        snapshot.cache[key] = cached
    articles = _articles(cached)
    return [articles[i] for i in cached if i in articles]


# "More like this" leaves out words found in more than this share of the articles
# (as Lucene's MoreLikeThis maxDocFreqPct): they say little about what an article is
# about, and their long posting lists are most of the cost.  Small archives keep all.
RELATED_MAX_DOC_SHARE = 0.05
RELATED_MIN_DOC_CAP = 100


def _related_ids(snapshot, article, limit, terms=12):
    searcher = snapshot.searcher
    frequencies = {}
    for term in analyzers().terms(f"{article.title}\n{article.title}\n{article.body}", False):
        frequencies[term] = frequencies.get(term, 0) + 1
    if not frequencies:
        return []
    documents = searcher.doc_count_all()
    cap = max(RELATED_MAX_DOC_SHARE * documents, RELATED_MIN_DOC_CAP)
    weighted = []
    for term, count in frequencies.items():
        if len(term) > 2:
            found_in = snapshot.doc_frequency("text", term)
            if found_in <= cap:
                # Whoosh's idf (searcher.idf), from the one lookup already made.
                weighted.append((count * (math.log(documents / (found_in + 1)) + 1), term))
    weighted = sorted(weighted, reverse=True)[:terms]
    if not weighted:
        return []
    # The weight goes on a wrapper, so that each term's vector (boost 1) is the one
    # other searches cached, not a new vector per article.
    q = wq.Or([wq.Or([wq.Term("text", term)], boost=weight) for weight, term in weighted])
    candidates = vectors.evaluate(snapshot, q).ids
    ranked = vectors.ranked(snapshot, q, candidates, limit + 1, bonus=0)
    ids = [int(snapshot.article_id[docnum]) for docnum, _score in ranked]
    return [i for i in ids if i != article.pk][:limit]


SUGGEST_MIN_CHARS = 3
SUGGEST_MAX_CHARS = 20
SUGGEST_PREFIX = 3


def suggest(snapshot, params):
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
    searcher = snapshot.searcher
    replaced = params.q
    changed = False
    for word in words[:8]:
        forms = analyzers().terms(word, True)
        if len(forms) != 1 or searcher.doc_frequency("exact", forms[0]) > 0:
            continue
        form = forms[0]
        # Whoosh walks the lexicon with an edit-distance automaton as long as the word: on the
        # 31k corpus an unbounded walk costs seconds per typo and minutes per long "word".
        # So: no suggestion for very short or implausibly long words, and candidates must
        # share their first letters with the word (up to three: most Arabic terms begin ال).
        if not SUGGEST_MIN_CHARS <= len(form) <= SUGGEST_MAX_CHARS:
            continue
        candidates = searcher.suggest(
            "exact", form, limit=5, maxdist=1 if len(form) <= 4 else 2, prefix=min(SUGGEST_PREFIX, len(form) - 1)
        )
        if not candidates:
            continue
        best = max(candidates, key=lambda term: searcher.doc_frequency("exact", term))
        replaced = replaced.replace(word, best, 1)
        changed = True
    if not changed:
        return ""
    if count(params.with_changes(q=replaced, page=1)) == 0:
        return ""
    return replaced
