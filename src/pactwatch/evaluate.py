"""Score extraction against gold files (the rules of ``shared/spec/GOLD.md``).

A corpus folder holds ``NAME.txt`` / ``NAME.html`` documents and, where annotated,
``NAME.gold.json``. :func:`evaluate` runs an extractor over every annotated document
and compares its records with the gold.

Interpretations the spec leaves open (written down so a score can be reproduced):

* **Matching.** Per document and per role, every (predicted, gold) pair of the same
  role is a candidate when the two are minimally similar: their party sets overlap,
  or their names share a *distinctive* word (a word that is neither a stop word nor
  a generic agreement noun such as "treaty", "agreement", "deal" - otherwise "peace
  treaty" would match "Treaty of Kars"). Candidates are taken greedily in the order
  (party sets equal, kind equal, name-word Jaccard) - best first, ties by position -
  and each agreement is matched at most once. Two empty party sets count as equal
  for the ordering but not as overlap for the similarity test.
* **Detection** is micro-averaged over the corpus: TP = matched primary pairs,
  FP = unmatched predicted primaries (including any primary predicted in a document
  whose gold has none), FN = unmatched gold primaries. Mentioned recall = matched
  mentioned / gold mentioned.
* **Fields** are scored on matched *primary* pairs only. Per pair an accuracy field
  scores 1 or 0 and a set field scores the F1 of the two sets (0 when only one side
  has values); a field's score is the mean over the pairs where gold or prediction
  has a value. Fields listed in a gold file's ``unscored`` are skipped for that file.
* ``signed_date`` compares the strings (precision included: ``2025-08`` is not
  ``2025-08-14``); ``duration_years`` compares numbers (``10`` equals ``10.0``).
* **Signatories**: two names match when they share a word of two or more letters,
  case-insensitive (single letters are initials: "J." alone must not match).
  Matching inside a set is one-to-one and greedy.
* **Funding**: two sums match when the currencies are equal and the amounts are
  within 1% of the gold amount. A currency difference means a different sum
  (RECORD.md: a conversion is not a new sum, but a sum in EUR is not one in USD).
* **Mechanisms** are compared as the set of their kinds; parties and domains as sets.
* **Overall** = (sum over fields of weight x score) / (sum of weights) x detection F1,
  the weight of a field being the number of gold primary agreements (in files that
  score the field) where it is filled; ``false`` counts as filled for the pledges.
  Fields with no scored pair carry no score and are left out of the mean.
* The document's ``published`` date is reported on its own (accuracy over gold files
  that give one, or where the extractor gave one) and is not part of ``overall``.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from pactwatch.record import Record

ACCURACY_FIELDS = ("kind", "status", "signed_date", "duration_years", "defense_pledge", "consultation_pledge")
SET_FIELDS = ("parties", "signatories", "domains", "funding", "mechanisms")
FIELDS = ACCURACY_FIELDS + SET_FIELDS

DOC_SUFFIXES = (".txt", ".html", ".htm")

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset(
    "a an the of on in for and to with between by at from its their s de du la le des".split()
)
# Nouns every agreement name may hold: sharing one of them alone is no evidence of
# being the same agreement.
_GENERIC = frozenset(
    """treaty treaties agreement agreements accord accords deal deals pact pacts memorandum
    understanding mou declaration joint statement framework protocol roadmap road map charter
    convention arrangement plan action comprehensive bilateral cooperation partnership strategic
    new""".split()
)


# ----------------------------------------------------------------------------- report types


@dataclass
class FieldScore:
    name: str
    score: float | None  # None when no matched pair had a value on either side
    pairs: int  # matched primary pairs where gold or prediction had a value
    gold_filled: int  # gold primary agreements with a value (the field's weight)


@dataclass
class Detection:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    mentioned_gold: int = 0
    mentioned_found: int = 0
    mentioned_predicted: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def mentioned_recall(self) -> float:
        return self.mentioned_found / self.mentioned_gold if self.mentioned_gold else 0.0


@dataclass
class FieldMiss:
    field: str
    gold: Any
    predicted: Any
    score: float


@dataclass
class DocumentResult:
    doc: str
    error: str | None = None
    missed: list[str] = field(default_factory=list)  # "role: gold name" not found
    spurious: list[str] = field(default_factory=list)  # predicted primaries with no gold match
    matched: list[tuple[str, str]] = field(default_factory=list)  # (gold name, predicted name), primary
    field_misses: dict[str, list[FieldMiss]] = field(default_factory=dict)  # gold name -> misses
    published_gold: str | None = None
    published_predicted: str | None = None

    @property
    def ok(self) -> bool:
        return not (self.error or self.missed or self.spurious or any(self.field_misses.values()))


@dataclass
class EvalReport:
    corpus: str
    documents: int
    detection: Detection
    fields: dict[str, FieldScore]
    overall: float
    field_mean: float | None
    published_accuracy: float | None
    published_scored: int
    per_document: list[DocumentResult]

    def to_dict(self) -> dict:
        d = self.detection
        return {
            "corpus": self.corpus,
            "documents": self.documents,
            "detection": {
                "tp": d.tp, "fp": d.fp, "fn": d.fn,
                "precision": d.precision, "recall": d.recall, "f1": d.f1,
                "mentioned_gold": d.mentioned_gold, "mentioned_found": d.mentioned_found,
                "mentioned_predicted": d.mentioned_predicted, "mentioned_recall": d.mentioned_recall,
            },
            "fields": {k: asdict(v) for k, v in self.fields.items()},
            "field_mean": self.field_mean,
            "overall": self.overall,
            "published": {"accuracy": self.published_accuracy, "scored": self.published_scored},
            "documents_detail": [
                {
                    "doc": r.doc, "error": r.error, "missed": r.missed, "spurious": r.spurious,
                    "matched": [list(m) for m in r.matched],
                    "field_misses": {k: [asdict(m) for m in v] for k, v in r.field_misses.items()},
                    "published": {"gold": r.published_gold, "predicted": r.published_predicted},
                }
                for r in self.per_document
            ],
        }


# ----------------------------------------------------------------------------- normalising


def _words(s: str | None) -> set[str]:
    return {w for w in _WORD.findall((s or "").lower()) if w not in _STOP}


def _filled(v: Any) -> bool:
    return v is not None and v != [] and v != ""


def _norm_agreement(a: Any) -> dict:
    """A gold dict or a record Agreement (model or dict) -> plain comparable dict."""
    if hasattr(a, "model_dump"):
        a = a.model_dump(mode="json")
    sigs = []
    for s in a.get("signatories") or []:
        sigs.append(s.get("name", "") if isinstance(s, dict) else str(s))
    funding = [(float(f["amount"]), (f.get("currency") or "").upper()) for f in a.get("funding") or []]
    mechs = sorted({m["kind"] if isinstance(m, dict) else str(m) for m in a.get("mechanisms") or []})
    return {
        "name": a.get("name") or "",
        "role": a.get("role"),
        "kind": a.get("kind"),
        "status": a.get("status"),
        "signed_date": a.get("signed_date"),
        "duration_years": a.get("duration_years"),
        "defense_pledge": a.get("defense_pledge"),
        "consultation_pledge": a.get("consultation_pledge"),
        "parties": sorted(set(a.get("parties") or [])),
        "signatories": sigs,
        "domains": sorted(set(a.get("domains") or [])),
        "funding": funding,
        "mechanisms": mechs,
    }


# ----------------------------------------------------------------------------- matching


def _match_key(p: dict, g: dict) -> tuple | None:
    pp, gp = set(p["parties"]), set(g["parties"])
    pw, gw = _words(p["name"]), _words(g["name"])
    distinctive = (pw & gw) - _GENERIC
    if not (pp & gp) and not distinctive:
        return None  # not even minimally similar: never matched
    jac = len(pw & gw) / len(pw | gw) if pw | gw else 0.0
    return (pp == gp, p["kind"] == g["kind"], jac)


def match_agreements(pred: list[dict], gold: list[dict]) -> list[tuple[int, int]]:
    """One-to-one greedy matching of same-role agreements; returns (pred index, gold index)."""
    cands = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            if p["role"] != g["role"]:
                continue
            key = _match_key(p, g)
            if key is not None:
                cands.append((key, -i, -j, i, j))
    cands.sort(reverse=True)
    used_p, used_g, pairs = set(), set(), []
    for *_, i, j in cands:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j))
    return sorted(pairs, key=lambda t: t[1])


# ----------------------------------------------------------------------------- field scores


def _names_match(a: str, b: str) -> bool:
    wa = {w for w in _WORD.findall(a.lower()) if len(w) >= 2}
    wb = {w for w in _WORD.findall(b.lower()) if len(w) >= 2}
    return bool(wa & wb)


def _funding_match(a: tuple[float, str], b: tuple[float, str]) -> bool:
    (pa, pc), (ga, gc) = a, b
    if pc != gc:
        return False
    if ga == 0:
        return pa == 0
    return abs(pa - ga) <= 0.01 * abs(ga)


def _set_f1(pred: list, gold: list, same: Callable[[Any, Any], bool] | None = None) -> float:
    if not pred or not gold:
        return 0.0
    if same is None:
        tp = len(set(pred) & set(gold))
        np_, ng = len(set(pred)), len(set(gold))
    else:
        used: set[int] = set()
        tp = 0
        for p in pred:
            for j, g in enumerate(gold):
                if j not in used and same(p, g):
                    used.add(j)
                    tp += 1
                    break
        np_, ng = len(pred), len(gold)
    if tp == 0:
        return 0.0
    prec, rec = tp / np_, tp / ng
    return 2 * prec * rec / (prec + rec)


def _accuracy(field_name: str, p: Any, g: Any) -> float:
    if field_name == "duration_years" and p is not None and g is not None:
        return float(abs(float(p) - float(g)) < 1e-9)
    return float(p == g)


def field_score(field_name: str, pred: dict, gold: dict) -> float | None:
    """Score one field of a matched pair; None when both sides are empty (not counted)."""
    p, g = pred[field_name], gold[field_name]
    if not _filled(p) and not _filled(g):
        return None
    if field_name in ACCURACY_FIELDS:
        return _accuracy(field_name, p, g)
    if field_name == "signatories":
        return _set_f1(p, g, _names_match)
    if field_name == "funding":
        return _set_f1(p, g, _funding_match)
    return _set_f1(p, g)


# ----------------------------------------------------------------------------- corpus


def _default_extract(path: str) -> Record:
    from pactwatch.api import extract_file

    return extract_file(path)


def _as_record(r: Any) -> Record:
    if isinstance(r, Record):
        return r
    if isinstance(r, dict):
        return Record.model_validate(r)
    raise TypeError(f"extractor returned {type(r).__name__}, expected a Record")


def gold_files(corpus_dir: str | Path) -> list[tuple[Path, Path]]:
    """(document path, gold path) for every annotated document of a corpus folder."""
    corpus = Path(corpus_dir)
    out = []
    for gp in sorted(corpus.glob("*.gold.json")):
        stem = gp.name[: -len(".gold.json")]
        doc = None
        try:
            named = json.loads(gp.read_text(encoding="utf-8")).get("doc")
        except (OSError, ValueError):
            named = None
        if named and (corpus / named).is_file():
            doc = corpus / named
        else:
            for suf in DOC_SUFFIXES:
                if (corpus / (stem + suf)).is_file():
                    doc = corpus / (stem + suf)
                    break
        if doc is not None:
            out.append((doc, gp))
    return out


def evaluate(corpus_dir: str | Path, extract_fn: Callable[[str], Any] | None = None,
             *, docs: Iterable[str] | None = None) -> EvalReport:
    """Run ``extract_fn`` (path -> Record) over every annotated document and score it.

    ``docs`` optionally restricts the run to documents whose file name or stem is listed.
    An extractor error on one document is recorded on that document (its predictions
    count as empty) and the run goes on.
    """
    pairs = gold_files(corpus_dir)
    if docs is not None:
        wanted = set(docs)
        pairs = [(d, g) for d, g in pairs if d.name in wanted or d.stem in wanted]
    extract_fn = extract_fn or _default_extract

    det = Detection()
    sums = {f: 0.0 for f in FIELDS}
    counts = {f: 0 for f in FIELDS}
    weights = {f: 0 for f in FIELDS}
    pub_ok = pub_n = 0
    results: list[DocumentResult] = []

    for doc_path, gold_path in pairs:
        gold_doc = json.loads(gold_path.read_text(encoding="utf-8"))
        unscored = set(gold_doc.get("unscored") or [])
        gold = [_norm_agreement(a) for a in gold_doc.get("agreements") or []]
        res = DocumentResult(doc=doc_path.name, published_gold=gold_doc.get("published"))
        try:
            rec = _as_record(extract_fn(str(doc_path)))
            pred = [_norm_agreement(a) for a in rec.agreements]
            res.published_predicted = rec.document.published
        except Exception as e:  # one broken document must not stop the evaluation
            res.error = f"{type(e).__name__}: {e}".splitlines()[0]
            pred = []

        if res.published_gold or res.published_predicted:
            pub_n += 1
            pub_ok += int(res.published_gold == res.published_predicted)

        for g in gold:
            if g["role"] == "primary":
                for f in FIELDS:
                    if f not in unscored and _filled(g[f]):
                        weights[f] += 1
            else:
                det.mentioned_gold += 1
        det.mentioned_predicted += sum(1 for p in pred if p["role"] == "mentioned")

        matched = match_agreements(pred, gold)
        mp = {i for i, _ in matched}
        mg = {j for _, j in matched}
        for i, j in matched:
            p, g = pred[i], gold[j]
            if g["role"] == "mentioned":
                det.mentioned_found += 1
                continue
            det.tp += 1
            res.matched.append((g["name"], p["name"]))
            misses = []
            for f in FIELDS:
                if f in unscored:
                    continue
                s = field_score(f, p, g)
                if s is None:
                    continue
                sums[f] += s
                counts[f] += 1
                if s < 1.0:
                    misses.append(FieldMiss(f, g[f], p[f], round(s, 3)))
            if misses:
                res.field_misses[g["name"]] = misses
        for j, g in enumerate(gold):
            if j not in mg:
                if g["role"] == "primary":
                    det.fn += 1
                res.missed.append(f"{g['role']}: {g['name']}")
        for i, p in enumerate(pred):
            if i not in mp and p["role"] == "primary":
                det.fp += 1
                res.spurious.append(p["name"])
        results.append(res)

    fields = {
        f: FieldScore(f, (sums[f] / counts[f]) if counts[f] else None, counts[f], weights[f])
        for f in FIELDS
    }
    wsum = sum(fs.gold_filled for fs in fields.values() if fs.score is not None)
    field_mean = (
        sum(fs.gold_filled * fs.score for fs in fields.values() if fs.score is not None) / wsum
        if wsum else None
    )
    overall = (field_mean or 0.0) * det.f1
    return EvalReport(
        corpus=str(corpus_dir), documents=len(results), detection=det, fields=fields,
        overall=overall, field_mean=field_mean,
        published_accuracy=(pub_ok / pub_n) if pub_n else None, published_scored=pub_n,
        per_document=results,
    )
