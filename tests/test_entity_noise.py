"""The entity-noise measure (``python -m unspin.eval.entity_noise``) on texts of our own."""

import json

from unspin.eval import entity_noise


def test_noise_is_a_lone_title_case_common_word_the_texts_also_write_in_lower_case(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(
        "Officials in Ohio said the fire spread overnight. Angela Merkel met the mayor in Berlin.\n\n"
        "The report was sent by email to every desk, and each email was logged.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "Residents of Texas were told to stay home. The email reached Merkel late.\n", encoding="utf-8")
    out = tmp_path / "noise.json"
    assert entity_noise.main([str(tmp_path), "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["documents"] == 2 and result["mentions"] >= 4
    assert result["noise"] == len([e for e in result["examples"] for _ in range(e["count"])])
    assert 0 <= result["share"] <= 1
    assert "entity noise: 2 documents" in capsys.readouterr().out


def test_the_definition_needs_the_word_in_lower_case_in_the_texts():
    counts = entity_noise.Counts()
    counts.lower["county"] = 3
    counts.capital_inside["county"] = 1
    counts.capital_inside["london"] = 5
    known = {"county", "london"}
    assert entity_noise.is_noise(entity_noise.Seen("County", "ORG", True), counts, known)
    assert not entity_noise.is_noise(entity_noise.Seen("London", "GPE", True), counts, known)  # never lower case
    assert not entity_noise.is_noise(entity_noise.Seen("NATO", "ORG", False), counts, known)  # an acronym
    assert not entity_noise.is_noise(entity_noise.Seen("County Hall", "FAC", False), counts, known)
