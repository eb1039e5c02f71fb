"""What each persuasion technique of the paragraph view is called and does, in plain words, for readers.

The labels are the 23 of SemEval-2023 Task 3 (``unspin.eval.paragraphs.
TAXONOMY``); English articles use 19 of them, and the paragraph model names
only those. The definitions are our own, one line each, and say what the
technique does to the reader; they travel with every paragraph span
(``attrs["definition"]``). No semicolons: reports join several with "; ".
"""

from __future__ import annotations

DEFINITIONS: dict[str, str] = {
    "Appeal_to_Authority":
        "Rests a claim on the standing of whoever made it rather than on the evidence for it.",
    "Appeal_to_Popularity":
        "Asks the reader to agree because most people supposedly already do.",
    "Appeal_to_Values":
        "Wraps a position in values the reader holds dear, such as freedom or tradition, in place of reasons.",
    "Appeal_to_Fear-Prejudice":
        "Raises fear of a threat, or plays on prejudice, so the reader accepts the way out on offer.",
    "Flag_Waving":
        "Calls on pride in a nation or group so that agreeing feels like belonging.",
    "Causal_Oversimplification":
        "Pins an outcome on one cause when several played a part.",
    "False_Dilemma-No_Choice":
        "Presents two options as the only ones, or one as the only possible course.",
    "Consequential_Oversimplification":
        "Claims one step will set off a chain of ever worse results, without showing the links.",
    "Straw_Man":
        "Answers a weaker, distorted version of the other side's view instead of the view itself.",
    "Red_Herring":
        "Draws attention away from the point at issue to something beside it.",
    "Whataboutism":
        "Meets a criticism by pointing at a fault of the critic instead of answering it.",
    "Slogans":
        "A short, punchy phrase that stands in for an argument.",
    "Appeal_to_Time":
        "Presses the reader to act now because the moment is said to have come.",
    "Conversation_Killer":
        "A stock phrase that closes the discussion and discourages further thought.",
    "Loaded_Language":
        "Words picked for their emotional charge rather than their meaning, so the reader feels before thinking.",
    "Repetition":
        "Says the same thing again and again until it starts to sound true.",
    "Exaggeration-Minimisation":
        "Makes something seem larger, worse, smaller or less important than the facts allow.",
    "Obfuscation-Vagueness-Confusion":
        "Stays deliberately unclear so the reader can take from it whatever suits the writer.",
    "Name_Calling-Labeling":
        "Sticks a label on a person or group that the reader already loves or loathes, so the label argues.",
    "Doubt":
        "Undermines the credibility of a person or institution instead of dealing with what they say.",
    "Guilt_by_Association":
        "Discredits a person or idea by linking it to someone or something the reader already despises.",
    "Appeal_to_Hypocrisy":
        "Dismisses a view by accusing its holder of not living up to it.",
    "Questioning_the_Reputation":
        "Attacks the character or record of an opponent rather than the matter under discussion.",
}

DISPLAY_NAMES: dict[str, str] = {
    "Appeal_to_Authority": "Appeal to authority",
    "Appeal_to_Popularity": "Appeal to popularity",
    "Appeal_to_Values": "Appeal to values",
    "Appeal_to_Fear-Prejudice": "Appeal to fear / prejudice",
    "Flag_Waving": "Flag-waving",
    "Causal_Oversimplification": "Causal oversimplification",
    "False_Dilemma-No_Choice": "False dilemma / no choice",
    "Consequential_Oversimplification": "Consequential oversimplification",
    "Straw_Man": "Straw man",
    "Red_Herring": "Red herring",
    "Whataboutism": "Whataboutism",
    "Slogans": "Slogans",
    "Appeal_to_Time": "Appeal to time",
    "Conversation_Killer": "Conversation killer",
    "Loaded_Language": "Loaded language",
    "Repetition": "Repetition",
    "Exaggeration-Minimisation": "Exaggeration / minimisation",
    "Obfuscation-Vagueness-Confusion": "Obfuscation / vagueness",
    "Name_Calling-Labeling": "Name calling / labeling",
    "Doubt": "Doubt",
    "Guilt_by_Association": "Guilt by association",
    "Appeal_to_Hypocrisy": "Appeal to hypocrisy",
    "Questioning_the_Reputation": "Questioning the reputation",
}


def display_name(label: str) -> str:
    """The name to show; a label from elsewhere is shown as it is."""
    return DISPLAY_NAMES.get(label, label)


def definition(label: str, fallback: str = "") -> str:
    """Our definition, else the one the span carried."""
    return DEFINITIONS.get(label) or fallback
