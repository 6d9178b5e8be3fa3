"""Reading one (subject, relation, object) triple out of a sentence with hand-written rules.

Article 001 builds a knowledge graph in three steps: find the entities in a text, find the relation
between them, link them to the graph. This module does the first two with rules small enough to read:

* entities: a dictionary of every label and alias of the knowledge map in English and Chinese, matched
  longest first, ignoring case, spaces and hyphens (an English name must stand as a whole word);
* relations: trigger phrases per relation type in both languages ("was introduced by", "由……提出",
  "trained on", "在……上训练"); the nearest entity before the trigger is the subject and the first one
  after it the object, swapped for active phrasings such as "Cho et al. proposed the GRU".

It is a teaching toy, not an extractor: it knows only names already in the map and a few phrasings.
Real systems learn both steps from annotated text (a tagger such as a BiLSTM-CRF or BERT for entities,
a classifier for relations).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import networkx as nx

from core.knowledge_graph import RELATION_OBJECTS, entity_names, normalize_name

# Where a trigger must not reach across: the end of a sentence or clause, in either language.
_CLAUSE = r"[^。；！？.;!?]*?"

# (pattern, swapped): swapped means the sentence names the relation's object first.
PATTERNS: dict[str, tuple[tuple[str, bool], ...]] = {
    "introduced_by": (
        (r"\b(?:was|were|is|are|been)\s+(?:first\s+)?(?:introduced|proposed|invented|described|presented)"
         r"\s+(?:by|in)\b", False),
        (r"\b(?:introduced|proposed|invented|described|presented)\b(?!\s+(?:by|in)\b)", True),
        (r"由(?=" + _CLAUSE + r"(?:提出|发明|引入|首次描述))", False),
        (r"(?:提出了|发明了|首次描述了|引入了)", True),
    ),
    "trained_on": (
        (r"\b(?:(?:was|were|is|are)\s+)?trained\s+on\b", False),
        (r"\blearn(?:s|ed|t)?\s+from\b", False),
        (r"在(?=" + _CLAUSE + r"上(?:进行)?训练)", False),
        (r"(?:训练于|训练自)", False),
    ),
    "uses": (
        (r"\b(?:uses|use|used|relies\s+on|rely\s+on|contains?|consists?\s+of|(?:is|are)\s+built\s+(?:from|with|on))\b"
         r"(?!\s+(?:for|in|to|by)\b)", False),
        (r"(?:使用了?|采用了?|用到了?|包含了?|依靠|基于)", False),
    ),
    "applied_in": (
        (r"\b(?:(?:is|are|was|were)\s+)?(?:used|applied)\s+(?:for|in|to)\b", False),
        (r"\bpowers?\b", False),
        (r"(?:被?应用于|被?用于|应用在|用在)", False),
    ),
    "risk_of": (
        (r"\b(?:is|are)\s+an?\s+(?:\w+\s+)?risk\s+(?:of|for|in|to)\b", False),
        (r"\bthreatens?\b", False),
        (r"是(?=" + _CLAUSE + r"的(?:一[个种项大])?(?:主要)?风险)", False),
        (r"威胁(?:着|到)?", False),
    ),
    "shown_on_page": (
        (r"\b(?:is|are)\s+(?:shown|live|demonstrated)\s+on\b", False),
        (r"\bappears?\s+on\b", False),
        (r"(?:展示在|展示于|出现在)", False),
        (r"在(?=" + _CLAUSE + r"页面)", False),
    ),
}

_COMPILED = {relation: tuple((re.compile(p, re.IGNORECASE), swapped) for p, swapped in patterns)
             for relation, patterns in PATTERNS.items()}


@dataclass(frozen=True)
class Mention:
    """A name of the map found in the sentence."""

    start: int
    end: int
    node: str


@dataclass(frozen=True)
class Extraction:
    """What the rules read: the names found, the triple (None if there is none) and the trigger words."""

    mentions: tuple[Mention, ...]
    triple: tuple[str, str, str] | None = None
    trigger: str = ""


LATIN = re.compile(r"[A-Za-z0-9]")
SKIPPED = re.compile(r"[\s\-‐–_]")  # what normalize_name drops: names match across spaces and hyphens


@lru_cache(maxsize=4)
def _dictionary(graph: nx.DiGraph) -> tuple[dict[str, str], tuple[int, ...]]:
    """Every normalised name of the graph with its node, and the names' lengths, longest first."""
    owner: dict[str, str] = {}
    for node, data in graph.nodes(data=True):
        for name in entity_names(data):
            owner.setdefault(normalize_name(name), node)
    return owner, tuple(sorted({len(name) for name in owner}, reverse=True))


def _whole_word(text: str, start: int, end: int) -> bool:
    """No Latin letter or digit glued to a name that starts or ends with one ("GRU" is not in "BiGRU")."""
    glued_before = start > 0 and LATIN.match(text[start]) and LATIN.match(text[start - 1])
    glued_after = end < len(text) and LATIN.match(text[end - 1]) and LATIN.match(text[end])
    return not (glued_before or glued_after)


def find_mentions(text: str, graph: nx.DiGraph) -> tuple[Mention, ...]:
    """Every name of ``graph`` in ``text``, left to right, the longest where names overlap.

    The text is compared in the names' normal form (case, spaces and hyphens ignored), keeping where
    each compared character stands in the text, so a mention still points at the words as typed.
    """
    owner, lengths = _dictionary(graph)
    folded = [(c, i) for i, ch in enumerate(text) if not SKIPPED.match(ch) for c in ch.casefold()]
    compact, places = "".join(c for c, _ in folded), [i for _, i in folded]  # "ß" folds to two letters
    mentions, i = [], 0
    while i < len(compact):
        for length in lengths:
            name = compact[i:i + length]
            start, end = places[i], places[min(i + length, len(places)) - 1] + 1
            if len(name) == length and name in owner and _whole_word(text, start, end):
                mentions.append(Mention(start, end, owner[name]))
                i += length
                break
        else:
            i += 1
    return tuple(mentions)


def extract_triple(text: str, graph: nx.DiGraph) -> Extraction:
    """The first relation the rules can read in ``text`` between two names of ``graph``.

    Among all trigger phrases with a name on each side, the one that starts first wins (a longer one
    on a tie). Names are linked to the graph by the dictionary, so subject and object are node ids.
    """
    mentions = find_mentions(text, graph)
    candidates = []
    for relation, patterns in _COMPILED.items():
        for pattern, swapped in patterns:
            for match in pattern.finditer(text):
                before = [m for m in mentions if m.end <= match.start()]
                after = [m for m in mentions if m.start >= match.end()]
                if before and after and before[-1].node != after[0].node:
                    subject, obj = (after[0], before[-1]) if swapped else (before[-1], after[0])
                    candidates.append((match.start(), -len(match.group()), relation, subject.node, obj.node,
                                       match.group()))
    if not candidates:
        return Extraction(mentions)
    _, _, relation, subject, obj, trigger = min(candidates)
    return Extraction(mentions, (subject, relation, obj), trigger.strip())


def place_triple(graph: nx.DiGraph, triple: tuple[str, str, str]) -> tuple[str, str]:
    """Where the triple would join the graph, as (verdict, detail).

    "known": the graph has this very edge; "mismatch": the object is not of a type the relation
    accepts (detail: the type it has); "other": the two nodes are linked by another relation (detail:
    that relation); "new": a new edge between two nodes the graph already holds.
    """
    subject, relation, obj = triple
    if graph.has_edge(subject, obj) and graph.edges[subject, obj]["relation"] == relation:
        return "known", relation
    kind = graph.nodes[obj]["type"]
    if relation in RELATION_OBJECTS and kind not in RELATION_OBJECTS[relation]:
        return "mismatch", kind
    for a, b in ((subject, obj), (obj, subject)):
        if graph.has_edge(a, b):
            return "other", graph.edges[a, b]["relation"]
    return "new", ""
