"""Hand-written cue lists, the part of the models that does not depend on a corpus.

A complaint expresses a breach of expectation (Preotiuc-Pietro et al., 2019):
something that should work does not, a wait that is too long, a promise not
kept. These cues describe that in words any brand's customers use, so they
carry over between domains where n-grams learned from one corpus do not.
Entries are unigrams or space-joined bigrams of normalized text (see text.py).
"""

from __future__ import annotations

# weight 2 for cues that alone nearly always mark a complaint
COMPLAINT_CUES: dict[str, float] = {
    **dict.fromkeys(
        [
            "not working", "doesn't work", "didn't work", "don't work", "isn't working",
            "won't work", "stopped working", "still not", "still no", "still doesn't",
            "still can't", "still won't", "still waiting", "been waiting", "still broken",
            "not fixed", "no response", "no reply", "no answer", "never received",
            "never got", "never arrived", "not received", "hasn't arrived", "wasn't delivered",
            "didn't help", "doesn't help", "not helpful", "no help", "same problem",
            "same issue", "same error", "keeps crashing", "keeps happening", "keeps saying",
            "worst", "unacceptable", "ridiculous", "useless", "refund", "overcharged",
            "charged twice", "rip off", "ripoff", "scam", "fed up", "sort it", "fix it",
            "fix this", "fix your", "no longer", "for nothing", "hung up", "on hold",
            "thanks for nothing", "not good enough", "disappointed", "disappointing",
            "unable", "horrible", "terrible", "awful", "pathetic", "joke",
            "cancelling my", "canceling my", "switching to", "never again", "not happy",
        ],
        2.0,
    ),
    **dict.fromkeys(
        [
            "can't", "cannot", "won't", "doesn't", "didn't", "isn't", "wasn't", "hasn't",
            "haven't", "aren't", "don't", "couldn't", "not", "no", "never", "nobody",
            "still", "again", "anymore", "broken", "broke", "crash", "crashes", "crashed",
            "crashing", "error", "errors", "bug", "bugs", "glitch", "issue", "issues",
            "problem", "problems", "fail", "failed", "fails", "failing", "failure",
            "delay", "delayed", "cancelled", "canceled", "lost", "missing", "stuck",
            "waiting", "wait", "hours", "days", "weeks", "charged", "charge", "fee",
            "fees", "slow", "down", "outage", "frustrating", "frustrated", "annoying",
            "annoyed", "sucks", "trash", "garbage", "wtf", "seriously", "supposed",
            "promised", "removed", "gone", "disappeared", "wrong", "damaged", "rude",
            "hacked", "fix", "stops", "stopped", "skips", "freezes", "frozen", "lag",
            "buffering", "declined", "why", "wasted", "paying", "paid", "complaint",
            "unhappy", "mess", "tried", "reinstalled", "restarted", "worse", "bad",
            "poor", "shame", "smh", "ugh", "hate",
        ],
        1.0,
    ),
}

THANKS_CUES: dict[str, float] = dict.fromkeys(
    [
        "thanks", "thank", "thx", "ty", "tysm", "appreciate", "appreciated", "cheers",
        "kudos", "grateful", "awesome", "great", "love", "perfect", "brilliant",
        "amazing", "helpful", "sorted", "resolved", "works now", "working now",
        "all good", "fixed it", "it worked", "that worked", "best", "excellent",
        "wonderful", "fantastic", "glad", "happy", "emopos",
    ],
    1.0,
)

SUGGESTION_CUES: dict[str, float] = dict.fromkeys(
    [
        "would be", "be nice", "be great", "be cool", "be awesome", "be useful",
        "please add", "should add", "you should", "feature request", "suggestion",
        "suggest", "idea", "would love", "it'd be", "consider", "how about",
        "wish", "could add", "option to", "ability to", "bring back", "implement",
        "add a", "add an", "add the", "need a", "should be able", "request",
    ],
    1.0,
)

QUESTION_WORDS = (
    "how", "what", "when", "where", "which", "who", "why", "is", "are", "can",
    "could", "do", "does", "did", "will", "would", "should", "any", "anyone",
    "has", "have", "am", "whats", "what's", "wheres", "where's",
)

# Words common in English text and rare elsewhere: a text made mostly of them
# is English without asking the slower statistical identifier.
ENGLISH_WORDS = frozenset(
    """the and or are were to of for it my you this that not with have has do does can
    but just your at we they what how why when there yes thanks thank please hi hey
    ok okay still get got i'm it's don't can't doesn't won't didn't isn't will would
    should could from if all any about done sure yep nope thx lol cheers sent great
    good new been out up now one our their them he she his her its am im dont cant
    doesnt wont didnt again know need want help work working only also here after
    before same app account like love day today tomorrow night time going see think
    make more some than then who which where really very much first last people way
    back well by be being us ur lol omg tonight year week""".split()
)


# Kept short and unambiguous: these words break a publishing guideline in any
# customer-facing organization. Organizations add their own terms as
# confidential terms; the statistical model catches the rest.
OFFENSIVE_WORDS = (
    "fuck", "fucks", "fucking", "fuckin", "fucked", "fucker", "fuckers", "motherfucker",
    "motherfucking", "shit", "shits", "shitty", "bullshit", "bitch", "bitches", "bastard",
    "bastards", "asshole", "assholes", "dick", "dickhead", "cunt", "cunts", "twat",
    "wanker", "wankers", "prick", "pricks", "slut", "whore", "fag", "faggot", "faggots",
    "nigger", "niggers", "nigga", "retard", "retarded", "jackass", "dumbass", "douche",
    "douchebag", "stfu", "piss", "pissed", "bollocks", "moron", "morons", "idiot",
    "idiots", "scumbag", "wtf", "crap", "crappy",
)
