"""Which language a text is in: the one definition of "Japanese text" for the package.

A question is Japanese when it holds hiragana or kanji (an English question rarely does; a
Japanese one often carries English product names), or when katakana make up at least a third
of its letters: "Lambda タイムアウト" is Japanese, while an English sentence quoting one
katakana term ("What is 'Amember' (アメンバー) in our terminology?") stays English. A note is
Japanese when kana and kanji are at least a tenth of its letters (a Japanese note full of
English service names stays Japanese; an English page quoting one Japanese word stays English). Only 'ja' and 'en' are told apart:
the notes and questions this product serves are in those two.
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
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "ja" if katakana >= QUESTION_KATAKANA_SHARE * (katakana + latin) else "en"


def notes_language(text: str) -> str:
    """A note's language: 'ja' when kana and kanji make up at least NOTES_JAPANESE_SHARE of
    the text's letters (kana, kanji and ASCII letters), else 'en'."""
    japanese = sum(len(run) for run in JAPANESE_RUN.findall(text))
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "ja" if japanese and japanese >= NOTES_JAPANESE_SHARE * (japanese + latin) else "en"
