"""Small word and phrase lists written for the feature-based technique model: each is a learned
feature (a hit count the models weigh), never a rule that marks a span by itself."""

from __future__ import annotations

from collections.abc import Sequence

LEXICONS: dict[str, frozenset[str]] = {
    name: frozenset(words.split())
    for name, words in {
        "flag": """nation nations national nationalism nationalist patriot patriots patriotic patriotism
            america american americans americas country countrymen homeland fatherland motherland flag
            freedom freedoms liberty constitution constitutional founders founding sovereignty sovereign
            borders border heritage values citizens citizen people our us we duty honor honour heroes
            troops veterans military soldiers united states usa u.s britain british england english
            europe european israel israeli jewish jews christian christians christendom western west
            civilization civilisation faithful church catholic catholics god bless great greatness""",
        "fear": """threat threats threaten threatens threatened threatening danger dangers dangerous fear
            fears feared afraid terror terrorist terrorists terrorism attack attacks attacked kill kills
            killed killing killings death deaths deadly die dying destroy destroys destroyed destruction
            crisis catastrophe catastrophic disaster disastrous invasion invade invaders violence violent
            war wars chaos collapse risk risks nightmare nightmares warn warned warning warns menace peril
            epidemic outbreak plague jihad jihadist jihadists islamist islamists radical radicals
            extremist extremists extremism crime crimes criminal criminals rape raped murder murders
            murdered doom die bomb bombs nuclear weapons weapon massacre slaughter genocide horrific
            horror deadliest alarming scary frightening""",
        "doubt": """whether why really so-called alleged allegedly claim claims claimed claiming supposedly
            supposed questionable question questions questioned doubt doubts doubtful unclear suspicious
            perhaps maybe trust credibility credible truth lie lies lied lying liar mislead misleading
            fake hoax reportedly purported purportedly dubious apparently seemingly unproven
            unsubstantiated evidence proof how""",
        "authority": """expert experts according said says say stated states declared declares confirmed
            confirms testified scientist scientists study studies research researchers professor dr
            doctor doctors official officials report reports pope bishop bishops cardinal cardinals
            archbishop president director chief leader leaders authority authorities scholar scholars
            who un fbi cia agency analyst analysts explained wrote writes quoted""",
        "intensifier": """very extremely most least best worst greatest biggest largest highest lowest
            huge massive enormous incredible incredibly unbelievable absolutely totally completely
            entirely utterly always never ever every everyone everything everybody nothing nobody
            whole entire ultimate unprecedented historic tremendous tremendously mere merely simply
            hardly tiny minor thousands millions billions literally truly such endless countless
            infinitely forever perfectly clearly obviously undoubtedly certainly definitely""",
        "black_white": """either or only must alternative choice choose unless nothing but cannot
            can't impossible none neither nor sole solely""",
        "causal": """because since therefore thus hence caused cause causes causing due result results
            resulted leads led consequence consequences blame blames blamed responsible reason reasons
            fault thanks""",
        "cliche": """period enough move simply whatever""",
        "bandwagon": """everyone everybody majority nazi nazis hitler fascist fascists fascism stalin
            stalinist communist communists communism marxist marxists socialist socialists kkk holocaust
            join popular mainstream""",
        "whatabout": """while whereas meanwhile yet hypocrisy hypocrite hypocrites hypocritical instead
            unlike ignore ignored ignores silence silent same double standard""",
        "insult": """idiot idiots stupid moron morons leftist leftists liberal liberals thug thugs corrupt
            crooked evil disgusting despicable hateful racist racists racism bigot bigots bigotry
            traitor traitors treason puppet puppets globalist globalists elite elites mob crazy insane
            pathetic shameful shameless disgrace disgraceful outrageous vile wicked lunatic lunatics
            hysterical snowflake snowflakes regime propaganda sick horrible brutal brutally savage
            savages barbaric monstrous monster monsters heretic heretical heresy apostate antichrist
            anti-semitic antisemitic anti-american fraud frauds scam criminal deranged radical
            anti-gun far-left far-right socialist tyrant tyranny dictator extremist""",
    }.items()
}

#: Multi-word cues, matched on normalised text.
PHRASES: dict[str, tuple[str, ...]] = {
    "authority": (
        "experts say", "according to", "scientists say", "studies show", "research shows",
        "officials said", "it is well known", "as reported by",
    ),
    "black_white": (
        "either or", "the only way", "the only", "no other", "no alternative", "all or nothing",
        "with us", "against us", "there is no", "there are only", "nothing but", "only one",
    ),
    "cliche": (
        "it is what it is", "at the end of the day", "enough is enough", "that's just the way",
        "who am i to judge", "time will tell", "so be it", "move on", "nothing to see",
        "end of story", "bottom line", "common sense", "the truth is", "the fact is",
        "let's face it", "it is what", "boys will be boys", "we'll see", "no comment",
        "everything happens for a reason", "you know what", "fake news",
    ),
    "whatabout": ("what about", "but what", "double standard", "rather than", "the same"),
    "causal": ("because of", "due to", "thanks to", "as a result", "the reason", "that is why", "led to"),
    "fear": ("if we don't", "if we do not", "before it's too late", "will destroy", "at risk"),
    "bandwagon": ("everyone knows", "most people", "millions of", "growing number", "join the"),
    "slogan": (
        "make america great", "build the wall", "lock her up", "drain the swamp", "america first",
        "never again", "no justice", "no peace", "god bless", "we are", "stand with",
    ),
}
LEXICON_NAMES = tuple(sorted(set(LEXICONS) | set(PHRASES)))


def lexicon_hits(words: Sequence[str], normal: str) -> list[int]:
    """Per lexicon (in :data:`LEXICON_NAMES` order), word hits plus phrase hits."""
    padded = " " + normal + " "
    hits = []
    for name in LEXICON_NAMES:
        vocabulary = LEXICONS.get(name, frozenset())
        count = sum(1 for word in words if word in vocabulary)
        count += sum(padded.count(" " + phrase + " ") for phrase in PHRASES.get(name, ()))
        hits.append(count)
    return hits


#: Every lexicon a word is in, for the token features.
WORD_LEXICON: dict[str, list[str]] = {}
for _name, _words in LEXICONS.items():
    for _word in _words:
        WORD_LEXICON.setdefault(_word, []).append(_name)
