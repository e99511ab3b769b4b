"""Conversation starters drawn from a results document (no database needed)."""

from __future__ import annotations

from stackup.results.starters import DISAGREEMENT, GAP, LOW_SCORE, conversation_starters


def _item(item_id, theme, mean, rwg, leik=0.5, n_valid=20):
    return {
        "id": item_id,
        "theme": theme,
        "n_valid": n_valid,
        "mean": mean,
        "pct_positive": 50.0,
        "dont_know_share": 0.1,
        "rwg": rwg,
        "leik_consensus": leik,
        "frequencies": {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5},
    }


def _comparison(name, theme, delta):
    return {
        "name": name,
        "theme": theme,
        "n_a": None if delta is None else 8,
        "n_b": None if delta is None else 30,
        "mean_a": None if delta is None else 2.1,
        "mean_b": None if delta is None else 3.4,
        "difference": None if delta is None else -1.3,
        "welch_p_holm": None if delta is None else 0.01,
        "cliffs_delta": delta,
        "magnitude": None if delta is None else "large",
    }


def _document(**overrides):
    items = [
        _item("A1", "a", 3.9, 0.9),
        _item("A2", "a", 2.1, 0.7),
        _item("A3", "a", 1.2, 0.8, n_valid=4),  # lowest, but too few answers to discuss
        _item("B1", "b", 2.5, 0.1, leik=0.9),
        _item("B2", "b", 3.0, 0.1, leik=0.2),
        _item("B3", "b", 4.4, None),
        _item("C1", "c", 2.8, 0.3),
    ]
    labels = {
        "items": {
            i["id"]: {"statement": f"Statement {i['id']}", "prompt": f"Prompt {i['id']}"}
            for i in items
        }
    }
    document = {
        "available": True,
        "min_group_size": 5,
        "items": items,
        "comparisons": [
            _comparison("service_users_vs_professionals", "a", -0.2),
            _comparison("service_users_vs_professionals", "b", -0.6),
            _comparison("frontline_vs_leaders", "a", None),
            _comparison("frontline_vs_leaders", "b", 0.4),
            _comparison("frontline_vs_leaders", "c", 0.05),
        ],
        "labels": labels,
    }
    document.update(overrides)
    return document


def test_lowest_scores_first_and_only_items_enough_people_answered():
    found = conversation_starters(_document())
    assert [s.item for s in found[LOW_SCORE]] == ["A2", "B1", "C1"]
    first = found[LOW_SCORE][0]
    assert (first.statement, first.prompt, first.theme) == ("Statement A2", "Prompt A2", "a")
    assert first.numbers["mean"] == 2.1
    assert first.key == "low_score:A2"


def test_widest_disagreement_by_rwg_then_leik():
    found = conversation_starters(_document())
    assert [s.item for s in found[DISAGREEMENT]] == ["B2", "B1", "C1"]


def test_gaps_by_effect_size_only_where_computed():
    found = conversation_starters(_document())
    gaps = found[GAP]
    assert [(g.numbers["comparison"], g.theme) for g in gaps] == [
        ("service_users_vs_professionals", "b"),
        ("frontline_vs_leaders", "b"),
        ("service_users_vs_professionals", "a"),
    ]
    # The prompt comes from the theme's lowest-scoring statement.
    assert gaps[0].item == "B1" and gaps[0].prompt == "Prompt B1"
    assert gaps[0].key == "gap:service_users_vs_professionals:b"


def test_nothing_when_the_round_is_too_small():
    found = conversation_starters(_document(available=False))
    assert found == {LOW_SCORE: [], DISAGREEMENT: [], GAP: []}
