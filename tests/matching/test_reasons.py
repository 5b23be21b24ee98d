from django.utils import translation

from peerpath.matching.reasons import breakdown, reasons

DETAILS = {
    "interests": ["chess", "robotics"],
    "goals": ["study skills"],
    "subjects": [],
    "slots": 4,
    "languages": ["Spanish"],
    "background": ["first_generation"],
    "semantic": 0.1,
    "requested": False,
    "contributions": {"interests": 700, "availability": 400, "language": 500, "goals": 100, "semantic": 50},
}


def test_reasons_come_biggest_contribution_first_in_plain_words():
    assert reasons(DETAILS) == [
        "both like chess and robotics",
        "both speak Spanish",
        "4 shared free periods",
    ]
    assert reasons(DETAILS, limit=5)[3] == "can help with study skills"


def test_a_component_without_a_phrase_is_left_out_of_reasons_but_kept_in_the_breakdown():
    assert "wrote similar things about themselves" not in reasons(DETAILS, limit=10)
    assert breakdown(DETAILS)[0] == ("Shared interests", "700", 700)
    assert [label for label, _shown, _points in breakdown(DETAILS)][-1] == 'Similar "about me"'


def test_reasons_are_worded_in_the_readers_language():
    with translation.override("es"):
        worded = reasons(DETAILS)
    assert worded[1] != "both speak Spanish"


def test_every_engine_component_has_a_weight_setting_and_a_label():
    from peerpath.engine.inputs import COMPONENTS, Weights
    from peerpath.matching.models import MatchSettings
    from peerpath.matching.reasons import COMPONENT_LABELS

    assert MatchSettings.WEIGHT_FIELDS is COMPONENTS  # one list, written once
    for name in COMPONENTS:  # each with a field that defaults to the engine's weight
        assert MatchSettings._meta.get_field(f"weight_{name}").default == getattr(Weights(), name)
    weight_fields = {f.name for f in MatchSettings._meta.get_fields() if f.name.startswith("weight_")}
    assert weight_fields == {f"weight_{name}" for name in COMPONENTS}
    assert set(COMPONENT_LABELS) == set(COMPONENTS)
