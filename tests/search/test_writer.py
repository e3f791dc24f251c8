"""The archive's segment writer writes exactly what Whoosh's own SegmentWriter writes."""

import random
from pathlib import Path

import pytest
from haystack import connections
from whoosh import index as whoosh_index
from whoosh.writing import CLEAR, SegmentWriter

from archive.analysis.stopwords import STOP_WORDS
from archive.search.writer import ArchiveSegmentWriter

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "article.txt"

WORDS = [
    "فلسطين", "الفلسطينيون", "والفلسطينية", "بالفلسطينيين", "اللاجئين", "لاجئ", "المخيمات",
    "مخيم", "الحكومة", "حكومات", "وزير", "الوزراء", "مدرسة", "المدارس", "كتاب", "الكتب",
    "قَالَ", "أعلن", "إعلان", "آمال", "مسؤول", "مسئولون", "رئيسة", "ى", "ـــ", "2015م",
    "1,000", "3.5", "G20", "U.S.A", "م. ت. ف", "و", "وفقاً", "COVID-19", "٢٠٢٤",
]


def _schema():
    connection = connections["default"]
    _content, schema = connection.get_backend().build_schema(connection.get_unified_index().all_searchfields())
    return schema


def _document(number, text, title):
    return {
        "id": f"archive.article.{number}",
        "django_ct": "archive.article",
        "django_id": str(number),
        "text": f"{title}\n\n{text}",
        "exact": f"{title}\n\n{text}",
        "title": title,
        "title_exact": title,
        "source": "source-{}".format(number % 3),
        "article_id": number,
        "published": 1_400_000_000 + number * 86_400,
        "revision": f"rev{number}",
    }


def _documents():
    rng = random.Random(20261125)
    stops = sorted(STOP_WORDS)[:40]
    documents = []
    if SEED.exists():
        lines = SEED.read_text(encoding="utf-8").splitlines()
        documents.append(_document(1, "\n".join(lines[2:]), lines[0]))
    for number in range(2, 400):
        size = rng.choice([0, 3, 40, 300])
        words = [rng.choice(WORDS) if rng.random() < 0.8 else rng.choice(stops) for _ in range(size)]
        title = " ".join(rng.choice(WORDS + stops) for _ in range(rng.randint(1, 8)))
        documents.append(_document(number, " ".join(words), title))
    # Position gaps of 46 (a value ending in "." is padded), of several varint bytes,
    # stop words before the first word, a document of stop words only, and a term in
    # more documents than a block holds.
    documents.append(_document(400, " ".join(["مخيم"] + ["كتاب"] * 45 + ["مخيم"]), "مخيم"))
    documents.append(_document(401, " ".join(["نادر"] + ["الكتب"] * 20_000 + ["نادر"]), "في نادر"))
    documents.append(_document(402, " ".join(stops[:5] + ["و", "فلسطين"]), " ".join(stops[:3])))
    documents.append(_document(403, " ".join(stops[:10]), "و"))
    return documents


def _write(directory, writer_class, batches, *, deletions=(), optimize=False):
    ix = whoosh_index.create_in(str(directory), _schema())
    for number, batch in enumerate(batches):
        writer = writer_class(ix, compound=False)
        for document in batch:
            writer.update_document(**document)
        if number == 2:
            for identifier in deletions:
                writer.delete_by_term("id", identifier)
        writer.commit()
    if optimize:
        writer_class(ix, compound=False).commit(optimize=True)
    return ix


def _segment_files(directory):
    # Segment names are random: compare the files by their kind (extension).
    files = {}
    for path in sorted(Path(directory).iterdir()):
        if path.suffix in (".toc", ".lock") or path.name.endswith("_LOCK"):
            continue
        files.setdefault(path.suffix, []).append(path.read_bytes())
    return files


def _contents(ix):
    with ix.reader() as reader:
        terms = {}
        for fieldname in reader.indexed_field_names():
            for text in reader.lexicon(fieldname):
                info = reader.term_info(fieldname, text)
                terms[(fieldname, text)] = (
                    info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                    info.max_weight(), info.min_id(), info.max_id(),
                )
        return {
            "postings": list(reader.iter_postings()),
            "terms": terms,
            "stored": list(reader.all_stored_fields()),
            "lengths": [reader.doc_field_length(docnum, "text") for docnum in range(reader.doc_count_all())],
            "live": list(reader.all_doc_ids()),
        }


@pytest.mark.parametrize("forked", [False, True], ids=["one-process", "largest-field-forked"])
def test_one_segment_is_byte_for_byte_whoosh_s(tmp_path, monkeypatch, forked):
    from archive.search import writer

    monkeypatch.setattr(writer, "PARALLEL_WORDS", 0 if forked else 10**12)
    # Small slices: a field is listed in several slices, as large ones are.
    monkeypatch.setattr(writer, "_SLICE_POSTINGS", 500)
    handed_back = []
    result = writer._Forked.result
    monkeypatch.setattr(writer._Forked, "result", lambda self: handed_back.append(result(self)) or handed_back[-1])
    documents = _documents()
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "archive").mkdir()
    _write(tmp_path / "whoosh", SegmentWriter, [documents])
    _write(tmp_path / "archive", ArchiveSegmentWriter, [documents])
    whoosh_files = _segment_files(tmp_path / "whoosh")
    archive_files = _segment_files(tmp_path / "archive")
    assert set(archive_files) == set(whoosh_files)
    for kind in whoosh_files:
        assert archive_files[kind] == whoosh_files[kind], kind
    # With the fork, the largest field really came from the child (None: it failed).
    assert [item is not None for item in handed_back] == ([True] if forked else [])


def test_merges_updates_and_deletions_read_back_as_whoosh_s(tmp_path):
    documents = _documents()
    # The third batch updates documents of the first and deletes some of the second's.
    batches = [documents[:150], documents[150:300], documents[300:] + documents[10:40]]
    deletions = [f"archive.article.{number}" for number in (160, 161, 250)]
    results = {}
    for name, writer_class in (("whoosh", SegmentWriter), ("archive", ArchiveSegmentWriter)):
        for optimize in (False, True):
            directory = tmp_path / f"{name}-{optimize}"
            directory.mkdir()
            ix = _write(directory, writer_class, batches, deletions=deletions, optimize=optimize)
            results[(name, optimize)] = _contents(ix)
    for optimize in (False, True):
        assert results[("archive", optimize)] == results[("whoosh", optimize)]
    assert len(results[("archive", True)]["live"]) == len(documents) - len(deletions)


def test_a_document_that_cannot_be_indexed_leaves_nothing_behind(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), _schema())
    writer = ArchiveSegmentWriter(ix)
    good = _document(1, "المخيمات الفلسطينية", "مخيم")
    bad = dict(_document(2, "كلمة غريبة جدا", "غريبة"), article_id="not a number")
    writer.add_document(**good)
    with pytest.raises(ValueError):
        writer.add_document(**bad)
    writer.commit()
    with ix.searcher() as searcher:
        assert searcher.doc_count_all() == 1
        assert "غريب" not in [text.decode() for text in searcher.reader().lexicon("text")]
        assert list(searcher.reader().all_stored_fields()) == [
            {"id": "archive.article.1", "django_ct": "archive.article", "django_id": "1"}
        ]


def test_clearing_commit_empties_the_index(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), _schema())
    writer = ArchiveSegmentWriter(ix)
    writer.add_document(**_document(1, "نص", "عنوان"))
    writer.commit()
    ArchiveSegmentWriter(ix).commit(mergetype=CLEAR)
    assert ix.doc_count_all() == 0
