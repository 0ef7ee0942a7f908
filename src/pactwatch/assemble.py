"""Annotations -> ``Agreement`` records, with evidence for every filled field.

``find_agreements`` (extract/agreements.py) says which agreements a document talks about
and where. This module decides which of the document's other annotations (signatories,
domains, provisions, funding, duration, pledges, mechanisms) belong to which agreement:

* A **treaty full text** is about its one agreement: everything in it is its content.
* A **primary** agreement of a news text gets what its *scope* says: the sentences that
  mention it (headline included), the sentence right after one that continues it ("It
  also covers ..."), and the provisions whose actors are its parties. A document with one
  primary agreement reports on it as a whole, so sums flowing between its parties and
  people said to sign anywhere in the text are its too.
* A **mentioned** agreement gets only what its own sentences say.

Annotations inside the name of another agreement never count for this one ("the 123
Agreement" does not make a strategic partnership nuclear).
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from pactwatch.record import DOMAINS, MECHANISM_KINDS, Agreement, Funding, Mechanism, Provision, Signatory

Span = tuple[int, int]

# A sentence that starts like this continues the previous one's subject.
_CONTINUES = re.compile(r"^\W*(?:It|They|The\s+(?:agreement|deal|pact|accord|treaty|charter|framework|memorandum|"
                        r"declaration|document|text|MoU|protocol|two\s+(?:sides|countries|nations|leaders))|"
                        r"This|These|Under\s+(?:it|the)|As\s+part\s+of|Both|In\s+addition|Additionally|Also|"
                        r"Among|The\s+(?:U\.S\.|US)\s+will)\b")
# Words that say a sum flows between parties (aid, financing, purchases, requests).
_FLOW = re.compile(r"\b(?:aid|assistance|financ\w*|fund\w*|grant\w*|loans?|package|pledg\w*|provid\w*|support|"
                   r"invest\w*|contribut\w*|allocat\w*|donat\w*|disburs\w*|request\w*|budget|purchas\w*|"
                   r"buy\w*|sale|sales|procure\w*|commit\w*|subsid\w*|compensat\w*|spend|million\s+in|"
                   r"billion\s+in|FMF|Foreign\s+Military\s+Financing)\b", re.I)
# ... and words that say a sum is the size of something else (trade volume, war costs).
_NOT_FLOW = re.compile(r"\b(?:worth|trade\s+(?:volume|between)|bilateral\s+trade|exports?|imports?|GDP|"
                       r"market|revenue|cost\s+of|spent\s+more|valued|turnover|deficit|surplus|peaked|reserves|"
                       r"debt\s+of|debts\s+of|owes|owed)\b", re.I)
# ... or says the sum is a stock the country has ("19 billion dlr foreign debt")
_STOCK_AFTER = re.compile(r"^\s*(?:[\w-]+\s+){0,2}?(?:foreign\s+|external\s+|public\s+|national\s+)?"
                          r"(?:debt|deficit|surplus|reserves|economy|GDP)\b", re.I)
# A period that is not the agreement's term: "ending an 18-month dispute"
_NOT_TERM_AFTER = re.compile(r"^\s*(?:[a-z-]+\s+){0,2}?(?:dispute|war|conflict|strike|standoff|stand-off|negotiations|"
                             r"talks|process|delay|ban|freeze|suspension|moratorium|absence|hiatus|campaign|"
                             r"fight|fighting|siege|crisis|row|impasse|stalemate|sentence|prison|withdrawal|notice|"
                             r"countdown|deadline|window)\b", re.I)


# A sum in parentheses right after another one, or introduced as an equivalent, restates it.
_CONVERSION = re.compile(r"(?:[\d.,]+\s*(?:million|billion|bn|mln|dollars|euros|pounds)?\s*(?:\w+\s+)?\(\s*"
                         r"(?:approximately|approx\.?|about|around|roughly|some|or|equivalent\s+to|c\.)?\s*|"
                         r"(?:equivalent\s+to|equal\s+to|or\s+about|or\s+roughly|or\s+some)\s+)$", re.I)


def _sentence_index(sentences: Sequence[Span], pos: int) -> int:
    import bisect

    i = bisect.bisect_right([s for s, _ in sentences], pos) - 1
    return max(i, 0)


class _Scope:
    """The sentences whose content is attributed to one agreement."""

    def __init__(self, sents: set[int], sentences: Sequence[Span], whole: bool = False):
        self.sents = sents
        self.sentences = sentences
        self.whole = whole

    def __contains__(self, span: Span) -> bool:
        if self.whole:
            return True
        return _sentence_index(self.sentences, span[0]) in self.sents


def _scope(c, ann, n_primary: int, others_sents: set[int] = frozenset()) -> _Scope:
    sentences = ann.sentences
    if c.treaty_text or getattr(c, "full_text", False):
        return _Scope(set(), sentences, whole=True)
    sents = {_sentence_index(sentences, m.start) for m in c.mentions}
    own = set(sents)
    if c.role == "primary":
        # the sentence after a mention that continues its subject
        for i in sorted(sents):
            j = i + 1
            while j < len(sentences) and j not in sents:
                s, e = sentences[j]
                if _CONTINUES.match(ann.text[s:e]):
                    sents.add(j)
                    j += 1
                else:
                    break
        codes = set(c.party_codes)
        # provisions of its parties ("The US will provide ...") when it is the only agreement
        if n_primary == 1 and codes:
            for p in ann.provisions:
                actors = set(getattr(p, "actors", ()) or ())
                if actors and actors <= codes:
                    sents.add(_sentence_index(sentences, p.start))
    # a sentence about another agreement only ("also agreed to start talks on a 123 Agreement
    # on civil nuclear cooperation") is that agreement's content
    sents = {i for i in sents if i in own or i not in others_sents}
    return _Scope(sents, sentences)


# A sentence voicing outside commentators - critics, experts, advocacy groups, proponents -
# on what a deal could or would do: its topics are their concerns, not the deal's coverage.
_COMMENTATORS = re.compile(
    r"\b(?:critics|opponents|proponents|supporters|experts|analysts|activists|advocates|economists|observers|"
    r"skeptics|sceptics|campaigners|environmentalists|detractors|(?:advocacy|environmental|rights|business|"
    r"industry|civil\s+society|interest|aid|health|consumer|labou?r)\s+groups|(?:some|many|others)\b(?=\s+(?:say|argue|"
    r"believe|fear|warn|wish|worry|complain|contend)))\b", re.I)
_OPINION = re.compile(r"\b(?:says?|said|argue[sd]?|arguing|believes?|believed|fears?|feared|warn(?:s|ed)?|"
                      r"wish(?:es|ed)?|worr(?:y|ies|ied)|complain(?:s|ed)?|contend(?:s|ed)?|see|sees|saw|"
                      r"criticiz\w+|criticis\w+|claim(?:s|ed)?)\b", re.I)
_HEDGE = re.compile(r"\b(?:could|might|would|may)\b|\bwent\s+further\b|\bmissed\b", re.I)


def _commentary(text: str, sentences: Sequence[Span], span: Span) -> bool:
    i = _sentence_index(sentences, span[0])
    s, e = sentences[i]
    sent = text[s:e]
    m = _COMMENTATORS.search(sent)
    if not m or m.start() > span[0] - s + 30:
        return False  # (a cue naming the commentators, "health groups", is theirs too)
    rest = sent[m.end():]
    op = _OPINION.search(rest[:120])
    return bool(op) and bool(_HEDGE.search(rest) or re.search(r"(?i)\bargue|\bwish|\bfear|\bwarn|\bworr|\bcritic",
                                                            op.group()))


def _inside(span: Span, spans: Iterable[Span]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in spans)


def _parties_in_sentence(ann, i: int) -> set[str]:
    s, e = ann.sentences[i]
    return {p.code for p in ann.parties if s <= p.start < e}


def assemble(cands: Sequence, ann) -> list[Agreement]:
    """Turn agreement candidates and the document's annotations into records."""
    text = ann.text
    n_primary = sum(1 for c in cands if c.role == "primary")
    out: list[Agreement] = []
    # spans of every agreement's own mentions: content inside them is not content of others
    mention_spans = {id(c): [(m.start, m.end) for m in c.mentions] for c in cands}
    mention_sents = {id(c): {_sentence_index(ann.sentences, m.start) for m in c.mentions} for c in cands}
    # where each agreement is named, sentence by sentence (a part of a coordinated plural is
    # placed at its own complement: "two agreements on [security] and [maritime jurisdictions]")
    by_sent: dict[int, list[tuple[int, int, int]]] = {}
    for c in cands:
        for m in c.mentions:
            s0, e0 = m.complement if getattr(m, "group", None) is not None and m.complement else (m.start, m.end)
            by_sent.setdefault(_sentence_index(ann.sentences, m.start), []).append((s0, e0, id(c)))

    def owners(span: Span) -> set[int] | None:
        """The agreements a span of a sentence naming several belongs to: the nearest named."""
        named = by_sent.get(_sentence_index(ann.sentences, span[0]), [])
        if len({cid for _, _, cid in named}) < 2:
            return None
        dist = {}
        for s0, e0, cid in named:
            d = 0 if s0 <= span[0] < e0 or s0 < span[1] <= e0 else min(abs(span[0] - e0), abs(s0 - span[1]))
            dist[cid] = min(d, dist.get(cid, d))
        best = min(dist.values())
        return {cid for cid, d in dist.items() if d == best}

    def mine(span: Span, c) -> bool:
        o = owners(span)
        return o is None or id(c) in o

    for c in cands:
        other_names = [sp for oc in cands if oc is not c for sp in mention_spans[id(oc)]]
        others_sents = set().union(*[mention_sents[id(oc)] for oc in cands if oc is not c]) if len(cands) > 1 else set()
        scope = _scope(c, ann, n_primary, others_sents)
        ev: dict[str, list[Span]] = {}
        rec: dict = {
            "name": c.name,
            "role": c.role,
            "kind": c.kind,
            "parties": [],
            "confidence": c.confidence,
        }
        ev["name"] = [c.name_span]
        ev["kind"] = [c.kind_span]
        ev["role"] = [(c.mentions[0].start, c.mentions[0].end)]
        parties = sorted({p.code: p for p in c.parties}.values(), key=lambda p: p.code)
        if parties:
            rec["parties"] = [p.code for p in parties]
            ev["parties"] = [(p.start, p.end) for p in parties]
        if c.status:
            rec["status"] = c.status
            ev["status"] = [c.status_span]
        if c.signed_date:
            rec["signed_date"] = c.signed_date
            ev["signed_date"] = [c.date_span]
        if c.place:
            rec["place"] = c.place
            ev["place"] = [c.place_span]

        # ---- domains
        seen_dom: dict[str, Span] = {}
        for d in ann.domains:
            sp = (d.start, d.end)
            if d.domain not in DOMAINS or sp not in scope or _inside(sp, other_names) or not mine(sp, c):
                continue
            if _commentary(text, ann.sentences, sp):
                continue  # what critics or experts say the deal could do is not what it covers
            seen_dom.setdefault(d.domain, sp)
        if seen_dom:
            doms = sorted(seen_dom)
            rec["domains"] = doms
            ev["domains"] = [seen_dom[d] for d in doms]

        # ---- provisions
        provs, pev = [], []
        for p in ann.provisions:
            sp = (p.start, p.end)
            if sp not in scope or _inside(sp, other_names):
                continue
            if not getattr(p, "modality", None):
                continue
            provs.append(Provision(text=p.text, actor=sorted(set(p.actors or ())), modality=p.modality,
                                   domains=sorted({x for x in (p.domains or ()) if x in DOMAINS})))
            pev.append(sp)
        if provs:
            rec["provisions"] = provs
            ev["provisions"] = pev

        # ---- funding: sums tied to the parties' cooperation
        codes = set(rec["parties"])
        funds, fev, seen_amounts = [], [], set()
        for mny in ann.money:
            if getattr(mny, "background", None):
                continue  # a tariff base or a statistic ("deficit of $40 billion") flows nowhere
            sp = (mny.start, mny.end)
            if mny.amount is None or not mny.currency:
                continue
            i = _sentence_index(ann.sentences, mny.start)
            s, e = ann.sentences[i]
            local = text[max(s, mny.start - 80):min(e, mny.end + 80)]
            if not mine(sp, c):
                continue
            # the agreement's own value: "a barter agreement worth 55 mln dlrs", "a $240m deal"
            own_value = any(
                (0 <= mny.start - m.end <= 30 and re.match(r"\s*,?\s*(?:worth|valued\s+at|totall?ing|amounting\s+to|"
                                                            r"of|for)\s+(?:about\s+|some\s+|around\s+|nearly\s+)?$",
                                                            text[m.end:mny.start]))
                or (0 <= m.noun_start - mny.end <= 30 and re.fullmatch(r"[\s\w-]*", text[mny.end:m.noun_start]))
                for m in c.mentions)
            in_scope = sp in scope or own_value
            if not in_scope:
                # a one-primary document reports on it as a whole: sums flowing to or between
                # its parties anywhere in the text belong to it
                if not (c.role == "primary" and n_primary == 1 and codes & _parties_in_sentence(ann, i)):
                    continue
            if not own_value and not _FLOW.search(local):
                continue
            if _CONVERSION.search(text[max(s, mny.start - 40):mny.start]):
                continue  # "1.6 billion dollars (approximately Ksh207 billion)": the same sum again
            if not own_value and _NOT_FLOW.search(text[max(s, mny.start - 30):mny.start]):
                continue
            if not own_value and _STOCK_AFTER.match(text[mny.end:mny.end + 40]):
                continue
            key = (round(float(mny.amount)), mny.currency)
            if key in seen_amounts:
                continue
            seen_amounts.add(key)
            purpose = _purpose(text, mny, s, e)
            funds.append(Funding(amount=float(mny.amount), currency=mny.currency, purpose=purpose))
            fev.append(sp)
        if funds:
            rec["funding"] = funds
            ev["funding"] = fev

        # ---- duration: a "10-year" in the name, or a duration in its own sentences
        dur = None
        for d in ann.durations:
            sp = (d.start, d.end)
            if d.years is None:
                continue
            if _inside(sp, [(m.start, m.end) for m in c.mentions]):
                dur = (d.years, sp)
                break
        if dur is None:
            # a term stated where the agreement itself is named ("the pact will ... for a
            # period of 10 years"), or where its money flows ("$1.6 billion over five years")
            own = {_sentence_index(ann.sentences, m.start) for m in c.mentions}
            own |= {_sentence_index(ann.sentences, sp[0]) for sp in fev}
            for d in ann.durations:
                sp = (d.start, d.end)
                if d.years is None or _inside(sp, other_names):
                    continue
                if _NOT_TERM_AFTER.match(text[d.end:d.end + 40]) or re.search(
                        r"\b(?:after|since|ago|over\s+the\s+past|for\s+the\s+past|during\s+the|last)\s+$",
                        text[max(0, d.start - 20):d.start], re.I):
                    continue  # a period of something else, or one already past
                if not c.treaty_text and _sentence_index(ann.sentences, d.start) not in own:
                    continue
                if c.treaty_text and not re.search(r"\b(?:remain\s+in\s+force|valid|period\s+of|duration|term)\b",
                                                   text[max(0, d.start - 120):d.end + 40], re.I):
                    continue
                dur = (d.years, sp)
                break
        if dur is not None:
            rec["duration_years"] = float(dur[0])
            ev["duration_years"] = [dur[1]]

        # ---- pledges
        for pl in ann.pledges:
            sp = (pl.start, pl.end)
            if sp not in scope or pl.value is None or _inside(sp, other_names) or not mine(sp, c):
                continue
            line_start = text.rfind("\n", 0, pl.start) + 1
            line_end = text.find("\n", pl.end)
            if re.fullmatch(r"\s*(?:ARTICLE|Article)\s+[\dIVX]+\s*", text[line_start:line_end if line_end >= 0 else None]):
                continue  # a treaty's article heading is not the NATO-style "Article 5" pledge
            key = {"defense": "defense_pledge", "defence": "defense_pledge", "defense_pledge": "defense_pledge",
                   "consultation": "consultation_pledge", "consultation_pledge": "consultation_pledge"}.get(pl.kind)
            if key is None or key in rec:
                continue
            rec[key] = bool(pl.value)
            ev[key] = [sp]

        # ---- mechanisms
        mechs, mev, seen_mech = [], [], set()
        for mm in ann.mechanisms:
            sp = (mm.start, mm.end)
            if sp not in scope or mm.kind not in MECHANISM_KINDS:
                continue
            # only bodies the agreement sets up or tasks: not one it merely permits, nor a
            # standing parent body named in passing
            if not getattr(mm, "countable", not (getattr(mm, "permitted_only", False) or getattr(mm, "in_passing", False))):
                continue
            if not mine(sp, c):
                continue
            k = (mm.kind, (mm.name or "").lower())
            if k in seen_mech:
                continue
            seen_mech.add(k)
            due = None
            if getattr(mm, "due_period", None) and c.signed_date and len(c.signed_date) == 10 and \
                    (getattr(mm, "due_anchor", None) in (None, "signing", "signature", "entry_into_force")
                     and getattr(mm, "due_anchor", None) != "entry_into_force"):
                due = _add_period(c.signed_date, mm.due_period)
            mechs.append(Mechanism(kind=mm.kind, name=mm.name, frequency=mm.frequency, due=due))
            mev.append(sp)
        if mechs:
            rec["mechanisms"] = mechs
            ev["mechanisms"] = mev

        # ---- signatories
        sigs, sev, seen_names = [], [], set()
        people = list(ann.people)
        for person in people:
            if not getattr(person, "signer", False):
                continue
            sp = (person.start, person.end)
            if sp not in scope and not (c.role == "primary" and n_primary == 1):
                continue
            if c.role == "mentioned" and sp not in scope:
                continue
            key = person.name.lower()
            if any(key in n or n in key for n in seen_names):
                continue
            seen_names.add(key)
            party = person.party if person.party else None
            sigs.append(Signatory(name=person.name, role=person.role, party=party))
            sev.append(sp)
        if sigs:
            rec["signatories"] = sigs
            ev["signatories"] = sev

        # ---- related
        rel, rev = [], []
        for name, sp in c.related:
            if name and name != c.name and name not in rel:
                rel.append(name)
                rev.append(sp)
        if rel:
            rec["related"] = rel
            ev["related"] = rev
        rec["evidence"] = {k: [tuple(x) for x in v] for k, v in ev.items() if v}
        out.append(Agreement(**rec))
    return _dedupe(out)


def _purpose(text: str, mny, s: int, e: int) -> str | None:
    """'$18 million in Foreign Military Financing' -> 'Foreign Military Financing'."""
    m = re.match(r"\s+(?:in|of|for)\s+((?:[A-Z][\w-]*\s*){1,6})", text[mny.end:e])
    if m:
        return m.group(1).strip()
    return None


def _add_period(date: str, period: str) -> str | None:
    try:
        from pactwatch.annotate.dates import add_period
    except ImportError:  # pragma: no cover
        return None
    try:
        return add_period(date, period)
    except Exception:
        return None


def _dedupe(agreements: list[Agreement]) -> list[Agreement]:
    """Two records with the same name, kind and parties are one agreement."""
    out: list[Agreement] = []
    for a in agreements:
        dup = None
        for b in out:
            if a.name.lower() == b.name.lower() and a.kind == b.kind and a.parties == b.parties:
                dup = b
                break
        if dup is None:
            out.append(a)
        elif a.role == "primary" and dup.role != "primary":
            out[out.index(dup)] = a
    # primaries first, then in order of appearance
    out.sort(key=lambda a: (a.role != "primary", min((s for s, _ in a.evidence.get("name", [(0, 0)])), default=0)))
    return out
