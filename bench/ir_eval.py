"""Score the archive's Arabic analysis against reference stemmers; write docs/search-quality.md.

Run from the repository root:  .venv/bin/python bench/ir_eval.py

Collections (read from ../shared, or ARCHIVE_SHARED_DIR):
- ARCD: each paragraph is a document (its article title is a boosted title
  field), each question a query whose relevant document is its paragraph.
- Qur'an QA 2023, task A: the thematic passages are the documents; train and
  dev questions with at least one answer are the queries.

Every system gets the same Whoosh BM25F setup and the same plain query (the
analyzed question's terms OR-ed over text and title).  The archive system
additionally uses its own query builder, ``archive_query`` below, which the
search code is meant to adopt.
"""

import collections
import csv
import datetime
import json
import math
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from whoosh import scoring  # noqa: E402
from whoosh.fields import ID, TEXT, Schema  # noqa: E402
from whoosh.filedb.filestore import RamStorage  # noqa: E402
from whoosh.query import Or, Phrase, Term  # noqa: E402

from archive.analysis.analyzers import ArabicAnalyzer, ArabicExactAnalyzer, analyze_terms  # noqa: E402
from archive.analysis.filters import ArabicStopFilter  # noqa: E402
from archive.analysis.normalize import normalize  # noqa: E402
from archive.analysis.stem import stem  # noqa: E402
from archive.analysis.stopwords import STOP_WORDS  # noqa: E402
from archive.analysis.tokenize import ArabicTokenizer  # noqa: E402
from archive.search.ranking import COORDINATION_BONUS, CoordinatedOr, SafePositions  # noqa: E402

from reference_stemmers import (  # noqa: E402
    IsriStemFilter,
    Light10StemFilter,
    LuceneArabicAnalyzer,
    SnowballStemFilter,
    isri_stem,
    light10_stem,
    lucene_normalize,
    snowball_stem,
)

SHARED = Path(os.environ.get("ARCHIVE_SHARED_DIR") or REPO / ".." / "shared")
EVAL = SHARED / "eval"
OUTPUT = REPO / "docs" / "search-quality.md"
CUTOFF = 10

# ---------------------------------------------------------------------------
# The archive's query building.  Kept small and pure so that the search code
# (archive/search/) can take it over unchanged.

TEXT_FIELD = "text"
TITLE_FIELD = "title"
EXACT_FIELD = "text_exact"
TITLE_BOOST = 0.75
EXACT_BOOST = 0.25
PROXIMITY_BOOST = 0.5
PROXIMITY_SLOP = 3


def archive_query(
    text, *, fields=(TEXT_FIELD, TITLE_FIELD), exact=True, proximity=False, coordination="words"
):
    """Return the archive's ranked query for free text: any term may match, more is better.

    ``coordination``: "words" (the search engine's): one clause per word (its stem in
    each field and its exact forms), weighted by the clause's idf; "terms": every
    index term counts once (the bonus before); None: no bonus.
    """
    clauses = {}
    for form in dict.fromkeys(analyze_terms(text, exact=True)):
        if form in STOP_WORDS:
            continue
        for term in analyze_terms(form):
            clause = clauses.setdefault(term, [])
            if not clause:
                clause.extend(
                    Term(field, term, boost=TITLE_BOOST if field == TITLE_FIELD else 1.0) for field in fields
                )
            if exact:
                # The exact form of a word rewards documents that use the very form
                # the reader typed, on top of the stem's match.
                clause.append(Term(EXACT_FIELD, form, boost=EXACT_BOOST))
    stems = list(clauses)
    extra = []
    if proximity:
        # Neighbouring query words found near each other (names, compounds)
        # count extra.
        extra = [
            Phrase(TEXT_FIELD, [first, second], slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST)
            for first, second in zip(stems, stems[1:])
        ]
    if coordination == "words":
        return CoordinatedOr([Or(clause) for clause in clauses.values()] + extra)
    flat = [term for clause in clauses.values() for term in clause] + extra
    return CoordinatedOr(flat, bonus=COORDINATION_BONUS if coordination else 0, weighted=False)


# ---------------------------------------------------------------------------
# Systems

def NormalizationOnlyAnalyzer():
    return ArabicTokenizer() | ArabicStopFilter()


def Light10Analyzer():
    return ArabicTokenizer() | ArabicStopFilter() | Light10StemFilter()


def SnowballAnalyzer():
    return ArabicTokenizer() | ArabicStopFilter() | SnowballStemFilter()


def IsriAnalyzer():
    return ArabicTokenizer() | ArabicStopFilter() | IsriStemFilter()


SYSTEMS = {
    "archive": ArabicAnalyzer,
    "normalization only": NormalizationOnlyAnalyzer,
    "Light10 (Lucene stemmer)": Light10Analyzer,
    "Lucene ArabicAnalyzer chain": LuceneArabicAnalyzer,
    "Snowball (PyStemmer)": SnowballAnalyzer,
    "ISRI (nltk)": IsriAnalyzer,
}
REFERENCE_NOTE = (
    "Every system but the Lucene chain shares the archive's tokenizer, normalization and "
    "stop words, so the rows differ by stemmer only; the Lucene chain is Lucene's own "
    "pipeline (its stop list before its normalizer, then Light10)."
)


# ---------------------------------------------------------------------------
# Collections


def load_arcd():
    data = json.loads((EVAL / "arcd" / "arcd.json").read_text(encoding="utf-8"))
    docs, queries, qrels = {}, [], {}
    for article_number, article in enumerate(data["data"]):
        for paragraph_number, paragraph in enumerate(article["paragraphs"]):
            doc_id = f"{article_number}-{paragraph_number}"
            docs[doc_id] = {"title": article["title"], "text": paragraph["context"]}
            for qa in paragraph["qas"]:
                queries.append((qa["id"], qa["question"]))
                qrels[qa["id"]] = {doc_id}
    return docs, queries, qrels


def load_quranqa():
    folder = EVAL / "quranqa2023"
    docs = {}
    with open(folder / "QQA23_TaskA_QPC_v1.1.tsv", encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            docs[row[0]] = {"text": row[1]}
    qrels = collections.defaultdict(set)
    for split in ("train", "dev"):
        with open(folder / f"QQA23_TaskA_qrels_{split}.gold", encoding="utf-8") as handle:
            for line in filter(str.strip, handle):
                qid, _, passage, relevance = line.split()
                if passage != "-1" and int(relevance) > 0:
                    qrels[qid].add(passage)
    queries = []
    for split in ("train", "dev"):
        with open(folder / f"QQA23_TaskA_{split}.tsv", encoding="utf-8") as handle:
            for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                if row[0] in qrels:
                    queries.append((row[0], row[1]))
    return docs, queries, dict(qrels)


# ---------------------------------------------------------------------------
# Indexing, searching, metrics


def text_field(analyzer):
    field = TEXT(analyzer=analyzer)
    field.format = SafePositions(field_boost=field.format.field_boost)
    return field


def build_index(docs, analyzer_factory, *, with_title, with_exact):
    fields = {"id": ID(stored=True), TEXT_FIELD: text_field(analyzer_factory())}
    if with_title:
        fields[TITLE_FIELD] = text_field(analyzer_factory())
    if with_exact:
        fields[EXACT_FIELD] = text_field(ArabicExactAnalyzer())
    index = RamStorage().create_index(Schema(**fields))
    writer = index.writer()
    for doc_id, doc in docs.items():
        values = {"id": doc_id, TEXT_FIELD: doc["text"]}
        if with_title:
            values[TITLE_FIELD] = doc["title"]
        if with_exact:
            values[EXACT_FIELD] = doc["text"]
        writer.add_document(**values)
    writer.commit()
    return index


def plain_query(analyzer, text, fields):
    terms = dict.fromkeys(token.text for token in analyzer(text))
    return Or(
        [
            Term(field, term, boost=TITLE_BOOST if field == TITLE_FIELD else 1.0)
            for term in terms
            for field in fields
        ]
    )


def run(index, queries, make_query, weighting):
    rankings = {}
    with index.searcher(weighting=weighting) as searcher:
        for qid, text in queries:
            rankings[qid] = [hit["id"] for hit in searcher.search(make_query(text), limit=CUTOFF)]
    return rankings


def score(rankings, qrels):
    mrr = recall = ndcg = 0.0
    for qid, ranked in rankings.items():
        relevant = qrels[qid]
        hits = [doc_id in relevant for doc_id in ranked[:CUTOFF]]
        mrr += next((1 / (rank + 1) for rank, hit in enumerate(hits) if hit), 0.0)
        recall += sum(hits) / len(relevant)
        dcg = sum(1 / math.log2(rank + 2) for rank, hit in enumerate(hits) if hit)
        ideal = sum(1 / math.log2(rank + 2) for rank in range(min(len(relevant), CUTOFF)))
        ndcg += dcg / ideal
    count = len(rankings)
    return {"MRR@10": mrr / count, "Recall@10": recall / count, "nDCG@10": ndcg / count}


# ---------------------------------------------------------------------------
# Stemmer-level checks


def word_stemmers():
    return {
        "archive": lambda word: stem(normalize(word)),
        "normalization only": normalize,
        "Light10 (Lucene stemmer)": lambda word: light10_stem(normalize(word)),
        "Lucene ArabicAnalyzer chain": lambda word: light10_stem(lucene_normalize(word)),
        "Snowball (PyStemmer)": lambda word: snowball_stem(normalize(word)),
        "ISRI (nltk)": lambda word: isri_stem(normalize(word)),
    }


def conflation(stem_word):
    """Return (same-stem rate of gold-equal pairs, collision rate of gold-different pairs)."""
    words = json.loads((EVAL / "stem_golden" / "golden_corpus_arabic.json").read_text("utf-8"))
    cells = collections.Counter((entry["stem"], stem_word(entry["word"])) for entry in words)
    by_gold = collections.Counter()
    by_system = collections.Counter()
    for (gold, system), count in cells.items():
        by_gold[gold] += count
        by_system[system] += count

    def pairs(count):
        return count * (count - 1) // 2

    both = sum(pairs(count) for count in cells.values())
    gold_pairs = sum(pairs(count) for count in by_gold.values())
    system_pairs = sum(pairs(count) for count in by_system.values())
    all_pairs = pairs(len(words))
    return both / gold_pairs, (system_pairs - both) / (all_pairs - gold_pairs), len(by_system)




def lucene_agreement():
    """Yield (test, input, expected, archive output) for the Lucene rows that apply."""
    with open(EVAL / "lucene_arabic" / "cases.tsv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    for row in rows:
        name, text, expected = row["test_name"], row["input"], row["expected_tokens"]
        if name.startswith("TestArabicNormalizationFilter") or name == "TestArabicAnalyzer.testDigits":
            got = normalize(text)
        elif name.startswith("TestArabicStemFilter") and "keyword" not in name:
            got = stem(normalize(text))
        elif name.startswith(("TestArabicAnalyzer.testBasic", "TestArabicAnalyzer.testReusable")):
            got = " ".join(analyze_terms(text))
        elif name.startswith("TestArabicAnalyzer.testEnglish"):
            got = " ".join(analyze_terms(text))
        else:
            continue
        yield name, text, expected, got


# ---------------------------------------------------------------------------
# Report


# ---------------------------------------------------------------------------
# The archive's own search, end to end


def setup_django():
    """Configure Django on a throwaway data directory (the database and the index)."""
    import tempfile

    os.environ["ARCHIVE_DATA_DIR"] = tempfile.mkdtemp(prefix="archive-ir-eval-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def run_archive_search(docs, queries):
    """Load ``docs`` as articles, build the index and rank each query with the archive's search.

    This is the product's own path: the haystack index of archive/search_indexes.py
    (title boosted, stemmed and exact-form fields), the query language parser and
    archive.selectors.article_search_iter (matching rules, ranking, tiers).
    """
    from django.core.management import call_command

    from archive.models import Article
    from archive.search.indexing import index_suspended
    from archive.search.types import SearchParams
    from archive.selectors import article_search_iter

    with index_suspended():
        Article.objects.all().delete()
        Article.objects.bulk_create(
            [
                Article(external_id=f"d{number}", title=doc.get("title", ""), body=doc["text"], content_hash="")
                for number, doc in enumerate(docs.values())
            ],
            batch_size=1000,
        )
    call_command("rebuild_index", interactive=False, verbosity=0)
    by_external = {f"d{number}": doc_id for number, doc_id in enumerate(docs)}
    rankings = {}
    for qid, text in queries:
        hits = article_search_iter(params=SearchParams(q=text, page_size=CUTOFF), limit=CUTOFF)
        rankings[qid] = [by_external[article.external_id] for article, _score in hits]
    return rankings


def versions():
    names = ("whoosh-ng", "django-haystack", "Django", "PyArabic", "PyStemmer", "nltk")
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (missing)")
    return f"Python {platform.python_version()}, " + ", ".join(found)


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def fmt(value):
    return f"{value:.3f}"


ARCHIVE_QUERY_LABEL = "+ coordination by word, idf-weighted = archive_query"
ARCHIVE_SEARCH = "**archive search, end to end**"
# Each idea on top of the ones before it; archive_query's default is the labelled line.
QUERY_IDEAS = (
    ("+ exact-form field", {"coordination": None}),
    ("+ coordination by index term (before)", {"coordination": "terms"}),
    (ARCHIVE_QUERY_LABEL, {}),
    ("+ proximity of neighbouring terms (not kept)", {"proximity": True}),
)


CORPUS = SHARED / "corpora" / "saudinewsnet.jsonl.gz"
SPEED_ARTICLES = 3000


def analyzer_speed():
    """Return {analyzer: (words in, terms out, cold s, warm s)} over the first news articles."""
    import gzip
    import itertools

    from archive.analysis import stem as stem_module
    from archive.analysis import tokenize as tokenize_module
    from archive.analysis.tokenize import tokenize_terms

    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        texts = [
            f"{record['title'] or ''}\n{record['body'] or ''}"
            for record in map(json.loads, itertools.islice(handle, SPEED_ARTICLES))
        ]
    words = sum(len(tokenize_terms(text)) for text in texts)
    speeds = {}
    for name, factory in (("stemmed (ArabicAnalyzer)", ArabicAnalyzer), ("exact (ArabicExactAnalyzer)", ArabicExactAnalyzer)):
        analyzer = factory()
        timings = []
        for _ in range(3):
            if not timings:
                stem_module.stem_cache.clear()
                tokenize_module._term_cache.clear()
            started = time.process_time()
            terms = 0
            for text in texts:
                for _token in analyzer(text, positions=True):
                    terms += 1
            timings.append(time.process_time() - started)
        speeds[name] = (words, terms, timings[0], min(timings[1:]))
    return speeds


def evaluate():
    started = time.perf_counter()
    weighting = scoring.BM25F()
    collections_ = {"ARCD": load_arcd(), "Qur'an QA 2023": load_quranqa()}
    results = {}
    ablations = {}
    for cname, (docs, queries, qrels) in collections_.items():
        with_title = cname == "ARCD"
        fields = (TEXT_FIELD, TITLE_FIELD) if with_title else (TEXT_FIELD,)
        for sname, factory in SYSTEMS.items():
            is_archive = sname == "archive"
            index = build_index(docs, factory, with_title=with_title, with_exact=is_archive)
            analyzer = factory()
            plain = run(index, queries, lambda text: plain_query(analyzer, text, fields), weighting)
            if is_archive:
                variants = {"plain OR (as the references)": plain}
                for label, options in QUERY_IDEAS:
                    variants[label] = run(
                        index,
                        queries,
                        lambda text, options=options: archive_query(text, fields=fields, **options),
                        weighting,
                    )
                ablations[cname] = {name: score(r, qrels) for name, r in variants.items()}
                results[(cname, "archive (archive_query)")] = ablations[cname][ARCHIVE_QUERY_LABEL]
                results[(cname, "archive analyzer, plain OR")] = ablations[cname][
                    "plain OR (as the references)"
                ]
            else:
                results[(cname, sname)] = score(plain, qrels)
        results[(cname, ARCHIVE_SEARCH)] = score(run_archive_search(docs, queries), qrels)
        collections_[cname] = (len(docs), len(queries))
    conflations = {name: conflation(function) for name, function in word_stemmers().items()}
    agreement = list(lucene_agreement())
    speeds = analyzer_speed() if CORPUS.exists() else {}
    elapsed = time.perf_counter() - started
    return collections_, results, ablations, conflations, agreement, speeds, elapsed


def write_report(collections_, results, ablations, conflations, agreement, speeds, elapsed):
    system_names = [ARCHIVE_SEARCH, "archive (archive_query)", "archive analyzer, plain OR"] + [
        name for name in SYSTEMS if name != "archive"
    ]
    metrics = ("MRR@10", "Recall@10", "nDCG@10")
    rows = []
    for name in system_names:
        row = [name]
        for cname in collections_:
            row += [fmt(results[(cname, name)][metric]) for metric in metrics]
        rows.append(row)
    header = ["system"] + [f"{c} {m}" for c in collections_ for m in metrics]
    ablation_rows = []
    for cname, variants in ablations.items():
        for name, values in variants.items():
            ablation_rows.append([cname, name] + [fmt(values[m]) for m in metrics])
    conflation_rows = [
        [name, fmt(same), fmt(collide), distinct] for name, (same, collide, distinct) in conflations.items()
    ]
    agree = sum(1 for _, _, expected, got in agreement if expected == got)
    agreement_rows = [
        [name, text, expected, got, "yes" if expected == got else "no"]
        for name, text, expected, got in agreement
    ]
    sizes = ", ".join(f"{c}: {d} documents, {q} queries" for c, (d, q) in collections_.items())
    speed_rows = [
        [name, words, terms, f"{cold:.2f}", f"{warm:.2f}", f"{words / warm / 1e6:.2f}M"]
        for name, (words, terms, cold, warm) in speeds.items()
    ]
    generated = f"""
## Measurements

Generated by `bench/ir_eval.py` on {datetime.date.today().isoformat()} in {elapsed:.0f} s
on a {os.cpu_count()}-core {platform.machine()} machine ({platform.system()}).
{versions()}.

Collections: {sizes}.  Whoosh BM25F (B=0.75, K1=1.2) for every system; title boost
{TITLE_BOOST} on ARCD.  {REFERENCE_NOTE}

### Retrieval

{table(header, rows)}

### What each query-building idea contributes (archive analyzer)

{table(["collection", "query", *metrics], ablation_rows)}

### Conflation on the stem golden corpus

Pairs of words sharing a gold stem that get one stem ("same stem", higher is better) and
pairs of words with different gold stems that get one stem ("collision", lower is better),
over {sum(1 for _ in json.loads((EVAL / 'stem_golden' / 'golden_corpus_arabic.json').read_text('utf-8')))} words.

{table(["system", "same stem", "collision", "distinct stems"], conflation_rows)}

### Analyzer speed

CPU time (not wall time: the machine is shared) to analyze the title and body of the
first {SPEED_ARTICLES} SaudiNewsNet articles with positions, as indexing does; "cold"
starts with empty word caches, "warm" is the best of two more runs.

{table(["analyzer", "words in", "terms out", "cold s", "warm s", "words/s (warm)"], speed_rows)}

### Agreement with Lucene's Arabic test cases

{agree} of {len(agreement)} rows agree (normalization and digit rows through `normalize`,
stemmer rows through `normalize` then `stem`, analyzer rows through `analyze_terms`).

{table(["Lucene test", "input", "Lucene", "archive", "same"], agreement_rows)}
"""
    text = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
    marker = "\n## Measurements\n"
    head = text.split(marker)[0] if marker in text else text
    OUTPUT.write_text(head.rstrip("\n") + "\n" + generated, encoding="utf-8")


def main():
    setup_django()
    outcome = evaluate()
    write_report(*outcome)
    print(OUTPUT.read_text(encoding="utf-8").split("\n## Measurements\n")[1])


if __name__ == "__main__":
    main()
