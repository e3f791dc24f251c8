"""The researchers' query language: parse any input into a small syntax tree.

Supported (see templates/archive/help.html and the README):

* plain words — every inflected and differently spelled form (analysis does this);
* ``"exact phrase"`` (also « » and “ ”);
* ``AND`` / ``OR`` / ``NOT`` (upper case), ``+word`` (must) and ``-word`` (must not);
* ``word*`` — words beginning with ``word``;
* ``title:word``, ``source:name`` (also ``عنوان:`` and ``مصدر:``), with words or phrases;
* ``=word`` — this exact form only (normalized, not stemmed);
* parentheses for grouping.

Parsing never fails: unbalanced quotes close at the end, stray operators and
parentheses are dropped, and nesting and length are bounded.
"""

import re
from dataclasses import dataclass, field

MAX_CLAUSES = 64
MAX_DEPTH = 16

FIELD_ALIASES = {
    "title": "title",
    "عنوان": "title",
    "العنوان": "title",
    "source": "source",
    "مصدر": "source",
    "المصدر": "source",
}
OPEN_QUOTES = {'"': '"', "«": "»", "“": "”", "„": "”", "»": "«"}
_TOKEN_RE = re.compile(r'\s+|[()]|["«»“”„]|[^\s()"«»“”„]+')


@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None
    exact: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    text: str
    field: str | None = None
    exact: bool = False


@dataclass(frozen=True)
class Not:
    child: object


@dataclass(frozen=True)
class Must:
    child: object


@dataclass(frozen=True)
class Group:
    """``op`` is "and", "or", or "default" (words side by side, no operator)."""

    op: str
    children: tuple = field(default_factory=tuple)


def _lex(text):
    """Yield ('(' | ')' | 'phrase' | 'word', value) tokens."""
    position = 0
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        if match is None:  # pragma: no cover - the pattern matches every character
            break
        token = match.group()
        position = match.end()
        if token.isspace():
            continue
        if token in "()":
            yield token, token
        elif token in OPEN_QUOTES:
            closing = OPEN_QUOTES[token]
            end = text.find(closing, position)
            if closing == '"' and end < 0:
                end = len(text)
            elif end < 0:
                # «…» without its closing mark: also accept a plain quote, else the end.
                end = text.find('"', position)
                end = len(text) if end < 0 else end
            yield "phrase", text[position:end]
            position = end + 1
        else:
            yield "word", token


def _word_or_phrase(kind, value, pending_field, pending_exact):
    if kind == "phrase":
        return Phrase(value.strip(), field=pending_field, exact=pending_exact) if value.strip() else None
    prefix = value.endswith("*") and len(value.rstrip("*")) > 0
    text = value.rstrip("*") if prefix else value
    text = text.strip("*?")
    if not text:
        return None
    return Word(text, field=pending_field, exact=pending_exact, prefix=prefix)


class _Parser:
    def __init__(self, text):
        self.tokens = list(_lex(text))
        self.position = 0
        self.clauses = 0

    def peek(self):
        return self.tokens[self.position] if self.position < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        self.position += 1
        return token

    def parse(self):
        node = self.parse_or(depth=0)
        # Stray closing parentheses: skip them and keep reading.
        rest = []
        while self.position < len(self.tokens):
            if self.peek()[0] == ")":
                self.take()
                continue
            rest.append(self.parse_or(depth=0))
        if rest:
            node = _join("default", [node, *rest])
        return node

    def parse_or(self, depth):
        parts = [self.parse_and(depth)]
        while self.peek() == ("word", "OR"):
            self.take()
            parts.append(self.parse_and(depth))
        return _join("or", parts)

    def parse_and(self, depth):
        parts, explicit = [], False
        while True:
            kind, value = self.peek()
            if kind is None or kind == ")" or (kind, value) == ("word", "OR"):
                break
            if (kind, value) == ("word", "AND"):
                self.take()
                explicit = True
                continue
            node = self.parse_unary(depth)
            if node is not None:
                parts.append(node)
        if explicit:
            return _join("and", parts)
        return _join("default", parts)

    def parse_unary(self, depth):
        kind, value = self.take()
        if kind == "(":
            if depth >= MAX_DEPTH:
                return None
            inner = self.parse_or(depth + 1)
            if self.peek()[0] == ")":
                self.take()
            # Inside parentheses, words side by side must all match.
            if isinstance(inner, Group) and inner.op == "default":
                inner = Group("and", inner.children)
            return inner
        if kind == ")":
            return None
        if kind == "phrase":
            return self.leaf(_word_or_phrase("phrase", value, None, False))
        if value == "NOT":
            if self.peek()[0] is None:
                return None
            child = self.parse_unary(depth)
            return Not(child) if child is not None else None
        if value in ("AND", "OR"):
            return None
        return self.parse_word(value)

    def parse_word(self, value):
        wrapper = None
        if value[0] in "-+!" and len(value) > 1:
            wrapper = Not if value[0] in "-!" else Must
            value = value[1:]
        elif value in ("-", "+", "!", "=", "*"):
            return None
        exact = False
        if value.startswith("=") and len(value) > 1:
            exact, value = True, value[1:]
        field_name = None
        name, colon, rest = value.partition(":")
        if colon and name.lower() in FIELD_ALIASES:
            field_name = FIELD_ALIASES[name.lower()]
            value = rest
            if value.startswith("=") and len(value) > 1:
                exact, value = True, value[1:]
            if not value:
                # `title:"a phrase"` — the phrase is the next token.
                kind, next_value = self.peek()
                if kind == "phrase":
                    self.take()
                    node = self.leaf(_word_or_phrase("phrase", next_value, field_name, exact))
                    return wrapper(node) if wrapper and node is not None else node
                return None
        node = self.leaf(_word_or_phrase("word", value, field_name, exact))
        if node is None:
            return None
        return wrapper(node) if wrapper else node

    def leaf(self, node):
        if node is None:
            return None
        self.clauses += 1
        return node if self.clauses <= MAX_CLAUSES else None


def _join(op, parts):
    parts = [part for part in parts if part is not None and part != Group(op, ())]
    if not parts:
        return None
    if len(parts) == 1 and op != "default":
        return parts[0]
    if len(parts) == 1 and not isinstance(parts[0], (Word, Phrase)):
        return parts[0]
    return Group(op, tuple(parts))


def parse(text):
    """Return the syntax tree for ``text``, or None when it holds nothing searchable."""
    if not text or not text.strip():
        return None
    parser = _Parser(text)
    return parser.parse()


def clause_count(node):
    """Return how many word and phrase clauses the tree holds."""
    if node is None:
        return 0
    if isinstance(node, (Word, Phrase)):
        return 1
    if isinstance(node, (Not, Must)):
        return clause_count(node.child)
    return sum(clause_count(child) for child in node.children)


def force_exact(node):
    """Return the tree with every word and phrase asking for exact forms."""
    if node is None:
        return None
    if isinstance(node, Word):
        return Word(node.text, node.field, True, node.prefix)
    if isinstance(node, Phrase):
        return Phrase(node.text, node.field, True)
    if isinstance(node, Not):
        return Not(force_exact(node.child))
    if isinstance(node, Must):
        return Must(force_exact(node.child))
    return Group(node.op, tuple(force_exact(child) for child in node.children))
