"""Triage: recall on the dev gold, rejection of irrelevant news, passages and engines."""

from __future__ import annotations

import glob
import json
import os

import pytest

from pactwatch import triage
from pactwatch.triage import Triage, available_engines, candidate_passages, is_candidate

AGREEMENT = (
    "Armenia and Azerbaijan sign peace pact in Washington\n\n"
    "WASHINGTON, Aug 8 - The leaders of Armenia and Azerbaijan signed a peace agreement at the "
    "White House on Friday, ending decades of conflict over the Karabakh region.\n\n"
    "The deal reopens transport routes between the two countries. Officials said the accord "
    "would be submitted to both parliaments for ratification.\n\n"
    "Weather in the capital was hot, and traffic was heavy around the venue all afternoon."
)

IRRELEVANT = [
    # domestic politics: a "deal" with one country at most
    "Senate leaders reached a budget deal late on Tuesday that would avert a government "
    "shutdown. The agreement raises spending caps for two years, aides said, and the House "
    "is expected to vote on Thursday.",
    # corporate news
    "Acme Corp said it agreed to acquire Widget Inc for $2 billion in cash. The merger "
    "agreement was signed by both boards and is expected to close in the third quarter.",
    # sport and culture, no agreement noun at all
    "The home side scored twice in the second half to win the cup final. Fans celebrated "
    "in the streets until late, and the coach praised his young squad.",
    # labour contract
    "Union members voted to ratify a new four-year contract with the automaker, ending a "
    "strike that lasted six weeks. The tentative agreement includes wage increases.",
    # a plea deal
    "The former executive pleaded guilty under a plea agreement with federal prosecutors in "
    "Boston, and will be sentenced in March.",
]


def _gold_docs(dev_corpus):
    for g in sorted(glob.glob(os.path.join(dev_corpus, "*.gold.json"))):
        name = os.path.basename(g)[: -len(".gold.json")]
        gold = json.load(open(g, encoding="utf-8"))
        meta_p = os.path.join(dev_corpus, name + ".meta.json")
        meta = json.load(open(meta_p, encoding="utf-8")) if os.path.exists(meta_p) else {}
        text = open(os.path.join(dev_corpus, name + ".txt"), encoding="utf-8").read()
        yield name, gold, meta, text


def test_keeps_every_dev_document_with_a_primary_agreement(dev_corpus):
    missed, n = [], 0
    for name, gold, meta, text in _gold_docs(dev_corpus):
        if any(a["role"] == "primary" for a in gold["agreements"]):
            n += 1
            if not is_candidate(text, meta.get("title")):
                missed.append(name)
    assert n >= 30
    assert missed == []


def test_passages_cover_the_gold_agreement_names(dev_corpus):
    # spaCy only sees the passages: for news-sized documents the passages must still hold
    # the sentence that names each primary agreement's kind noun.
    checked = 0
    for name, gold, meta, text in _gold_docs(dev_corpus):
        prim = [a for a in gold["agreements"] if a["role"] == "primary"]
        if not prim or len(text) > 8000:
            continue
        spans = candidate_passages(text, meta.get("title"))
        covered = "".join(text[s:e] for s, e in spans).lower()
        kinds = {"joint_statement": "statement", "memorandum": "memorand"}
        for a in prim:
            word = kinds.get(a["kind"], a["kind"])
            if word in text.lower():
                assert word in covered, (name, a["kind"])
                checked += 1
    assert checked >= 15


@pytest.mark.parametrize("text", IRRELEVANT)
def test_rejects_irrelevant_news(text):
    assert not is_candidate(text)


def test_accepts_an_agreement_between_states():
    assert is_candidate(AGREEMENT)
    # the same story with the parties only in an all-capitals wire headline
    body = ("The two governments signed the agreement on Friday after three rounds of talks, "
            "officials said.")
    assert is_candidate(body, title="JAPAN, AUSTRALIA SIGN DEFENCE PACT") is True
    assert is_candidate(body) is False


def test_blocked_names_are_not_parties():
    # "New Mexico" is no Mexico and "Jim Jordan" no Jordan: one party (the US) is not enough.
    text = ("Jim Jordan said the United States and New Mexico officials signed an agreement on "
            "water rights on Monday.")
    assert not is_candidate(text)
    assert is_candidate(text.replace("New Mexico", "Mexico").replace("Jim Jordan", "He"))


def test_passages_are_sorted_bounded_and_hold_the_lead_and_the_agreement_paragraphs():
    spans = candidate_passages(AGREEMENT)
    assert spans == sorted(spans)
    assert all(0 <= s < e <= len(AGREEMENT) for s, e in spans)
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))  # merged: no overlap
    text = "".join(AGREEMENT[s:e] for s, e in spans)
    assert "signed a peace agreement" in text
    assert "ratification" in text
    assert "Weather in the capital" not in text  # no agreement cue there
    assert AGREEMENT[spans[0][0]:spans[0][1]].startswith("Armenia and Azerbaijan sign peace pact")

    long_text = "\n\n".join([AGREEMENT] * 40)
    spans = Triage(max_chars=1500).candidate_passages(long_text)
    assert sum(e - s for s, e in spans) <= 1500


def test_passages_of_a_text_without_agreement_nouns_are_empty():
    assert candidate_passages(IRRELEVANT[2]) == []


def test_offsets_are_str_offsets_in_non_ascii_text():
    # Hyperscan scans UTF-8 bytes; spans must still be character offsets.
    text = ("Café owners in Zürich — naïvely — welcomed the news.\n\n"
            "France and Germany signed a treaty on energy cooperation in Berlin on Monday.")
    spans = candidate_passages(text)
    covered = [text[s:e] for s, e in spans]
    assert any(c.startswith("France and Germany signed a treaty") for c in covered)
    assert any(c.startswith("Café owners") for c in covered)


@pytest.mark.skipif("hyperscan" not in available_engines(), reason="hyperscan not installed")
def test_engines_agree():
    hs, rx = Triage("hyperscan"), Triage("re")
    for text in IRRELEVANT + [AGREEMENT]:
        assert hs.is_candidate(text) == rx.is_candidate(text)
    assert hs.candidate_passages(AGREEMENT) == rx.candidate_passages(AGREEMENT)


def test_cue_file_is_the_source_of_the_word_lists(tmp_path):
    # Adding a word is a one-line change in the data file.
    cues, fallback = triage._read_cue_file()
    nouns = {c.pattern for c in cues if c.kind == triage.NOUN}
    assert "treat(y|ies)" in nouns and "MoUs?|MOUs?" in nouns
    assert fallback  # fallback states exist for when the gazetteer table is missing
    extra = tmp_path / "cues.tsv"
    extra.write_text("noun\ti\t-\tconcordats?\ncue\ti\t-\tsign(ed)?\nparty\tc\tVAT\tHoly See\n"
                     "party\tc\tITA\tItaly\n", encoding="utf-8")
    custom, _ = triage._read_cue_file(str(extra))
    t = Triage("re", cues=custom)
    assert t.is_candidate("The Holy See and Italy signed a concordat in Rome.")
    assert not t.is_candidate("The Holy See and Italy signed a treaty in Rome.")


def test_weak_nouns_need_a_signing_cue():
    # "alliance", "deal", "convention" are as often something else; diplomatic context
    # words ("president", "between") are not enough for them, a signing cue is.
    loose = "The president said the alliance between France and Germany remains strong."
    assert not is_candidate(loose)
    assert is_candidate("France and Germany signed an alliance in Paris on Monday.")
    # a strong noun is enough with context words
    assert is_candidate("The president said the treaty between France and Germany remains strong.")
