"""Documentation is tested: every option and error code of the command is in the README."""

import re

from conftest import ROOT

from unspin.errors import E

README = (ROOT / "README.md").read_text(encoding="utf-8")


def options(cli, *command) -> set[str]:
    text = cli(*command, "--help").stdout.decode()
    return set(re.findall(r"(--[a-z][a-z-]+)", text)) - {"--help", "--no-progress"}


def test_every_analyze_option_is_documented(cli):
    missing = [o for o in options(cli, "analyze") if o not in README]
    assert not missing, f"undocumented in README: {missing}"


def test_every_eval_option_is_documented(cli):
    assert "unspin eval extraction" in README
    missing = [o for o in options(cli, "eval", "extraction") if o not in README]
    assert not missing, f"undocumented in README: {missing}"


def test_every_error_code_is_documented():
    missing = [code.value for code in E if code.value not in README]
    assert not missing, f"error codes missing from README: {missing}"


def test_every_techniques_option_is_documented(cli):
    for command in (("eval", "techniques"), ("train", "techniques")):
        assert "unspin " + " ".join(command) in README
        missing = [o for o in options(cli, *command) if o not in README]
        assert not missing, f"undocumented in README: {missing}"


def test_every_corpus_option_is_documented(cli):
    for command in ("ingest", "search", "serve", "spark", "regroup", "export", "delete"):
        assert f"unspin {command} " in README
        missing = [o for o in options(cli, command) if o not in README]
        assert not missing, f"undocumented in README: {missing}"


def test_every_stories_eval_option_is_documented(cli):
    assert "unspin eval stories" in README
    missing = [o for o in options(cli, "eval", "stories") if o not in README]
    assert not missing, f"undocumented in README: {missing}"


def test_every_review_option_is_documented(cli):
    for command in (("reviews", "export"), ("reviews", "import"), ("eval", "review")):
        assert "unspin " + " ".join(command) + " " in README
        missing = [o for o in options(cli, *command) if o not in README]
        assert not missing, f"undocumented in README: {missing}"
