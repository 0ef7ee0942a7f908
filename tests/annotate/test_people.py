"""People, their roles and parties, and who signed - on passages written in news style."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactwatch.annotate.people import PersonMention, consolidate, find_people, signatories


# The pipeline (pactwatch.api) runs spaCy without the lemmatizer; the finder must not
# depend on lemmas, so every test runs on both configurations.
@pytest.fixture(scope="module", params=[(), ("lemmatizer",)], ids=["full", "no-lemmatizer"])
def nlp(request):
    from pactwatch.nlp import get_nlp

    return get_nlp(request.param)


def _people(nlp, text: str, offset: int = 0) -> list[PersonMention]:
    ppl = find_people(nlp(text), offset)
    for p in ppl:
        assert 0 <= p.start - offset < p.end - offset <= len(text)
    return ppl


def _by_name(ppl):
    out = {}
    for p in ppl:
        out.setdefault(p.name, p)
    return out


def test_title_gives_role_and_party_and_relative_clause_signs(nlp):
    text = (
        "US Secretary of State Antony Blinken, who signed the agreement with Armenian Foreign Minister "
        "Ararat Mirzoyan during the latter's visit to Washington, said it lays the foundation for deeper ties."
    )
    ppl = _by_name(_people(nlp, text))
    assert (ppl["Antony Blinken"].role, ppl["Antony Blinken"].party) == ("Secretary of State", "USA")
    assert (ppl["Ararat Mirzoyan"].role, ppl["Ararat Mirzoyan"].party) == ("Foreign Minister", "ARM")
    assert ppl["Antony Blinken"].signer and ppl["Ararat Mirzoyan"].signer


def test_passive_signed_by_with_coordination(nlp):
    text = (
        "In a ceremony witnessed by President Ferdinand Marcos Jr., the pact was signed by Defense Secretary "
        "Gilberto Teodoro and Japanese Foreign Minister Kamikawa Yoko."
    )
    ppl = _by_name(_people(nlp, text))
    assert ppl["Gilberto Teodoro"].signer
    assert ppl["Kamikawa Yoko"].signer
    assert (ppl["Kamikawa Yoko"].role, ppl["Kamikawa Yoko"].party) == ("Foreign Minister", "JPN")
    marcos = [p for p in ppl.values() if "Marcos" in p.name]
    assert marcos and not marcos[0].signer  # a witness, not a signer


def test_subjects_of_sign_with_country_after_name(nlp):
    text = (
        "President Emomali Rahmon of Tajikistan, President Sadyr Japarov of Kyrgyzstan and President Shavkat "
        "Mirziyoyev of Uzbekistan signed the treaty on Monday."
    )
    ppl = _by_name(_people(nlp, text))
    for name, code in [("Emomali Rahmon", "TJK"), ("Sadyr Japarov", "KGZ"), ("Shavkat Mirziyoyev", "UZB")]:
        assert ppl[name].signer, name
        assert ppl[name].party == code, name
        assert ppl[name].role == "President"


def test_apposition_title_after_name(nlp):
    text = "Mirzoyan, Armenia's foreign minister, welcomed the accord on Tuesday."
    ppl = _people(nlp, text)
    m = [p for p in ppl if p.name.endswith("Mirzoyan")]
    assert m and m[0].party == "ARM" and m[0].role and m[0].role.lower() == "foreign minister"
    assert not m[0].signer


def test_surname_mention_resolves_to_full_name(nlp):
    text = (
        "Ukrainian Defence Minister Andrey Taran met Lloyd Austin at the Pentagon. "
        "Taran later told reporters that the framework was a milestone."
    )
    ppl = _people(nlp, text)
    taran = [p for p in ppl if text[p.start:p.end] == "Taran"]
    assert taran and taran[0].name == "Andrey Taran" and taran[0].party == "UKR"


def test_signed_during_a_meeting_between(nlp):
    text = (
        "The agreement was signed during a meeting between Indian Defence Minister Rajnath Singh and "
        "US Defence Secretary Pete Hegseth in Kuala Lumpur."
    )
    names = {p.name for p in signatories(_people(nlp, text))}
    assert names == {"Rajnath Singh", "Pete Hegseth"}


def test_shake_hands_after_signing(nlp):
    text = "President Donald Trump and leader Kim Jong Un shake hands after signing documents in Singapore."
    names = {p.name for p in signatories(_people(nlp, text))}
    assert {"Donald Trump", "Kim Jong Un"} <= names


def test_will_sign_and_reported_speech(nlp):
    text = "Zelensky said that Lloyd Austin and Andrey Taran had signed the document on Tuesday."
    ppl = _by_name(_people(nlp, text))
    assert ppl["Lloyd Austin"].signer and ppl["Andrey Taran"].signer
    z = [p for p in ppl.values() if "Zelensky" in p.name]
    assert z and not z[0].signer


def test_people_who_only_speak_are_not_signers(nlp):
    text = "Prime Minister Nikol Pashinyan praised the deal, and analyst John Smith said it was overdue."
    ppl = _people(nlp, text)
    assert ppl and not any(p.signer for p in ppl)


@pytest.mark.parametrize(
    "text",
    [
        "Ms Clifford says the agreement is invalid as Mr Trump did not sign it.",
        "President Donald Trump pressured his counterpart Jimmy Morales to sign the accord this week.",
        "Prime Minister Viktor Orban refused to sign the joint declaration.",
    ],
)
def test_negated_or_urged_signing_is_not_signing(nlp, text):
    assert signatories(_people(nlp, text)) == []


@pytest.mark.parametrize(
    "text,signers,witness",
    [
        ("Mr. Blinken signed it with Chinese President Xi Jinping watching.", {"Blinken"}, "Xi Jinping"),
        ("Pashinyan and Aliyev initialled the agreement at the White House, with President Donald Trump looking on.",
         {"Pashinyan", "Aliyev"}, "Donald Trump"),
    ],
)
def test_onlookers_are_not_signers(nlp, text, signers, witness):
    ppl = _people(nlp, text)
    assert {p.name for p in signatories(ppl)} == signers
    assert any(p.name == witness and not p.signer for p in ppl)


def test_possessor_of_the_signer_is_not_a_signer(nlp):
    text = "Kim Jong Un's envoy Kim Yong Chol signed the agreement on behalf of the North."
    ppl = _people(nlp, text)
    assert {p.name for p in signatories(ppl)} == {"Kim Yong Chol"}


def test_pronoun_signer_resolves_to_named_person(nlp):
    text = "Lloyd Austin said the partnership was historic as he signed the framework on Tuesday."
    names = {p.name for p in signatories(_people(nlp, text))}
    assert names == {"Lloyd Austin"}


def test_expected_to_sign(nlp):
    text = "Foreign Minister Ararat Mirzoyan and Antony Blinken are expected to sign the charter on Tuesday."
    names = {p.name for p in signatories(_people(nlp, text))}
    assert names == {"Ararat Mirzoyan", "Antony Blinken"}


def test_consolidate_across_passages(nlp):
    p1 = "The RAA was signed by Defense Secretary Gilberto Teodoro and Japanese Foreign Minister Kamikawa Yoko."
    p2 = "Defense Secretary Gilbero Teodoro said Kamikawa would return in August."
    text = p1 + "\n\n" + p2
    people = find_people(nlp(p1), 0) + find_people(nlp(p2), len(p1) + 2)
    merged = consolidate(people, text)
    assert {p.name for p in merged} == {"Gilberto Teodoro", "Kamikawa Yoko"}
    kamikawa = [p for p in merged if text[p.start:p.end] == "Kamikawa"]
    assert kamikawa and kamikawa[0].party == "JPN" and kamikawa[0].role == "Foreign Minister"
    assert {p.name for p in signatories(merged)} == {"Gilberto Teodoro", "Kamikawa Yoko"}


def test_surname_that_is_a_month_is_not_recalled(nlp):
    text = "Prime Minister Theresa May signed the declaration. The talks resume in May."
    may = [p for p in _people(nlp, text) if text[p.start:p.end] == "May" and p.start > 40]
    assert may == []


@pytest.mark.parametrize(
    "text,signers",
    [
        ("Pashinyan and Aliyev initialled the peace agreement at the White House, with President Donald Trump looking on.",
         {"Pashinyan", "Aliyev"}),
        ("Jeyhun Bayramov signed on behalf of Azerbaijan, and Marco Rubio for the United States.",
         {"Jeyhun Bayramov", "Marco Rubio"}),
        ("At the ceremony, Defense Minister Gilberto Teodoro signed for the Philippines and Kamikawa Yoko for Japan.",
         {"Gilberto Teodoro", "Kamikawa Yoko"}),
        ("Foreign ministers Sergei Lavrov and Wang Yi put their signatures to the joint statement.",
         {"Sergei Lavrov", "Wang Yi"}),
        ("The agreement was signed by Foreign Ministers Ararat Mirzoyan and Jeyhun Bayramov.",
         {"Ararat Mirzoyan", "Jeyhun Bayramov"}),
        ("Prime Minister Narendra Modi inked the deal with President Vladimir Putin in Moscow.",
         {"Narendra Modi", "Vladimir Putin"}),
    ],
)
def test_signers_ner_missed_gapped_or_paraphrased(nlp, text, signers):
    assert {p.name for p in signatories(_people(nlp, text))} == signers


def test_offset_is_added(nlp):
    prefix = "Headline here. "
    passage = "Secretary of State Marco Rubio signed the framework."
    ppl = find_people(nlp(passage), offset=len(prefix))
    full = prefix + passage
    rubio = [p for p in ppl if p.name == "Marco Rubio"]
    assert rubio and full[rubio[0].start:rubio[0].end] == "Marco Rubio"
    assert rubio[0].signer


def test_junk_person_entities_are_dropped(nlp):
    text = "Follow us on Twitter. You can also highlight the text and press Ctrl + Enter."
    assert all("Ctrl" not in p.name and "Twitter" not in p.name for p in _people(nlp, text))


def test_doc_without_tagger_or_ner_still_finds_titled_names():
    import spacy

    text = "Secretary of State Antony Blinken met Armenian Foreign Minister Ararat Mirzoyan."
    ppl = find_people(spacy.blank("en")(text))
    assert {p.name for p in ppl} == {"Antony Blinken", "Ararat Mirzoyan"}
    assert not any(p.signer for p in ppl)


def test_empty_and_odd_input(nlp):
    assert find_people(nlp("")) == []
    assert find_people(None) == []  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_and_offsets_in_range(text):
    from pactwatch.nlp import get_nlp

    for p in find_people(get_nlp()(text), 7):
        assert 7 <= p.start < p.end <= len(text) + 7


@pytest.mark.parametrize(
    "text",
    [
        "Senator Mary Collins signed a letter urging the administration to reject the accord.",
        "More than 100 legislators, including Peter Hanley, signed a petition against the pact.",
        "President Joan Rivers signed the ratification bill into law on Friday.",
        "President Walter Hodge signed an executive order withdrawing from the accord.",
    ],
)
def test_signing_a_letter_petition_bill_or_order_is_not_signing_the_agreement(nlp, text):
    assert signatories(_people(nlp, text)) == []


def test_prime_cabinet_secretary_title_with_party(nlp):
    text = "Kenya's Prime Cabinet Secretary Musalia Mudavadi signed the trade agreement on Monday."
    p = _by_name(_people(nlp, text))["Musalia Mudavadi"]
    assert (p.role, p.party, p.signer) == ("Prime Cabinet Secretary", "KEN", True)


def test_consolidate_merges_typo_variants_and_surnames():
    text = ("Defence Secretary Gilberto Teodoro signed. Later Gilbero Teodoro said. "
            "Teodoro added. Gilberto Teodro spoke. Teodorro left. Kim Jong Un and Kim Jong Il.")

    def m(name, signer=False, role=None):
        s = text.index(name)
        return PersonMention(s, s + len(name), name, role, None, signer)

    ppl = [m("Gilberto Teodoro", True, "Defence Secretary"), m("Gilbero Teodoro"), m("Teodoro added"[:7]),
           m("Gilberto Teodro", True), m("Teodorro"), m("Kim Jong Un"), m("Kim Jong Il")]
    out = consolidate(ppl, None)
    assert [p.name for p in out[:5]] == ["Gilberto Teodoro"] * 5
    assert all(p.role == "Defence Secretary" for p in out[:5])
    assert [p.name for p in signatories(out)] == ["Gilberto Teodoro"]
    assert {p.name for p in out[5:]} == {"Kim Jong Un", "Kim Jong Il"}


def test_a_decision_or_plan_to_sign_is_no_signing(nlp):
    for text in ("Senator Jim Walsh criticised President Ann Carter's decision to sign this agreement.",
                 "President Ann Carter's plan to sign the treaty drew fire."):
        assert signatories(_people(nlp, text)) == []
