"""Candidates for, and a review of, the stemmer's table of broken plurals.

    .venv/bin/python bench/broken_plurals.py candidates [--limit N]
    .venv/bin/python bench/broken_plurals.py review [--limit N]

``candidates`` lists the singular/plural pairs of Arramooz's noun dictionary
(the ``arramooz-pysqlite`` package, GPL, in bench/requirements.txt) whose plural
does not yet meet its singular, most frequent in SaudiNewsNet first: the list
``archive/analysis/broken_plurals.py`` was chosen from, by hand.

``review`` lists the corpus words that reach a listed plural through something
other than a clitic or a pronoun (ملاحقة reaching ملاحق through its teh
marbuta, التجارية reaching تجار through its nisba), most frequent first: the
places where a listed plural may meet a word that is not its form.

Both read ../shared/corpora/saudinewsnet.jsonl.gz at run time; nothing is written.
"""

import argparse
import collections
import gzip
import json
import os
import re
import sqlite3
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archive.analysis import stem as stemmer  # noqa: E402
from archive.analysis.broken_plurals import BROKEN_PLURALS  # noqa: E402
from archive.analysis.normalize import normalize  # noqa: E402
from archive.analysis.stopwords import STOP_WORDS  # noqa: E402
from archive.analysis.tokenize import TERM_PATTERN, match_term  # noqa: E402
SHARED = Path(os.environ.get("ARCHIVE_SHARED_DIR") or REPO / ".." / "shared")
CORPUS = SHARED / "corpora" / "saudinewsnet.jsonl.gz"
ARABIC_WORD = re.compile(r"[\u0621-\u064a]{3,}")


def corpus_words():
    """Return a Counter of the corpus's normalized words."""
    counts = collections.Counter()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            text = normalize(f"{record.get('title') or ''} {record.get('body') or ''}")
            counts.update(term for term in map(match_term, TERM_PATTERN.findall(text)) if term)
    return counts


def dictionary_pairs():
    """Return {normalized plural: {normalized singulars}} from Arramooz's nouns."""
    from arramooz import arabicdictionary

    path = Path(arabicdictionary.__file__).parent / "data" / "arabicdictionary.sqlite"
    connection = sqlite3.connect(path)
    pairs = collections.defaultdict(set)
    rows = connection.execute("select unvocalized, broken_plural from nouns where broken_plural != ''")
    for singular, plurals in rows:
        # The field mixes plurals with notes: "(...)", "[...]", "+ات", "مثنى: ...".
        plurals = re.sub(r"\(.*?\)|\[.*?\]", " ", plurals).split("مثنى")[0]
        for plural in re.split(r"[;؛,،\s]+", plurals):
            plural = normalize(plural.strip(":+"))
            if ARABIC_WORD.fullmatch(plural) and plural not in ("ات", "جج"):
                pairs[plural].add(normalize(singular))
    rows = connection.execute("select unvocalized, single from nouns where number = 'جمع تكسير' and single != ''")
    for plural, singular in rows:
        plural, singular = normalize(plural), normalize(singular)
        if ARABIC_WORD.fullmatch(plural) and ARABIC_WORD.fullmatch(singular):
            pairs[plural].add(singular)
    return pairs


def forms_of(word):
    """Return each (remainder after a proclitic, form after suffixes) the stemmer tries for word."""
    for rest, minimum in stemmer._proclitic_splits(word):
        for form in stemmer._suffix_forms(rest):
            if len(form) >= minimum:
                yield rest, form


def candidates(limit):
    counts = corpus_words()
    pairs = dictionary_pairs()
    family = collections.Counter()
    for word, count in counts.items():
        for form in {form for _, form in forms_of(word)} & pairs.keys():
            family[form] += count
    rows = []
    for plural, singulars in pairs.items():
        stems = {stemmer.stem(singular) for singular in singulars}
        if family[plural] and stems != {stemmer.stem(plural)}:
            rows.append((family[plural], plural, "/".join(sorted(singulars))))
    for count, plural, singulars in sorted(rows, reverse=True)[:limit]:
        print(f"{count}\t{plural}\t{singulars}")


def review(limit):
    listed = {normalize(plural) for line in BROKEN_PLURALS.strip().splitlines() for plural in line.split()[1:]}
    rows = []
    for word, count in corpus_words().items():
        if word in STOP_WORDS:
            continue
        for rest, form in forms_of(word):
            if form in stemmer.STEMS:
                if form in listed and rest[len(form):] not in stemmer._OWN_ENDINGS:
                    rows.append((count, word, form, stemmer.stem(word)))
                break
    for count, word, plural, stem in sorted(rows, reverse=True)[:limit]:
        print(f"{count}\t{word}\t{plural}\t{stem}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("candidates", "review"))
    parser.add_argument("--limit", type=int, default=500)
    args = parser.parse_args()
    {"candidates": candidates, "review": review}[args.what](args.limit)


if __name__ == "__main__":
    main()
