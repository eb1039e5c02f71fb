"""Odd documents go through the whole analysis pipeline without a crash.

(Very long inputs, one line of a megabyte among them, are in ``test_limits``.)"""

import json


def analyze_json(cli, tmp_path, name: str, text: str, timeout: float = 300) -> dict:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = cli("analyze", str(path), "--format", "json", timeout=timeout)
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr, stderr
    assert result.returncode == 0, stderr
    return json.loads(result.stdout)


def test_document_with_no_sentences(cli, tmp_path):
    doc = analyze_json(cli, tmp_path, "rules.txt", "* * *\n\n— — —\n\n12 34 56\n")
    for name, spans in doc["layers"].items():
        for span in spans:
            assert 0 <= span["start"] <= span["end"] <= len(doc["text"]), name


def test_other_language_is_skipped_with_a_note(cli, tmp_path):
    text = (
        "Le conseil municipal s'est réuni mardi soir pour discuter de la fermeture du vieux pont, "
        "que les ingénieurs jugent dangereux depuis les crues de l'hiver dernier.\n\n"
        "Le maire a promis une décision avant la fin du mois, après la publication du rapport des experts.\n"
    )
    doc = analyze_json(cli, tmp_path, "fr.txt", text)
    assert doc["meta"]["language"] == "fr"
    assert doc["layers"] == {}
    [note] = doc["notes"]  # one note for the document, not one "skipped" per layer
    assert note["component"] == "pipeline" and "English-only" in note["message"] and "'fr'" in note["message"]
