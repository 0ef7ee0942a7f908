"""The scorer follows GOLD.md: matching, detection, per-field scores, overall.

A fake extractor returning hand-built records is the legitimate way to test a scorer:
the expected figures are worked out by hand below.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pactwatch.evaluate import evaluate, field_score, match_agreements, _norm_agreement
from pactwatch.record import Record


def gold_ag(**kw):
    base = {
        "role": "primary", "name": "X", "kind": "agreement", "parties": [], "status": None,
        "signed_date": None, "place": None, "signatories": [], "domains": [], "funding": [],
        "duration_years": None, "defense_pledge": None, "consultation_pledge": None, "mechanisms": [],
    }
    base.update(kw)
    return base


def pred_ag(**kw):
    a = gold_ag(**kw)
    a["signatories"] = [{"name": n} for n in a["signatories"]]
    return a


def write_doc(folder: Path, name: str, agreements: list, published=None, unscored=None):
    (folder / f"{name}.txt").write_text("Some article text.\n", encoding="utf-8")
    gold = {"doc": f"{name}.txt", "published": published, "agreements": agreements}
    if unscored:
        gold["unscored"] = unscored
    (folder / f"{name}.gold.json").write_text(json.dumps(gold), encoding="utf-8")


def fake(predictions: dict):
    """extract_fn returning, per document stem, a record holding the given agreements."""

    def fn(path: str) -> Record:
        stem = Path(path).stem
        pub, ags = predictions.get(stem, (None, []))
        return Record(document={"id": stem, "text": "Some article text.", "published": pub}, agreements=ags)

    return fn


def n(a):
    return _norm_agreement(a)


# ----------------------------------------------------------------------------- matching


def test_matching_prefers_same_party_set_then_kind_then_name():
    gold = [n(gold_ag(name="Defense Framework", kind="framework", parties=["UKR", "USA"])),
            n(gold_ag(name="Trade Agreement", kind="agreement", parties=["USA", "JPN"]))]
    pred = [n(gold_ag(name="trade deal", kind="agreement", parties=["JPN", "USA"])),
            n(gold_ag(name="Strategic Defense Framework", kind="framework", parties=["UKR", "USA"]))]
    assert match_agreements(pred, gold) == [(1, 0), (0, 1)]


def test_matching_is_one_to_one_and_per_role():
    gold = [n(gold_ag(name="Peace Treaty", kind="treaty", parties=["ARM", "AZE"])),
            n(gold_ag(name="Peace Treaty", role="mentioned", kind="treaty", parties=["ARM", "AZE"]))]
    pred = [n(gold_ag(name="Peace Treaty", kind="treaty", parties=["ARM", "AZE"])),
            n(gold_ag(name="peace treaty draft", kind="treaty", parties=["ARM", "AZE"]))]
    # Both predictions are primary: only one can take the primary gold, none the mentioned.
    assert match_agreements(pred, gold) == [(0, 0)]


def test_generic_name_word_alone_does_not_match():
    # "treaty" is shared, but no party and no distinctive word: not the same agreement.
    gold = [n(gold_ag(name="Treaty of Kars", kind="treaty", role="mentioned"))]
    pred = [n(gold_ag(name="peace treaty", kind="treaty", role="mentioned", parties=["ARM", "AZE"]))]
    assert match_agreements(pred, gold) == []
    pred = [n(gold_ag(name="Kars treaty", kind="treaty", role="mentioned"))]
    assert match_agreements(pred, gold) == [(0, 0)]


# ----------------------------------------------------------------------------- field scores


def test_accuracy_fields_and_empty_pairs():
    g = n(gold_ag(status="signed", signed_date="2021-08-31", duration_years=10))
    p = n(gold_ag(status="signed", signed_date="2021-08", duration_years=10.0, defense_pledge=False))
    assert field_score("status", p, g) == 1.0
    assert field_score("signed_date", p, g) == 0.0  # precision is part of the date
    assert field_score("duration_years", p, g) == 1.0
    assert field_score("defense_pledge", p, g) == 0.0  # predicted where gold has none: wrong
    assert field_score("consultation_pledge", p, g) is None  # both empty: not counted


def test_set_f1_parties_domains_mechanisms():
    g = n(gold_ag(parties=["UKR", "USA"], domains=["cyber", "defense", "intelligence"],
                  mechanisms=[{"kind": "working_group", "frequency": None, "due": None}]))
    p = n(gold_ag(parties=["USA"], domains=["defense", "energy"],
                  mechanisms=[{"kind": "working_group"}, {"kind": "working_group"}, {"kind": "council"}]))
    assert field_score("parties", p, g) == pytest.approx(2 * 1 * 0.5 / 1.5)
    assert field_score("domains", p, g) == pytest.approx(2 * 0.5 * (1 / 3) / (0.5 + 1 / 3))
    # kinds as a set: {working_group, council} vs {working_group}
    assert field_score("mechanisms", p, g) == pytest.approx(2 * 0.5 * 1 / 1.5)
    assert field_score("domains", n(gold_ag()), g) == 0.0


def test_signatories_share_a_word_case_insensitive():
    g = n(gold_ag(signatories=["Lloyd Austin", "Andrey Taran"]))
    p = n(pred_ag(signatories=["Secretary AUSTIN", "Dmytro Kuleba"]))
    assert field_score("signatories", p, g) == pytest.approx(0.5)
    # an initial alone is not a shared word
    p2 = n(pred_ag(signatories=["J. Smith"]))
    g2 = n(gold_ag(signatories=["J. Doe"]))
    assert field_score("signatories", p2, g2) == 0.0


def test_funding_within_one_percent_same_currency():
    g = n(gold_ag(funding=[{"amount": 60_000_000, "currency": "USD"}, {"amount": 18_000_000, "currency": "USD"}]))
    p = n(gold_ag(funding=[{"amount": 60_500_000, "currency": "USD"}, {"amount": 18_000_000, "currency": "EUR"}]))
    assert field_score("funding", p, g) == pytest.approx(0.5)
    p = n(gold_ag(funding=[{"amount": 61_000_000, "currency": "USD"}]))  # 1.7% off
    assert field_score("funding", p, g) == 0.0


# ----------------------------------------------------------------------------- whole corpus


def test_evaluate_detection_fields_overall(tmp_path):
    g1 = gold_ag(name="US-Ukraine Strategic Defense Framework", kind="framework", parties=["UKR", "USA"],
                 status="signed", signed_date="2021-08-31", domains=["cyber", "defense"])
    m1 = gold_ag(name="Budapest Memorandum", role="mentioned", kind="memorandum", parties=["UKR", "USA"])
    write_doc(tmp_path, "a", [g1, m1], published="2021-09-01")
    g2 = gold_ag(name="Trade Agreement", kind="agreement", parties=["JPN", "USA"], status="signed")
    write_doc(tmp_path, "b", [g2])
    write_doc(tmp_path, "c", [])  # no agreement

    preds = {
        "a": ("2021-09-01", [
            pred_ag(name="Strategic Defense Framework", kind="framework", parties=["UKR", "USA"],
                    status="signed", signed_date="2021-08-31", domains=["defense"]),
            pred_ag(name="Budapest Memorandum", role="mentioned", kind="memorandum", parties=["UKR", "USA"]),
        ]),
        "b": (None, []),  # missed
        "c": (None, [pred_ag(name="Some Pact", kind="pact", parties=["FRA"])]),  # FP in a no-agreement doc
    }
    r = evaluate(tmp_path, fake(preds))
    d = r.detection
    assert (d.tp, d.fp, d.fn) == (1, 1, 1)
    assert d.precision == pytest.approx(0.5) and d.recall == pytest.approx(0.5) and d.f1 == pytest.approx(0.5)
    assert d.mentioned_recall == 1.0
    f = r.fields
    assert f["kind"].score == 1.0 and f["kind"].pairs == 1 and f["kind"].gold_filled == 2
    assert f["domains"].score == pytest.approx(2 / 3) and f["domains"].gold_filled == 1
    assert f["signatories"].score is None and f["signatories"].gold_filled == 0
    # weights: kind 2, status 2, signed_date 1, parties 2, domains 1 -> (2+2+1+2+2/3)/8
    assert r.field_mean == pytest.approx((2 + 2 + 1 + 2 + 2 / 3) / 8)
    assert r.overall == pytest.approx(r.field_mean * 0.5)
    assert r.published_accuracy == 1.0 and r.published_scored == 1
    by_doc = {x.doc: x for x in r.per_document}
    assert by_doc["b.txt"].missed == ["primary: Trade Agreement"]
    assert by_doc["c.txt"].spurious == ["Some Pact"]
    assert [m.field for m in by_doc["a.txt"].field_misses[g1["name"]]] == ["domains"]
    assert json.loads(json.dumps(r.to_dict()))["detection"]["tp"] == 1


def test_unscored_fields_are_left_out(tmp_path):
    g = gold_ag(name="Accord", parties=["FRA", "DEU"], signatories=["Someone Real"])
    write_doc(tmp_path, "a", [g], unscored=["signatories"])
    r = evaluate(tmp_path, fake({"a": (None, [pred_ag(name="Accord", parties=["DEU", "FRA"],
                                                      signatories=["Nobody Else"])])}))
    assert r.fields["signatories"].pairs == 0 and r.fields["signatories"].gold_filled == 0
    assert r.overall == 1.0


def test_extractor_error_is_recorded_and_run_goes_on(tmp_path):
    write_doc(tmp_path, "a", [gold_ag(name="Accord", parties=["FRA"])])
    write_doc(tmp_path, "b", [gold_ag(name="Accord", parties=["FRA"])])

    def fn(path):
        if path.endswith("a.txt"):
            raise RuntimeError("model exploded\nwith a traceback")
        return fake({"b": (None, [pred_ag(name="Accord", parties=["FRA"])])})(path)

    r = evaluate(tmp_path, fn)
    assert r.detection.tp == 1 and r.detection.fn == 1
    assert r.per_document[0].error == "RuntimeError: model exploded"


def test_gold_scores_perfectly_against_itself(dev_corpus):
    def from_gold(path):
        p = Path(path)
        g = json.loads(p.with_name(p.stem + ".gold.json").read_text(encoding="utf-8"))
        ags = [dict(a, signatories=[{"name": s} for s in a["signatories"]]) for a in g["agreements"]]
        return Record(document={"id": p.stem, "text": "x", "published": g["published"]}, agreements=ags)

    r = evaluate(dev_corpus, from_gold)
    assert r.documents >= 40
    assert r.detection.f1 == 1.0 and r.detection.mentioned_recall == 1.0
    assert r.overall == 1.0
