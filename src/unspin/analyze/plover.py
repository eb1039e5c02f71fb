"""The PLOVER event ontology: event types, what each means, and the English words that signal it.

PLOVER (Political Language Ontology for Verifiable Event Records, the Open
Event Data Alliance's successor to CAMEO) codes "who did what to whom" with a
small set of event types. The definitions below are unspin's own short
summaries of those categories; the trigger words are common English news
vocabulary for each, kept as plain lemma lists so every coded event can be
traced back to the word and the rule that decided it.

Three kinds of entries:

* ``verbs`` / ``nouns``: a lemma that names the event by itself ("arrest",
  "assassination").
* ``PARTICLE_VERBS`` / ``NOUN_COMPOUNDS``: two-word expressions whose meaning
  is not that of their head ("open fire", "hunger strike").
* ``OBJECT_VERBS``: light verbs whose event depends on what they act on
  ("send troops" mobilizes, "send aid" aids, "impose a curfew" coerces).

Frames (``FRAMES``) are verbs that wrap another action: "agreed to withdraw"
is an AGREE event about a RETREAT, "threatened to strike" a THREATEN event
about an ASSAULT. PLOVER codes the wrapping act, so unspin does too and keeps
the wrapped action as an attribute.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EventType:
    name: str
    definition: str
    #: "cooperative" (material or verbal), "conflictual" (verbal) or "hostile" (material).
    stance: str
    verbs: frozenset[str] = field(default_factory=frozenset)
    nouns: frozenset[str] = field(default_factory=frozenset)


def _t(name: str, stance: str, definition: str, verbs: str = "", nouns: str = "") -> EventType:
    return EventType(name, definition, stance, frozenset(verbs.split()), frozenset(nouns.split()))


TYPES: dict[str, EventType] = {t.name: t for t in (
    _t("AGREE", "cooperative",
       "An actor agrees to, offers, promises or otherwise commits itself to a cooperative action, "
       "or reaches an agreement with another actor.",
       "agree pledge promise offer consent",
       "agreement pledge accord deal truce ceasefire pact"),
    _t("CONSULT", "cooperative",
       "Actors meet, visit, host, phone, negotiate or mediate: contact made for discussion.",
       "meet visit host negotiate consult confer mediate discuss telephone phone",
       "meeting talk visit summit negotiation consultation mediation discussion conference contact"),
    _t("SUPPORT", "cooperative",
       "Verbal or diplomatic backing: praise, endorse, defend, apologise, forgive, recognise, "
       "or sign and ratify an agreement.",
       "praise commend welcome endorse back support defend hail applaud thank congratulate "
       "apologize apologise forgive recognize recognise sign ratify laud",
       "endorsement recognition apology praise"),
    _t("COOPERATE", "cooperative",
       "Material cooperation between actors: joint economic, military, judicial or intelligence work.",
       "cooperate collaborate coordinate share extradite",
       "cooperation collaboration partnership alliance"),
    _t("AID", "cooperative",
       "Giving help: economic, military, humanitarian or protective aid, including asylum and peacekeepers.",
       "aid assist donate fund finance shelter",
       "aid assistance donation relief asylum loan"),
    _t("CONCEDE", "cooperative",
       "Yielding to pressure: easing restrictions, releasing people, lifting bans, allowing what was refused, "
       "granting political reform.",
       "concede yield release free pardon allow permit relax ease lift shorten reform compromise",
       "concession release amnesty pardon reform"),
    _t("RETREAT", "cooperative",
       "Military or political withdrawal: withdrawing forces, surrendering, disarming, resigning, "
       "returning territory.",
       "withdraw retreat surrender resign disarm demobilize demilitarize evacuate cede abdicate",
       "withdrawal retreat surrender resignation pullout disarmament"),
    _t("INVESTIGATE", "cooperative",
       "Investigating an actor or event: inquiries, probes, inspections, hearings.",
       "investigate probe inquire examine inspect audit",
       "investigation probe inquiry hearing inspection audit"),
    _t("DEMAND", "conflictual",
       "Demanding, urging or requesting that another actor act, including orders and ultimatums.",
       "demand urge request appeal ask insist press seek plead petition",
       "demand ultimatum request appeal plea"),
    _t("DISAPPROVE", "conflictual",
       "Criticising, condemning or complaining about an actor or its acts, including lawsuits and "
       "official protests.",
       "criticize criticise condemn denounce deplore decry complain object censure rebuke reprimand "
       "chastise lambast slam sue summon",
       "criticism condemnation complaint lawsuit censure"),
    _t("ACCUSE", "conflictual",
       "Accusing or blaming an actor (PLOVER 1.0 splits this from DISAPPROVE; older codings merge them).",
       "accuse blame allege implicate",
       "accusation allegation"),
    _t("REJECT", "conflictual",
       "Refusing, rejecting or defying: turning down proposals, demands or requests, vetoing, "
       "breaking commitments, violating norms.",
       "reject refuse decline deny dismiss veto rebuff spurn renege repudiate defy violate oppose",
       "rejection refusal veto denial violation"),
    _t("THREATEN", "conflictual",
       "Threatening or warning of hostile action, or announcing a hostile action to come.",
       "threaten warn",
       "threat warning"),
    _t("PROTEST", "hostile",
       "Civilian dissent: demonstrations, rallies, marches, strikes, hunger strikes, riots, blockades of roads.",
       "demonstrate protest rally march riot picket",
       "protest demonstration rally march riot sit-in"),
    _t("MOBILIZE", "hostile",
       "Showing or readying force: mobilising, deploying or massing troops, patrols, raising alert levels.",
       "mobilize mobilise deploy mass station reinforce patrol",
       "deployment mobilization mobilisation buildup build-up patrol reinforcement alert"),
    _t("SANCTION", "hostile",
       "Reducing relations or imposing costs: sanctions, embargoes, expulsions, suspended aid or ties, "
       "bans, boycotts.",
       "sanction embargo suspend expel sever boycott recall freeze halt withhold downgrade ban",
       "sanction embargo expulsion suspension boycott ban"),
    _t("COERCE", "hostile",
       "Coercion short of violence against people: arrests, detentions, kidnappings, deportations, "
       "curfews, censorship, seizure or destruction of property.",
       "arrest detain seize confiscate kidnap abduct deport imprison jail raid censor demolish destroy "
       "hack evict expropriate",
       "arrest detention raid crackdown curfew kidnapping abduction deportation seizure demolition "
       "censorship"),
    _t("ASSAULT", "hostile",
       "Violence: attacks, killings, assassinations, bombings, shelling, air strikes, armed clashes "
       "and invasions (older PLOVER codings call armed combat FIGHT).",
       "attack assault kill murder assassinate bomb shell shoot wound injure beat torture stab "
       "massacre invade bombard clash fight ambush storm retake behead execute slaughter",
       "attack assault killing murder assassination bombing shelling strike airstrike shooting "
       "massacre invasion clash fighting ambush offensive explosion blast gunfire battle "
       "skirmish execution"),
)}

#: Older PLOVER labels and their current names (the gold file is PLOVER 0.5b1).
LEGACY_LABELS = {"FIGHT": "ASSAULT"}

#: verb + particle (or fixed object) expressions: (verb lemma, particle/object lemma) -> type;
#: None: with that particle the verb names no event ("beaten out for first place" is a defeat in a
#: race, "called off the talks" cancels them), read only from a particle the parser marks as such.
PARTICLE_VERBS: dict[tuple[str, str], str | None] = {
    ("beat", "out"): None,
    ("blow", "out"): None,
    ("strike", "out"): None,
    ("call", "off"): None,
    ("ask", "for"): "DEMAND",
    ("call", "out"): "DISAPPROVE",
    ("sign", "up"): None,
    ("sign", "off"): None,
    ("plead", "guilty"): None,  # a plea in court, no demand ("pleaded not guilty")
    ("plead", "innocent"): None,
    ("open", "fire"): "ASSAULT",
    ("beat", "up"): "ASSAULT",
    ("blow", "up"): "COERCE",
    ("round", "up"): "COERCE",
    ("crack", "down"): "COERCE",
    ("step", "down"): "RETREAT",
    ("pull", "out"): "RETREAT",
    ("pull", "back"): "RETREAT",
    ("back", "down"): "RETREAT",
    ("hand", "over"): "CONCEDE",
    ("give", "up"): "CONCEDE",
    ("call", "for"): "DEMAND",
    ("call", "on"): "DEMAND",
    ("look", "into"): "INVESTIGATE",
    ("turn", "down"): "REJECT",
    ("break", "off"): "SANCTION",
    ("cut", "off"): "SANCTION",
    ("walk", "out"): "PROTEST",
    ("set", "fire"): "ASSAULT",
    ("stop", "work"): "PROTEST",
}

#: Things a trigger noun can only describe, not be: "assault weapons", "an attack submarine",
#: "strike aircraft" name kinds of equipment or unit, and no event.
EQUIPMENT_NOUNS = frozenset(
    "weapon rifle gun pistol helicopter aircraft plane jet fighter bomber drone vehicle ship boat "
    "submarine craft tank dog team squad unit group force brigade".split())

#: Nouns that demand only when they say what for or of whom ("an appeal for calm", "a plea to the
#: UN"); "entered a plea", "reversed on appeal" are steps in court.
ADDRESSED_DEMANDS = frozenset({"plea", "appeal"})
#: Verbs that make a "seizure" an illness, not a confiscation ("suffers seizures").
AILMENT_VERBS = frozenset({"suffer", "have", "experience", "cause", "trigger", "induce"})

#: noun + modifier expressions: (noun lemma, modifier lemma) -> type.
NOUN_COMPOUNDS: dict[tuple[str, str], str | None] = {
    # None: a fixed expression that is not an event at all.
    ("release", "press"): None,
    # shop offers, not agreements: "the best deals", "Black Friday deals"
    **{("deal", word): None for word in "best great hot cheap friday holiday".split()},
    # a case in court, not a fight: "the legal battle ahead"
    **{(noun, word): None for noun in ("battle", "fight") for word in ("legal", "court", "courtroom")},
    ("conference", "press"): None,
    ("strike", "hunger"): "PROTEST",
    ("strike", "general"): "PROTEST",
    ("strike", "labor"): "PROTEST",
    ("strike", "labour"): "PROTEST",
    ("strike", "workers"): "PROTEST",
    ("game", "war"): "COOPERATE",
    ("exercise", "military"): "COOPERATE",
    ("exercise", "joint"): "COOPERATE",
    ("exercise", "naval"): "COOPERATE",
    ("drill", "joint"): "COOPERATE",
    ("protest", "official"): "DISAPPROVE",
    ("protest", "formal"): "DISAPPROVE",
    ("protest", "diplomatic"): "DISAPPROVE",
    ("alert", "high"): "MOBILIZE",
}

#: What a light verb's object makes of it. Object classes are lemma sets below.
TROOPS = frozenset(
    "troop soldier force army unit battalion brigade division warship ship tank police policeman "
    "officer reinforcement militia marine paratrooper jet aircraft plane helicopter bomber".split())
AID_GOODS = frozenset(
    "aid food assistance money dollar fund grant loan medicine supply relief help equipment "
    "intelligence weapon arm ammunition fuel shelter asylum visa credit".split())
ENVOYS = frozenset("envoy delegation mediator diplomat minister representative emissary".split())
INSPECTORS = frozenset("investigator inspector observer monitor expert".split())
RESTRICTIONS = frozenset(
    "sanction embargo ban restriction curfew blockade siege emergency tariff boycott "
    "law closure limit".split())
ECONOMIC_PENALTIES = frozenset("sanction embargo ban tariff boycott".split())
ROADS = frozenset("road roadway street highway bridge border crossing traffic railway route access".split())
CAPTIVES = frozenset("hostage captive prisoner shield".split())

DEALS = frozenset("deal agreement accord pact truce ceasefire compromise bargain".split())
PROJECTILES = frozenset(
    "shot round rocket missile shell bullet gun mortar weapon salvo volley gas artillery grenade "
    "cannon bomb".split())
RELATIONS = frozenset("tie relation link contact diplomatic".split())
#: Marks "no direct object" in OBJECT_VERBS.
NO_OBJECT = frozenset({"<none>"})
#: Marks "a that-clause" in OBJECT_VERBS: "the case demonstrates that ..." shows, it does not march.
CLAUSE = frozenset({"<clause>"})

#: What one carries out rather than puts to death: "execute a plan" is no event.
UNDERTAKINGS = frozenset(
    "plan order strategy trade contract program programme task warrant agreement deal move command "
    "policy idea vision transaction search project play step maneuver manoeuvre".split())

#: Light verbs typed by their passive subject (or the noun they describe) when they have no object
#: ("200 police were deployed", "911 calls released by the city").
PASSIVE_PATIENT_VERBS = frozenset({"deploy", "release", "share"})
#: What is published or passed on, not set free or given up: "released a statement", "shared photos".
INFORMATION = frozenset(
    "statement report video footage document record file data information call audio recording image photo "
    "photograph picture detail figure result transcript memo letter email name list story post link article "
    "thought view opinion news message tweet album song film movie trailer book version update product "
    "finding study survey poll note text".split())

OBJECT_VERBS: dict[str, list[tuple]] = {
    # verb: [(object lemmas, type), ...]; the first match wins; "*" is any object; type None: no event.
    "execute": [(UNDERTAKINGS, None)],
    "demonstrate": [(CLAUSE, None), (NO_OBJECT, "PROTEST"), ("*", None)],  # "demonstrated its resolve"
    "promise": [(NO_OBJECT, None)],  # "the plan is promising"; "promised to ..." is read as a frame
    "release": [(INFORMATION, None)],  # prisoners are released (CONCEDE); statements are published
    "share": [(INFORMATION, None), (NO_OBJECT, None)],  # "shared stories", "please share"
    # "called the police", "people calling our radio room": a call, no demand ("call for", "call on" are)
    "call": [(NO_OBJECT, None), ("*", None)],
    "recognize": [(CLAUSE, None)],  # "we now recognize that ..." admits; it does not recognize a state
    # ground and power are yielded (CONCEDE); "the inquiry yielded dozens of indictments" produced them
    "yield": [(frozenset("ground floor power control territory position city town".split()), "CONCEDE"),
              ("*", None)],
    # talks and guests are hosted (CONSULT); "companies that host online platforms" run them
    "host": [(frozenset("talk meeting summit conference visit delegation leader president minister "
                        "counterpart envoy guest negotiation round".split()), "CONSULT"), ("*", None)],
    "press": [(frozenset("case claim charge button point".split()), None)],  # "pressed her case"
    # troops, police and weapons are deployed (MOBILIZE); "deploying cleaner technology" mobilizes nothing
    "deploy": [(frozenset("technology software tool app update feature strategy capital fund".split()),
                None)],
    # a country recalls its envoys (SANCTION); "the report recalls that ...", "he recalled the day" remember
    "recall": [(ENVOYS | frozenset({"ambassador"}), "SANCTION"), ("*", None), (NO_OBJECT, None)],
    # "asked about the claim", "was asked if she would vote": a question, no demand ("asked for" is one)
    "ask": [(CLAUSE, None), (frozenset({"question"}), None), (NO_OBJECT, None)],
    "strike": [(DEALS, "AGREE"), (NO_OBJECT, "ASSAULT"), ("*", "ASSAULT")],
    "fire": [(NO_OBJECT, "ASSAULT"), (PROJECTILES, "ASSAULT")],
    "hit": [(NO_OBJECT, "ASSAULT"), ("*", "ASSAULT")],
    "target": [("*", "ASSAULT")],
    "reach": [(DEALS, "AGREE")],
    "accept": [(frozenset({"demand", "condition", "ultimatum", "term"}), "CONCEDE"), (NO_OBJECT, "AGREE"),
               ("*", "AGREE")],
    "establish": [(RELATIONS, "SUPPORT")],
    "restore": [(RELATIONS, "SUPPORT")],
    "normalize": [(RELATIONS, "SUPPORT")],
    "conclude": [(DEALS, "AGREE")],
    "send": [(TROOPS, "MOBILIZE"), (AID_GOODS, "AID"), (ENVOYS, "CONSULT"), (INSPECTORS, "INVESTIGATE")],
    "dispatch": [(TROOPS, "MOBILIZE"), (AID_GOODS, "AID"), (ENVOYS, "CONSULT"), (INSPECTORS, "INVESTIGATE")],
    "provide": [(TROOPS, "AID"), ("*", "AID")],
    "give": [(AID_GOODS, "AID")],
    "supply": [("*", "AID")],
    "deliver": [(AID_GOODS, "AID")],
    "grant": [(AID_GOODS, "AID"), ("*", "CONCEDE")],
    "impose": [(ECONOMIC_PENALTIES, "SANCTION"), ("*", "COERCE")],
    "lift": [(frozenset({"blockade", "siege"}), "RETREAT"), (RESTRICTIONS, "CONCEDE")],
    "ease": [(RESTRICTIONS, "CONCEDE")],
    "relax": [(RESTRICTIONS, "CONCEDE")],
    "block": [(ROADS, "PROTEST"), ("*", "REJECT")],
    "blockade": [("*", "COERCE")],
    "hold": [(CAPTIVES, "COERCE")],
    "open": [(ROADS, "CONCEDE")],
    "close": [(ROADS, "SANCTION")],
    "cut": [(frozenset({"tie", "relation", "link", "aid", "contact"}), "SANCTION")],
    "break": [(frozenset({"tie", "relation", "link", "contact"}), "SANCTION")],
    "end": [(frozenset({"tie", "relation", "link", "aid", "mediation", "cooperation", "contact"}), "SANCTION")],
    "capture": [(frozenset({"town", "city", "village", "territory", "base", "position", "area"}), "ASSAULT"),
                ("*", "COERCE")],
    "take": [(CAPTIVES, "COERCE")],
}

#: Frame verbs (and predicate adjectives) that wrap another action, and the event they make.
#: "commit": AGREE for a cooperative action, THREATEN for a hostile one.
FRAMES: dict[str, str] = {
    "agree": "AGREE", "consent": "AGREE", "offer": "commit", "promise": "commit",
    "pledge": "commit", "vow": "commit", "swear": "commit", "commit": "commit", "undertake": "commit",
    "willing": "commit", "ready": "commit", "prepared": "commit", "committed": "commit",
    "threaten": "THREATEN", "warn": "THREATEN",
    "demand": "DEMAND", "urge": "DEMAND", "ask": "DEMAND", "request": "DEMAND",
    "appeal": "DEMAND", "press": "DEMAND", "order": "DEMAND", "insist": "DEMAND",
    "require": "DEMAND", "call": "DEMAND", "plead": "DEMAND", "tell": "DEMAND",
    "refuse": "REJECT", "decline": "REJECT", "reject": "REJECT", "deny": "REJECT", "fail": "REJECT",
    "accuse": "ACCUSE", "blame": "ACCUSE", "suspect": "ACCUSE",
    "condemn": "DISAPPROVE", "criticize": "DISAPPROVE", "criticise": "DISAPPROVE",
}

#: Frames whose clausal complement is only an infinitive addressed to someone ("told X to leave"):
#: with a that-clause they merely report speech.
INFINITIVE_ONLY = frozenset({"tell", "ask", "order", "press", "require"})

#: Verbs that pass their complement's event through unchanged ("attempted to assassinate" is an ASSAULT).
TRANSPARENT = frozenset(
    "try attempt plan seek decide begin start continue resume intend aim move vote choose "
    "manage launch carry conduct stage mount hold make issue lodge file reach impose".split())

#: Verbs that report speech: their complement is the event, and "must"/"will" in it shape the type.
SPEECH = frozenset(
    "say announce state declare tell conclude stress reiterate add report claim note "
    "confirm indicate write explain insist repeat".split())

#: Modal auxiliaries.
FUTURE = frozenset({"will", "would", "shall", "'ll", "’ll", "'d", "’d"})
OBLIGATION = frozenset({"must", "should", "ought"})


def stance(type_name: str) -> str:
    return TYPES[type_name].stance


def committed_type(action_type: str | None) -> str:
    """What committing to an action is in PLOVER: agreeing to cooperate, or threatening harm."""
    if action_type and stance(action_type) == "hostile":
        return "THREATEN"
    return "AGREE"


def normalise_label(label: str) -> str:
    """A gold label in current PLOVER terms (FIGHT -> ASSAULT)."""
    return LEGACY_LABELS.get(label, label)
