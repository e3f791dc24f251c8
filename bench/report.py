"""Render benchmark results (WORKDIR/results.json) as docs/benchmarks.md.

    python bench/report.py RESULTS.json [--compare RESULTS.json] [--out docs/benchmarks.md]

``--compare`` adds a second run (e.g. the comparison engines built on one copy of the
corpus when the full run had no time for them); each table says which run it is from.
"""

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

TARGETS = {
    "import_rate": 600,
    "index_ratio": 2.0,
    "db_rate": 1000,
    "search_p50": 15,
    "search_p95": 60,
    "http_p95": 100,
    "http_rps": 60,
    "article_rps": 300,
    "worker_mb": 300,
}


def fmt(value, digits=1):
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def mb(value):
    return "—" if value is None else f"{value / 1e6:,.0f} MB"


def ratio(a, b, digits=1):
    if a is None or b in (None, 0):
        return "—"
    value = a / b
    if value < 0.1:
        return f"{value:,.3f}×"
    return f"{value:,.{digits}f}×"


def verdict(ok):
    if ok is None:
        return "not measured"
    return "**met**" if ok else "**not met**"


def get(results, *path):
    value = results
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def section_machine(results):
    machine = results.get("machine", {})
    corpus = results.get("corpus", {})
    lines = [
        "## Machine and versions",
        "",
        f"- Date: {machine.get('date', '?')}; {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, "
        f"{machine.get('memory', '?')} memory; {machine.get('platform', '?')}.",
        f"- Python {machine.get('python', '?')}, Django {machine.get('django', '?')}, django-haystack "
        f"{machine.get('haystack', '?')}, whoosh-ng {machine.get('whoosh', '?')}, numpy {machine.get('numpy', '?')}, "
        f"tantivy-py {machine.get('tantivy', '?')}, {machine.get('wrk', 'wrk ?')}.",
        f"- Corpus: {fmt(corpus.get('articles'))} records = SaudiNewsNet ({fmt(corpus.get('one_copy_articles'))} records"
        + (f", first {fmt(corpus.get('slice'))}" if corpus.get("slice") else "")
        + f") × {corpus.get('copies', '?')} with distinct ids; raw text (title + body + captions, UTF-8) "
        f"{mb(corpus.get('raw_text_bytes'))}. Query set: {fmt(corpus.get('queries'))} queries "
        f"({', '.join(corpus.get('query_kinds', []))}), each plain and with a source + 14-day date filter.",
        "",
    ]
    durations = results.get("durations")
    if durations:
        lines += ["Step durations (s): " + ", ".join(f"{k} {fmt(v)}" for k, v in durations.items()) + ".", ""]
    return lines


def section_import(results, compare):
    lines = ["## Import and indexing", ""]
    imp, db, rebuild = results.get("import"), results.get("import_db"), results.get("rebuild")
    tantivy = get(results, "tantivy", "build") or get(compare or {}, "tantivy", "build")
    default = get(results, "default_whoosh", "build") or get(compare or {}, "default_whoosh", "build")
    lines += [
        "| What | Articles | Seconds | Articles/s | Target | Verdict |",
        "|---|---:|---:|---:|---:|---|",
    ]
    e2e = results.get("import_e2e")
    if e2e:
        lines.append(
            f"| `import_articles` + index, end to end, {e2e.get('label', '')} | {fmt(e2e['articles'])} | "
            f"{fmt(e2e['seconds'])} | {fmt(e2e['articles_per_s'])} | ≥ 600 | "
            f"{verdict(e2e['articles_per_s'] >= TARGETS['import_rate'])} |"
        )
    if imp and imp.get("no_index"):
        lines.append(
            f"| `import_articles --no-index` of the run's corpus (bulk path; `rebuild_index` below builds the index) | "
            f"{fmt(imp['articles'])} | {fmt(imp['seconds'])} | {fmt(imp['articles_per_s'])} | — | — |"
        )
    elif imp:
        lines.append(
            f"| `import_articles` + index, end to end | {fmt(imp['articles'])} | {fmt(imp['seconds'])} | "
            f"{fmt(imp['articles_per_s'])} | ≥ 600 | {verdict(imp['articles_per_s'] >= TARGETS['import_rate'])} |"
        )
    else:
        lines.append("| `import_articles` + index, end to end | — | — | — | ≥ 600 | not measured in this run |")
    if db:
        lines.append(
            f"| `import_articles --no-index` (database only) | {fmt(db['articles'])} | {fmt(db['seconds'])} | "
            f"{fmt(db['articles_per_s'])} | ≥ 1,000 | {verdict(db['articles_per_s'] >= TARGETS['db_rate'])} |"
        )
    if rebuild:
        lines.append(
            f"| `rebuild_index` | {fmt(rebuild['articles'])} | {fmt(rebuild['seconds'])} | {fmt(rebuild['articles_per_s'])} | — | — |"
        )
    if tantivy:
        lines.append(
            f"| tantivy, same analyzed terms (analysis + indexing) | {fmt(tantivy['documents'])} | "
            f"{fmt(tantivy['seconds_total'])} | {fmt(tantivy['articles_per_s_total'])} | floor | — |"
        )
        lines.append(
            f"| tantivy, indexing only (analysis {fmt(tantivy['seconds_analysis'])} s left out) | "
            f"{fmt(tantivy['documents'])} | {fmt(tantivy['seconds_tantivy'])} | {fmt(tantivy['articles_per_s_tantivy_only'])} | floor | — |"
        )
    if default:
        lines.append(
            f"| haystack default Whoosh (`backend.update`, batches of 1,000) | {fmt(default['documents'])} | "
            f"{fmt(default['seconds'])} | {fmt(default['articles_per_s'])} | default install | — |"
        )
    lines.append("")
    if e2e:
        lines.append(
            f"Index on disk after the end-to-end import ({e2e.get('label', '')}): {mb(e2e['index_bytes'])} for "
            f"{mb(e2e['raw_text_bytes'])} of raw text = **{fmt(e2e['index_to_raw'], 2)}×** (target ≤ 2×: "
            f"{verdict(e2e['index_to_raw'] <= TARGETS['index_ratio'])}); database {mb(e2e.get('db_bytes'))}; "
            f"{fmt(e2e.get('records_failed'))} records refused by validation (empty title or body)."
        )
        lines.append("")
    partial = results.get("import_partial")
    if partial:
        lines += [
            f"Progress of the end-to-end import of {fmt(partial['records'])} records: {fmt(partial['articles'])} "
            f"articles after {fmt(partial['seconds'] / 60)} minutes "
            f"({fmt(partial['articles'] / partial['seconds'])} articles/s on average) {partial.get('why', '')}",
            "",
            "| Minutes | Articles imported | Articles/s since the previous sample | Index on disk (with segments being merged) | Load average |",
            "|---:|---:|---:|---:|---:|",
        ]
        previous = None
        for sample in partial["samples"]:
            rate = "—"
            if previous and sample["seconds"] > previous["seconds"]:
                rate = fmt((sample["articles"] - previous["articles"]) / (sample["seconds"] - previous["seconds"]))
            lines.append(
                f"| {fmt(sample['seconds'] / 60)} | {fmt(sample['articles'])} | {rate} | {mb(sample['index_bytes'])} | "
                f"{sample.get('load', '—')} |"
            )
            previous = sample
        lines.append("")
    if imp and not imp.get("no_index"):
        lines.append(
            f"Index on disk after the import: {mb(imp['index_bytes'])} for {mb(imp['raw_text_bytes'])} of raw text = "
            f"**{fmt(imp['index_to_raw'], 2)}×** (target ≤ 2×: {verdict(imp['index_to_raw'] <= TARGETS['index_ratio'])}); "
            f"database {mb(imp.get('db_bytes'))}."
        )
    if rebuild:
        lines.append(
            f"After `rebuild_index`: {mb(rebuild['index_bytes'])} = {fmt(rebuild['index_to_raw'], 2)}× the raw text."
        )
    base_rate = None
    if rebuild:
        base_rate = rebuild["articles_per_s"]
    if tantivy and base_rate:
        lines.append(
            f"Ratios (rebuild_index of this run's archive index against the others, same articles): "
            f"archive / tantivy incl. analysis = {ratio(base_rate, tantivy['articles_per_s_total'], 2)}, "
            f"archive / tantivy indexing only = {ratio(base_rate, tantivy['articles_per_s_tantivy_only'], 3)}"
            + (f", archive / haystack default = {ratio(base_rate, default['articles_per_s'], 2)}" if default else "")
            + "."
        )
    if tantivy and rebuild:
        lines.append(
            f"Index size: archive {mb(rebuild['index_bytes'])}, tantivy {mb(tantivy['index_bytes'])}"
            + (f", haystack default {mb(default['index_bytes'])} (stores the text)" if default else "")
            + " — only comparable when built on the same number of articles (see the run each row comes from)."
        )
    lines.append("")
    return lines


def search_row(name, data, base=None):
    if not data:
        return f"| {name} | — | — | — | — | — |"
    warm = data.get("warm", {})
    return (
        f"| {name} | {fmt(data.get('cold_first_query_ms'))} | {fmt(warm.get('p50'), 2)} | {fmt(warm.get('p95'), 2)} | "
        f"{fmt(get(data, 'cached', 'p50'), 2)} / {fmt(get(data, 'cached', 'p95'), 2)} | "
        + (f"{ratio(base['warm']['p50'], warm.get('p50'))} / {ratio(base['warm']['p95'], warm.get('p95'))}" if base else "—")
        + " |"
    )


def section_search(results, compare):
    lines = ["## Search through the archive's code", ""]
    search = results.get("search")
    lines += [
        "Milliseconds per search through `archive.selectors.article_search` (count, facets on source and year, "
        "the page's 20 articles from the database, snippets). *Warm*: searcher and columns reused, the query "
        "itself new; *cached*: the same query again (per-generation caches).",
        "",
        "| Engine | Cold first query | Warm p50 | Warm p95 | Cached p50 / p95 | Archive ÷ this, p50 / p95 (> 1: the archive is slower) |",
        "|---|---:|---:|---:|---:|---:|",
        search_row(
            f"**archive** (whoosh-ng, {fmt(get(search, 'documents'))} docs"
            + (f", {search['label']}" if search and search.get("label") else "") + ")",
            search,
        ),
    ]
    for extra in results.get("extra_search_rows", []):
        lines.append(search_row(f"archive ({fmt(extra.get('documents'))} docs, {extra['label']})", extra))
    larger = results.get("search_124k")
    if larger:
        lines.append(
            search_row(f"**archive** (whoosh-ng, {fmt(larger.get('documents'))} docs, {larger.get('label', '')})", larger)
        )
    for run, label in ((results, "this run"), (compare, "comparison run")):
        if not run:
            continue
        base = run.get("search") or get(run, "whoosh_versions", "whoosh-ng", "search")
        if run is compare and base:
            lines.append(search_row(f"archive (whoosh-ng, {fmt(base.get('documents'))} docs, {label})", base))
        if run.get("tantivy"):
            docs = get(run, "tantivy", "build", "documents")
            lines.append(search_row(f"tantivy floor ({fmt(docs)} docs, {label})", run["tantivy"], base))
        if run.get("default_whoosh"):
            docs = get(run, "default_whoosh", "build", "documents")
            lines.append(search_row(f"haystack default Whoosh ({fmt(docs)} docs, {label})", run["default_whoosh"], base))
    lines.append("")
    if search:
        warm = search["warm"]
        lines.append(
            f"Targets: p50 ≤ 15 ms — {verdict(warm['p50'] <= TARGETS['search_p50'])}; "
            f"p95 ≤ 60 ms — {verdict(warm['p95'] <= TARGETS['search_p95'])}. Zero-hit queries: "
            f"{get(search, 'hits', 'zero')}; median hits {get(search, 'hits', 'median')}; page 2 p50/p95 "
            f"{fmt(get(search, 'page2', 'p50'), 2)} / {fmt(get(search, 'page2', 'p95'), 2)} ms."
        )
        if search.get("errors"):
            lines.append("")
            lines.append(
                f"**{len(search['errors'])} queries failed** — an exception, or the page's \"could not be run\" "
                "message (see *Findings*):"
            )
            for q, error in list(search["errors"].items())[:8]:
                lines.append(f"- `{q}`: {error}")
        lines.append("")
        lines += ["Warm latency by query kind (ms):", "", "| Kind | n | p50 | p95 | max |", "|---|---:|---:|---:|---:|"]
        for kind, data in sorted(search.get("warm_by_kind", {}).items()):
            lines.append(f"| {kind} | {data['n']} | {fmt(data['p50'], 2)} | {fmt(data['p95'], 2)} | {fmt(data['max'], 2)} |")
        lines.append("")
    return lines


def _http_rows(label, http):
    rows, memory = [], []
    for kind, target in (("search", "p95 ≤ 100 ms, ≥ 60/s"), ("article", "≥ 300/s")):
        row = http.get(kind, {})
        if "p50" not in row:
            continue
        if kind == "search":
            ok = row["p95"] <= TARGETS["http_p95"] and row["requests_per_s"] >= TARGETS["http_rps"]
            name = "results `/search/?q=…`"
        else:
            ok = row["requests_per_s"] >= TARGETS["article_rps"]
            name = "article `/articles/<id>/`"
        rows.append(
            f"| {name}{', ' + label if label else ''} | {fmt(row['requests'])} | {fmt(row['requests_per_s'])} | "
            f"{fmt(row['p50'])} | {fmt(row['p95'])} | {fmt(row['p99'])} | {row['errors_status']}/{row['errors_timeout']} | "
            f"{target} | {verdict(ok)} |"
        )
    plain = http.get("plain", {})
    if "p50" in plain:
        rows.append(
            f"| plain page `/help/` (no search, no database){', ' + label if label else ''} | {fmt(plain['requests'])} | "
            f"{fmt(plain['requests_per_s'])} | {fmt(plain['p50'])} | {fmt(plain['p95'])} | {fmt(plain['p99'])} | "
            f"{plain['errors_status']}/{plain['errors_timeout']} | floor | — |"
        )
    workers = http.get("worker_vmhwm_mb") or []
    if workers:
        memory.append(
            f"- {label or 'this run'}: " + ", ".join(f"{w} MB" for w in workers)
            + f" — {verdict(max(workers) <= TARGETS['worker_mb'])}; tracebacks in gunicorn's log: "
            f"{http.get('gunicorn_errors', 0)}"
            + (f" ({'; '.join(http.get('gunicorn_error_lines', [])[:3])})" if http.get("gunicorn_error_lines") else "")
        )
    return rows, memory


def section_http(results):
    http = results.get("http")
    lines = ["## Results page and article page through gunicorn + wrk", ""]
    if not http or http.get("error"):
        lines += [f"Not measured: {http.get('error') if http else 'the http step did not run'}.", ""]
        return lines
    lines += [
        f"gunicorn, {http['workers']} sync workers, DJANGO_DEBUG off, 127.0.0.1; wrk {http['connections']} "
        f"connections, {http['duration_s']} s per page kind, rotating through {get(http, 'search', 'urls')} search "
        f"URLs (the query set) and {get(http, 'article', 'urls')} article URLs. First search after start: "
        f"{fmt(http.get('first_search_ms'))} ms.",
        "",
    ]
    if results.get("extra_http_rows"):
        lines += [
            "With the page cache on, a page's costly part (hits, facets, timeline; an article's related "
            "articles, neighbours and citations) is rendered once per index version, release and language, "
            "kept in the data directory and served from there by every worker: of each page kind's requests, "
            f"about {fmt(get(http, 'search', 'urls'))} (the first pass of the rotation) computed their page, and "
            "those first renders (with the requests queued behind them) make its p95. wrk's rotation asks for "
            "each URL dozens of times in a run, far more often than researchers repeat one another: the rows "
            "with the cache off are the cost of pages never seen before.",
            "",
        ]
    lines += [
        "| Page | Requests | Requests/s | p50 ms | p95 ms | p99 ms | Errors (status/timeout) | Target | Verdict |",
        "|---|---:|---:|---:|---:|---:|---|---|---|",
    ]
    memory = []
    for label, data in [(http.get("label", ""), http)] + [
        (extra.get("label", ""), extra) for extra in results.get("extra_http_rows", [])
    ] + ([(results["http_124k"].get("label", ""), results["http_124k"])] if results.get("http_124k") else []):
        rows, mem = _http_rows(label, data)
        lines += rows
        memory += mem
    engines = [row for row in results.get("engine_http_rows", []) if "p50" in row.get("search", {})]
    for engine in engines:
        row = engine["search"]
        lines.append(
            f"| results `/search/?q=…`, {engine['label']} | {fmt(row['requests'])} | {fmt(row['requests_per_s'])} | "
            f"{fmt(row['p50'])} | {fmt(row['p95'])} | {fmt(row['p99'])} | {row['errors_status']}/{row['errors_timeout']} | "
            f"{engine['role']} | — |"
        )
    lines += ["", "Peak RSS (VmHWM) per gunicorn worker (target ≤ 300 MB):", "", *memory, ""]
    computed = next(
        (extra["search"] for extra in results.get("extra_http_rows", []) if "p50" in extra.get("search", {})), None
    )
    if engines and computed:
        ratios = [
            f"the page {engine['label'].split(',')[0]} serves {ratio(engine['search']['requests_per_s'], computed['requests_per_s'], 2)} "
            f"the archive's requests/s, and the archive's p95 is {ratio(computed['p95'], engine['search']['p95'], 2)} its p95"
            for engine in engines
        ]
        lines += [
            "The results page with another engine behind it (`bench/engine_pages.py`): the archive's own Django "
            "application, form, template and database, with the search engine swapped, every page computed; "
            "these pages mark no matches (each hit shows its article's lead) and draw no timeline, so they do "
            "less than the archive's. Against the archive's computed results page (page cache off), "
            + "; ".join(ratios) + ".",
            "",
        ]
    else:
        lines += [
            "No page was measured on tantivy or haystack's default Whoosh in this run (the engine_http step); "
            "their engine-only cost is in the search table above.",
            "",
        ]
    lines += [
        "The plain page is the floor of Django and gunicorn on this machine in the same run (the same layout, "
        "without search or database): the machine's speed changes from run to run, so compare the pages with it.",
        "",
    ]
    return lines


def section_versions(results, compare):
    versions = results.get("whoosh_versions") or (compare or {}).get("whoosh_versions")
    lines = ["## Which Whoosh: whoosh-ng 5.4 against whoosh-reloaded 2.7.5", ""]
    if not versions:
        return lines + ["Not measured in this run.", ""]
    ng, old = versions["whoosh-ng"], versions["whoosh-reloaded"]
    lines += [
        f"Same database ({fmt(get(ng, 'search', 'documents'))} articles), the archive's schema and Arabic analyzers, "
        "`rebuild_index` into a fresh index, then the query set through the archive's search code, in the same run"
        + (f" ({versions['label']})" if versions.get("label") else "") + ".",
        "",
        "| | whoosh-ng | whoosh-reloaded | ng ÷ reloaded |",
        "|---|---:|---:|---:|",
        f"| version | {ng['whoosh_version']} | {old['whoosh_version']} | |",
        f"| rebuild_index articles/s | {fmt(ng['rebuild_articles_per_s'])} | {fmt(old['rebuild_articles_per_s'])} | "
        f"{ratio(ng['rebuild_articles_per_s'], old['rebuild_articles_per_s'], 2)} |",
        f"| index size | {mb(ng['index_bytes'])} | {mb(old['index_bytes'])} | {ratio(ng['index_bytes'], old['index_bytes'], 2)} |",
        f"| query p50 ms (warm) | {fmt(ng['search']['warm']['p50'], 2)} | {fmt(old['search']['warm']['p50'], 2)} | "
        f"{ratio(ng['search']['warm']['p50'], old['search']['warm']['p50'], 2)} |",
        f"| query p95 ms (warm) | {fmt(ng['search']['warm']['p95'], 2)} | {fmt(old['search']['warm']['p95'], 2)} | "
        f"{ratio(ng['search']['warm']['p95'], old['search']['warm']['p95'], 2)} |",
        f"| queries that failed | {len(ng['search'].get('errors') or {})} | {len(old['search'].get('errors') or {})} | |",
        f"| `pytest tests/search -q` | {ng['tests_search']} | {old['tests_search']} | |",
        "",
        f"Hit counts equal on {versions.get('same_counts')} of {versions.get('compared_queries')} queries.",
        "",
    ]
    return lines


def section_profile(results):
    profile = results.get("profile")
    label = (profile or {}).get("label", "this run")
    lines = [f"## Where the time goes (cProfile, {label})", ""]
    if not profile:
        return lines + ["Not profiled in this run.", ""]
    for name, title in (("search", "The query set through article_search"), ("import", "import_articles on a slice")):
        data = profile.get(name) or {}
        if not data.get("by_own_time"):
            continue
        lines += [f"**{title}** — most own time:", "", "| Function | Calls | Own s | Cumulative s |", "|---|---:|---:|---:|"]
        for row in data["by_own_time"][:10]:
            lines.append(f"| `{row['function']}` | {fmt(row['calls'])} | {fmt(row['tottime_s'], 2)} | {fmt(row['cumtime_s'], 2)} |")
        lines += ["", "Archive functions by cumulative time:", "", "| Function | Calls | Cumulative s |", "|---|---:|---:|"]
        for row in data["archive_by_cumulative_time"][:10]:
            lines.append(f"| `{row['function']}` | {fmt(row['calls'])} | {fmt(row['cumtime_s'], 2)} |")
        lines.append("")
    return lines


INTRO = """# Benchmarks

Written by `bench/run` (see `bench/README.md`); do not edit the tables by hand — run it again.
The machine is shared and noisy (2 cores, other work running): compare the ratios measured
in the same run rather than absolute numbers across runs.
"""


def render(results, compare=None, notes=""):
    lines = [INTRO]
    lines += section_machine(results)
    if compare:
        lines += ["Comparison run:", ""] + section_machine(compare)[2:]
    if notes:
        lines += [notes.strip(), ""]
    lines += section_import(results, compare)
    if compare and compare.get("rebuild"):
        lines += ["### Comparison run", ""] + section_import(compare, None)[2:]
    lines += section_search(results, compare)
    lines += section_http(results)
    lines += section_versions(results, compare)
    lines += section_profile(results)
    return "\n".join(lines).rstrip() + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--compare")
    parser.add_argument("--notes", help="a Markdown file inserted after the machine section")
    parser.add_argument("--out", default=str(REPO / "docs" / "benchmarks.md"))
    args = parser.parse_args(argv)
    results = json.loads(Path(args.results).read_text(encoding="utf-8"))
    compare = json.loads(Path(args.compare).read_text(encoding="utf-8")) if args.compare else None
    notes = Path(args.notes).read_text(encoding="utf-8") if args.notes else ""
    Path(args.out).write_text(render(results, compare, notes), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
