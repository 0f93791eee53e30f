"""Deciding that the notes do not answer a question.

Three signals that hold for unseen questions, not a list of them:
  * names the notes never mention: a service, tool or option in the question (a capitalised
    run such as "Control Tower", a token such as "gp3" or "values.yaml") that occurs nowhere
    in the corpus. Questions about something absent are the commonest no-answer case.
    Numbers and measurements ("75%", "2D", "24x24") are not names: they are the asker's
    scenario, and notes write them another way (2次元, 24px × 24px). Nor is the capital that
    opens any sentence of the question ("... the commit. Am I fine?"), nor "OK". Words
    English capitalises by grammar (languages, countries, weekdays, months: "Japanese",
    "Monday") are known when the notes write them in either language (CLDR's names, via
    babel: 日本語, 月曜日).
  * a weak best match: the score of the top hit sits under a floor measured on the index
    itself (calibration.py), per question language, for whatever model built it.
  * an asked quantity the hits never give: a question naming the kind of number it wants
    ("何日間", "how many minutes", "いくら") when none of the first hits holds a number of that
    kind (`missing_quantity`): a covered topic without the asked detail.
What this leaves out: other details the notes omit about a topic they do cover, when the
question's wording still matches well (measured and reported in docs/evaluation.md).
"""
from __future__ import annotations

from .textnorm import match_form

import functools
import re
import threading
import unicodedata
from typing import Iterable

from .language import JAPANESE_RUN, language, reply_language
from .lines import is_placeholder

# A leading "/" is kept: a path such as /tmp is a name even in lower case.
_TOKEN = re.compile(r"/?[A-Za-z0-9][A-Za-z0-9_.\-/]*[A-Za-z0-9]|[A-Za-z0-9]")
_FUNCTION_WORDS = frozenset(
    "what how which when where why who whom whose can could is are was were does do did if i a an the "
    "my our your in on of to for and or with by from at it its this that these those there be as any much many "
    "per should would they their team we you after before above below between while during using use "
    # everyday words English writes in capitals ("Is it OK to ...")
    "ok okay".split()
)
_SERVICE_PREFIXES = ("aws", "amazon")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(match_form(text))  # NBSP/U+3000 separate words; full-width ASCII folds




def normalize(text: str) -> str:
    """NFKC: full-width letters and digits (ＡＷＳ, ２４) read as their ASCII forms."""
    return unicodedata.normalize("NFKC", text)


class Vocabulary:
    """The ASCII words of the corpus, lowercased, for O(1) look-ups; the romaji of its
    Japanese words are added on first need (`romanized`), so names a question writes in
    Latin letters count as known when the notes write them in Japanese (Tokyo / 東京,
    Slack / スラック). Placeholder lines ("Edge prediction pattern: To do") are left out:
    a name the notes only promise to cover is not in the notes."""

    def __init__(self, texts: Iterable[str]):
        self.words: set[str] = set()
        self._japanese: set[str] = set()
        for text in texts:
            text = normalize("\n".join(line for line in text.split("\n") if not is_placeholder(line)))
            for token in _tokens(text):
                word = token.lower().lstrip("/")
                self.words.add(word)
                # Combined tokens ("Windows/Mac", "CI/CD", "CodeDeployDefault.HalfAtTime",
                # "pr-check") also name each part.
                self.words.update(p for p in re.split(r"[/.\-]", word) if p)
            self._japanese.update(JAPANESE_RUN.findall(text))
        self._romaji: set[str] | None = None
        self._lock = threading.Lock()
        self._text = "\n".join(sorted(self._japanese))  # for CLDR names written in Japanese

    def romanized(self) -> set[str]:
        """Lowercased romaji words of the corpus's Japanese runs (cutlet: Hepburn, with the
        original spelling of loanwords from UniDic), and each run's words joined ("Micro
        soft" -> "microsoft"). Built once, on the first name the ASCII words do not know."""
        with self._lock:
            if self._romaji is None:
                self._romaji = _romanize(self._japanese)
            return self._romaji

    def _has(self, word: str, extra: set[str]) -> bool:
        return any(w in self.words or w in extra for w in (word, word[:-1] if word.endswith("s") else word))

    def knows(self, run: list[str]) -> bool:
        """True when the words of a name occur in the corpus, allowing plurals, spacing
        variants such as "Route 53" / "Route53", parts of combined names ("Windows/Mac"), and
        names the notes write in Japanese."""
        words = [normalize(w).lstrip("/") for w in run]
        while len(words) > 1 and words[0].lower() in _SERVICE_PREFIXES:
            words = words[1:]
        if self._known(words, set()):
            return True
        japanese_forms = _grammar_names().get(" ".join(words).lower())
        if japanese_forms is not None:
            return any(form in self._text for form in japanese_forms)
        return bool(self._japanese) and self._known(words, self.romanized())

    def _known(self, words: list[str], extra: set[str]) -> bool:
        """`words` as the question writes them (case kept: it tells a name part from a plain word)."""
        joined = "".join(words).lower()
        if joined in self.words or joined in extra:
            return True
        # Every word known is enough: requiring the exact phrase would flag English names
        # whose notes spell them in katakana ("Block Public Access" / ブロックパブリックアクセス).
        return all(
            self._has(w.lower(), extra) or all(self._has(p.lower(), extra) for p in _name_parts(w)) for w in words
        )


def _parts(word: str) -> list[str]:
    """The words a combined token joins: "windows/mac", "medium-priority". A hyphen with a
    digit next to it stays (SEV-0, gp-3 are names of their own)."""
    separators = r"[/]" if any(c.isdigit() for c in word) else r"[/-]"
    return [p for p in re.split(separators, word) if p]


@functools.lru_cache(maxsize=1)
def _grammar_names() -> dict[str, tuple[str, ...]]:
    """Words English capitalises by grammar, not names of things: CLDR's English names of
    languages, territories, weekdays and months (lowercased) -> the kanji and kana of their
    Japanese names ("japanese" -> ("日本語",), "monday" -> ("月曜日",), "january" -> ("月",):
    a month's digits are not in the Japanese runs, so its name counts as known wherever the
    notes write a month). From babel's CLDR data, loaded on the first such word."""
    from babel import Locale

    english, japanese = Locale("en"), Locale("ja")
    out: dict[str, tuple[str, ...]] = {}
    pairs = [(english.languages, japanese.languages), (english.territories, japanese.territories)]
    pairs += [(english.days["format"]["wide"], japanese.days["format"]["wide"])]
    pairs += [(english.months["format"]["wide"], japanese.months["format"]["wide"])]
    for names_en, names_ja in pairs:
        for key, name in names_en.items():
            forms = tuple(JAPANESE_RUN.findall(names_ja.get(key, "")))
            if forms and re.fullmatch(r"[A-Za-z ]+", name):
                out.setdefault(name.lower(), forms)
    return out


def _name_parts(word: str) -> list[str]:
    """The parts of a combined token that must be known for it to count as known: those that
    look like names themselves ("Medium" of "Medium-priority": the notes' table writes
    "Medium" and 優先度 for priority; a lowercase "priority" is a plain English word an
    English question adds, not a name). Every part when none looks like a name ("on-call"),
    both parts of "Wi-Fi"."""
    parts = _parts(word)
    named = [p for p in parts if _is_name(p, sentence_start=False)]
    return named or parts


def _romanize(runs: set[str]) -> set[str]:
    import cutlet  # fugashi + unidic-lite; imported only when a name needs it

    katsu = cutlet.Cutlet()
    katsu.use_foreign_spelling = True
    out: set[str] = set()
    for run in runs:
        try:
            words = [w.lower() for w in _TOKEN.findall(katsu.romaji(run))]
        except Exception:  # noqa: BLE001 - a run cutlet cannot read is simply not a name
            continue
        # cutlet writes a middle dot as "/" ("区・大阪市" -> "Ku/Osaka shi"): each part is a word.
        words = [part for word in words for part in re.split(r"[/.]", word) if part]
        out.update(words)
        if len(words) > 1:
            out.add("".join(words))
    # A loanword of several English words names its abbreviation too: プルリクエスト ->
    # "pull request" -> "pr", サービスレベルアグリーメント -> "sla" (a tester's "PR" was an
    # unknown name over notes that write プルリクエスト).
    for loanword in {k for run in runs for k in _KATAKANA_RUN.findall(run)}:
        try:
            parts = _TOKEN.findall(katsu.romaji(loanword))
        except Exception:  # noqa: BLE001 - as above
            continue
        if 2 <= len(parts) <= 4:
            out.add("".join(p[0].lower() for p in parts))
    return out


_KATAKANA_RUN = re.compile(r"[\u30a0-\u30ff]{4,}")


def _is_name(token: str, sentence_start: bool) -> bool:
    if token.lower() in _FUNCTION_WORDS or len(token) < 2:
        return False
    technical = (
        any(c.isdigit() for c in token)
        or any(c.isupper() for c in token[1:])
        or "_" in token
        or token.startswith("/")
        or re.search(r"\w{2,}[./]\w{2,}", token) is not None
    )
    return technical or (token[0].isupper() and not sentence_start)


# The text between two words that ends a sentence, so the next word's capital is grammar
# ("... the commit. Am I fine?").
_SENTENCE_END = re.compile(r"[.!?。？！:;]\s+$")


def names(question: str) -> list[list[str]]:
    """Runs of consecutive name-like ASCII words (after NFKC, so full-width letters count).
    In a Japanese question every ASCII word is a name; in English, capitalised or technical
    words not opening a sentence (the question's first or one after its own . ? ! : ;)."""
    question = normalize(question)
    # The sentence's own language: "What does 切り戻し mean?" is English, its "What" no name.
    japanese = reply_language(question) == "ja"
    runs: list[list[str]] = []
    word_end = None  # end of the previous word
    run_open = False  # the previous word was a name
    for match in _TOKEN.finditer(question):
        token = match.group()
        gap = question[word_end : match.start()] if word_end is not None else ""
        start = word_end is None or _SENTENCE_END.search(gap) is not None
        word_end = match.end()
        if japanese or _is_name(token, start):
            if run_open and gap == " ":
                runs[-1].append(token)
            else:
                runs.append([token])
            run_open = True
        else:
            run_open = False
    return runs


def unknown_names(question: str, vocabulary: Vocabulary) -> list[str]:
    """The names of the question (`names`) the notes never mention, each as one string. A
    run of numbers and measurements alone ("75", "24x24", "2D") is not a name."""
    return [
        " ".join(run)
        for run in names(question)
        if not all(token[0].isdigit() for token in run) and not vocabulary.knows(run)
    ]


# Kana written inside a word after its kanji (okurigana: 切り戻し, 締め日, 振り分け); never a
# particle, which ends the word (東京の天気 is two words).
_OKURIGANA = "[" + "".join(chr(c) for c in range(0x3041, 0x3097) if chr(c) not in "のにをはがでとへやかもよねな") + "]"
_KANJI_CLASS = "[\u3400-\u9fff\uf900-\ufaff]"
_KEY_RUN = re.compile(
    rf"{_KANJI_CLASS}+(?:{_OKURIGANA}{{1,2}}{_KANJI_CLASS}+)+{_OKURIGANA}?"  # a word with its okurigana
    r"|[\u30a0-\u30ff]{2,}|[\u3400-\u9fff\uf900-\ufaff]{2,}|[A-Za-z0-9][A-Za-z0-9_.\-/]*[A-Za-z0-9]"
)
# English words that carry no topic in a question about notes.
_QUESTION_WORDS = _FUNCTION_WORDS | frozenset(
    "does mean means need needs happen happens usually typically get gets make makes should we us "
    "our someone something anything kind kinds type types way ways thing things say says said one ones "
    "not no yes also only just about into than then so "
    # Greetings and thanks: a chat's small talk, no topic ("hi", "thanks!": answered from
    # whatever the model put nearest, a fresh tester, 2026-12-01).
    "hi hello hey thanks thank thx bye goodbye please".split()
)


def key_terms(question: str) -> set[str]:
    """The words a question is about: ASCII words that are not question or function words,
    katakana and kanji runs of two or more characters (NFKC, lowercased)."""
    question = normalize(question)
    return {t.lower() for t in _KEY_RUN.findall(question) if t.lower() not in _QUESTION_WORDS}


def names_nothing(question: str) -> bool:
    """True for a question with no key terms and no kanji: small talk ("ありがとう", "hi"),
    "What is it?". A kanji names something even where `key_terms` finds no run of two: a word
    written with its kana endings ("What does 切り戻し mean?", "締め日はいつ？")."""
    return not key_terms(question) and not _KANJI.search(normalize(question))


_KANJI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def key_term_share(question: str, text: str) -> float:
    """Share of the question's key terms that occur in `text` (0 when it has none)."""
    terms = key_terms(question)
    if not terms:
        return 0.0
    haystack = normalize(text).lower()
    return sum(t in haystack for t in terms) / len(terms)


# The expected answer type (question classification in QA, Li & Roth 2002): a question asking
# for a quantity of one kind ("何日間", "how many minutes", "いくら") is answered only by a
# number of that kind. Only questions that name the kind count ("how long" may want a length,
# "how often" a word like "weekly"; "何回も" and "いくら待っても" ask for no number), and any
# number of the kind counts (asked in minutes, "2時間" answers; "free" answers a price).
# Each row: the kind, what asks for it, what answers it. A digit must not follow a letter
# ("A09"), and a number word stands apart, with a whole unit word after it ("an hour", never
# the "an"+"d" of "and").
_DIGITS = r"(?<![A-Za-z0-9])\d[\d,.]*"
_KANJI_NUMBER = r"[一二三四五六七八九十百千万数半両]+"
_WORD_NUMBER = (r"\b(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
                r"ninety|hundred|few|several|half an?|a half|a couple of|couple of)")
_SCALE = r"(?:\s*(?:hundred|thousand|million|billion|k|m|bn)\b|\s*[千万億兆])?"
# Calendar dates are no durations: "2025年", "8月9日", "2025/8/9".
_DATES = re.compile(r"(?<!\d)\d{4}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?|(?<!\d)\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[/-]\d{1,2}[/-]\d{1,2}")
# 何日も, 何人か, いくらでも: "many days", "some people", "any amount"; but 何日かかる asks.
_NOT_ASKING_JA = r"(?!も|か(?!か|ら)|でも)"


def _answers(units_ja: str, units_en: str, extra: str = "") -> re.Pattern:
    """A number followed by a unit of one kind: digits or kanji numerals with a Japanese or
    English unit, a number word with a whole English unit word, or `extra` alone."""
    return re.compile(
        rf"(?:{_DIGITS}|{_KANJI_NUMBER}){_SCALE}\s*(?:[-~〜～]\s*(?:{_DIGITS}|{_KANJI_NUMBER})\s*)?(?:{units_ja}|(?:{units_en})\b)"
        rf"|{_WORD_NUMBER}(?:[\s-]+\w+)?[\s-]+(?:{units_en})\b" + (f"|{extra}" if extra else "")
    )


_DURATION_EN = (r"(?:business |working |calendar )?(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|"
                r"months?|years?|milliseconds?|ms|s|m|h|d|hr|yr)")
_PEOPLE_EN = (r"(?:people|persons?|users?|participants?|members?|engineers?|employees?|testers?|children|customers?|"
              r"reviewers?|approvers?|staff|developers?|individuals?|patients?|attendees?)")
# Settings whose value is a duration, and words asking for their bound or default.
_TIME_SETTING_EN = r"(?:timeouts?|time-outs?|ttls?|retention(?: period)?|expiry|expiration(?: time)?|execution time|run ?time)"
_TIME_SETTING_JA = r"タイムアウト|保持期間|保存期間|有効期限|有効期間|実行時間|TTL|ttl"
_LIMIT_EN = r"(?:max(?:imum)?|min(?:imum)?|default|longest|shortest|upper|lower)"
_LIMIT_JA = r"最大|最小|上限|下限|最長|最短|デフォルト|既定"
_SIZE_EN = (r"(?:bytes?|kilobytes?|megabytes?|gigabytes?|terabytes?|petabytes?|bits?|kb|mb|gb|tb|pb|kib|mib|gib|tib|"
            r"kbps|mbps|gbps|b)")
_QUANTITIES = (
    # A limit or default of a time setting asks for a duration too ("the maximum integration
    # timeout", "保持期間の上限は？"), though it names no unit.
    ("duration",
     re.compile(r"\bhow many (?:(?:business|working|calendar) )?(?:seconds|minutes|hours|days|weeks|months|years)\b"
                rf"|何(?:秒|分(?!の)|時間|日|営業日|週間?|か月|ヶ月|カ月|ケ月|ヵ月|年){_NOT_ASKING_JA}"
                rf"|\b{_LIMIT_EN}\s+(?:[\w-]+\s+){{0,2}}{_TIME_SETTING_EN}\b|\b{_TIME_SETTING_EN}\s+(?:limit|cap)\b"
                rf"|(?:{_LIMIT_JA})の?[^、。？?]{{0,10}}?(?:{_TIME_SETTING_JA})(?!を|に)"
                rf"|(?:{_TIME_SETTING_JA})(?:の(?:{_LIMIT_JA}))?(?:値|時間)?(?:は|って)(?:何|いくつ|どのくらい|どれくらい|どの程度|？|\?)"),
     _answers(r"秒|分|時間|時|日|営業日|週|か月|ヶ月|カ月|ケ月|ヵ月|月(?!曜)|年(?!生)", _DURATION_EN,
              r"\bfortnight|半日|半年|半月|一晩|翌日|当日|即日|毎日|毎週|毎月|毎年|\b(?:daily|weekly|monthly|yearly|annually)\b")),
    ("count of times",
     re.compile(rf"(?<!no matter )\bhow many times\b|何回{_NOT_ASKING_JA}|何度目"),
     _answers(r"回|度|倍", r"times?|x", r"\b(?:once|twice|thrice|never|annual|annually|yearly|daily|weekly|monthly|"
              r"quarterly)\b|毎日|毎週|毎月|毎年|隔週|年次|月次|週次")),
    # A count of approvals, reviews or votes counts people: "何人の承認が必要？" is answered by
    # "two approvals" (a fresh tester's wiki: "One approval is required ... two for ...").
    ("people",
     re.compile(rf"\bhow many {_PEOPLE_EN}\b|何(?:人|名){_NOT_ASKING_JA}"),
     _answers(r"人|名", rf"{_PEOPLE_EN}|approvals?|reviews?|sign-?offs?|signatures?|votes?", r"ひとり|ふたり|一人|二人")),
    ("percentage",
     re.compile(r"\bwhat percent(?:age)?\b|何(?:%|％|パーセント|割)"),
     _answers(r"%|％|パーセント|割|分の", r"percent|per cent", r"\bhalf\b|半数|半分|過半数|大半|全て|すべて|\ball\b")),
    # A data size or rate: "How much data per second can a shard ingest?", "Above what object
    # size ...", "容量はどのくらい？"; answered by a number with a unit of bytes or bits.
    ("size",
     re.compile(r"\bhow (?:much|big|large) (?:data|storage|memory|disk|space|ram|bandwidth|throughput)\b"
                r"|\bhow (?:big|large) (?:can|could|may) (?:an? |the |one |each |a single )?(?:\w+ )?(?:object|file|item|"
                r"payload|message|record|request|upload|attachment|image|volume|disk|partition|blob)s?\b"
                rf"|\b(?:what|which|above|below|over|under)(?:'s| is| are)? (?:the )?(?:{_LIMIT_EN} |largest |smallest )?"
                r"(?:object|file|item|payload|message|record|request|response|upload|disk|volume|storage|memory|data|"
                r"batch|attachment|image|log|body)s? size\b"
                rf"|\b(?:what|which)(?:'s| is| are) the {_LIMIT_EN} size\b|\bsize (?:limit|cap)\b"
                rf"|\bhow many {_SIZE_EN}\b|何(?:バイト|キロバイト|メガバイト|ギガバイト|テラバイト|kb|mb|gb|tb)"
                rf"|(?:サイズ|容量|データ量|スループット|帯域)(?:の(?:{_LIMIT_JA}|制限))?(?:値)?(?:は|って)(?:いくつ|どのくらい|どれくらい|どの程度|何)"
                r"|どの(?:くらい|ぐらい|程度)の(?:サイズ|容量|データ量)"),
     _answers(r"バイト|キロバイト|メガバイト|ギガバイト|テラバイト", _SIZE_EN)),
    ("amount of money",
     re.compile(r"いくら(?!でも|も|か)(?![^、。？?]{0,12}ても)"
                r"|\bhow much (?!time\b|effort\b|latency\b|attention\b)(?:\w+ ){0,6}?(?:cost|costs|pay|paid|charge|charged|fined|stolen)\b(?! attention| in (?:time|latency|effort|performance))"
                r"|\bhow much money\b"),
     re.compile(rf"[$¥€£]\s*\d|\b(?:usd|eur|jpy|gbp)\s*\d|(?:{_DIGITS}|{_KANJI_NUMBER}){_SCALE}\s*(?:円|ドル|ユーロ|ポンド|"
                r"(?:dollars?|euros?|pounds?|cents?|usd|eur|jpy|gbp|yen)\b)"
                r"|\bfree\b|\bno (?:cost|charge)\b|無料|無償|タダ")),
)

# Counts of things, each with its Japanese counter and the English nouns it counts: "何文字まで
# 書ける？" is answered by "500文字" or "500 characters", never by a number of days.
_COUNTERS = (
    ("文字", "characters?|chars?|letters?"),
    ("台", "devices?|machines?|phones?|units?|servers?|instances?"),
    ("件|個", "items?|records?|entries|entry|cases?|tickets?|requests?|messages?|pieces?|objects?"),
    ("枚", "sheets?|cards?|photos?|pictures?|screenshots?|images?|slides?"),
    ("ページ", "pages?"),
    ("行", "lines?|rows?"),
    ("語", "words?"),
    ("桁", "digits?"),
)
_QUANTITIES += tuple(
    (f"count of {counter}",
     re.compile(rf"何(?:{counter}){_NOT_ASKING_JA}|\bhow many (?:\w+ )?(?:{nouns})\b"),
     _answers(counter, nouns))
    for counter, nouns in _COUNTERS
)


def missing_quantity(question: str, texts: Iterable[str]) -> str | None:
    """The kind of quantity the question asks for ("duration", "amount of money"...) when
    none of `texts` (the top hits' chunks) holds a number of that kind; None when the
    question asks for no such quantity or one of the texts has it."""
    question = normalize(question).lower()
    asked = [(kind, answers) for kind, asks, answers in _QUANTITIES if asks.search(question)]
    if not asked:
        return None
    haystack = _DATES.sub(" ", normalize("\n".join(texts)).lower())
    for kind, answers in asked:
        if not answers.search(haystack):
            return kind
    return None


def is_unanswered(question: str, top_score: float, floor: float, vocabulary: Vocabulary) -> bool:
    """True for a question naming something the notes never mention, or whose best match
    scores under the index's calibrated floor (calibration.Calibration.floor)."""
    return bool(unknown_names(question, vocabulary)) or top_score < floor
