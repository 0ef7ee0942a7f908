"""Pure merge functions: no database."""

from __future__ import annotations

import itertools

from pactwatch import merge


def _r(doc, name, date=None, kind="agreement", parties=("UKR", "USA"), conf=0.5, **kw):
    return {"document_id": doc, "idx": 0, "name": name, "kind": kind, "signed_date": date, "parties": list(parties),
            "confidence": conf, "role": "primary", **kw}


def test_name_tokens_drop_countries_kind_nouns_and_stem():
    assert merge.name_tokens("the strategic defense framework") == ["defens", "strateg"]
    assert merge.name_tokens("the agreement on the strategic foundations of the defense partnership") == [
        "defens", "found", "partnership", "strateg"]
    # British spelling and country names/demonyms do not make names differ.
    assert merge.name_tokens("US-Ukraine strategic defence framework", ["UKR", "USA"]) == ["defens", "strateg"]


def test_the_two_names_of_the_2021_framework_match():
    a = _r("a", "the strategic defense framework", "2021-08-31", kind="framework")
    b = _r("b", "the agreement on the strategic foundations of the defense partnership", "2021-08-31")
    assert merge.same_agreement(a, b)


def test_same_pair_different_years_never_match():
    a = _r("a", "strategic defense framework", "2021-08-31", kind="framework")
    b = _r("b", "bilateral security agreement", "2024-06-13")
    assert not merge.same_agreement(a, b)
    # Even with similar names, the years decide.
    c = _r("c", "security agreement", "2021")
    d = _r("d", "security agreement", "2024-06")
    assert not merge.same_agreement(c, d)


def test_date_and_kind_compatibility():
    assert merge.dates_compatible("2021", "2021-08-31")
    assert merge.dates_compatible(None, "2024-06-13")
    assert not merge.dates_compatible("2021-07", "2021-08-31")
    assert merge.kinds_compatible("framework", "agreement")  # "agreement" is generic
    assert not merge.kinds_compatible("treaty", "memorandum")
    assert merge.kinds_compatible("declaration", "joint_statement")


def test_name_without_content_needs_same_month():
    a = _r("a", "the deal", "2024-06-13")
    b = _r("b", "bilateral security agreement", "2024-06-13")
    c = _r("c", "the agreement", None)
    assert merge.same_agreement(a, b)
    assert not merge.same_agreement(b, c)


def test_cluster_is_order_independent_and_does_not_chain_across_years():
    reps = [
        _r("a", "strategic defense framework", "2021-08-31", kind="framework"),
        _r("b", "defense framework", None, kind="framework"),  # undated: could join either
        _r("c", "strategic defense framework", "2024-06", kind="framework"),
        _r("d", "agreement on the strategic foundations of the defense partnership", "2021-08"),
    ]
    results = set()
    for perm in itertools.permutations(range(len(reps))):
        ordered = [reps[i] for i in perm]
        groups = merge.cluster(ordered)
        results.add(frozenset(frozenset(ordered[i]["document_id"] for i in g) for g in groups))
    assert len(results) == 1  # same partition whatever the order
    (partition,) = results
    # 2021 and 2024 never end up together, even through the undated report.
    assert not any({"a", "c"} <= g or {"d", "c"} <= g for g in partition)
    assert any({"a", "d"} <= g for g in partition)


def test_derive_votes_best_supported_and_records_conflicts():
    reps = [
        _r("a", "strategic defense framework", "2021-08-31", kind="framework", place="Washington", conf=0.8,
           evidence={"place": [[10, 20]]}),
        _r("b", "strategic defense framework", "2021-08", kind="agreement", place="Washington", conf=0.6),
        _r("c", "strategic defense framework", "2021", kind="framework", place="Kyiv", conf=0.9,
           evidence={"place": [[5, 9]]}),
    ]
    d = merge.derive(reps)
    assert d["signed_date"] == "2021-08-31"      # the less precise dates support it, no conflict
    assert d["kind"] == "framework"              # generic "agreement" supports the specific kind
    assert d["place"] == "Washington"            # two sources beat one more confident source
    assert d["conflicts"] == [{"field": "place", "values": [
        {"value": "Washington", "sources": ["a", "b"]}, {"value": "Kyiv", "sources": ["c"]}]}]
    assert d["evidence"]["place"] == [[None, "a", 10, 20]]  # only evidence of the chosen value
    assert d["n_sources"] == 3
    assert 0.9 < d["confidence"] <= 1.0          # independent agreeing sources raise confidence


def test_derive_unions_list_items_by_key():
    reps = [
        _r("a", "x framework", signatories=[{"name": "Lloyd Austin", "role": "Defense Secretary", "party": "USA"}],
           funding=[{"amount": 6e7, "currency": "USD", "purpose": None}], evidence={"funding": [[0, 5]]}),
        _r("b", "x framework", signatories=[{"name": "Lloyd J. Austin III", "role": None, "party": "USA"},
                                            {"name": "Oleksii Reznikov", "role": "Minister", "party": "UKR"}],
           funding=[{"amount": 60000000, "currency": "USD", "purpose": "military aid"}],
           evidence={"funding": [[7, 9]]}),
    ]
    d = merge.derive(reps)
    assert [s["name"] for s in d["signatories"]] == ["Lloyd J. Austin III", "Oleksii Reznikov"]
    assert d["signatories"][0]["role"] == "Defense Secretary"
    assert d["funding"] == [{"amount": 6e7, "currency": "USD", "purpose": "military aid"}]
    assert d["evidence"]["funding"] == [[0, "a", 0, 5], [0, "b", 7, 9]]
