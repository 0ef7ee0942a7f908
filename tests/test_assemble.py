"""Attribution of a document's annotations to its agreements, and the evidence of each field."""

from __future__ import annotations

from pactwatch.api import annotate
from pactwatch.assemble import assemble
from pactwatch.annotate.agreements import find_agreements
from pactwatch.annotate.mechanisms import MechanismMention
from pactwatch.annotate.money import MoneyMention
from pactwatch.record import Agreement


def _run(text: str, published: str | None = None, title: str | None = None, **extra):
    ann = annotate(text, published, title=title)
    for k, v in extra.items():
        setattr(ann, k, v)
    cands = find_agreements(ann.text, sentences=ann.sentences, parties=ann.parties, dates=ann.dates,
                            published=ann.published, title_span=ann.title_span, places=ann.places)
    return ann, assemble(cands, ann)


def _by_role(ags: list[Agreement], role: str) -> list[Agreement]:
    return [a for a in ags if a.role == role]


STORY = (
    "Armenia, US sign strategic partnership agreement\n\n"
    "The US signed a strategic partnership agreement with Armenia in Washington on Tuesday, covering defense "
    "and border security cooperation. The US will provide $18 million in Foreign Military Financing to Armenia. "
    "The two countries also agreed to start talks on a 123 Agreement on civil nuclear cooperation. "
    "Separately, Armenia's tourism fair opened in Yerevan."
)


def test_primary_gets_its_sentences_and_mentioned_only_its_own():
    ann, ags = _run(STORY, published="2025-01-15")
    prim = _by_role(ags, "primary")
    assert len(prim) == 1
    p = prim[0]
    assert p.parties == ["ARM", "USA"]
    assert p.signed_date == "2025-01-14"
    assert "defense" in p.domains and "border_security" in p.domains
    # the nuclear domain belongs to the 123 Agreement's sentence, not to the partnership
    assert "nuclear" not in p.domains
    # tourism is in a sentence that is not about the agreement
    assert "people_to_people" not in p.domains
    assert [(f.amount, f.currency) for f in p.funding] == [(18000000.0, "USD")]
    assert p.funding[0].purpose == "Foreign Military Financing"
    ment = [a for a in ags if "123" in a.name]
    assert ment and ment[0].role == "mentioned"
    assert ment[0].status == "negotiating"
    assert "nuclear" in ment[0].domains
    assert ment[0].funding == []


def test_evidence_is_aligned_and_inside_the_text():
    ann, ags = _run(STORY, published="2025-01-15")
    text = ann.text
    for a in ags:
        for field, spans in a.evidence.items():
            for s, e in spans:
                assert 0 <= s <= e <= len(text), field
        for field in ("parties", "domains", "funding", "mechanisms", "signatories", "related"):
            value = getattr(a, field)
            if value:
                assert len(a.evidence[field]) == len(value), field
            else:
                assert field not in a.evidence
    p = _by_role(ags, "primary")[0]
    quotes = {text[s:e] for s, e in p.evidence["parties"]}
    assert quotes & {"Armenia", "Armenia,"} and quotes & {"US"}
    s, e = p.evidence["funding"][0]
    assert text[s:e].startswith("$18 million")
    s, e = p.evidence["signed_date"][0]
    assert text[s:e].endswith("Tuesday")


def test_conversion_in_parentheses_is_not_a_second_sum():
    text = ("Kenya, US sign health cooperation framework\n\nKenya and the United States signed a Health "
            "Cooperation Framework in Washington on Thursday. The US will provide 1.6 billion dollars "
            "(approximately Ksh207 billion) to Kenya's health system over the next five years.")
    _, ags = _run(text, published="2025-12-05")
    p = _by_role(ags, "primary")[0]
    assert [(f.amount, f.currency) for f in p.funding] == [(1600000000.0, "USD")]
    assert p.duration_years == 5


def test_trade_volume_is_not_funding():
    text = ("Vietnam, Japan sign trade deal\n\nVietnam and Japan signed a trade deal on Monday. Bilateral "
            "trade between the two countries was worth $50 billion last year.")
    _, ags = _run(text, published="2024-05-07")
    p = _by_role(ags, "primary")[0]
    assert p.funding == []


def test_mechanism_due_date_from_signing_date():
    text = ("Georgia, Moldova sign memorandum\n\nGeorgia and Moldova signed a memorandum of understanding on "
            "energy cooperation on 10 February 2026. The memorandum sets up a joint working group that shall "
            "submit a work plan within three months from the signing.")
    ann = annotate(text, None)
    # the due period is the mechanism annotator's reading; assembly adds it to the signing date
    s = text.index("joint working group")
    mech = MechanismMention(start=s, end=s + len("joint working group"), text="joint working group",
                            kind="working_group", name=None, frequency=None, due_period="P3M",
                            due_anchor="signing", permitted_only=False)
    ann.mechanisms = [mech]
    cands = find_agreements(ann.text, sentences=ann.sentences, parties=ann.parties, dates=ann.dates,
                            published=None, title_span=ann.title_span, places=ann.places)
    p = _by_role(assemble(cands, ann), "primary")[0]
    assert p.signed_date == "2026-02-10"
    assert [(m.kind, m.due) for m in p.mechanisms] == [("working_group", "2026-05-10")]


def test_due_date_stays_null_without_a_known_signing_date():
    text = ("Georgia and Moldova agreed to sign a memorandum of understanding on energy. The memorandum "
            "sets up a joint working group that shall report within three months from the signing.")
    ann = annotate(text, None)
    s = text.index("joint working group")
    ann.mechanisms = [MechanismMention(start=s, end=s + 19, text="joint working group", kind="working_group",
                                       name=None, frequency=None, due_period="P3M", due_anchor="signing",
                                       permitted_only=False)]
    cands = find_agreements(ann.text, sentences=ann.sentences, parties=ann.parties, dates=ann.dates,
                            published=None, title_span=ann.title_span, places=ann.places)
    ags = assemble(cands, ann)
    mechs = [m for a in ags for m in a.mechanisms]
    assert mechs and all(m.due is None for m in mechs)


def test_permitted_only_and_in_passing_bodies_are_not_mechanisms():
    text = ("Peru and Chile signed a fisheries agreement in Lima on 3 May 2022. The parties may set up "
            "working groups. The Pacific Alliance Council welcomed the step.")
    ann = annotate(text, "2022-05-04")
    s1 = text.index("working groups")
    s2 = text.index("Pacific Alliance Council")
    ann.mechanisms = [
        MechanismMention(start=s1, end=s1 + 14, text="working groups", kind="working_group", name=None,
                         frequency=None, due_period=None, due_anchor=None, permitted_only=True),
        MechanismMention(start=s2, end=s2 + 24, text="Pacific Alliance Council", kind="council",
                         name="Pacific Alliance Council", frequency=None, due_period=None, due_anchor=None,
                         permitted_only=False, in_passing=True),
    ]
    cands = find_agreements(ann.text, sentences=ann.sentences, parties=ann.parties, dates=ann.dates,
                            published="2022-05-04", title_span=ann.title_span, places=ann.places)
    p = _by_role(assemble(cands, ann), "primary")[0]
    assert p.mechanisms == []


def test_treaty_text_content_is_all_its_own():
    text = ("AGREEMENT\nBETWEEN THE GOVERNMENT OF ICELAND AND THE GOVERNMENT OF NORWAY ON FISHERIES\n\n"
            "The Government of Iceland and the Government of Norway, hereinafter referred to as the Parties,\n\n"
            "HAVE AGREED as follows:\n\nARTICLE 1\n\nThe Parties shall cooperate on fisheries management and "
            "maritime border enforcement.\n\nARTICLE 2\n\nA Joint Commission is hereby established. It shall "
            "meet at least once a year.\n\nARTICLE 3\n\nThis Agreement shall remain in force for a period of "
            "five years.\n\nDone at Oslo on 4 June 2001.\n")
    _, ags = _run(text)
    p = _by_role(ags, "primary")[0]
    assert p.parties == ["ISL", "NOR"]
    assert p.duration_years == 5
    assert p.signed_date == "2001-06-04"
    assert "commission" in [m.kind for m in p.mechanisms]
    assert p.provisions and all(pr.modality for pr in p.provisions)


def test_duplicate_records_are_merged():
    from pactwatch.assemble import _dedupe

    a = Agreement(name="Treaty of Kars", role="mentioned", kind="treaty", parties=["ARM", "TUR"])
    b = Agreement(name="treaty of kars", role="primary", kind="treaty", parties=["TUR", "ARM"])
    out = _dedupe([a, b])
    assert len(out) == 1 and out[0].role == "primary"


def test_money_annotation_far_from_parties_is_not_attributed():
    text = ("Peru and Chile signed a fisheries agreement in Lima on 3 May 2022. Elsewhere, a football club "
            "paid $20 million for a striker.")
    ann = annotate(text, "2022-05-04")
    s = text.index("$20 million")
    ann.money = [MoneyMention(start=s, end=s + 11, text="$20 million", amount=20000000.0, currency="USD")]
    cands = find_agreements(ann.text, sentences=ann.sentences, parties=ann.parties, dates=ann.dates,
                            published="2022-05-04", title_span=ann.title_span, places=ann.places)
    p = _by_role(assemble(cands, ann), "primary")[0]
    assert p.funding == []
    assert 0.0 < p.confidence <= 1.0


def test_commentators_concerns_add_no_domain():
    from pactwatch.api import extract
    rec = extract("Kenya and Uganda signed a trade agreement on Monday to cut tariffs on manufactured goods. "
                  "Health advocacy groups argued the deal could raise the price of medicines.",
                  published="2020-10-14")
    prim = [a for a in rec.agreements if a.role == "primary"]
    assert prim and "trade_investment" in prim[0].domains and "health" not in prim[0].domains
