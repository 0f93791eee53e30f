"""Whose detail a question asks for (detailowner.py)."""
from __future__ import annotations

import pytest

from assistant.detailowner import detail_owner


@pytest.mark.parametrize("question, owner", [
    ("What's the shredding company's phone number?", "shredding company"),
    ("What number do I call to reach the battery recycling company?", "battery recycling company"),
    ("What is the phone number of the dorm office?", "dorm office"),
    ("What's the police station's number for handing in lost property?", "police station"),
    ("What is Tanaka's extension?", "tanaka"),
    ("What is the new manager's extension?", "new manager"),
    ("ラベルプリンターが壊れたときの修理業者の電話番号は？", "修理業者"),
    ("院長の携帯の番号は？", "院長"),  # の-chain: the first party, not 携帯
    ("町の電話通訳サービスって何番？", "電話通訳サービス"),  # 電話 inside a name is no detail
    ("経理部の内線番号は？", "経理部"),
    ("What's this month's code for the key box?", "key box"),  # a time is no party
    ("How much is the adult class per month?", None),  # prices keep the key-term rule
    ("ホワイトニングはいくら？", None),
    ("正組合員の年会費はいくら？", "正組合員"),  # whose fee (a fresh user, heldout26)
    ("カフェのランチの料金はいくら？", "ランチ"),
])
def test_the_owner_of_the_asked_detail(question, owner):
    assert detail_owner(question) == owner
