"""From a parsed query to an engine's query: the walk both engines share.

What a node of the syntax tree (archive.search.query) becomes is the same on Whoosh
and on Elasticsearch: a word is a source, a prefix, a phrase (when analysis splits
it), an exact form or a stem; words that analysis drops are reported as ignored; what
is excluded is not highlighted. Each engine builds only the clauses themselves
(``exact_clause``, ``stem_clause``, ``prefix_clause``, ``source_clause``, ``phrase``,
``negate``, ``combine``) and says how it analyzes text (``terms``).
"""

from django.utils.translation import gettext as _

from archive.analysis.tokenize import tokenize_terms
from archive.search import query as ql
from archive.search.highlight import Highlighter

PREFIX_MIN_CHARS = 2
# A prefix also matches after the proclitics a word may carry in the text, so that
# فلسطيني* finds الفلسطينية and والفلسطينيين as a researcher expects.
PROCLITICS = ("", "\u0627\u0644", "\u0648", "\u0648\u0627\u0644", "\u0628", "\u0628\u0627\u0644",
              "\u0644", "\u0644\u0644", "\u0641", "\u0641\u0627\u0644", "\u0643", "\u0643\u0627\u0644",
              "\u0648\u0628", "\u0648\u0628\u0627\u0644", "\u0648\u0644", "\u0648\u0644\u0644")


class QueryCompiler:
    """Compile a syntax tree into an engine's query, recording highlights and notices in ``plan``."""

    def __init__(self, plan):
        self.plan = plan

    # --- what each engine provides ------------------------------------------------------

    def terms(self, text, exact):
        """Return the index terms of ``text`` (stems, or exact forms)."""
        raise NotImplementedError

    def source_names(self):
        """Return {slug: set of the terms of the source's name}."""
        raise NotImplementedError

    def source_clause(self, slugs):
        raise NotImplementedError

    def exact_clause(self, form, field_name):
        raise NotImplementedError

    def stem_clause(self, term, field_name, text):
        raise NotImplementedError

    def prefix_clause(self, node, prefixes, fieldname):
        raise NotImplementedError

    def phrase(self, node):
        raise NotImplementedError

    def negate(self, clause):
        raise NotImplementedError

    def combine(self, op, clauses):
        """Join two or more clauses: ``op`` is "or", "and" or "default" (all must match)."""
        raise NotImplementedError

    # --- the walk --------------------------------------------------------------------------

    def compile(self, node):
        if node is None:
            return None
        if isinstance(node, ql.Word):
            return self.word(node)
        if isinstance(node, ql.Phrase):
            return self.phrase(node)
        if isinstance(node, ql.Must):
            return self.compile(node.child)
        if isinstance(node, ql.Not):
            child = self.compile_silently(node.child)
            return self.negate(child) if child is not None else None
        children = [child for child in (self.compile(c) for c in node.children) if child is not None]
        if not children:
            return None
        if len(children) == 1:
            return children[0]
        return self.combine(node.op, children)

    def compile_silently(self, node):
        """Compile without highlighting (what is excluded is not marked)."""
        saved = self.plan.highlighter
        self.plan.highlighter = Highlighter()
        try:
            return self.compile(node)
        finally:
            self.plan.highlighter = saved

    def source(self, text):
        """Match the sources whose name holds every word of ``text`` (all forms) or whose slug is ``text``."""
        wanted = set(self.terms(text, False))
        names = self.source_names()
        slugs = [slug for slug, name_terms in names.items() if wanted and wanted <= name_terms]
        slugs += [slug for slug in names if slug == text and slug not in slugs]
        return self.source_clause(slugs)

    def word(self, node):
        if node.field == "source":
            return self.source(node.text)
        if node.prefix:
            return self.prefix(node)
        found = self.terms(node.text, node.exact)
        if not found:
            self.plan.ignored.append(node.text)
            return None
        if len(found) > 1:
            return self.phrase(ql.Phrase(node.text, node.field, node.exact))
        if node.exact:
            return self.exact_term(found[0], node.field)
        return self.stem_term(found[0], node.field, node.text)

    def exact_term(self, form, field_name):
        self.plan.highlighter.exacts.add(form)
        return self.exact_clause(form, field_name)

    def stem_term(self, term, field_name, text):
        self.plan.highlighter.stems.add(term)
        return self.stem_clause(term, field_name, text)

    def prefix(self, node):
        # A prefix is a beginning, not a word: one that is a stop word (أما*) still
        # begins أمام and أماكن, so it is normalized and split but not stop-filtered.
        forms = tokenize_terms(node.text)
        if len(forms) != 1 or len(forms[0]) < PREFIX_MIN_CHARS:
            self.plan.notices.append(
                _("A prefix search needs at least %(n)d letters: “%(word)s*”.") % {"n": PREFIX_MIN_CHARS, "word": node.text}
            )
            return self.word(ql.Word(node.text, node.field, node.exact, prefix=False))
        prefixes = tuple(clitic + forms[0] for clitic in PROCLITICS)
        self.plan.highlighter.prefixes = (*self.plan.highlighter.prefixes, *prefixes)
        return self.prefix_clause(node, prefixes, "title_exact" if node.field == "title" else "exact")
