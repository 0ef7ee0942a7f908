"""Agreement mentions, kinds, roles, statuses, parties and dates on short news-style passages.

The passages are written for these tests, one phenomenon each; they run through the public
``pactwatch.extract`` so the gazetteer and date resolution take part as in real use.
"""

from __future__ import annotations

import pytest

from pactwatch.api import extract as pw_extract
from pactwatch.annotate.agreements import best_kind, find_agreements, find_mentions, split_sentences


def _primaries(record):
    return [a for a in record.agreements if a.role == "primary"]


def _one_primary(text, **kw):
    rec = pw_extract(text, **kw)
    prim = _primaries(rec)
    assert len(prim) == 1, [(a.name, a.role, a.parties) for a in rec.agreements]
    return rec, prim[0]


def _ev(rec, ag, field, i=0):
    s, e = ag.evidence[field][i]
    return rec.document.text[s:e]


# ----------------------------------------------------------------------------- kinds


def test_kind_precedence_follows_record_spec():
    assert best_kind(["agreement", "framework"]) == "framework"
    assert best_kind(["pact", "agreement"]) == "agreement"
    assert best_kind(["memorandum", "treaty", "charter"]) == "charter"
    assert best_kind([]) == "other"


def test_framework_agreement_name_is_framework_and_has_duration():
    text = ("India, Brazil sign 10-year Defence Framework Agreement\n\n"
            "India and Brazil on Monday signed a 10-year Defence Framework Agreement in Brasilia, "
            "the Indian defence ministry said.")
    rec, ag = _one_primary(text, published="2024-03-12")
    assert ag.kind == "framework"
    assert ag.parties == ["BRA", "IND"]
    assert ag.status == "signed"
    assert ag.signed_date == "2024-03-11"
    assert "Framework" in _ev(rec, ag, "kind") or "Framework" in _ev(rec, ag, "name")


def test_memorandum_of_understanding_is_memorandum():
    text = ("Kenya, Ghana sign memorandum of understanding on health cooperation\n\n"
            "Kenya and Ghana signed a memorandum of understanding on health cooperation in Nairobi on "
            "Friday, officials said.")
    _, ag = _one_primary(text, published="2023-06-10")
    assert ag.kind == "memorandum"
    assert ag.parties == ["GHA", "KEN"]


def test_pact_also_called_agreement_is_agreement():
    text = ("Poland and Ukraine are set to sign a bilateral security pact next week. The agreement "
            "will cover training and intelligence sharing.")
    _, ag = _one_primary(text, published="2024-07-01")
    assert ag.kind == "agreement"
    assert ag.status == "expected"


def test_pact_alone_is_pact_and_proposed():
    text = ("Armenian prime minister proposes non-aggression pact to Azerbaijan\n\n"
            "Armenian Prime Minister Nikol Pashinyan said on Sunday that he had proposed a "
            "non-aggression pact to Azerbaijan.")
    _, ag = _one_primary(text)
    assert ag.kind == "pact"
    assert ag.status == "proposed"
    assert ag.parties == ["ARM", "AZE"]


def test_joint_statement_and_declaration_kinds():
    text = ("Leaders of Japan and South Korea issued a joint statement in Seoul on Tuesday pledging closer "
            "cooperation on energy.")
    _, ag = _one_primary(text, published="2023-05-10")
    assert ag.kind == "joint_statement"
    assert ag.status == "signed"
    assert ag.signed_date == "2023-05-09"


# ----------------------------------------------------------------------------- statuses


@pytest.mark.parametrize("sentence,status", [
    ("Germany and Ukraine signed a security agreement in Berlin.", "signed"),
    ("Germany and Ukraine are expected to sign a security agreement next month.", "expected"),
    ("Germany and Ukraine held talks on a security agreement in Berlin.", "negotiating"),
    ("Germany proposed a security agreement to Ukraine on Monday.", "proposed"),
    ("The security agreement between Germany and Ukraine entered into force on Monday.", "in_force"),
    ("Chad has ended its defence cooperation pact with France.", "terminated"),
    ("The United States withdrew from the nuclear deal with Iran on Tuesday.", "withdrawn"),
])
def test_status_from_cue_verbs(sentence, status):
    rec = pw_extract(sentence, published="2024-02-20")
    prim = _primaries(rec)
    assert prim, sentence
    assert prim[0].status == status
    # the status evidence quotes the cue
    s, e = prim[0].evidence["status"][0]
    assert rec.document.text[s:e].strip()


def test_negated_signing_is_not_signed():
    text = "Ministers failed to agree on new trade deals with Canada and Japan and will continue talks."
    rec = pw_extract(text, published="1987-10-20")
    for ag in rec.agreements:
        assert ag.status != "signed"


# ----------------------------------------------------------------------------- roles


def test_earlier_agreement_with_year_is_mentioned_and_dated():
    text = ("EU and US agree to talks on aircraft subsidies\n\n"
            "The EU and US agreed to begin talks on a new agreement on aircraft subsidies. Last year the US "
            "terminated an agreement with the EU, reached in 1992, which limits subsidies.")
    rec = pw_extract(text, published="2005-01-12")
    old = [a for a in rec.agreements if a.signed_date == "1992"]
    assert old and old[0].role == "mentioned"
    assert all(a.signed_date != "1992" for a in _primaries(rec))


def test_two_named_agreements_stay_apart_and_both_signed_are_primary():
    text = ("The presidents of Kyrgyzstan, Tajikistan and Uzbekistan signed the Treaty on the Junction Point "
            "of State Borders and the Khujand Declaration on Eternal Friendship on March 31.")
    rec = pw_extract(text, published="2025-04-01")
    names = sorted(a.name for a in _primaries(rec))
    assert len(names) == 2
    assert any(n.startswith("Treaty on the Junction Point") for n in names)
    assert any("Declaration on Eternal Friendship" in n for n in names)
    for a in _primaries(rec):
        assert a.parties == ["KGZ", "TJK", "UZB"]
        assert a.signed_date == "2025-03-31"


def test_coordinated_plural_is_one_agreement_per_topic():
    text = ("Turkey and Libya on Wednesday signed two agreements on security and military cooperation and "
            "restriction of marine jurisdictions.")
    rec = pw_extract(text, published="2019-11-28")
    prim = _primaries(rec)
    assert len(prim) == 2
    assert {a.name for a in prim} == {"agreement on security and military cooperation",
                                      "agreement on restriction of marine jurisdictions"}
    assert all(a.parties == ["LBY", "TUR"] and a.signed_date == "2019-11-27" for a in prim)


def test_distributive_plural_with_listed_partners():
    text = ("The United States and Ukraine are set to sign a bilateral security agreement on Thursday. "
            "It will be the 15th such pact for Ukraine. Similar provisions have been included in agreements "
            "with the UK, France and Germany.")
    rec = pw_extract(text, published="2024-06-12")
    ment = {tuple(a.parties) for a in rec.agreements if a.role == "mentioned"}
    assert {("FRA", "UKR"), ("GBR", "UKR"), ("DEU", "UKR")} <= ment
    prim = _primaries(rec)
    assert [a.parties for a in prim] == [["UKR", "USA"]]


def test_new_agreement_is_not_the_one_it_replaces():
    text = ("UN conference adopts new rubber pact\n\n"
            "GENEVA, March 20 - A new International Natural Rubber Agreement was formally adopted by a "
            "United Nations conference today, delegates from Malaysia and Thailand said. Both the 1979 "
            "agreement and its successor aim to stabilise prices.")
    rec = pw_extract(text, published="1987-03-20")
    prim = _primaries(rec)
    assert len(prim) == 1 and "International Natural Rubber Agreement" in prim[0].name
    assert prim[0].status == "signed"
    assert prim[0].signed_date == "1987-03-20"
    old = [a for a in rec.agreements if a.signed_date == "1979"]
    assert old and old[0].role == "mentioned"


# ----------------------------------------------------------------------------- parties


def test_parties_from_hyphenated_name_and_capitals():
    text = ("Yerevan and Baku signed a peace treaty on Friday, ending decades of conflict, officials in "
            "both capitals said.")
    _, ag = _one_primary(text, published="2025-08-09")
    assert ag.parties == ["ARM", "AZE"]
    assert ag.kind == "treaty"
    assert ag.signed_date == "2025-08-08"
    text = "The US-Ukraine Strategic Defense Framework was signed in Washington on Tuesday."
    rec, ag = _one_primary(text, published="2021-09-01")
    assert ag.parties == ["UKR", "USA"]
    assert ag.kind == "framework"
    assert ag.signed_date == "2021-08-31"
    assert ag.place == "Washington"
    assert _ev(rec, ag, "place") == "Washington"


def test_dateline_city_is_not_a_party():
    text = ("ASTANA – Kyrgyzstan and Tajikistan signed a border treaty on Monday, the two governments said.")
    _, ag = _one_primary(text, published="2025-03-11")
    assert ag.parties == ["KGZ", "TJK"]


def test_nonstate_party_taliban():
    text = ("US, Taliban set peace signing\n\n"
            "The United States and the Taliban are poised to sign a peace deal in Doha on Saturday.")
    _, ag = _one_primary(text, published="2020-02-28")
    assert ag.parties == ["Taliban", "USA"]
    assert ag.status == "expected"
    assert ag.signed_date == "2020-02-29"


# ----------------------------------------------------------------------------- not agreements


@pytest.mark.parametrize("text", [
    ("General Motors and the United Auto Workers reached a tentative deal to end a 31-day strike, "
     "the union said."),
    ("Struggling Japanese car maker Mitsubishi Motors has struck a deal to supply French car maker "
     "Peugeot with 30,000 sports utility vehicles."),
    "Paradyne Corp said it pleaded guilty under a plea agreement with federal prosecutors.",
    ("White House and GOP congressional leaders reached a budget deal that would raise the debt "
     "ceiling, congressional aides said."),
    ("The United States and the Philippines kicked off their annual Balikatan military drills on "
     "Monday, with thousands of troops taking part."),
    "India's state-owned power company signed an agreement to borrow 169 mln marks from a syndicate of banks.",
])
def test_business_domestic_and_non_agreement_news_have_no_primary(text):
    rec = pw_extract(text, published="2019-10-16")
    assert _primaries(rec) == []


@pytest.mark.parametrize("text", [
    "The two countries need to deal with the crisis together, France and Germany said.",
    "Officials in France and Germany were in full agreement with the plan.",
    "Within the framework of the summit, France and Germany discussed energy.",
    "The Government of National Accord in Libya welcomed Turkey's support.",
    "A charter flight carried French and German tourists.",
])
def test_everyday_uses_of_kind_nouns_are_not_mentions(text):
    rec = pw_extract(text, published="2020-01-01")
    assert rec.agreements == []


# ----------------------------------------------------------------------------- treaty texts


TREATY = """AGREEMENT
BETWEEN THE GOVERNMENT OF THE REPUBLIC OF ARMENIA
AND THE GOVERNMENT OF GEORGIA ON FREE TRADE

The Government of the Republic of Armenia and the Government of Georgia, hereinafter referred to as the Contracting Parties,

Striving to develop trade and economic cooperation,

HAVE AGREED as follows:

ARTICLE 1

Contracting Parties shall not apply customs duties on goods originating in the territory of the other Contracting Party.

ARTICLE 2

To achieve the goals of this Agreement, Contracting Parties have agreed to establish a joint commission.

Done in the City of Tbilisi, on March 14, 1995 in two originals, each in Armenian, Georgian and English.
"""


def test_treaty_full_text_layout():
    rec = pw_extract(TREATY)
    prim = _primaries(rec)
    assert len(prim) == 1
    ag = prim[0]
    assert ag.name.startswith("Agreement between the Government of the Republic of Armenia")
    assert ag.kind == "agreement"
    assert ag.parties == ["ARM", "GEO"]
    assert ag.status == "signed"
    assert ag.signed_date == "1995-03-14"
    assert ag.place == "Tbilisi"
    assert _ev(rec, ag, "signed_date") == "March 14, 1995"
    assert rec.check_evidence() == []


def test_treaty_without_heading_takes_name_from_preamble_and_spelled_date():
    text = ("Preamble\n\nThe Government of Iceland and the Government of Norway, hereinafter referred to as "
            "\"the Parties\";\n\nHAVE AGREED as follows:\n\nARTICLE 1\n\nThe Parties shall establish a free trade "
            "area in accordance with this Agreement.\n\nIN WITNESS WHEREOF, the undersigned have signed this "
            "Agreement.\n\nDone in duplicate at Reykjavik this fifteenth day of April two thousand and thirteen.\n")
    rec = pw_extract(text)
    prim = _primaries(rec)
    assert len(prim) == 1
    ag = prim[0]
    assert ag.name == "Agreement between The Government of Iceland and the Government of Norway"
    assert ag.parties == ["ISL", "NOR"]
    assert ag.signed_date == "2013-04-15"
    assert ag.place == "Reykjavik"


def test_entry_into_force_fact_versus_provision():
    fact = TREATY + "\nThe Agreement entered into force on December 18, 1996.\n"
    assert _primaries(pw_extract(fact))[0].status == "in_force"
    provision = TREATY.replace("HAVE AGREED as follows:", "HAVE AGREED as follows:\n\nThis Agreement shall "
                               "enter into force upon the exchange of notes.")
    assert _primaries(pw_extract(provision))[0].status == "signed"


# ----------------------------------------------------------------------------- unit level


def test_find_mentions_extends_names_and_records_parties():
    from pactwatch.annotate.gazetteer import find_parties

    text = "The Charter on Strategic Partnership between Azerbaijan and the United States was published."
    ms = find_mentions(text, parties=find_parties(text))
    assert ms[0].text.startswith("Charter on Strategic Partnership between Azerbaijan and the United States")
    assert ms[0].proper
    assert {p.code for p in ms[0].parties} == {"AZE", "USA"}


def test_find_agreements_on_plain_data_without_spacy():
    from pactwatch.annotate.gazetteer import find_parties

    text = "Peru and Chile signed a fisheries agreement in Lima on 3 May 2022."
    cands = find_agreements(text, sentences=split_sentences(text), parties=find_parties(text),
                            published="2022-05-04")
    assert len(cands) == 1
    c = cands[0]
    assert c.role == "primary" and c.party_codes == ["CHL", "PER"] and c.status == "signed"
    assert text[c.status_span[0]:c.status_span[1]] == "signed"


# ----------------------------------------------------------------------------- later phenomena


def test_ceasefire_is_an_agreement_of_kind_other():
    text = ("Armenia and Azerbaijan agree ceasefire\n\nArmenia and Azerbaijan agreed on Sunday to a ceasefire "
            "along their border, the two foreign ministries said.")
    _, ag = _one_primary(text, published="2022-09-19")
    assert ag.kind == "other"
    assert ag.parties == ["ARM", "AZE"]
    assert ag.status == "signed"
    assert ag.signed_date == "2022-09-18"


@pytest.mark.parametrize("sentence", [
    "Britain and Canada could agree a trade deal within weeks, officials said.",
    "Britain and Canada failed to reach a trade deal after two days of talks.",
    "Britain and Canada hope to seal a trade deal before the summer.",
])
def test_modal_and_failed_agreements_are_not_signed(sentence):
    rec = pw_extract(sentence, published="2019-06-01")
    prim = _primaries(rec)
    assert prim and prim[0].status == "negotiating"
    assert prim[0].signed_date is None


def test_rejected_statement_is_no_agreement():
    text = ("G20 meeting ends without consensus\n\nRussia and China rejected a joint statement that called "
            "for an end to the war, Indian officials said.")
    rec = pw_extract(text, published="2023-03-02")
    assert _primaries(rec) == []


def test_soviet_era_report_uses_former_state_code():
    text = ("U.S. PRESENTS MOSCOW WITH DRAFT MISSILE TREATY\n\nGENEVA, March 4 - The United States presented "
            "Moscow with a draft treaty on medium-range nuclear missiles, U.S. officials said.")
    _, ag = _one_primary(text, published="1987-03-04")
    assert ag.parties == ["SUN", "USA"]
    assert ag.status == "negotiating"
    assert ag.kind == "treaty"


def test_agreement_value_is_its_funding():
    text = ("Pakistan, Sweden sign barter agreement\n\nPakistan and Sweden signed a barter agreement worth 55 "
            "mln dlrs in Islamabad on Tuesday, officials said.")
    _, ag = _one_primary(text, published="1987-03-11")
    assert [(f.amount, f.currency) for f in ag.funding] == [(55000000.0, "USD")]


def test_compliance_frame_gives_no_event_but_an_existing_agreement():
    # breaking a pact is no signing on Monday; but the pact exists, so it was signed (undated)
    text = ("Japan denied on Monday that it had broken the semiconductor pact with the United States, "
            "a trade ministry official said.")
    rec = pw_extract(text, published="1987-03-23")
    assert rec.agreements
    for ag in rec.agreements:
        assert ag.status == "signed" and ag.signed_date is None


def test_company_contracts_won_or_with_tickers_are_not_agreements():
    for text in [
        "British Aerospace wins Swiss deal\n\nBritish Aerospace Plc said it won a deal to supply Switzerland "
        "with training aircraft.",
        "Madagascar extends oil exploration agreement\n\nMadagascar extended its oil exploration agreement with "
        "Amoco Corp <AN> and Occidental Petroleum Corp <OXY> for two years, the companies said.",
    ]:
        assert _primaries(pw_extract(text, published="1987-04-01")) == []


def test_broker_and_city_in_name_are_not_parties():
    text = ("Israel and Hamas agreed to an Egyptian-brokered truce on Wednesday, officials in Cairo said.")
    _, ag = _one_primary(text, published="2012-11-22")
    assert ag.parties == ["Hamas", "ISR"]
    text = ("Japan and Germany reaffirmed the Paris accord on currency stability on Tuesday, finance ministry "
            "officials said.")
    rec = pw_extract(text, published="1987-04-08")
    accord = [a for a in rec.agreements if "Paris accord" in a.name]
    assert accord and accord[0].parties == ["DEU", "JPN"]
    assert accord[0].name == "Paris accord on currency stability"


def test_domestic_headline_deal_leaves_background_pacts_mentioned():
    text = ("Rivals sign power-sharing deal in Kabul\n\nAfghanistan's presidential rivals signed a power-sharing "
            "deal on Sunday. The deal clears the way for a bilateral security agreement with the United States.")
    rec = pw_extract(text, published="2014-09-21")
    assert all(a.role == "mentioned" for a in rec.agreements if "security" in a.name)


def test_year_only_definite_description_dates_the_named_agreement():
    text = ("US to quit nuclear arms treaty\n\nThe United States said on Friday it would withdraw from the "
            "Intermediate-Range Nuclear Forces Treaty with Russia, saying Moscow has been cheating on the 1987 "
            "pact for years.")
    _, ag = _one_primary(text, published="2019-02-01")
    assert ag.status == "withdrawn"
    assert ag.signed_date == "1987"
    assert ag.parties == ["RUS", "USA"]


def test_closing_formula_over_several_lines_with_spelled_day():
    text = TREATY.replace("Done in the City of Tbilisi, on March 14, 1995 in two originals, each in Armenian, "
                          "Georgian and English.",
                          "Done in duplicate, in the Armenian and Georgian languages, both equally\nauthentic, at "
                          "Tbilisi, this twenty second\nday of April 1995.")
    ag = _primaries(pw_extract(text))[0]
    assert ag.signed_date == "1995-04-22"
    assert ag.status == "signed"


def test_plan_to_sign_in_a_month_dates_an_expected_agreement():
    text = ("U.S., Japan agree in principle on trade deal\n\nThe United States and Japan agreed in principle on a "
            "trade deal on Sunday. The two sides plan to sign a final deal in September, officials said.")
    _, ag = _one_primary(text, published="2019-08-25")
    assert ag.status == "expected"
    assert ag.signed_date == "2019-09"


# ----------------------------------------------------------------------------- second shift


def test_passive_broker_is_not_a_party():
    rec, ag = _one_primary("Armenia and Azerbaijan signed a truce brokered by Russia on Sunday.",
                           published="2020-10-11")
    assert ag.parties == ["ARM", "AZE"]


def test_p5_plus_1_expands_to_its_member_states():
    rec, ag = _one_primary("Iran and the P5+1 group reached a nuclear agreement in Vienna on Tuesday.",
                           published="2015-07-15")
    assert ag.parties == ["CHN", "DEU", "FRA", "GBR", "IRN", "RUS", "USA"]


def test_existing_pact_that_is_violated_or_runs_on_is_signed_without_a_date():
    rec = pw_extract("Japan said on Tuesday it would abide by the semiconductor pact with the United States, "
                     "which expires in 1991.", published="1987-03-10")
    ags = [a for a in rec.agreements if "semiconductor" in a.name]
    assert ags and ags[0].status == "signed" and ags[0].signed_date is None
    rec = pw_extract("Fishermen protested in Oslo. Norway said it had not violated the fisheries agreement "
                     "with Canada.", published="1990-05-04")
    ags = [a for a in rec.agreements if "fisheries" in a.name]
    assert ags and ags[0].status == "signed" and ags[0].signed_date is None


def test_under_a_new_agreement_is_the_news_not_a_frame():
    rec, ag = _one_primary("LIMA, March 14 - Peru and Chile agreed to expand flights between their capitals "
                           "under a new aviation agreement, officials said.", published="1987-03-16")
    assert ag.status == "signed" and ag.parties == ["CHL", "PER"]


def test_concluded_negotiations_on_a_weekday_is_signed_that_day():
    rec, ag = _one_primary("Peru and Chile announced on Monday that they had concluded negotiations on the "
                           "Pacific Fisheries Agreement, officials said.", published="2021-09-01")
    assert ag.status == "signed" and ag.signed_date == "2021-08-30"


def test_signing_verb_after_a_relative_clause_belongs_to_its_head():
    text = ("U.S. SIGNS TAX TREATY WITH GUAM\n\nWASHINGTON, March 2 - The Treasury said the United States and "
            "Guam have signed a tax treaty.\n\nThe new agreement, which replaces a prior agreement with Guam, "
            "was signed on February 24, the Treasury said.")
    rec, ag = _one_primary(text, published="1987-03-02")
    assert ag.signed_date == "1987-02-24"


def test_participle_describing_the_deal_yields_to_the_main_verb():
    text = ("Rebels agree to cease-fire\n\nYemen's Houthi rebels and their allies agreed Sunday to a five-day cease-fire "
            "offered by the Saudi-led coalition, the state news agency reported.")
    rec = pw_extract(text, published="2015-05-10")
    prim = _primaries(rec)
    assert prim and prim[0].status == "signed" and prim[0].signed_date == "2015-05-10"


def test_depositary_and_observers_are_not_parties():
    rec, ag = _one_primary("Ecuador withdrew from the trade pact with Peru on Monday, sending notification of its "
                           "withdrawal to the United Nations.", published="2020-10-13")
    assert ag.parties == ["ECU", "PER"]
    rec, ag = _one_primary("The Security Council welcomed the peace agreement signed by Sudan and South Sudan "
                           "on Tuesday.", published="2020-10-13")
    assert ag.parties == ["SDN", "SSD"]


def test_brokers_named_after_by_are_not_parties_even_when_coordinated():
    rec, ag = _one_primary("Israel and Hamas agreed to a truce mediated by Egypt and Qatar.", published="2012-11-22")
    assert ag.parties == ["Hamas", "ISR"]


def test_the_two_countries_takes_the_pair_named_before():
    text = ("CHILE TO BUILD PORT FOR BOLIVIA\n\nSANTIAGO, Oct 19 - Chile has agreed to build a new port in Bolivia "
            "worth 95 mln dlrs, a Chilean official said. The two countries signed an agreement under which Chilean "
            "companies will build the port.")
    rec, ag = _one_primary(text, published="1987-10-19")
    assert ag.parties == ["BOL", "CHL"]


def test_country_of_a_dateline_city_is_not_a_party():
    text = ("CREDITORS AGREE DEBT INITIATIVE\n\nGHENT, Belgium, April 5 - Western creditor governments have reached "
            "agreement in principle on new proposals for easing the debt of poor countries, British Chancellor "
            "Nigel Lawson said.")
    rec = pw_extract(text, published="1987-04-05")
    for ag in rec.agreements:
        assert "BEL" not in ag.parties


def test_one_state_withdrawing_from_a_named_accord_in_the_headline_is_the_news():
    text = ("Canada begins formal withdrawal from Lima fisheries accord\n\nThe Canadian government announced Monday "
            "that it will withdraw from the Lima Agreement. Canada submitted formal notification of its withdrawal "
            "to the United Nations, the environment minister said.")
    rec, ag = _one_primary(text, published="2011-12-13")
    assert ag.parties == ["CAN"] and ag.status == "withdrawn"


def test_infinitive_verb_before_the_noun_is_not_a_topic():
    text = ("Cuba nuclear deal: Havana expects US to ditch agreement, says minister\n\nCuba's foreign minister has "
            "said he assumes that the US will abandon the international deal restricting his country's nuclear "
            "activities.")
    rec = pw_extract(text, published="2018-05-01")
    assert not any("ditch" in a.name.lower() for a in rec.agreements)
    assert len(_primaries(rec)) == 1


def test_paris_club_in_a_between_phrase_is_not_france():
    text = ("GHANA, BRITAIN TO RESCHEDULE DEBT\n\nLONDON, March 24 - Ghana and Britain signed an agreement to "
            "reschedule Ghana's official debts, government sources said. It follows an agreement between Ghana and "
            "the Paris Club of creditor nations in December.")
    rec = pw_extract(text, published="1987-03-24")
    assert all("FRA" not in a.parties for a in rec.agreements)
    assert [a.parties for a in _primaries(rec)] == [["GBR", "GHA"]]


def test_go_between_dropped_only_when_two_parties_remain():
    rec, ag = _one_primary("Israel and Hamas agree to temporary truce\n\nIsrael and Hamas agreed Sunday to a five-day "
                           "truce offered by Egypt, state media reported. The truce begins Tuesday.",
                           published="2015-05-10")
    assert ag.parties == ["Hamas", "ISR"] and ag.signed_date == "2015-05-10"
    rec, ag = _one_primary("Iran accepted a fuel swap deal proposed by Russia on Monday.", published="2010-05-10")
    assert ag.parties == ["IRN", "RUS"]


def test_expected_agreement_takes_the_day_set_for_its_signing():
    text = ("BOLIVIA PACT DETAILS RELEASED AFTER THURSDAY SIGNING\n\nLIMA, March 23 - Details of today's agreement "
            "to give Bolivia access to the sea through Peru will be released after the official signing in Lima on "
            "Thursday, the Peruvian ambassador said.")
    rec, ag = _one_primary(text, published="1987-03-23")
    assert ag.status == "expected" and ag.signed_date == "1987-03-26"


def test_to_be_adopted_tomorrow_is_expected_with_that_date():
    text = ("NEW COFFEE PACT TO BE FORMALLY ADOPTED TOMORROW\n\nGENEVA, March 19 - A new International Coffee "
            "Agreement will be formally adopted tomorrow by producing and consuming countries at a United Nations "
            "conference, delegates said.")
    rec, ag = _one_primary(text, published="1987-03-19")
    assert ag.status == "expected" and ag.signed_date == "1987-03-20"


def test_country_after_a_dateline_city_and_dash_is_not_a_party():
    text = ("Leaders sign new trade deal\n\nNAIROBI, Kenya – Tanzania and Uganda signed a new trade agreement on "
            "Friday, officials said.")
    rec, ag = _one_primary(text, published="2018-12-01")
    assert ag.parties == ["TZA", "UGA"]


def test_verb_deal_with_names_an_outsider():
    text = ("Officials from Peru, Chile and Mexico signed a trade agreement on Monday in Lima, a move that has added "
            "to a debate over how the region should deal with China.")
    rec, ag = _one_primary(text, published="2015-10-06")
    assert ag.parties == ["CHL", "MEX", "PER"]


def test_framework_for_an_agreement_names_no_framework():
    text = ("Peru and Chile reach trade deal\n\nOfficials from Peru and Chile met in Lima this week to push through a "
            "framework for a trade agreement, and on Monday they signed the deal, officials said.")
    rec = pw_extract(text, published="2015-10-06")
    prim = _primaries(rec)
    assert prim and all(a.kind == "agreement" for a in prim)


def test_un_opening_a_treaty_name_is_its_forum_not_a_party():
    text = ("Brazil Moves To Withdraw From U.N. Fisheries Treaty\n\nBrazil will withdraw from the United Nations' "
            "Fisheries Treaty, which it ratified in 2013, the president said on Friday.")
    rec, ag = _one_primary(text, published="2019-04-26")
    assert ag.parties == ["BRA"] and ag.status == "withdrawn"


def test_headline_states_make_the_lead_agreement_primary():
    text = ("CHILE, PERU SIGN FISHING ACCORD\n\nLIMA, March 24 - Chile and Peru signed an agreement to share "
            "fishing grounds off their coasts, officials said.")
    rec, ag = _one_primary(text, published="1987-03-24")
    assert ag.parties == ["CHL", "PER"] and ag.status == "signed"


def test_revised_and_extended_agreement_is_signed_news():
    rec, ag = _one_primary("Malta and Tunisia have revised and extended their textile agreement, officials said.",
                           published="1987-03-25")
    assert ag.parties == ["MLT", "TUN"] and ag.status == "signed"


def test_our_deal_with_a_state_makes_the_speakers_state_a_party():
    text = ("Leader to sign grain deal\n\nOTTAWA - The prime minister said he will sign our grain deal "
            "with Brazil on June 4. Officials said the text was ready.")
    rec = pw_extract(text, published="2021-05-30", title="Leader to sign grain deal")
    prim = _primaries(rec)
    assert len(prim) == 1
    codes = sorted(getattr(p, "code", p) for p in prim[0].parties)
    assert codes == ["BRA", "CAN"]


def test_our_without_a_second_state_adds_nobody():
    text = "Minister defends pact\n\nThe minister said our fisheries pact with Norway was fair to fishermen."
    rec = pw_extract(text, published="2021-05-30", title="Minister defends pact")
    for ag in rec.agreements:
        assert [getattr(p, "code", p) for p in ag.parties] in ([], ["NOR"])


def test_accord_with_official_creditors_is_the_news():
    text = ("PERU REACHES ACCORD ON DEBT\n\nLIMA, June 2 - Peru has reached an agreement with Western "
            "creditor countries on rescheduling part of its official debt, the finance ministry said.")
    rec = pw_extract(text, published="1988-06-02")
    prim = _primaries(rec)
    assert len(prim) == 1
    assert [getattr(p, "code", p) for p in prim[0].parties] == ["PER"]


def test_deal_with_creditor_banks_stays_no_primary():
    text = ("PERU REACHES ACCORD WITH BANKS\n\nLIMA, June 2 - Peru has reached an agreement with its "
            "creditor banks on rescheduling 2 billion dlrs of commercial loans, bankers said.")
    rec = pw_extract(text, published="1988-06-02")
    assert _primaries(rec) == []


def test_rivals_power_sharing_deal_is_no_primary():
    text = ("Kenya names winner after rivals sign power-sharing deal\n\nKenya's election board named the "
            "winner on Sunday, hours after he signed a power-sharing agreement with his opponent. "
            "U.S. envoys had pressed both candidates to sign the deal, Washington said.")
    rec = pw_extract(text, published="2021-05-30", title="Kenya names winner after rivals sign power-sharing deal")
    assert _primaries(rec) == []


def test_power_sharing_deal_with_a_rebel_movement_stays_primary():
    text = ("South Sudan, SPLM-IO sign power-sharing deal\n\nSouth Sudan's government and the SPLM-IO rebels "
            "signed a power-sharing agreement in Khartoum on Sunday, ending five years of war between the rivals.")
    rec = pw_extract(text, published="2018-08-05", title="South Sudan, SPLM-IO sign power-sharing deal")
    prim = _primaries(rec)
    assert len(prim) == 1
    assert sorted(getattr(p, "code", p) for p in prim[0].parties) == ["SPLM", "SSD"]


def test_us_president_speaking_of_our_deal_makes_the_us_a_party():
    text = ("Obama to sign deal\n\nPresident Obama said he will sign our trade deal with Chile on May 3. "
            "The deal was months in the making.")
    rec = pw_extract(text, published="2012-04-30", title="Obama to sign deal")
    prim = _primaries(rec)
    assert len(prim) == 1
    assert sorted(getattr(p, "code", p) for p in prim[0].parties) == ["CHL", "USA"]
    assert "USA" in [getattr(p, "code", p) for p in prim[0].parties]
