"""The learned entity classifier and the span extents re3d draws: own sentences, a made-up re3d folder."""

import json

import pytest

from unspin.analyze import build, entity_model, run
from unspin.analyze import entities as ent
from unspin.analyze.nlp import parse
from unspin.document import Document, Meta
from unspin.eval import layer_splits


@pytest.fixture(scope="module")
def components():
    return build(["sentences", "entities"])


def spans(text, components):
    doc = run(Document(text, Meta(language="en")), components)
    return {doc.span_text(s): (s.label, dict(s.attrs)) for s in doc.layer("entities")}


def test_the_shipped_model_is_small_and_has_a_card():
    folder = entity_model.model_dir()
    assert (folder / "MODEL_CARD.md").is_file() and (folder / "config.json").is_file()
    assert sum(p.stat().st_size for p in folder.iterdir()) < 30_000_000
    assert entity_model.shipped() is not None


def test_a_state_that_acts_is_marked_as_a_body_and_stays_a_place(components):
    found = spans("Norway vetoed the resolution on Tuesday, officials in Oslo said.", components)
    label, attrs = found["Norway"]
    assert label == "GPE" and attrs["acts_as"] == "organisation"
    assert attrs["country_code"] == "NO"  # still on the map
    assert "acts_as" not in found["Oslo"][1]


def test_a_nationality_as_a_plural_noun_may_act_but_an_adjective_or_a_dateline_never(components):
    found = spans("The ministry said the Kurds had left the town.", components)
    label, attrs = found["the Kurds"]
    assert label == "NORP" and attrs["acts_as"] == "organisation"
    found = spans("Few reports touched on the Danish aspects of the story.", components)
    assert "acts_as" not in found["Danish"][1]
    found = spans("LONDON (Reuters) - Norway vetoed the resolution, officials said.", components)
    assert found["LONDON"][0] == "GPE" and "acts_as" not in found["LONDON"][1]
    assert found["Norway"][1]["acts_as"] == "organisation"


def test_without_the_model_the_layer_keeps_to_its_rules():
    doc = run(Document("Norway vetoed the resolution.", Meta(language="en")), build(["sentences"]))
    sdoc = parse(doc)
    mentions = ent.find_mentions(sdoc)
    assert ent.learned(sdoc, mentions, None) is mentions


def test_a_place_and_the_state_it_lies_in_are_one_span(components):
    found = spans("The sergeant, from Fresno, California, joined the unit last year.", components)
    label, attrs = found["Fresno, California"]
    assert label == "GPE" and attrs["canonical"] == "Fresno" and "place_with_region" in attrs["evidence"]
    # a list of places is not one place
    found = spans("Aid convoys reached Aleppo, Syria, Jordan and Lebanon in May.", components)
    assert {"Aleppo", "Syria", "Jordan", "Lebanon"} <= set(found)


def test_a_nationality_before_a_title_belongs_to_the_persons_span(components):
    found = spans("The Dutch Foreign Minister Anna Berg met her counterpart in Oslo.", components)
    [(text, (label, attrs))] = [(t, v) for t, v in found.items() if v[0] == "PERSON"]
    assert text.endswith("Dutch Foreign Minister Anna Berg") and attrs["canonical"] == "Anna Berg"
    assert "Dutch" not in found


def test_the_scorer_counts_a_place_acting_as_a_body_as_an_organisation():
    from unspin.eval.entities import predicted_class

    assert predicted_class("GPE", {"acts_as": "organisation"}) == "organisation"
    assert predicted_class("NORP", {"acts_as": "organisation"}) == "organisation"
    assert predicted_class("GPE", {}) == "location" and predicted_class("NORP", {}) is None


TEXTS = [
    "Norway condemned the strike. Officials in Oslo said Sweden and Finland agreed. Anna Berg spoke for "
    "the Nordic Council in Bergen.",
    "Denmark rejected the plan, and the Danish Red Cross sent aid to Aarhus. Lars Holm of the Red Cross "
    "said Germany would help.",
    "Poland pressed Brussels. The European Commission answered from Brussels, Belgium, and Marta Nowak "
    "of the commission said Warsaw must act.",
    "Spain and Portugal met in Lisbon. Carlos Ruiz said Madrid would send the Guardia Civil.",
]


def write_re3d(folder, ids):
    """A folder in re3d's layout, with our own sentences: every name annotated by its role."""
    classes = {"Norway": "Organisation", "Sweden": "Organisation", "Finland": "Organisation", "Oslo": "Location",
               "Bergen": "Location", "Anna Berg": "Person", "Nordic Council": "Organisation",
               "Denmark": "Organisation", "Danish Red Cross": "Organisation", "Aarhus": "Location",
               "Lars Holm": "Person", "Red Cross": "Organisation", "Germany": "Organisation",
               "Poland": "Organisation", "European Commission": "Organisation", "Belgium": "Location",
               "Marta Nowak": "Person", "Warsaw": "Organisation", "Spain": "Organisation",
               "Portugal": "Organisation", "Lisbon": "Location", "Carlos Ruiz": "Person", "Madrid": "Organisation",
               "Guardia Civil": "Organisation"}
    folder.mkdir(parents=True)
    documents, entities = [], []
    for n, doc_id in enumerate(ids):
        text = TEXTS[n % len(TEXTS)]
        documents.append(json.dumps({"_id": doc_id, "text": text}))
        for name, cls in classes.items():
            start = text.find(name)
            if start >= 0:
                entities.append(json.dumps({"documentId": doc_id, "begin": start, "end": start + len(name),
                                            "type": cls, "value": name, "confidence": 1.0}))
    (folder / "documents.json").write_text("\n".join(documents) + "\n", encoding="utf-8")
    (folder / "entities.json").write_text("\n".join(entities) + "\n", encoding="utf-8")


def test_train_entities_command_writes_a_model_and_its_card(cli, tmp_path):
    tune = sorted(layer_splits.ids("re3d", "tune"))[:4]
    test = sorted(layer_splits.ids("re3d", "test"))[:2]
    write_re3d(tmp_path / "re3d" / "Made up", tune + test)
    out = tmp_path / "model"
    result = cli("train", "entities", "--data", str(tmp_path / "re3d"), "--out", str(out), "--folds", "2",
                 timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    assert {p.name for p in out.iterdir()} == {"weights.npz", "config.json", "MODEL_CARD.md"}
    model = entity_model.read(out)
    assert model.weights.shape[1] == len(entity_model.CLASSES)
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "Test part (2 documents; no choice made on it" in card
    assert "Tune part, out of fold (4 documents" in card
    assert b"test part, rules+model" in result.stderr


def test_train_entities_refuses_a_folder_outside_the_split(cli, tmp_path):
    write_re3d(tmp_path / "re3d" / "Other", ["NOT-IN-THE-SPLIT"])
    result = cli("train", "entities", "--data", str(tmp_path / "re3d"), "--out", str(tmp_path / "m"))
    assert result.returncode == 1
    assert b"none of re3d's tune documents" in result.stderr
