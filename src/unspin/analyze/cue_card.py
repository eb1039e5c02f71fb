"""The model card of the attribution cue tagger, written from what ``cue_train.train`` measured."""

from __future__ import annotations

from pathlib import Path

from unspin.analyze.cue_train import C_GRID, GATES, MIN_PRECISION, THRESHOLDS, Run, versions
from unspin.eval.attributions import KINDS

ROWS = (("rule", "rules alone"), ("model", "model alone"), ("both", "both"))


def figures_row(name: str, label: str, figures: dict) -> str:
    cue = figures["cue"]
    return (f"| {label} | {cue['precision']:.3f} | {cue['recall']:.3f} | **{cue['f1']:.3f}** | "
            f"{figures['source_accuracy']:.3f} | {figures['content_overlap']:.3f} | {figures['predicted']} |")


def table(run_part: dict) -> list[str]:
    lines = ["| layer | cue P | cue R | cue F1 | source right (of found) | content overlaps | attributions |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    return lines + [figures_row(k, label, run_part[k]) for k, label in ROWS]


def kinds_table(run: Run) -> list[str]:
    lines = ["| | " + " | ".join(KINDS) + " |", "|---|" + "---:|" * len(KINDS)]
    for k, label in ROWS:
        shares = run.test[k]["source_kinds"]
        lines.append(f"| {label} (dev) | " + " | ".join(f"{shares[n]:.1%}" for n in KINDS) + " |")
    gold = run.test["rule"]["gold_source_kinds"]
    lines.append("| gold (dev) | " + " | ".join(f"{gold[n]:.1%}" for n in KINDS) + " |")
    return lines


def describe(settings: dict) -> str:
    mode = settings["mode"]
    if mode == "rule":
        return "the hand rules alone (the model did not beat them on `choose`)"
    if mode == "model":
        return f"the model's cues alone, a token being a cue at probability {settings['threshold']}"
    if mode == "both":
        return (f"the rules' attributions, and the model's cues (probability ≥ {settings['threshold']}) that no rule "
                "cue overlaps")
    return (f"the rules' attributions whose cue the model gives at least {settings['gate']}, and the model's cues "
            f"(probability ≥ {settings['threshold']}) that no kept rule cue overlaps")


def write(path: Path, run: Run, command: str, size_bytes: int) -> None:
    s = run.settings
    fit_articles, fit_total = run.articles["fit"], run.articles["fit_total"]
    choose, test = run.articles["choose"], run.articles["test"]
    minutes = run.seconds["total"] / 60
    lines = [
        "# Attribution cues: model card",
        "",
        "What it does: says, for every token of the spaCy parse of an article, whether it is (inside) the cue of "
        "an attribution: the word or phrase that says someone said, thought or wanted something (\"said\", "
        "\"believes\", \"warned\", \"according to\", \"told reporters\"). It is the model behind the `attributions` "
        "layer of `unspin analyze`; the content and the source of each cue are read from the same parse "
        "(`unspin.analyze.cue_reading`), as the layer's rules read them.",
        "",
        "## Data",
        "",
        f"PolNeAR v1.0.0 (`../shared/data/polnear`, see its SOURCE.md): the Cue spans of the first annotator's file "
        f"of each article. Fitted on {fit_articles} of the {fit_total} `fit` articles of PolNeAR train"
        + (" (a seeded draw, to keep training short)" if fit_articles < fit_total else "")
        + f"; every choice made on the {choose} `choose` articles (the rest of train; the split is "
        f"`src/unspin/eval/splits/polnear_layers.json`); scored once, after every choice, on the {test} articles "
        "of PolNeAR dev, which nothing was chosen on. No text of the corpus is in this folder: only feature names "
        "(parse labels, lemmas and their pairs) and weights. Cite: E. Newell, D. Margolin, D. Ruths. *An "
        "Attribution Relations Corpus for Political News.* LREC 2018.",
        "",
        "## Design",
        "",
        "- Per token, binary features from the layer's own parse (`unspin.analyze.cue_features`): word, lemma, "
        "part of speech, tag, dependency, the head's lemma and part of speech, which dependants it has (clausal "
        "complement, subject, object, \"that\"), lemma pairs, the lemmas two tokens either side, whether it is "
        "inside a quotation or next to a quotation mark, whether its lemma is one of the rules' speech verbs, "
        "\"according to\".",
        f"- Logistic regression (scikit-learn, liblinear, L2), C chosen from {list(C_GRID)}; features seen in "
        f"fewer than 2 fit tokens are dropped. Shipped: C {s['C']}, {run.features:,} features, "
        f"`weights.npz` of {size_bytes / 1e6:.1f} MB (feature names and float32 weights; no pickled objects).",
        "- A cue is a run of adjacent tokens of one sentence at or above the threshold; its content is its "
        "clausal complement, a quotation beside it, its object or the clause it modifies; its source the "
        "subject, the agent of a passive, the object of \"according to\", the speaker of the verb a participle "
        "hangs off, or a noun cue's possessor; pronoun sources resolve to a name as the rules' do.",
        f"- Chosen on `choose`: threshold from {THRESHOLDS[0]} to {THRESHOLDS[-1]} by 0.05, and how model and "
        f"rules combine (model alone; both: rules plus the model's cues no rule cue overlaps; gated: as both, "
        f"keeping a rule cue only when the model gives it at least {' or '.join(map(str, GATES))}); best cue F1 "
        f"among settings with cue precision ≥ {MIN_PRECISION}, ties broken by source accuracy.",
        f"- Shipped: {describe(s)} (best on `choose`: {s['winner_on_choose']}).",
        "",
        "## Training",
        "",
        f"Command: `{command}`",
        "",
        f"- Time: {minutes:.1f} minutes for the whole command (parsing {run.seconds['parse'] / 60:.1f} min, "
        f"features {run.seconds['features'] / 60:.1f} min, fitting and choosing {run.seconds['choose'] / 60:.1f} "
        f"min, scoring dev {run.seconds['test'] / 60:.1f} min), one process on a 2-core machine shared with "
        "other work; parses are cached in a temporary folder, so a rerun with the same data skips parsing.",
        f"- Fit tokens: {run.tokens:,}, of which {run.positives:,} in a gold cue.",
        f"- Versions: {versions()}.",
        "",
        "## Scores",
        "",
        "The evaluator's own measures (`unspin eval attributions`): a gold attribution is found when a "
        "predicted cue overlaps its cue; source right when the predicted source span overlaps the gold one, "
        "named or vague alike (a gold attribution with no source: right when none or vague is predicted).",
        "",
        f"On `choose` ({choose} articles of train, where every setting was chosen):",
        "",
        *table(run.choose),
        "",
        f"On PolNeAR dev ({test} articles, untouched; the headline):",
        "",
        *(table(run.test) if run.test else ["(the data has no dev part)"]),
        "",
        f"\"Model alone\" is the model at the threshold best for it on `choose` ({s['model_alone']['threshold']}, "
        f"C {s['model_alone']['C']}); \"both\" the best combination on `choose` ({s['both']['mode']}, threshold "
        f"{s['both']['threshold']}" + (f", gate {s['both']['gate']}" if s['both']['mode'] == 'gated' else "")
        + "). The layer ships the one named under Design.",
        "",
        "Kinds of source, as shares of all the layer's attributions and of all gold ones (named, vague, a bare "
        "pronoun, none; the layer reports a missing source as vague); for gold only the pronoun share is read "
        "independently of unspin:",
        "",
        *(kinds_table(run) if run.test else ["(the data has no dev part)"]),
        "",
        "## Limits",
        "",
        "- Trained on political news of 2015-2016 from seven US publishers; other genres and years will score "
        "lower.",
        "- A cue's source is read from its own sentence; a source carried over from an earlier sentence (\"The "
        "statement continued: ...\") is not found.",
        "- Without `models/attributions/weights.npz` the layer keeps to its rules and says so once.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
