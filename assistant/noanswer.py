"""Deciding that the notes do not answer a question.

Three signals that hold for unseen questions, not a list of them:
  * names the notes never mention: a service, tool or option in the question (a capitalised
    run such as "Control Tower", a token such as "gp3" or "values.yaml") that occurs nowhere
    in the corpus, or a Japanese name the question marks as one (「やまびこ号」, 田中先生);
    which words are names is questionnames.py, and when the notes know one, vocabulary.py.
  * a weak best match: the score of the top hit sits under a floor measured on the index
    itself (calibration.py), per question language, for whatever model built it.
  * an asked quantity the hits never give: a question naming the kind of number it wants
    ("何日間", "how many minutes", "いくら") when none of the first hits' answer lines holds a
    number of that kind (`missing_quantity`, nameddetails.answer_text): a covered topic without
    the asked detail.
And a turn that asks nothing: small talk, or a question naming nothing without an earlier
turn to take its topic from (`names_nothing`), thanks or an acknowledgement after one
(`is_small_talk`).
What this leaves out: other details the notes omit about a topic they do cover, when the
question's wording still matches well (measured and reported in docs/evaluation.md).
"""
from __future__ import annotations

import re
from typing import Callable

from .quantities import missing_quantity  # noqa: F401 - part of this module's interface
from .questionnames import each_unknown_name
from .vocabulary import FUNCTION_WORDS, Vocabulary, normalize
from .translation import Lexicon


# Kana written inside a word after its kanji (okurigana: 切り戻し, 締め日, 振り分け); never a
# particle, which ends the word (東京の天気 is two words).
_OKURIGANA = "[" + "".join(chr(c) for c in range(0x3041, 0x3097) if chr(c) not in "のにをはがでとへやかもよねな") + "]"
_KANJI_CLASS = "[\u3400-\u9fff\uf900-\ufaff]"
# Not って, which sets off a topic in speech: "田村先生って何曜日に入ってる？" was one key term,
# "田村先生って何曜日", in no note.
_KEY_RUN = re.compile(
    rf"{_KANJI_CLASS}+(?:(?!って){_OKURIGANA}{{1,2}}{_KANJI_CLASS}+)+{_OKURIGANA}?"  # a word with its okurigana
    rf"|[\u30a0-\u30ff]{{2,}}|{_KANJI_CLASS}{{2,}}|[A-Za-z0-9][A-Za-z0-9_.\-/]*[A-Za-z0-9]"
)
# English words that carry no topic in a question about notes.
_QUESTION_WORDS = FUNCTION_WORDS | frozenset(
    "does mean means need needs happen happens usually typically get gets make makes should we us "
    "our someone something anything kind kinds type types way ways thing things say says said one ones "
    "not no yes also only just about into than then so "
    # auxiliaries FUNCTION_WORDS leaves out: "What will that cost us?" named "will" and "cost",
    # too many for a follow-up, so it was judged alone (heldout9, h9f-006); not "may", a month
    "will shall might must have has had am been being "
    # Greetings and thanks: a chat's small talk, no topic ("hi", "thanks!": answered from
    # whatever the model put nearest, a fresh tester, 2026-12-01).
    "hi hello hey thanks thank thx bye goodbye please".split()
)


def key_terms(question: str) -> set[str]:
    """The words a question is about: ASCII words that are not question or function words,
    katakana and kanji runs of two or more characters (NFKC, lowercased)."""
    question = normalize(question)
    return {t.lower() for t in _KEY_RUN.findall(question) if t.lower() not in _QUESTION_WORDS}


def names_nothing(question: str, writes: Callable[[str], bool] | None = None) -> bool:
    """True for a question with no key terms and no kanji: small talk ("ありがとう", "hi"),
    "What is it?". A kanji names something even where `key_terms` finds no run of two: a word
    written with its kana endings ("What does 切り戻し mean?", "締め日はいつ？"), but not a kanji
    that asks (`_ASKING_KANJI`): 「それは何？」 first in a chat was answered with five hits (a
    fresh user, 2026-12-07). So does a word in hiragana that the notes write (`writes`:
    vocabulary.Vocabulary.writes; None: any such word), `_names_in_hiragana`."""
    if key_terms(question):
        return False
    text = normalize(question)
    if _names_in_hiragana(text, writes):
        return False  # a word written in hiragana: 「まかないはいくら？」 (a fresh user, heldout26)
    if not _KANJI.search(text):
        return True
    # Only when nothing but particles is left: 「おやつは何？」 names おやつ (an attack on the rule).
    rest = _ASKING_KANJI.sub("", text)
    return not _KANJI.search(rest) and _PARTICLES_ONLY.fullmatch(rest) is not None


_KANJI = re.compile(_KANJI_CLASS)
# A run of hiragana names something when two letters or more are left once the words at its
# ends that name nothing are taken off: asking words and demonstratives first, particles,
# endings and answers last (まかない, おかわり, ごみ are left; それはなに, どういうこと, はい are
# not). 「まかないはいくら？」 and 「おかわりはいくら？」 asked nothing, with no search (a fresh
# user, heldout26, 2026-12-07). Only at the ends: inside a word, "かな" of まかない is none.
_ASKING_HIRAGANA = (r"どうやって|どうして|どういう|どんな|いくら|いくつ|なんで|なに|なん|いつ|どこ|だれ|どれ|どの|どう|なぜ"
                    r"|あそこ|これ|それ|あれ|ここ|そこ|この|その|あの|こっち|そっち")
_LEADING_NOTHING = re.compile(rf"^(?:{_ASKING_HIRAGANA})")
_TRAILING_NOTHING = re.compile(
    rf"(?:{_ASKING_HIRAGANA}|こと|もの|いう|ください|でしょうか|でしょう|ですか|でした|です|ます|だっけ|かしら|かな"
    r"|なの|のか|んだ|する|した|して|できる|いい|はい|いいえ|うん|ええ|って|とは|から|まで|より|[はがのをにでとへもやかよね])$")
_HIRAGANA_RUN = re.compile(r"[\u3041-\u3096]+")
_LONGEST_NOTHING = 40


def _names_in_hiragana(text: str, writes: Callable[[str], bool] | None) -> bool:
    """Whether a run of hiragana in `text` is left with two letters or more once the words
    naming nothing are taken off its ends (`_LEADING_NOTHING`, `_TRAILING_NOTHING`) and the
    notes write what is left (`writes`; すみません, えっと, まだ are small talk, an attack), or
    is longer than `_LONGEST_NOTHING` letters."""
    for run in _HIRAGANA_RUN.findall(text):
        if len(run) > _LONGEST_NOTHING:
            return True  # longer than any such words strung together: bounds the work per run
        before = None
        while run and run != before:
            before, run = run, _LEADING_NOTHING.sub("", _TRAILING_NOTHING.sub("", run))
        if len(run) >= 2 and (writes is None or writes(run)):
            return True
    return False


_ASKING_KANJI = re.compile("如何|何|誰|幾")  # what, who, how many: question words, no topic
# Possessive, longest first: "でしょうか" is also "でしょう" + "か", and backtracking over both
# readings took 4 s for 24 of them (this pass's last read).
_PARTICLES_ONLY = re.compile(r"(?:\s|[?!。、.,]|は|が|の|を|って|とは|ですか|でしょうか|でしょう|です|だった|だ|なの|なん|か|よ|ね)*+")

def shares_no_word(question: str, vocabulary: Vocabulary, lexicon: Lexicon | None) -> bool:
    """True for a question in Latin letters none of whose key terms the notes write (allowing
    plurals, spacing and typos: Vocabulary.knows) or translate (`lexicon`, translation.py;
    None, without the dictionary: never, an English question over Japanese notes shares none):
    "xx", 2,100 x's, "asdf qwer" were answered with full confidence (a fresh user, heldout23,
    2026-12-06: e5 scores nonsense close to everything). 22 corpora, both profiles: no
    answered question flagged, none more caught (docs/evaluation.md, forty-eighth pass)."""
    terms = key_terms(question)
    # Without the dictionary an English question over Japanese notes shares no word by design.
    if lexicon is None or not terms or not all(term.isascii() for term in terms) or any(vocabulary.knows([term]) for term in terms):
        return False
    return not lexicon.translate(question)


# Thanks, greetings and acknowledgements: a chat turn that asks nothing (a dialogue act of
# its own, not a question). Without earlier turns `names_nothing` flags them; after one,
# "ありがとう" or "thanks!" took the conversation's topic as an elliptical follow-up would
# ("How much?") and was answered from it with full confidence (a fresh user, wiki-dev,
# 2026-12-05). A closed class, so a list; a question mark makes any of them a question ("OK?").
_SMALL_TALK = re.compile(
    r"(?:(?:many )?thanks?(?: (?:you|u))?(?: (?:so|very) much)?(?: a lot| again| for (?:the|your) help)?|thx|ty"
    r"|cheers|hi|hello(?: there)?|hey|bye|good ?bye|see you|ok(?:ay)?(?:です)?|alright|got it|i see|makes sense|that ?s all"
    r"|great|cool|nice|perfect|awesome|understood|sure|noted|good morning|good night"
    r"|(?:(?:どうも)?ありがと(?:う|ー)?(?:ございま(?:す|した))?|どうも|了解|りょうかい|承知(?:しました|いたしました)"
    r"|かしこまりました|わかりました|分かりました|わかった|分かった|なるほど|おはよう(?:ございます)?|こんにちは"
    r"|こんばんは|お疲れ(?:様|さま)|おつかれ(?:さま)?|よろしく(?:お願いします)?|さようなら|サンキュー"
    r"|助か(?:りました|ります|った|る)|はい)(?:です|でした|しました|ね|よ)?)"
    r"(?![a-z])\s*"  # a whole word: "nicety" is not "nice" + "ty" (an attack)
)
_SMALL_TALK_NOISE = re.compile(r"[^\w\s]|_")  # punctuation, emoji: "thanks!!", "ありがとう🙏"


def is_small_talk(question: str) -> bool:
    """True for a turn made only of thanks, greetings or acknowledgements ("ありがとう",
    "thanks!", "OK, got it"), with no question mark: it asks the notes nothing, whatever
    came before it."""
    text = normalize(question).lower()
    if "?" in text or "\u203d" in text:  # NFKC folds "？"; not the interrobang
        return False
    words = " ".join(_SMALL_TALK_NOISE.sub(" ", text).split())
    position = 0
    while position < len(words):
        match = _SMALL_TALK.match(words, position)
        if match is None or match.end() == position:
            return False
        position = match.end()
    return bool(words)


# Asking for a forecast ("Is it going to rain during Saturday's tour?", 「明日の天気はどう？」):
# what the weather will be is in no team's notes, however well the rest of the question (the
# tour, the outdoor pool) matches them (heldout6, 15, 17: answered in one or both profiles).
# Only the weather's value is asked here, in the sentence's own closing words: a forecast the
# asker has is their situation ("The forecast says 15 cm of snow tomorrow. Do I still go?"),
# and how a forecast is used or checked is a rule the notes may hold ("How is the forecast
# used for outside broadcasts?", 「明日の天気予報は何で確認する？」, 「今日の天気はどうやって伝える？」),
# as is "Will it be cold in the kids' pool?": an attack on the first version flagged eight
# such answered questions (docs/evaluation.md, forty-third pass).
_WEATHER_WORD = r"(?:rain|snow|storm|thunder|hail|be (?:sunny|rainy|snowy|windy|stormy|foggy|clear|dry))"
_WHEN = r"(?:明日|明後日|あさって|今日|今夜|今晩|週末|来週|今週|[月火水木金土日]曜日?)"
_ASKS_FORECAST = re.compile(
    rf"\b(?:is|will) it (?:going to |gonna )?{_WEATHER_WORD}(?![\w-])"
    r"|\bwill there be (?:any |much |a lot of |strong |heavy )?(?:rain|snow|wind|storms?|thunder(?:storms?)?)\b"
    r"|\bis the (?:wind|rain|snow|weather) going to\b"
    r"|\bhow much (?:rain|snow) (?:are we|is|will)\b[^?]*\b(?:expect(?:ing|ed)?|forecast|get|fall)\b"
    r"|\bwhat(?:'s| is| will be) the weather(?: going to be)?(?: like)?(?: (?:for|on|in|at|this|tomorrow|today|tonight|next)\b[^?]*)?\?"
    r"|\bwhat(?:'s| is) the (?:weather )?forecast (?:for|tomorrow|today|tonight|this|on)\b[^?]*\?"
    rf"|{_WHEN}(?:って|は|の)[^。？?]{{0,12}}?天気(?:予報)?(?:は|って|、)?\s*(?:どう(?:なる|なりそう|かな|だろう|ですか)?|どんな感じ)?[？?]"
    rf"|(?:{_WHEN}|^)[^。？?]{{0,12}}?(?:晴れ(?:る)?|雨(?:に)?なり(?:そう)?|雨(?:は|って|が)?降(?:る|ります|りそう)|雪(?:は|って|が)?降(?:る|ります|りそう)|荒れ(?:る|そう))(?:かな|の|か)?(?:な|ね)?[？?]"
)


def asks_forecast(question: str) -> bool:
    """True when the question asks what the weather will be (`_ASKS_FORECAST`), which no
    note holds: the verdict's "not in the notes" whatever matches."""
    return _ASKS_FORECAST.search(normalize(question).lower()) is not None


def key_term_share(question: str, text: str) -> float:
    """Share of the question's key terms that occur in `text` (0 when it has none), a word of
    `ABBREVIATIONS` also by its abbreviation there ("ext. 4412" for "extension")."""
    terms = key_terms(question)
    if not terms:
        return 0.0
    written = normalize(text)
    haystack, short = written.lower(), abbreviated_words(written)
    return sum(t in haystack or t in short for t in terms) / len(terms)


# The abbreviations team notes write for the words a question asks with: "What is Tanaka's
# extension?" was "not in the notes" over "Aiko Tanaka (ext. 4412)" (a fresh user,
# 2026-12-06). A closed list, each with the words it stands for alone: any word starting with
# any cut-short word ("sec." for "secret", "Mon." for "money") turned 62 of 215 questions an
# attack asked over everyday notes into answers (docs/reliability.md, forty-sixth pass).
# Left out: abbreviations of more than one reading ("min." minutes or minimum, "no.", "sec.").
ABBREVIATIONS = {
    "ext": ("extension", "extensions"), "tel": ("telephone", "phone"), "dept": ("department", "departments"),
    "approx": ("approximately", "approximate"), "mgr": ("manager", "managers"), "qty": ("quantity",),
    "amt": ("amount",), "addr": ("address",), "asst": ("assistant",), "govt": ("government",),
}
# One of them in running text: a period after it, then a digit, a word, or punctuation.
_ABBREVIATION = re.compile(r"(?<![A-Za-z.])(" + "|".join(ABBREVIATIONS) + r")\.(?=\s|[0-9,;:)\]])", re.IGNORECASE)


# Days of the week written short, as rotas and opening hours write them ("| Mon | Tue | ... |",
# "Mon–Fri"): "Who is on call on Thursday?" was "not in the notes" over the rota's "Thu" column
# (a fresh user, 2026-12-06). Capitalised whole words, and only where two different ones stand:
# "Sat", "Sun" and "Wed" alone are English words.
WEEKDAYS = {"Mon": "monday", "Tue": "tuesday", "Tues": "tuesday", "Wed": "wednesday", "Thu": "thursday",
            "Thur": "thursday", "Thurs": "thursday", "Fri": "friday", "Sat": "saturday", "Sun": "sunday"}
_WEEKDAY = re.compile(r"(?<![A-Za-z])(" + "|".join(WEEKDAYS) + r")(?![A-Za-z])")  # not "SAT solver", "SUN box"


def abbreviated_words(text: str) -> set[str]:
    """The words `ABBREVIATIONS` says `text` (NFKC) writes short ("Ext. 4412" -> {"extension",
    "extensions"}), and the days of the week it writes short (`WEEKDAYS`) where it names two
    different ones ("Thu" -> "thursday")."""
    words = {word for short in _ABBREVIATION.findall(text) for word in ABBREVIATIONS[short.lower()]}
    days = {WEEKDAYS[short.capitalize()] for short in _WEEKDAY.findall(text)}
    return words | days if len(days) >= 2 else words


# A term the question quotes ('crash', "mechanical sympathy", 「クラッシュ」): what it asks about.
# A single quote opens after no letter and closes before none ("they'll 'crash' FV2").
_QUOTED_TERM = re.compile(r"(?<![A-Za-z])'([^'\n]{2,40}?)'(?![A-Za-z])|[\"“]([^\"”\n]{2,40}?)[\"”]|[「『]([^」』\n]{2,40}?)[」』]")


def quoted_terms(question: str) -> list[str]:
    """The terms a question quotes, NFKC and lowercased."""
    return [normalize(next(g for g in m.groups() if g)).strip().lower() for m in _QUOTED_TERM.finditer(question)]


def carries_quoted_terms(question: str, text: str) -> bool:
    """True when the question quotes terms and `text` holds every one of them."""
    terms = quoted_terms(question)
    haystack = normalize(text).lower()
    return bool(terms) and all(t in haystack for t in terms)


# A year the question asks about, as the notes name one year's plan or figures: "2027 年度の
# 目標", "2027年の行事", "FY2027", "the 2027 academic year". A year in a situation ("2025 年 3
# 月までは ...", "on 8 December 2026") is left out. Held-out wikis' no-answer questions asked
# for next year's target or plan, and were answered with this year's (heldout12, 21, 22; a
# fresh user, heldout24: 「2027年度の運動会はいつ？」 got the 2026 date, the 2027 plan a TODO).
_ASKED_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年度?\s*の|\b(?:fy|fiscal year|academic year|ay)\s*'?((?:19|20)\d\d)(?!\d)"
                         r"|(?<!\d)((?:19|20)\d\d)\s*(?:fiscal|academic|financial|school) year\b", re.IGNORECASE)
# A season or year across two, asked by its span: 「2027-28シーズンのリフト券の値段は？」 was
# answered with the 2026-27 season's prices, whose span names 2027 too (a fresh user,
# heldout28). Only the span itself (or its first year's 年度) names it.
_ASKED_SPAN = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[-–/]\s*(?:(?:19|20)\d\d|\d\d)(?!\d)\s*(?:年度|シーズン|季|の|"
                         r"(?:season|fiscal year|academic year|school year|financial year)\b)", re.IGNORECASE)


def _year_spellings(year: int) -> str:
    """A pattern for the ways notes write `year`: 2026, 令和8 (元 for its first), 平成, FY26,
    '26, 2025-26 (a fiscal year across two)."""
    short = f"{year % 100:02d}"
    forms = [rf"(?<!\d){year}(?!\d)", rf"\bfy\s*'?{short}(?!\d)", rf"(?<![\w'])'{short}(?!\d)",
             rf"(?<!\d){year - 1}\s*[-–/]\s*(?:{year}|{short})(?!\d)"]
    for era, first in (("令和", 2019), ("平成", 1989)):
        if first <= year < first + 31:
            forms.append(rf"{era}\s*{year - first + 1}(?!\d)" + (f"|{era}\\s*元" if year == first else ""))
    return "|".join(forms)


_EVERY_YEAR = re.compile(r"毎年|例年|every year|each year|\bannually\b|\byearly\b")
# A year of its own beside it: "忘年会は毎年12月。2024年は..." holds 2024's, not every year's (an attack).
_A_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)|令和\s*(?:\d|元)|平成\s*\d|\bfy\s*'?\d{2}")


def other_year(question: str, text: str) -> str | None:
    """The year the question asks about (`_ASKED_YEAR`) when `text` (the top hit's, with its
    heading path) never names it in any of its spellings (`_year_spellings`): that hit is
    about another year's. None otherwise, and when `text` says it holds every year and names
    no year (`_EVERY_YEAR`: 「毎年 3 月 31 日は棚卸し」 answers 「2028年の棚卸しの日は？」, a fresh user)."""
    haystack = normalize(text).lower()
    if _EVERY_YEAR.search(haystack) and not _A_YEAR.search(haystack):
        return None
    asked = normalize(question)
    for match in _ASKED_SPAN.finditer(asked):
        first = int(match.group(1))
        span = (rf"(?<!\d){first}\s*[-–/]\s*(?:{first + 1}|{(first + 1) % 100:02d})(?!\d)|(?<!\d){first}\s*年度"
                rf"|\bfy\s*'?{first % 100:02d}(?!\d)")
        if not re.search(span, haystack):
            return match.group().strip()
    for match in _ASKED_YEAR.finditer(asked):
        if any(match.start() >= span.start() and match.end() <= span.end() + 2 for span in _ASKED_SPAN.finditer(asked)):
            continue  # the year of a span: judged as the span
        year = next(g for g in match.groups() if g)
        if not re.search(_year_spellings(int(year)), haystack):
            return year
    return None


def is_unanswered(question: str, top_score: float, floor: float, vocabulary: Vocabulary,
                  lexicon: Lexicon | None = None) -> bool:
    """True for a question naming something the notes never mention, or whose best match
    scores under the index's calibrated floor (calibration.Calibration.floor). `lexicon`:
    the index's dictionary translations (translation.py), for `written_in_japanese`."""
    # The score first, then names up to the first unknown one (each may be looked up as a typo).
    unknown = (name for name in each_unknown_name(question, vocabulary) if not written_in_japanese(name, lexicon))
    return top_score < floor or next(unknown, None) is not None


def written_in_japanese(name: str, lexicon: Lexicon | None) -> bool:
    """True when a one-word name of the question is a word the notes write in Japanese, by
    its dictionary translation: "HR" of "Who is the HR contact for new members?" over a
    contacts table's 人事 row was "not in the notes" (a fresh user, 2026-12-06). Names of
    more words are left to the spellings questionnames.py knows: a translation of each word
    ("Blue Bottle": 青, 瓶) says nothing of the name."""
    return lexicon is not None and len(name.split()) == 1 and bool(lexicon.translate(name))
