"""The knowledge map: the field's entities and typed relations, read from ``content/graph.yaml`` into networkx.

Article 001 presents knowledge graphs (entities as nodes, relations as edges) as one of the field's core
ideas; this module holds the app's own one. The graph is data: ``content/graph.yaml`` declares each
entity (type, label and one-line description in English and Chinese, aliases, a source for a paper) and
each relation ``[subject, relation, object]``. ``find_problems`` checks that file, ``load_knowledge_graph``
builds a ``networkx.DiGraph`` from it, and the rest answers the page's questions: neighbours, filtering
by type, search, the page where a node is live, the visitor's runs as extra nodes, and a layout that
stays put from one visit to the next.

It is not a reasoner and imports no Streamlit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import networkx as nx
import yaml

from core.chart_text import Summary
from core.i18n import LANGUAGES, translate

REPO = Path(__file__).resolve().parents[1]
GRAPH_FILE = REPO / "content" / "graph.yaml"
ENTITY_TYPES = ("model", "operation", "dataset", "task", "case", "theme", "paper", "page", "run")
CONTENT_TYPES = ENTITY_TYPES[:-1]  # "run" nodes come from the run store, never from the file
RELATIONS = ("uses", "introduced_by", "trained_on", "applied_in", "risk_of", "shown_on_page")
RELATION_OBJECTS = {"introduced_by": {"paper"}, "trained_on": {"dataset"}, "shown_on_page": {"page"}}
YEAR = re.compile(r"\b(1[89]|20)\d\d\b")
LAYOUT_SEED = 7  # any fixed seed: the same map on every visit and every machine
LAYOUT_ITERATIONS = 150  # enough for 150 nodes to spread out; the layout is cached, so it is paid once
RUN_ITERATIONS = 40  # run nodes only find their place beside entities that no longer move
LAYOUT_SPREAD = 1.6  # node spacing in units of networkx's default (1/sqrt(n)): wider, so labels overlap less
# Pages link to a dozen things each and would pull the map into one knot: their edges pull a quarter as hard.
EDGE_PULL = {"shown_on_page": 0.25}
MAX_RUN_NODES = 24  # the visitor's newest runs; more would bury the map's own entities
RUNS_PAGE_NODE = "page_runs"

# A run's task is "<data>-<family>" (core.tasks, core.speech_tasks, core.text_tasks, core.class_tasks).
RUN_FAMILY = {"mlp": "mlp", "cnn": "cnn", "gru": "gru", "lstm": "lstm", "bigru": "bigru", "crnn": "crnn",
              "transformer": "transformer", "mean": "mean_embedding"}
RUN_DATA = {"mnist": "mnist", "fashion": "fashion_mnist", "cifar10": "cifar10", "speech": "speech_digits",
            "text": "reviews_zh", "class": "class_datasets"}
RUN_DATA_SOURCE = {"fsdd": "fsdd", "imdb": "imdb"}  # data sources that replace the task's default data set

try:  # libyaml reads the map ten times faster when it is installed; the pure-Python reader is the fallback
    _YAML_LOADER = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _YAML_LOADER = yaml.SafeLoader


@dataclass(frozen=True)
class Link:
    """One edge as seen from a node: the relation, the node at its other end, and which way it points."""

    relation: str
    other: str
    outgoing: bool  # True: node --relation--> other; False: other --relation--> node


def read_graph_file(path: Path | str = GRAPH_FILE) -> dict:
    """The parsed YAML of the map (``entities`` and ``relations``), re-read only when the file changes."""
    path = Path(path)
    return _read_yaml(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _read_yaml(path: str, mtime_ns: int) -> dict:
    with open(path, encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=_YAML_LOADER)
    return data if isinstance(data, dict) else {}


def normalize_name(name: str) -> str:
    """A name as the search and the sentence reader compare it: case, spaces and hyphens ignored."""
    return re.sub(r"[\s\-‐–_]+", "", name).casefold()


def entity_names(entity: dict) -> list[str]:
    """Every name of an entity in the file, labels first, in both languages."""
    names = [entity.get("label", {}).get(lang, "") for lang in LANGUAGES]
    for lang in LANGUAGES:
        names += list((entity.get("aliases") or {}).get(lang, []) or [])
    return [n for n in names if isinstance(n, str) and n.strip()]


def _entity_problems(node: str, entity: object) -> list[str]:
    if not isinstance(entity, dict):
        return [f"{node}: not a mapping"]
    problems = []
    if entity.get("type") not in CONTENT_TYPES:
        problems.append(f"{node}: unknown type {entity.get('type')!r}")
    for field in ("label", "about"):
        texts = entity.get(field)
        if not isinstance(texts, dict) or any(not isinstance(texts.get(lang), str) or not texts[lang].strip()
                                              for lang in LANGUAGES):
            problems.append(f"{node}: {field} needs a text in each of {', '.join(LANGUAGES)}")
    aliases = entity.get("aliases") or {}
    if not isinstance(aliases, dict) or any(lang not in LANGUAGES or not isinstance(names, list)
                                            for lang, names in aliases.items()):
        problems.append(f"{node}: aliases must map a language to a list of names")
    source = entity.get("source", "")
    if entity.get("type") == "paper" and not (isinstance(source, str) and YEAR.search(source)):
        problems.append(f"{node}: a paper needs a source with authors, venue and year")
    if entity.get("type") == "page" and not (REPO / str(entity.get("file", ""))).is_file():
        problems.append(f"{node}: page file {entity.get('file')!r} does not exist")
    return problems


def find_problems(data: dict) -> list[str]:
    """Everything wrong with a parsed map file, one sentence each; an empty list means it can be loaded.

    Checks: each entity has a known type and texts in both languages; each paper has a source with a
    year; each page file exists; each relation has a known type and points at declared entities, an
    object of the right type where the relation demands one, and no pair of entities twice; no name
    (label or alias, case, spaces and hyphens ignored) belongs to two entities.
    """
    entities, relations = data.get("entities"), data.get("relations")
    if not isinstance(entities, dict) or not isinstance(relations, list):
        return ["the file needs an 'entities' mapping and a 'relations' list"]
    problems = [p for node, entity in entities.items() for p in _entity_problems(str(node), entity)]
    owners: dict[str, str] = {}
    for node, entity in entities.items():
        for name in entity_names(entity) if isinstance(entity, dict) else []:
            owner = owners.setdefault(normalize_name(name), node)
            if owner != node:
                problems.append(f"the name {name!r} belongs to both {owner} and {node}")
    pairs: set[frozenset] = set()
    for item in relations:
        if not (isinstance(item, list) and len(item) == 3):
            problems.append(f"relation {item!r}: write it as [subject, relation, object]")
            continue
        subject, relation, obj = item
        missing = [end for end in (subject, obj) if end not in entities]
        if missing:
            problems.append(f"relation {item!r}: {', '.join(map(str, missing))} not declared")
        if relation not in RELATIONS:
            problems.append(f"relation {item!r}: unknown relation {relation!r}")
        elif not missing and relation in RELATION_OBJECTS \
                and entities[obj].get("type") not in RELATION_OBJECTS[relation]:
            problems.append(f"relation {item!r}: {relation} needs a {'/'.join(sorted(RELATION_OBJECTS[relation]))}")
        pair = frozenset((subject, obj))
        if subject == obj or pair in pairs:
            problems.append(f"relation {item!r}: a second edge between the same entities")
        pairs.add(pair)
    return problems


def build_graph(data: dict) -> nx.DiGraph:
    """A directed graph of a checked map file: node attributes type, label, about, aliases, source, file;
    edge attribute relation. Nodes and edges keep the file's order."""
    graph = nx.DiGraph()
    for node, entity in data["entities"].items():
        graph.add_node(node, type=entity["type"], label=dict(entity["label"]), about=dict(entity["about"]),
                       aliases={lang: list(names) for lang, names in (entity.get("aliases") or {}).items()},
                       source=entity.get("source", ""), file=entity.get("file", ""))
    for subject, relation, obj in data["relations"]:
        graph.add_edge(subject, obj, relation=relation)
    return graph


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> nx.DiGraph:
    data = _read_yaml(path, mtime_ns)
    problems = find_problems(data)
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems[:5]))
    return nx.freeze(build_graph(data))


def load_knowledge_graph(path: Path | str = GRAPH_FILE) -> nx.DiGraph:
    """The map as a frozen (read-only, shared) graph; ``ValueError`` naming the problems if the file has any."""
    path = Path(path)
    return _load(str(path), path.stat().st_mtime_ns)


def node_label(graph: nx.DiGraph, node: str, lang: str) -> str:
    """The node's label in ``lang``."""
    return graph.nodes[node]["label"][lang]


def neighbours(graph: nx.DiGraph, node: str) -> list[Link]:
    """Every edge at ``node``: outgoing ones first, each group in relation order, then in the file's order."""
    links = [Link(data["relation"], other, True) for other, data in graph.succ[node].items()]
    links += [Link(data["relation"], other, False) for other, data in graph.pred[node].items()]
    return sorted(links, key=lambda link: (not link.outgoing, RELATIONS.index(link.relation)))


def filter_graph(graph: nx.DiGraph, types: Iterable[str]) -> nx.DiGraph:
    """The subgraph of the nodes whose type is in ``types`` (a read-only view)."""
    wanted = set(types)
    return graph.subgraph([n for n, kind in graph.nodes(data="type") if kind in wanted])


def search_nodes(graph: nx.DiGraph, query: str, limit: int = 20) -> list[str]:
    """Nodes matching ``query`` in either language, best first: a whole name, the start of a name, part
    of a name, then a word of the description or source. Case, spaces and hyphens are ignored in names."""
    wanted = normalize_name(query)
    if not wanted:
        return []
    ranked = []
    for position, (node, data) in enumerate(graph.nodes(data=True)):
        names = [normalize_name(n) for n in entity_names(data)]
        details = " ".join([*data["about"].values(), data.get("source", "")]).casefold()
        if wanted in names:
            rank = 0
        elif any(n.startswith(wanted) for n in names):
            rank = 1
        elif any(wanted in n for n in names):
            rank = 2
        elif query.strip().casefold() in details:
            rank = 3
        else:
            continue
        ranked.append((rank, min(len(n) for n in names), position, node))
    return [node for *_, node in sorted(ranked)[:limit]]


def live_page(graph: nx.DiGraph, node: str) -> str | None:
    """The page file where ``node`` is live: its own file for a page, else its first "shown on page" edge."""
    if graph.nodes[node]["type"] == "page":
        return graph.nodes[node]["file"]
    for other, data in graph.succ[node].items():
        if data["relation"] == "shown_on_page":
            return graph.nodes[other]["file"]
    return None


def nearest_page(graph: nx.DiGraph, node: str) -> tuple[str, str | None] | None:
    """Where to see ``node`` live: (its live page, None), or else (a neighbour's live page, that
    neighbour), trying neighbours in ``neighbours`` order; None when neither has one."""
    page = live_page(graph, node)
    if page:
        return page, None
    for link in neighbours(graph, node):
        page = live_page(graph, link.other)
        if page:
            return page, link.other
    return None


def _run_texts(run) -> tuple[dict, dict]:
    """The run node's label and description in every language."""
    label = {lang: translate(lang, "knowledge.run_label", run=run.id, task=run.task) for lang in LANGUAGES}
    status = {lang: translate(lang, f"status.{run.status}") for lang in LANGUAGES}
    if run.test_accuracy is None:
        about = {lang: translate(lang, "knowledge.run_about", task=run.task, status=status[lang])
                 for lang in LANGUAGES}
    else:
        about = {lang: translate(lang, "knowledge.run_about_scored", task=run.task, status=status[lang],
                                 accuracy=run.test_accuracy) for lang in LANGUAGES}
    return label, about


def run_links(task: str, data_source: str = "") -> tuple[str | None, str | None]:
    """The model family and data set nodes a run of ``task`` belongs to (None where the map has none)."""
    data, _, family = task.partition("-")
    return RUN_FAMILY.get(family), RUN_DATA_SOURCE.get(data_source) or RUN_DATA.get(data)


def add_runs(graph: nx.DiGraph, runs: Sequence, limit: int = MAX_RUN_NODES) -> nx.DiGraph:
    """A copy of ``graph`` with the newest ``limit`` runs (``core.runstore.RunRecord``) as "run" nodes,
    each linked to its model family (uses), its data set (trained on) and the run history page."""
    combined = nx.DiGraph(graph)
    for run in list(runs)[:limit]:
        node = f"run:{run.id}"
        label, about = _run_texts(run)
        combined.add_node(node, type="run", label=label, about=about, aliases={}, source="", file="")
        family, data = run_links(run.task, run.data_source)
        for other, relation in ((family, "uses"), (data, "trained_on"), (RUNS_PAGE_NODE, "shown_on_page")):
            if other in combined:
                combined.add_edge(node, other, relation=relation)
    return combined


def _weighted_edges(graph: nx.DiGraph, nodes=None) -> tuple:
    return tuple((a, b, EDGE_PULL.get(relation, 1.0)) for a, b, relation in graph.edges(data="relation")
                 if nodes is None or (a in nodes and b in nodes))


def _spring(nodes, edges, seed: int, iterations: int, **fixed) -> dict:
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_weighted_edges_from(edges)
    positions = nx.spring_layout(graph, k=LAYOUT_SPREAD / math.sqrt(max(len(nodes), 1)), seed=seed,
                                 iterations=iterations, **fixed)
    return {node: (float(x), float(y)) for node, (x, y) in positions.items()}


@lru_cache(maxsize=8)
def _cached_spring(nodes: tuple, edges: tuple, seed: int) -> dict:
    return _spring(nodes, edges, seed, LAYOUT_ITERATIONS)


def layout_graph(graph: nx.DiGraph, seed: int = LAYOUT_SEED) -> dict[str, tuple[float, float]]:
    """x, y of every node. The map's own entities get a spring layout that depends only on the map and
    ``seed`` (computed once, then cached); run nodes are then placed by the same forces with the
    entities held still, so a new run never moves the rest of the map."""
    content = tuple(n for n, kind in graph.nodes(data="type") if kind != "run")
    inner = _weighted_edges(graph, set(content))
    if len(content) == graph.number_of_nodes():
        return dict(_cached_spring(content, inner, seed))
    return dict(_cached_with_runs(tuple(graph), _weighted_edges(graph), content, inner, seed))


@lru_cache(maxsize=16)
def _cached_with_runs(nodes: tuple, edges: tuple, content: tuple, inner: tuple, seed: int) -> dict:
    base = _cached_spring(content, inner, seed)
    return _spring(nodes, edges, seed, RUN_ITERATIONS, pos=base, fixed=list(base))


def layout_subgraph(graph: nx.DiGraph, nodes: Iterable[str], seed: int = LAYOUT_SEED) -> dict:
    """x, y of ``nodes`` from a spring layout of them and the edges among them alone, for a close-up."""
    wanted = set(nodes)
    return _cached_spring(tuple(n for n in graph if n in wanted), _weighted_edges(graph, wanted), seed)


def count_types(graph: nx.DiGraph) -> dict[str, int]:
    """How many nodes of each type, in ``ENTITY_TYPES`` order, types with none left out."""
    kinds = [kind for _, kind in graph.nodes(data="type")]
    return {kind: kinds.count(kind) for kind in ENTITY_TYPES if kind in kinds}


def summarize_map(graph: nx.DiGraph, lang: str, selected: str | None = None) -> Summary:
    """The sentence under the map: how many entities and relations it shows, and either the most
    connected entity (the first one on a tie) or the selected one with its number of links."""
    if graph.number_of_nodes() == 0:
        return Summary("knowledge.summary.empty")
    counts = {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
    if selected in graph:
        return Summary("knowledge.summary.selected", {**counts, "node": node_label(graph, selected, lang),
                                                      "links": graph.degree(selected)})
    hub = max(graph, key=graph.degree)  # max keeps the first of equals, in the file's order
    return Summary("knowledge.summary.map", {**counts, "hub": node_label(graph, hub, lang),
                                             "degree": graph.degree(hub)})
