"""Questionnaire definitions are data: scoring, reverse items, gap rules, thresholds and strict validation."""

import copy
import json

import pytest

from wellness.definitions import DefinitionError, parse_definition
from wellness.loading import SHIPPED_QUESTIONNAIRE

from .factories.wellness import BARC_SHAPED_EXAMPLE, answers_at, shipped_definition_data


@pytest.fixture
def shipped():
    return parse_definition(SHIPPED_QUESTIONNAIRE.read_text())


@pytest.fixture
def barc_shaped():
    return parse_definition(BARC_SHAPED_EXAMPLE.read_text())


def test_shipped_questionnaire_covers_four_domains_with_16_to_24_items(shipped):
    assert 16 <= len(shipped.items) <= 24
    assert [d.id for d in shipped.domains] == ["personal", "social", "community", "cultural"]
    assert all(shipped.items_in(d.id) for d in shipped.domains)
    assert any(item.reverse for item in shipped.items)
    assert shipped.thresholds == ()  # it publishes no cut-off score, only a documented gap rule
    assert shipped.gap_rule.kind == "domain_mean_below" and "not a clinical cut-off" in shipped.gap_rule.explanation


def test_reverse_scored_items_count_the_other_way(shipped):
    # Everyone answers 4 ("completely true") to every sentence, including the reverse-worded ones.
    answers = {item.id: 4 for item in shipped.items}
    result = shipped.score(answers)
    reversed_items = [i for i in shipped.items if i.reverse]
    assert result.total == 4 * (len(shipped.items) - len(reversed_items)) + 1 * len(reversed_items)
    personal = next(ds for ds in result.domain_scores if ds.domain.id == "personal")
    assert personal.score == 4 * 4 + 1  # four plain items at 4, one reverse item counted as 1


def test_gap_domains_are_those_whose_mean_falls_below_the_rule(shipped):
    answers = answers_at(shipped, {"personal": 3, "social": 2, "community": 1, "cultural": 3})
    result = shipped.score(answers)
    assert result.gap_domains == ["social", "community"]
    assert {ds.domain.id: ds.is_gap for ds in result.domain_scores} == {
        "personal": False, "social": True, "community": True, "cultural": False}
    # Exactly at the rule's value is not a gap: only *below* 2.5 is.
    answers = answers_at(shipped, 3)
    social = [i for i in shipped.items_in("social")]
    for n, item in enumerate(social):  # social mean 2.6 then 2.4
        answers[item.id] = 2 if n < 2 else 3
        if item.reverse:
            answers[item.id] = 5 - answers[item.id]
    assert "social" not in shipped.score(answers).gap_domains
    first_plain = next(i for i in social if not i.reverse and answers[i.id] == 3)
    answers[first_plain.id] = 2
    assert "social" in shipped.score(answers).gap_domains


def test_barc_shaped_example_scores_10_to_60_with_its_published_threshold(barc_shaped):
    assert len(barc_shaped.items) == 10 and barc_shaped.scale.points == [1, 2, 3, 4, 5, 6]
    assert barc_shaped.total_range == (10, 60)
    assert barc_shaped.gap_rule is None
    [threshold] = barc_shaped.thresholds_for("total")
    assert threshold.value == 47
    assert barc_shaped.score({i.id: 1 for i in barc_shaped.items}).total == 10
    assert barc_shaped.score({i.id: 6 for i in barc_shaped.items}).total == 60
    answers = {i.id: 5 for i in barc_shaped.items}  # 50
    answers["item-01"] = 2  # 47: meets it
    assert barc_shaped.score(answers).total == 47 and threshold.is_met(47)
    answers["item-02"] = 4  # 46: does not
    assert barc_shaped.score(answers).total == 46 and not threshold.is_met(46)
    assert barc_shaped.score(answers).gap_domains == []


def test_barc_shaped_example_says_it_is_not_the_licensed_wording(barc_shaped):
    assert "NOT THE PUBLISHED INSTRUMENT" in barc_shaped.licence_note
    assert "must load the authors' own wording" in barc_shaped.licence_note


def test_scoring_refuses_incomplete_or_off_scale_answers(shipped):
    answers = answers_at(shipped, 3)
    answers.pop("social-alone")
    with pytest.raises(ValueError, match="social-alone"):
        shipped.score(answers)
    answers = answers_at(shipped, 3) | {"personal-hope": 7}
    with pytest.raises(ValueError, match="outside the scale 1-4"):
        shipped.score(answers)


def _broken(change):
    data = copy.deepcopy(shipped_definition_data())
    change(data)
    return data


@pytest.mark.parametrize("change, message", [
    (lambda d: d["items"][0].update(domain="spiritual"), "unknown domain “spiritual”"),
    (lambda d: d["items"][1].update(id=d["items"][0]["id"]), "Duplicate item id “personal-health”"),
    (lambda d: d["scoring"].update(thresholds=[{"value": 90, "label": "too high"}]),
     "value 90 is outside the possible total score range 21-84"),
    (lambda d: d["scoring"].update(thresholds=[{"applies_to": "social", "value": 2, "label": "x"}]),
     "outside the possible social score range 5-20"),
    (lambda d: d["scoring"].update(thresholds=[{"applies_to": "money", "value": 2, "label": "x"}]),
     "applies to unknown domain “money”"),
    (lambda d: d["scoring"]["gap_rule"].update(value=9), "Gap rule: value 9 is outside the scale 1-4"),
    (lambda d: d["scoring"]["gap_rule"].update(kind="vibes"), "Gap rule: unknown kind “vibes”"),
    (lambda d: d["scale"]["labels"].pop("3"), "Scale: point 3 has no label"),
    (lambda d: d["scale"].update(min=4, max=1), "must be smaller than"),
    (lambda d: d["domains"].append({"id": "social", "label": "Again"}), "Duplicate domain id “social”"),
    (lambda d: d["domains"].append({"id": "family", "label": "Family"}), "Domain “family” has no items"),
    (lambda d: d["items"][2].update(reverse="yes"), "“reverse” must be true or false"),
    (lambda d: d.update(slug="Not A Slug"), "slug “Not A Slug” may use only"),
    (lambda d: d.pop("format"), "“format” must be 1"),
])
def test_malformed_definitions_are_refused_naming_the_problem(change, message):
    with pytest.raises(DefinitionError) as caught:
        parse_definition(_broken(change))
    assert any(message in problem for problem in caught.value.problems), caught.value.problems


def test_every_problem_is_reported_at_once():
    def two_problems(d):
        d["items"][0]["domain"] = "spiritual"
        d["items"][1]["id"] = d["items"][2]["id"]
        del d["translations"]  # else a third: the Spanish text of the item whose id was lost names an unknown id
    with pytest.raises(DefinitionError) as caught:
        parse_definition(_broken(two_problems))
    assert len(caught.value.problems) == 2


def test_text_that_is_not_json_is_refused_with_its_position():
    with pytest.raises(DefinitionError, match=r"Not valid JSON: .* \(line 1, column"):
        parse_definition('{"format": 1,,}')
    with pytest.raises(DefinitionError, match="must be a JSON object"):
        parse_definition(json.dumps([1, 2]))
