"""Which language a text is in: the one definition of "Japanese text" for the package.

A question is Japanese when it holds hiragana or kanji (an English question rarely does; a
Japanese one often carries English product names), or when katakana make up at least a third
of its letters: "Lambda タイムアウト" is Japanese, while an English sentence quoting one
katakana term ("What is 'Amember' (アメンバー) in our terminology?") stays English. A note is
Japanese when kana and kanji are at least a tenth of its letters (a Japanese note full of
English service names stays Japanese; an English page quoting one Japanese word stays English). Only 'ja' and 'en' are told apart:
the notes and questions this product serves are in those two.

`language` says how a question is searched (its model prompts, offsets and floors were
measured by it). The language a person is answered in, `reply_language`, follows the
sentence's grammar instead: "What does 切り戻し mean?" is searched as Japanese text (its
key term is Japanese) but asked in English.
"""
from __future__ import annotations

import re

# Hiragana, katakana (incl. the prolonged sound mark U+30FC, small ヶ and the iteration marks
# ゝゞヽヾ), CJK ideographs incl. extension A, CJK compatibility ideographs, half-width katakana
# (ｶﾀｶﾅ, which NFKC folds to katakana), and the kanji-like marks of the CJK symbols block
# (KANJI_MARKS): 様々 and 〆切 are words, 二〇二四 a number, not runs cut by a symbol.
KANJI_MARKS = "\u3005-\u3007\u303b"  # 々 iteration mark, 〆 closing mark, 〇 kanji zero, 〻 vertical iteration mark
JAPANESE_CHARS = f"\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f{KANJI_MARKS}"
JAPANESE_RUN = re.compile(f"[{JAPANESE_CHARS}]+")
_JAPANESE_CHAR = re.compile(f"[{JAPANESE_CHARS}]")
# Hiragana and kanji: the script of Japanese grammar, which an English sentence does not carry.
_HIRAGANA_OR_KANJI = re.compile(f"[\u3040-\u309f\u3400-\u9fff\uf900-\ufaff{KANJI_MARKS}]")
_KATAKANA = re.compile("[\u30a0-\u30ff\uff66-\uff9f]")
QUESTION_KATAKANA_SHARE = 1 / 3  # katakana share of letters that makes a question Japanese
NOTES_JAPANESE_SHARE = 0.1  # share of letters that makes a note Japanese (see the module doc)


def language(text: str) -> str:
    """A question's language: 'ja' when the text contains hiragana or kanji, or katakana
    are at least QUESTION_KATAKANA_SHARE of its letters (katakana and ASCII letters); else 'en'."""
    if _HIRAGANA_OR_KANJI.search(text):
        return "ja"
    katakana = len(_KATAKANA.findall(text))
    if not katakana:
        return "en"
    latin = _latin_letters(text)
    return "ja" if katakana >= QUESTION_KATAKANA_SHARE * (katakana + latin) else "en"


def _latin_letters(text: str) -> int:
    return sum(1 for ch in text if ch.isascii() and ch.isalpha())


def script_share(text: str, lang: str) -> float:
    """Share (0..1) of a text's letters written in `lang`'s script: kana and kanji for 'ja',
    ASCII letters for 'en'; 1.0 for a text with neither. 「scratch のファイルに毎週 touch
    しておけば…」 is Japanese with a third of its letters in English words."""
    japanese = len(_JAPANESE_CHAR.findall(text))
    latin = _latin_letters(text)
    if not japanese + latin:
        return 1.0
    return (japanese if lang == "ja" else latin) / (japanese + latin)


def notes_language(text: str) -> str:
    """A note's language: 'ja' when kana and kanji make up at least NOTES_JAPANESE_SHARE of
    the text's letters (kana, kanji and ASCII letters), else 'en'."""
    japanese = sum(len(run) for run in JAPANESE_RUN.findall(text))
    latin = _latin_letters(text)
    return "ja" if japanese and japanese >= NOTES_JAPANESE_SHARE * (japanese + latin) else "en"


# English grammar: question words, auxiliaries, articles, prepositions, pronouns; never a
# product name ("Lambda、SQS、SNS の違いは？" holds English words but no English grammar).
_ENGLISH_GRAMMAR = frozenset(
    "what how which when where why who whom whose is are was were be been do does did can could should "
    "would will may must the a an of to in on at for from with by about and or not no it its this that "
    "these those there here i we you he she they my our your me us mean means".split()
)
_ASCII_WORD = re.compile("[A-Za-z]+")
# Quoted text is what a sentence talks about, not the sentence: 「How to deploy」のページは？ is
# Japanese, What does "ふりかえり" mean? English. An apostrophe inside a word (What's) opens no quote.
# A quote holds no opener of its own kind: "(" x 60,000 was scanned to its end from each "(",
# 2 s a chat question (an attack, 2026-12-05).
_QUOTED = re.compile(r"「[^「」]*」|『[^『』]*』|“[^“”]*”|‘[^‘’]*’|\"[^\"]*\"|(?<![A-Za-z])'[^']*'(?![A-Za-z])|\([^()]*\)|（[^（）]*）")
# Japanese grammar: hiragana that does not follow a kanji, i.e. particles and endings after a
# name, katakana or a space ("S3の", "バージョニングとは", " の違い"). Hiragana after a kanji may
# be a word's own ending (切り戻し, 締め日), which an English sentence quotes with the word.
_JAPANESE_GRAMMAR = re.compile(f"(?<![\u3400-\u9fff\uf900-\ufaff{KANJI_MARKS}])[\u3040-\u309f]")


def reply_language(text: str) -> str:
    """The language to answer a person in (the UI's and the CLI's own messages): 'en' for
    English text (`language`), and for an English sentence that quotes Japanese terms, i.e.
    outside quotes it has no Japanese grammar (_JAPANESE_GRAMMAR), some English grammar words
    (_ENGLISH_GRAMMAR), and more English words than Japanese runs ("What does 切り戻し mean?");
    else 'ja' ("S3のバージョニングとは？", "EC2 本番"). Not for searching: see `language`.
    A term written in hiragana alone and not quoted reads as Japanese grammar."""
    if language(text) == "en":
        return "en"
    frame = _QUOTED.sub(" ", text)
    if not _ASCII_WORD.search(frame) and not JAPANESE_RUN.search(frame):
        frame = text  # all of it quoted
    if _JAPANESE_GRAMMAR.search(frame):
        return "ja"
    words = _ASCII_WORD.findall(frame)
    english = any(w.lower() in _ENGLISH_GRAMMAR for w in words) and len(words) > len(JAPANESE_RUN.findall(frame))
    return "en" if english else "ja"
