"""What each propaganda technique is called and does, in plain words, for readers.

The labels are the SemEval-2020 Task 11 classes (``unspin.eval.techniques.
TECHNIQUES``), which are joined with underscores and commas and so are no
names to show. The definitions are our own, one line each, and say what the
technique does to the reader rather than how an annotator should spot it;
they travel with every span (``attrs["definition"]``) and are what the
reports show on hover and in the legend. No semicolons: the HTML report
joins several descriptions with "; ".
"""

from __future__ import annotations

DEFINITIONS: dict[str, str] = {
    "Appeal_to_Authority":
        "Leans on who said a claim instead of the evidence for it, so the reader defers rather than checks.",
    "Appeal_to_fear-prejudice":
        "Stirs up fear or prejudice so the reader accepts a view or an action as the way to escape a threat.",
    "Bandwagon,Reductio_ad_hitlerum":
        "Asks the reader to agree because everyone else does, or to reject an idea because a despised group "
        "holds it.",
    "Black-and-White_Fallacy":
        "Offers the reader only two choices, as if nothing lay between or beyond them.",
    "Causal_Oversimplification":
        "Blames an outcome on a single cause and leaves out the others that also played a part.",
    "Doubt":
        "Chips away at the credibility of a person or an institution instead of engaging with what they say.",
    "Exaggeration,Minimisation":
        "Makes something look bigger, worse or less important than the facts support.",
    "Flag-Waving":
        "Invokes pride in a nation or a group so that supporting the position feels like loyalty.",
    "Loaded_Language":
        "Words chosen for their emotional charge rather than their content, so the reader feels before "
        "thinking.",
    "Name_Calling,Labeling":
        "Tags a person or a group with a label the reader already loves or hates, so the label does the "
        "arguing.",
    "Repetition":
        "Says the same thing again and again until familiarity starts to pass for truth.",
    "Slogans":
        "A short, catchy phrase that stands in for an argument.",
    "Thought-terminating_Cliches":
        "A stock phrase that ends the discussion and discourages the reader from thinking further.",
    "Whataboutism,Straw_Men,Red_Herring":
        "Dodges the point: answers criticism by accusing the critic, attacks a distorted version of the "
        "other view, or changes the subject.",
}

DISPLAY_NAMES: dict[str, str] = {
    "Appeal_to_Authority": "Appeal to authority",
    "Appeal_to_fear-prejudice": "Appeal to fear / prejudice",
    "Bandwagon,Reductio_ad_hitlerum": "Bandwagon / reductio ad Hitlerum",
    "Black-and-White_Fallacy": "Black-and-white fallacy",
    "Causal_Oversimplification": "Causal oversimplification",
    "Doubt": "Doubt",
    "Exaggeration,Minimisation": "Exaggeration / minimisation",
    "Flag-Waving": "Flag-waving",
    "Loaded_Language": "Loaded language",
    "Name_Calling,Labeling": "Name calling / labeling",
    "Repetition": "Repetition",
    "Slogans": "Slogans",
    "Thought-terminating_Cliches": "Thought-terminating cliché",
    "Whataboutism,Straw_Men,Red_Herring": "Whataboutism / straw man / red herring",
}

def display_name(label: str) -> str:
    """The name to show; a label from elsewhere (an older file, say) is shown as it is."""
    return DISPLAY_NAMES.get(label, label)


def definition(label: str, fallback: str = "") -> str:
    """Our definition, else the one the span carried, so a report never shows two wordings."""
    return DEFINITIONS.get(label) or fallback
