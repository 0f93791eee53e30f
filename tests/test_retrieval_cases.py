"""Kinds of retrieval failure from ../shared/cases/retrieval, each on its tiny corpus (copied
into tests/cases/) with the real bundled model and a real index; plus the logic behind them."""
from __future__ import annotations

import re
import shutil
from urllib.parse import unquote

import pytest

from assistant.build import build_index
from assistant.config import PROJECT_ROOT, from_env
from assistant.lines import code_lines, is_boilerplate, is_content, is_placeholder, is_todo_note, line_units, parent_line
from assistant.noanswer import missing_quantity
from assistant.questionnames import unknown_names
from assistant.vocabulary import Vocabulary
from assistant.retrieve import Searcher, conversation

CASES = PROJECT_ROOT / "tests" / "cases"


def _searcher(case: str, tmp_path_factory) -> Searcher:
    index_dir = tmp_path_factory.mktemp(f"index-{case}")
    seed = PROJECT_ROOT / "index" / "cache.sqlite"
    if seed.exists():  # content-keyed embeddings only: cannot change results
        shutil.copy(seed, index_dir / "cache.sqlite")
    settings = from_env({}, corpus_dir=CASES / case, index_dir=index_dir)
    build_index(settings, progress=False)
    return Searcher(settings)


@pytest.fixture(scope="module")
def duplicates(tmp_path_factory) -> Searcher:
    return _searcher("duplicate-notes", tmp_path_factory)


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> Searcher:
    return _searcher("followup-chain", tmp_path_factory)


# --- duplicate-notes: identical passages in two files take one slot ----------------------------


def test_a_copied_note_takes_one_slot_and_the_other_answer_gets_the_second(duplicates):
    answer = duplicates.search("可視性タイムアウトはどう設定すべき？", 2)
    texts = [" ".join(h.chunk.text.split()) for h in answer.hits]
    assert len(set(texts)) == 2, [h.chunk.source for h in answer.hits]
    assert "lambda.md" in {h.chunk.source for h in answer.hits}  # the "6 倍以上" rule


# --- followup-chain: the topic is two turns back -------------------------------------------------


@pytest.mark.parametrize(
    "turns",
    [
        ["SQSのメッセージ保持期間のデフォルトは？", "その最大値は？", "それを変更するには？"],
        ["What is the default retention period of SQS messages?", "What is its maximum?", "How do I change it?"],
    ],
)
def test_third_turn_keeps_the_first_turns_topic(chain, turns):
    answer = chain.search(turns[-1], 2, history=turns[:-1])
    top = answer.hits[0]
    assert top.chunk.heading_path[-1] == "SQS"
    assert top.chunk.line_start <= 13 <= top.chunk.line_end  # MessageRetentionPeriod
    assert not answer.no_answer


@pytest.mark.parametrize(
    "question, answered",
    [
        ("SQSのメッセージは最大で何日間保持できる？", True),  # "14 日"
        ("How many days can SQS keep a message at most?", True),
        ("CloudWatch Logsの保持期間は何年まで？", True),  # "10 年"
        ("SQSのメッセージ保持の料金はいくら？", False),  # the notes name no price
        ("How much does it cost to keep SQS messages?", False),
        ("Kinesisの保持期間を延長するには何回APIを呼ぶ？", False),  # nor a count of calls
    ],
)
def test_a_question_asking_for_a_quantity_the_hits_never_give_is_not_in_the_notes(chain, monkeypatch, question, answered):
    assert chain.search(question, 3).no_answer is not answered
    monkeypatch.setattr("assistant.verdict.missing_quantity", lambda *args: None)
    assert not chain.search(question, 3).no_answer  # the score alone would answer every one


@pytest.mark.parametrize(
    "question, text, kind",
    [
        ("セキュリティログは何日間保存すべき？", "ログは監査に使う。", "duration"),
        ("移行には何日かかる？", "移行は計画どおり進める。", "duration"),  # 何日か + かる: it does ask
        ("セキュリティログは何日間保存すべき？", "ログは９０日間保存する。", None),  # full-width digits
        ("How many minutes of inactivity before a session times out?", "Sessions end after 2 hours idle.", None),
        ("How many minutes of inactivity before a session times out?", "Sessions end when idle.", "duration"),
        ("How much extra pay do engineers get for an on-call shift?", "On-call is paid at $200 a week.", None),
        ("How much extra pay do engineers get for an on-call shift?", "On-call is a shared duty.", "amount of money"),
        ("ログイン失敗が何回続いたらロックする？", "5回失敗したらロックする。", None),
        ("テキストは何%まで拡大できる必要がある？", "200％まで拡大できること。", None),
        ("ICに直接報告する人が何人を超えると手に負えない？", "7-8人が限度。", None),
        # Found by a fresh tester (79 answerable quantity questions of their own): the forms an
        # answer takes that the first version did not read as a number of the kind.
        ("How much does it cost a TTS employee to use Qualtrics?", "TTS employees can use it for free.", None),
        ("CloudWatchの基本モニタリングはいくら？", "基本モニタリングは無料。", None),
        ("How much money was stolen from Bybit?", "約 15 億ドル相当の暗号資産が盗まれた。", None),
        ("How many times a year should penetration testing be done?", "At least annual testing.", None),
        ("How many times may an IV be used for a fixed key?", "An IV must never be used twice.", None),
        ("ミーティングは何日以内に設定する？", "3営業日以内に設定する。", None),
        ("How many days ahead must I ask?", "Ask three business days ahead.", None),
        ("How many people had their records accessed?", "3.5 million children were affected.", None),
        ("何%のインスタンスにデプロイする？", "半分のインスタンスに順にデプロイする。", None),
        # A count of approvals answers how many people approve (a fresh tester's wiki).
        ("共有ライブラリを変更するときは何人の承認が必要？", "One approval is required, two for shared libraries.", None),
        ("How many reviewers must sign off?", "Two sign-offs are needed before release.", None),
        ("共有ライブラリを変更するときは何人の承認が必要？", "Shared library changes need approval from their owners.", "people"),
        # Any everyday noun for people asks for a count of people (heldout7: "How many volunteers
        # do we have for story time?" over a page naming their training, never their number).
        ("How many volunteers do we have for story time right now?", "Volunteers read twice a month.", "people"),
        ("How many kids can come to the evening session?", "max 15 children; booking opens on the 1st", None),
        ("How many drivers does one truck need?", "運転手 1 名と積込み 1 名", None),
        # ... and the forms that read as one but are not: "and" (an + d), a date, a bare 万.
        ("How many days of sick leave can I take?", "Leave and time off are tracked as requests.", "duration"),
        ("ガイドラインは何ヵ月ごとに見直される？", "2025年8月9日に公開した。", "duration"),
        ("いくら盗まれた？", "350万人の情報が盗まれた。", "amount of money"),
        ("保証金はいくらいる？", "大型ごみは事前に申し込む。", "amount of money"),  # いくら + いる, not 〜いくらい
        # A bound of a time setting asks for a duration; a data size or rate for bytes (the
        # seed's no-answer questions: API Gateway's timeout, a Kinesis shard, S3 multipart).
        ("What's the maximum integration timeout for an API Gateway REST API?", "Lambda プロキシ統合を使う。", "duration"),
        ("What's the maximum integration timeout for an API Gateway REST API?", "統合タイムアウトは最大29秒。", None),
        ("Lambdaのタイムアウトの最大値は？", "Lambda はイベント駆動。", "duration"),
        ("Lambdaのタイムアウトの最大値は？", "Lambda は 15 分まで実行できる。", None),
        ("How much data per second can a single shard ingest?", "シャードは分割できる。", "size"),
        ("How much data per second can a single shard ingest?", "書き込みは 1MB/秒 まで。", None),
        ("Above what object size should I use multipart upload?", "大きなファイルはマルチパートで送る。", "size"),
        ("Above what object size should I use multipart upload?", "100 MB を超えたらマルチパート。", None),
        ("How big can a DynamoDB item be?", "Items are stored in tables.", "size"),
        ("DynamoDBのアイテムサイズの上限は？", "アイテムは 400KB まで。", None),
        # 何日もらえる asks (何日も alone is "many days"): heldout5's no-answer question.
        ("有給休暇は年に何日もらえる？", "有給休暇は人事に申請する。", "duration"),
        ("有給休暇は年に何日もらえる？", "入社 6 か月後から年 10 日。", None),
        # "電話番号わかる？" asks for the number (heldout22, 23).
        ("七瀬川消防署の電話番号わかる？", "消防署は駅の隣。", "phone number"),
        ("港湾事務所の電話番号って分かる？", "港湾事務所 0000-41-7000", None),
        # A count of things by its counter or noun, in either language.
        ("リリースノートは何文字まで書ける？", "リリースノートは日本語のみ。", "count of 文字"),
        ("How many characters can release notes have?", "最大 500 文字", None),
        ("How many test phones can I borrow at once?", "端末は共有ライブラリにある。", "count of 台"),
        ("何台まで借りられる？", "At most 3 devices.", None),
        ("How many items can I add?", "3個まで", None),
        # A time of day (a fresh user, wiki-dev: "オンコールの交代は何時に行う？" over a line on
        # swapping shifts); a clock time or a part of the day answers it, a duration does not ask it.
        ("オンコールの交代は何時に行う？", "オンコールの時間を交代できる。", "time of day"),
        # the real line (wiki-dev): 夜 is a word of its own there, no time of day
        ("オンコールの交代は何時に行う？", "町の外からの友達と夜を過ごすために、オンコールの時間を交代できる。", "time of day"),
        ("何時に出社する？", "疲れていたら正午に出社してよい。", None),
        ("何時から何時まで？", "10時から17時まで", None),
        ("What time does the truck leave the depot?", "Trucks leave at 7:30.", None),
        ("What time is the triage?", "Every morning, before stand-up.", None),
        ("What time is the triage?", "It takes 30 minutes.", "time of day"),
        ("何時間かかる？", "30分", None),
        ("How long are logs kept?", "Logs are kept indefinitely.", None),  # "how long" may ask a length
        ("How often do we rotate keys?", "Keys are rotated weekly.", None),
        ("SQSとは？", "キューサービス。", None),
        # A price named by what it is (heldout8/9 no-answer questions: "hourly pay", "per night",
        # a long name between "how much" and "cost"), a phone number, opening hours.
        ("How much is a single room per night?", "シングルは 30 室", "amount of money"),
        ("How much is a single room per night?", "シングル 1 泊 8,000 円", None),
        ("How much does a pack of the yellow burnable-waste bags cost?", "Bags are sold at shops.", "amount of money"),
        ("白波リネンの電話番号は？", "白波リネンが毎日回収します。", "phone number"),
        ("白波リネンの電話番号は？", "白波リネン 03-1234-5678", None),
        # a phone number is no date (an attack run: "0000-12-5530" was stripped as one)
        ("粗大ごみ受付センターの電話番号は？", "粗大ごみ受付センター（0000-12-5530）", None),
        ("What's the phone number of the desk?", "内線：204", None),
        ("What's the phone number of the desk?", "内線は204番", None),
        ("What's the phone number of the desk?", "03−1234−5678", None),
        ("What's the phone number of the repair shop?", "The shop is open on weekdays.", "phone number"),
        ("What's the phone number of the repair shop?", "Call ext. 204.", None),
        ("What number do I call for an ambulance?", "Call 119 first.", None),
        ("What are the opening hours of the branch library?", "The branch's opening is in April.", "opening hours"),
        ("受付時間は？", "9:00〜17:00", None),
        ("受付時間は？", "九時から五時まで", None),
        ("受付時間は？", "年中無休・終日", None),
        ("What are the opening hours of the clinic?", "Open 24 hours.", None),
        ("What are the opening hours of the clinic?", "Weekdays 9 to 5.", None),
        ("What's the late fee for a DVD?", "There is no fee for late DVDs.", None),
        # a second attack run: a relative price answers
        ("How much do spot instances cost?", "オンデマンド料金と比較して最大90%の割引", None),
        ("延滞の料金は？", "延滞しても料金はかかりません。", None),
        # asked after an embedded question or a sentence asking who or where, or in one
        ("カレーを何個作るかは誰が決めて、何時に始める？", "店長が決める。", "time of day"),
        ("Where is the form? How many days does it take?", "The form is on the desk.", "duration"),
        ("Where is the form, and how many days does it take?", "The form is on the desk.", "duration"),
        ("何個焼くか教えて", "店長が決める。", "count of 件|個"),
        # who knows it, or where to find it, still asks the amount (an attack on the rule)
        ("Who knows how much a dental cleaning costs?", "Dental cleaning is done under anaesthesia.", "amount of money"),
        ("Where can I find how much a microchip implant costs?", "Microchips are implanted at 8 weeks.", "amount of money"),
        # a secret asked for by value: wikis keep it out ("changes monthly, not written here")
        ("What's this month's Wi-Fi password?", "パスワードは毎月 1 日に変わるので、wiki には書かない。", "access code"),
        ("What's the code for the key box by the staff door?", "The key box holds the opening set.", "access code"),
        ("Is there a staff Wi-Fi, and what's its password?", "Staff use the office network.", "access code"),
        ("金庫の暗証番号は？", "金庫は店長が管理する。", "access code"),
        ("What's the alarm code?", "Punch in 4512 within 30 seconds.", None),
        ("What's the code to switch off the alarm?", "The code is MZ-2207.", None),
        ("What's the guest Wi-Fi password?", "Guest Wi-Fi password: kazahana-guest", None),
        ("What's the guest Wi-Fi password?", "| Wi-Fi | パスワード | kazahana |", None),
        ("Wi-Fiのパスワードは何？", "パスワードは「yama-kawa」。", None),
        ("What's the alarm code?", "警報の解除コードは 4512", None),
        ("What's the guest Wi-Fi password?", "| Wi-Fiパスワード | kazahana |", None),
        # a number or token on another line, a QR code, a password manager's name give none
        ("What's the alarm code?", "火事は 119 番。\nQR コード決済は 300 円から。", "access code"),
        ("What's the guest Wi-Fi password?", "| 1Password | 初日中 | マスターパスワードは誰にも教えない。", "access code"),
        ("What's the guest Wi-Fi password?", "パスワードは 1Password の「App Review」項目にある。", "access code"),
        # the ways notes give one (an attack on the rule, 2026-12-03) ...
        ("暗証番号は？", "暗証番号は２５８０です。", None),
        ("What's the Wi-Fi password?", "The Wi-Fi password is sunflower.", None),
        ("Wi-Fiのパスワードは？", "パスワードは kazahana です", None),
        ("What's the door code?", "The door code is 1-9-7-3", None),
        ("暗証番号は？", "暗証番号\n2580", None),
        ("暗証番号は？", "| 金庫 | 4821 |", None),
        ("What's the Wi-Fi password?", "Wi-Fi (guest): sunflower", None),
        # ... and the ways they keep it out
        ("What's the Wi-Fi password?", "The Wi-Fi password is kept in 1Password.", "access code"),
        ("What's the door code?", "Emergency: call the alarm company at 0120-123-456.", "access code"),
        ("暗証番号は？", "暗証番号は毎月変わります。店長に聞いてください。", "access code"),
        # asked in other words
        ("Tell me the Wi-Fi password", "Staff use the office network.", "access code"),
        ("金庫の暗証番号を教えて", "金庫は店長が管理する。", "access code"),
        ("Which code opens the back door?", "The back door closes at 22:00.", "access code"),
    ],
)
def test_the_quantity_a_question_asks_for(question, text, kind):
    assert missing_quantity(question, [text]) == kind


@pytest.mark.parametrize(
    "question",
    [
        "何回も同じアラートの通知が来るのはなぜ？", "何日も続くインシデントではICはどう交代する？",
        "何人かが同時に話し始めたらどうする？", "いくら待ってもレスポンスが返ってこない場合は？",
        "いくらでもLambda関数を同時に実行できる？", "ABテストで、いくらかの精度低下は許容される？",
        "How much should we pay attention to alert fatigue?",
        "How much does a cache miss cost in latency?", "No matter how many times I retry, it fails. Why?",
        "What happens on a timeout?", "How do I set the timeout?", "タイムアウトを延ばすには？",
        "What size instance should I pick?", "How big is the team?", "容量が足りないときは？",
        # "〜ないくらい" / "〜いくらい" (to the point of ...) holds the letters of いくら (how much):
        # a heat-stroke follow-up was flagged "not in the notes" (heldout8, h8f-003).
        "自分で水も飲めないくらいだったら？", "立っていられないくらい痛いときは？", "多いくらいでいい？",
        # About a price, a phone number or opening hours, asking for none (heldout9's h9-028).
        "What is the price list format?", "What's the pay period?", "Who is in charge of the desk?",
        "電話で予約を受けた。お客様の電話番号はハイフン付きで入れていい？", "料金表はどこにある？",
        # A price asked by its noun alone is answered in words as often (an attack run:
        # 会社負担, 課金されない, 2倍, 最も低コスト, a table whose header holds the unit).
        "いくらか安くなる？", "停止したEC2インスタンスっていくらかかる？", "What's the fee for a three-seat sofa?", "停止中のEC2インスタンスの料金は？", "初日のチームランチの費用は？",
        "What is the cost of the prediction cache pattern?", "What's the way to pay for a company's stay?",
        "超遠心機の利用時間は？",  # how long one may use it, not opening hours
        "What's the evacuation procedure if the fire alarm goes off during opening hours?",
        # an embedded question: it asks who (heldout10's h10-040, flagged for want of a count)
        "午後の焼き足しで何を何個焼くかは誰が決めるの？", "いくらかかるかは誰に聞けばいい？",
        "Who decides how many days off I get?", "Why does the proofing take 3 hours?",
        # about a password or code, asking for none (the seed's and heldout5's answered ones)
        "Why must nobody change the password of the store-review demo account?", "What is the password policy?",
        "お客様に「ネットにつなぎたいのでパスワードを教えて」と言われた。", "What's the password manager we use?",
        "Which code do I put on a bag the crows tore open?", "解析サーバにはパスワードでログインできますか？",
        "What's the zip code of the office?", "What's the code of conduct?",
        "What's the project code for overtime?", "What's the password for?", "What's the password rotation schedule?",
    ],
)
def test_words_of_quantity_that_ask_for_no_number(question):
    # The fresh tester's non-quantity questions: 9 of 15 were flagged by the first version.
    assert missing_quantity(question, ["本文に数字はない。"]) is None


@pytest.mark.parametrize(
    "line",
    [
        ",".join(str(8000 + i) for i in range(4000)),  # a firewall's allowed ports (22 KB): 15 s
        "1,," * 5000,  # separators with no digit between them: 36 s at 20,000 characters
        "1." * 6000,
        "一二三四五六七八九十" * 1000,  # kanji numerals: 25 s at 10,000
        "数" * 10000,
    ],
    ids=["ports", "double-commas", "dotted", "kanji-numerals", "kazu"],
)
def test_a_long_line_of_numbers_in_a_hit_costs_no_more_than_reading_it(line):
    # An attack run (2026-12-01): a number could start after any separator or numeral inside
    # a run, and each start read to the run's end, so every question asking a quantity took
    # time quadratic in the longest run of digits in its top hits (16 s for 3,000 ports).
    import time

    for question in ("How many days are the logs kept?", "保持期間は何日？", "何人まで？", "いくら？",
                     "白波リネンの電話番号は？", "受付時間は？"):
        start = time.perf_counter()
        assert missing_quantity(question, [line]) is not None
        assert missing_quantity(question, [line + " 30 days 30日 3人 5 people 100円 03-1234-5678 9:00〜17:00"]) is None
        assert time.perf_counter() - start < 1.0, question


def test_a_follow_up_shares_its_conversations_words_for_not_in_the_notes(chain, monkeypatch):
    # A follow-up names its topic only in earlier turns: its answer line ("保持期間は ...
    # で変更する") repeats none of "どうやって変える？"'s own words. With the floor for
    # questions sharing no word with their answer line put out of reach, the question alone
    # is "not in the notes"; asked after its topic, the conversation's words count.
    from assistant import calibration

    monkeypatch.setattr(calibration, "SAME_LANGUAGE_NO_SHARED_TERM_POSITION", 50.0)
    assert chain.search("どうやって変える？", 2).no_answer
    answer = chain.search("どうやって変える？", 2, history=["SQSのメッセージ保持期間のデフォルトは？"])
    assert answer.hits[0].chunk.heading_path[-1] == "SQS"
    assert not answer.no_answer


def test_conversation_goes_back_to_the_latest_turn_with_its_own_topic():
    assert conversation(("SQS?", "Kinesis?"), "その最大値は？") == "Kinesis? その最大値は？"
    assert conversation(("SQS?", "その最大値は？"), "それを変更するには？") == "SQS? その最大値は？ それを変更するには？"
    # "going back to" reaches past the latest topic: every earlier turn, at most MAX_CONTEXT_TURNS
    assert conversation(("SQS?", "Kinesis?"), "さっきの話に戻るけど、最大は？") == "SQS? Kinesis? さっきの話に戻るけど、最大は？"
    assert conversation(tuple("abcdefg"), "going back, q").split()[:4] == ["d", "e", "f", "g"]
    # A turn naming at most one word and nothing in Latin letters was a follow-up itself: the
    # chain goes on past it ("土日は？" was read as a topic of its own and the dough two turns
    # back was lost: heldout10's h10f-005, Gemma).
    dough = ("ドウコンディショナーは平日どのプログラムを使う？", "土日は？")
    assert conversation(dough, "生地を入れたら、帰る前に何をする？") == " ".join([*dough, "生地を入れたら、帰る前に何をする？"])
    assert conversation(("ロッカーのマスターキーってどこ？", "開けるとき、気をつけることある？"), "お金はもらうの？").startswith("ロッカー")
    # ... but a short turn naming a word in Latin letters names its topic ("Kinesis?" above)
    assert conversation(("SQSの保持期間は？", "KMSは？"), "その最大値は？") == "KMSは？ その最大値は？"


@pytest.mark.parametrize(
    "turns, heading",
    [
        (["SQSのメッセージ保持期間のデフォルトは？", "Kinesis Data Streamsのデータ保持期間のデフォルトは？", "その最大値は？"], "Kinesis Data Streams"),
        (["Kinesis Data Streamsのデータ保持期間のデフォルトは？", "SQSのメッセージ保持期間のデフォルトは？", "その最大値は？"], "SQS"),
    ],
)
def test_a_follow_up_takes_the_latest_topic_not_an_older_one(chain, turns, heading):
    # Found by a new-user trial: "SQS? / Lambda? / その最大値は？" answered SQS's maximum.
    top = chain.search(turns[-1], 2, history=turns[:-1]).hits[0]
    assert top.chunk.heading_path[-1] == heading


# --- boilerplate is never the answer -------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    ["## Setup", '<details markdown="block">', "<summary> Compliance and records</summary>", "</details>",
     "::: tip", '!!! note "ドキュメント化"', "理由:", "**理由：**", "- [Internal Guide](https://example.com/a)",
     "* [A](a) / [B](b)", "TODO", "</td>", "- Edge prediction pattern: To do", "ログ設計 - TBD", "運用手順（準備中）"],
)
def test_boilerplate_lines(line):
    assert is_boilerplate(line) and not is_content(line)


@pytest.mark.parametrize(
    "line",
    ["- SQS の保持期間は最大 14 日。", "| SEV-2 | 重大な問題 |", "See [the docs](https://example.com) for limits.",
     "理由: 顧客に影響があるため", "- TODO: write the retry policy", "<td>SEV-1</td>"],
)
def test_content_lines(line):
    assert is_content(line) and not is_boilerplate(line)


# --- code: markup inside a fence is the answer, not framing ----------------------------------------

CODE_SECTION = ["#### contentDescription属性に読み上げテキストを設定する", "", "```xml",
                '<ImageView android:contentDescription="hoge" />', "</LinearLayout>", "```", '<details markdown="block">']


def test_code_lines_are_the_lines_between_the_fence_markers():
    assert code_lines(CODE_SECTION) == [False, False, False, True, True, False, False]
    # a longer closer closes; a shorter one, or one with text after it, does not
    assert code_lines(["~~~~", "~~~", "~~~~ x", "a", "~~~~~", "b"]) == [False, True, True, True, False, False]


def test_a_tag_with_attributes_is_an_answer_line_in_code_but_framing_outside_it():
    from assistant.chunking import Chunk

    code = code_lines(CODE_SECTION)
    assert is_content(CODE_SECTION[3], code[3])
    assert not is_content(CODE_SECTION[4], code[4])  # a bare closing tag says nothing
    assert not is_content(CODE_SECTION[6], code[6]) and not is_content(CODE_SECTION[3])
    chunk = Chunk("a.md", "T", ("T", "Android"), "", None, 1, len(CODE_SECTION), "\n".join(CODE_SECTION))
    units = {u.line: u.text for u in line_units(chunk, 0, CODE_SECTION)}
    assert units[4] == 'Android: <ImageView android:contentDescription="hoge" />'


# --- names the notes write otherwise -------------------------------------------------------------


VOCAB = Vocabulary(["東京リージョンで使う", "対応OS: Windows/Mac", "通知はスラックで", "ＡＷＳ の設定",
                    "設定は CodeDeployDefault.HalfAtTime を選ぶ", "| 宿泊費 | 23区・名古屋市は 1泊 15,000円 |",
                    "プルリクエストを出す", "| `lint-check` | on push |", "海水から環境DNAを抽出する"])


@pytest.mark.parametrize(
    "question",
    ["Which instance types are offered in the Tokyo region?", "Does the client run on Mac?",
     "Where do Slack notifications go?", "ＡＷＳの設定は？", "AWSの設定は？", "Windows/Macのどちらで動く？",
     "HalfAtTimeでは何%にデプロイする？",  # a dotted name's part (found by a fresh tester)
     "What's the hotel allowance in Nagoya?",  # after a middle dot: 区・名古屋 reads "Ku/Nagoya"
     "Who reviews a PR?",  # プルリクエスト reads "pull request"
     "Which LINT rules apply?",  # a part of a hyphenated word
     "How much lysis buffer goes into the eDNA bead tube?"],  # a prefixed acronym (環境DNA; a held-out wiki)
)
def test_names_written_in_japanese_combined_or_full_width_are_known(question):
    assert unknown_names(question, VOCAB) == []


def test_a_name_the_notes_never_write_is_still_unknown():
    assert unknown_names("Does it run on Linux in the Osaka region?", VOCAB) == ["Linux", "Osaka"]
    assert unknown_names("Do we use gRPC for it?", VOCAB) == ["gRPC"]  # its acronym is unknown too


@pytest.mark.parametrize(
    "question",
    ["What alert priority is it when 75% of requests fail?", "Which content needs a 2D layout?",
     "Why 44px when the rule asks for 24x24 px targets?", "1on1面談はいつ？",
     # a date: heldout5's h-028, over notes that name flags by a date format
     "What should I name a new flag for the budget area created in June 2024?", "Was it fixed by Sept. 3rd?"],
)
def test_numbers_and_measurements_are_not_names(question):
    assert unknown_names(question, VOCAB) == []


def test_a_measured_value_in_units_the_notes_use_is_not_a_name():
    # heldout13 (h13-037): the reading "0.08 mg/L" was an unknown name, so an answered question
    # was "not in the notes"; the notes give the threshold, 0.1 mg/L.
    vocab = Vocabulary(["- 0.1 mg/L or more: finish.", "40 mm 以下のメーター", "Windows のみ"])
    assert unknown_names("消火栓から洗管して、最後に DPD で残留塩素を測ったら 0.08 mg/L だった。", Vocabulary(
        ["Measure residual chlorine with the DPD kit.", "- 0.1 mg/L or more: finish."])) == []
    assert unknown_names("Is 0.08 mg/L enough?", vocab) == []
    assert unknown_names("Is 0.08 PPM enough?", vocab) == ["0.08 PPM"]  # a unit the notes never use
    assert unknown_names("Does it run Windows 11?", vocab) == ["Windows 11"]  # a name with a number


def test_words_english_capitalises_by_grammar_are_known_when_the_notes_write_them_in_japanese():
    vocab = Vocabulary(["日本語の全角文字は24px以上", "毎週月曜日に定例"])
    assert unknown_names("How big must Japanese text be?", vocab) == []
    assert unknown_names("Is the meeting on Monday?", vocab) == []
    assert unknown_names("Do we translate the pages into Korean?", vocab) == ["Korean"]
    assert unknown_names("Is it in Japanese?", Vocabulary(["英語のみ"])) == ["Japanese"]


def test_a_channel_is_known_only_as_a_whole():
    # heldout5's hn-006: "#mobile-design" was known by the notes' "mobile" and "design".
    vocab = Vocabulary(["The mobile team posts builds in #mobile-dev.", "Design reviews are on Fridays."])
    assert unknown_names("Slackの#mobile-designチャンネルは何に使う？", vocab) == ["mobile-design", "Slack"]
    assert unknown_names("What is the #mobile-design channel for?", vocab) == ["mobile-design"]  # lowercase: no name run
    assert unknown_names("What is #mobile-dev for?", vocab) == []
    assert unknown_names("#mobile-devsって何？", vocab) == []  # a plural (an attack run: #lab-meetings)
    assert unknown_names("#mobile-crashes チャンネルには何が流れる？", Vocabulary(["`#mobile-crash` | 結果"])) == []
    assert unknown_names("Who reads the mobile design notes?", vocab) == []
    assert unknown_names("Is issue #42 fixed?", vocab) == []  # a number, no channel


def test_a_japanese_name_marked_by_quotes_or_an_honorific_must_be_in_the_notes():
    # heldout7: 移動図書館「やまびこ号」 over notes whose bookmobile has another name was answered
    vocab = Vocabulary(["移動図書館「うみかぜ号」は毎週火曜に回る", "担当は佐藤さん（内線220）", "「推奨」のテスト"])
    assert unknown_names("移動図書館「やまびこ号」の巡回日を教えて。", vocab) == ["やまびこ号"]
    assert unknown_names("「うみかぜ号」の巡回日は？", vocab) == []
    assert unknown_names("田中先生の内線番号を教えて", vocab) == ["田中"]
    assert unknown_names("佐藤さんの内線は？", vocab) == []
    # a name with the iteration mark 々 (heldout16: "バイトの佐々木さん" was never looked up)
    assert unknown_names("バイトの佐々木さん、今週の休みは何曜日？", vocab) == ["佐々木"]
    assert unknown_names("佐々木さんの内線は？", Vocabulary(["担当は佐々木さん（内線221）"])) == []
    # a name the notes write in Latin letters, a loanword in its English spelling (heldout16:
    # 「まとめ役のリーダーさんからも宿泊代をもらう？」 over "the leader stays free" was flagged)
    english = Vocabulary(["For groups of 15 or more, the leader stays free.", "Ask Sasaki (ext. 221)."])
    assert unknown_names("まとめ役のリーダーさんからも宿泊代をもらう？", english) == []
    assert unknown_names("佐々木さんの内線は？", english) == []
    assert unknown_names("田中さんの内線は？", english) == ["田中"]
    assert unknown_names("「推奨」のテストが終わってなくてもいい？", vocab) == []
    # a quoted remark is no name; お客様 and 皆さん are no names either
    assert unknown_names("経営陣から「これ本当に重大なの？」と聞かれたら？", vocab) == []
    # nor one without punctuation (heldout10's h10-038, answered by the FAQ's Wi-Fi entry)
    assert unknown_names("お客様に「ネットにつなぎたいのでパスワードを教えて」と言われた。", vocab) == []
    # a trade and さん is its vendor, no person (heldout30: 「リネン屋さんに出すバスタオルって1枚
    # いくら？」 was flagged in both profiles for リネン屋); a surname of one character and 屋 stays one
    linen = Vocabulary(["| 品目 | 1 枚 |", "リネンは白波リネンに出す"])
    assert unknown_names("リネン屋さんに出すバスタオルって1枚いくら？", linen) == []
    assert unknown_names("布団屋さんは何時に来る？", linen) == ["布団屋"]
    assert unknown_names("土屋さんの内線は？", linen) == ["土屋"]
    # a shop's own name is known whole, as the notes write it (an attack: 高島屋 as "Takashimaya")
    assert unknown_names("高島屋さんの電話番号は？", Vocabulary(["Takashimaya (gift vouchers desk), phone: 0000-11-2222"])) == []
    assert unknown_names("「早く来て」と言われたら？", vocab) == []
    # a name ends in a noun, whatever verb it holds, and a quote with a noun right after it
    # names a thing however it reads (an attack: plan and product names)
    assert unknown_names("「夏のおはなし会」はいつ？", vocab) == ["夏のおはなし会"]
    assert unknown_names("「ゆっくり泊まろう」プランの料金はいくら？", vocab) == ["ゆっくり泊まろう"]
    assert unknown_names("お客様と皆さんへの連絡は？", vocab) == []


def test_a_proper_noun_with_nouns_written_onto_it_is_one_name():
    # heldout14 and heldout17: 「北沢FM」 and 「霞野東プール」 over notes naming 北沢 and 霞野 for
    # other things were answered from them.
    vocab = Vocabulary(["北沢の送信所は毎月点検する、FM の音声", "霞野市民プールの営業時間", "霞野駅から徒歩5分", "担当は乙部（内線12）"])
    assert unknown_names("北沢FM と共同で放送するとき、向こうの担当者って誰？", vocab) == ["北沢FM"]
    assert unknown_names("霞野東プールの回数券って、うちでも使える？", vocab) == ["霞野東プール"]
    assert unknown_names("霞野市民プールの営業時間は？", vocab) == []
    assert unknown_names("霞野駅からの道順は？", vocab) == []
    # the honorific after a person's name is no part of it: the notes write 乙部
    assert unknown_names("今夜チャットで乙部さんにメッセージ送っとけば大丈夫？", vocab) == []
    # the notes may write a name's parts apart: a space, の (an attack: each was flagged)
    apart = Vocabulary(["風花市 防災課：0000-12-8800", "奥沢村の産業観光課に電話する", "鷹見山の送信機に異常があると",
                        "霞野信用金庫 北町支店の夜間金庫"])
    for question in ("風花市防災課の電話番号は？", "奥沢村産業観光課に電話するのはどんなとき？",
                     "鷹見山送信機に異常があるとどうなる？", "霞野信用金庫北町支店の夜間金庫に今も売上を入れに行く？"):
        assert unknown_names(question, apart) == [], question
    assert unknown_names("風花市消防課の電話番号は？", apart) == ["風花市消防課"]
    # a name with Latin letters the notes write, together or apart (my own read: 風花FM was
    # never "written", the notes' Japanese runs leaving its letters out)
    latin = Vocabulary(["風花FMの周波数は 78.5 MHz", "JR 奥沢駅から徒歩5分", "北沢の送信所"])
    assert unknown_names("風花FMの周波数は？", latin) == []
    assert unknown_names("jr奥沢駅からの道順は？", latin) == []
    assert unknown_names("北沢FMの周波数は？", latin) == ["北沢FM"]
    # a person's name before a title is looked up as with an honorific (heldout17: 田中コーチ)
    staff = Vocabulary(["ジュニアBは火曜。コーチ: 田中", "担当は佐藤（店長）", "Ask Dr. Suzuki"])
    assert unknown_names("田中コーチのジュニア B って何曜日だっけ？", staff) == []
    assert unknown_names("佐藤店長に連絡したい", staff) == []
    assert unknown_names("鈴木医師の診察日は？", staff) == []
    assert unknown_names("山田部長の内線は？", staff) == ["山田"]
    assert unknown_names("ヘッドコーチは誰？", staff) == []
    # a proper noun the notes never write may be there in English (heldout10, heldout6)
    english = Vocabulary(["Terroir T65 French flour ran out: use bread flour.", "Raise the annealing temperature."])
    assert unknown_names("バゲット用のフランス粉が切れた。何で代わりにする？", english) == []
    assert unknown_names("16S増幅のアニーリングは何度で何秒？", english) == []


@pytest.mark.parametrize(
    "question",
    [
        # heldout11: a customer, a pet, a breed, an insurer in the situation before the question
        "Mrs. Kimura wants to come and see her dog in the ward on Wednesday at 3 p.m. Is that all right?",
        "Mrs. Hayashi is on the phone in a panic: her Labrador just ate half a bar of chocolate and she asks, "
        '"Should I give him salt water to make him sick?" What do I tell her?',
        'Mr. Kondo hands me his Hanamaru Pet Insurance card and says, "Last year you only charged me my share." '
        "What do I do with the card?",
        # heldout9: a guest's country, a card brand the notes write "Diners"
        "A guest from France with no address in Japan won't let me copy his passport. What should I do?",
        "A guest wants to pay with his Diners Club card. Is that OK?",
    ],
)
def test_a_name_in_the_situation_before_the_question_is_not_what_is_asked(question):
    assert unknown_names(question, Vocabulary(["Insurance cards are copied at the desk.", "Dogs stay in the ward."])) == []


def test_a_name_in_the_asking_sentence_or_a_code_anywhere_is_still_looked_up():
    vocab = Vocabulary(["Insurance cards are copied at the desk.", "Dogs stay in the ward."])
    assert unknown_names("What is Mr. Kondo's extension?", vocab) == ["Kondo"]
    assert unknown_names("Mrs. Kimura called. Is Dr. Fujimoto in today?", vocab) == ["Fujimoto"]
    assert unknown_names("The self-checkout shows E-405. What does it mean?", vocab) == ["E-405"]
    assert unknown_names("自動貸出機にE-405と表示された。どういう意味？", vocab) == ["E-405"]
    assert unknown_names("Slackで聞かれた。Bitriseの設定は？", vocab) == ["Slack", "Bitrise"]  # Japanese: every sentence
    # an attack on the rule: the asking sentence is the last one ending in "?", not a
    # pleasantry after it; a colon ends no sentence; a possessive points back to the owner
    assert unknown_names("What is Dr. Nakamura's extension number? Thanks!", vocab) == ["Nakamura"]
    assert unknown_names("Who is Ms. Hayashi? She left a note for the kitchen.", vocab) == ["Hayashi"]
    assert unknown_names("Quick one about Zoetis: can we order from them directly?", vocab) == ["Zoetis"]
    assert unknown_names("Our new nurse Haruka starts on Monday. Which locker is hers?", vocab) == ["Haruka"]
    assert unknown_names("A manager from Uber Eats called today. How do we put our bread on their app?", vocab) == ["Uber Eats"]


def test_a_weekday_is_when_not_what_whether_or_not_the_notes_write_it():
    # Route tables write 水曜 / 第1・第3水曜, not CLDR's 水曜日: "Is there a pickup on the fifth
    # Wednesday?" was flagged "not in the notes" at rank 1 (heldout8 h8-003, both models). A
    # bakery's notes answer Saturdays in their rule for 土日 (heldout10: three answered
    # questions flagged for "Saturday", both models), and a shop open 月〜土 answers Sunday.
    vocab = Vocabulary(["第5水曜は不燃・資源の収集なし。", "土日と祝日は 3:00 に発酵へ切り替え"])
    assert unknown_names("Is there a non-burnable pickup on the fifth Wednesday?", vocab) == []
    assert unknown_names("How many shokupan loaves do we bake on a Saturday?", vocab) == []
    assert unknown_names("Is there a pickup on Friday?", vocab) == []
    assert unknown_names("Is the shop open on Sundays? Sat.?", vocab) == []
    assert unknown_names("Is the Friday Market open?", vocab) == ["Friday Market"]  # a name with a weekday in it


def test_a_name_the_notes_write_in_the_plural_is_known_in_the_singular():
    # "picks up on Tuesdays" answers "Is the Tuesday bulky pickup still on?" (heldout8).
    vocab = Vocabulary(["The bulky crew picks up on Tuesdays and Thursdays.", "Runbooks are kept in Git."])
    assert unknown_names("Is the Tuesday bulky pickup still on?", vocab) == []
    assert unknown_names("Where are the Runbook templates?", vocab) == []
    assert unknown_names("Where are the Playbook templates?", vocab) == ["Playbook"]



def test_a_title_is_no_name_and_the_name_after_it_is_looked_up():
    vocab = Vocabulary(["Ask Usami (ext. 311) before you book the crane."])
    assert unknown_names("Who is Ms. Usami?", vocab) == []
    assert unknown_names("What does Dr. Usami approve?", vocab) == []
    assert unknown_names("What's the extension number of Professor Usami?", vocab) == []  # a second attack run
    assert unknown_names("What is Mr. Tanaka's extension?", vocab) == ["Tanaka"]
    assert unknown_names("Who is Mr Tanaka?", vocab) == ["Tanaka"]

# --- answers in tables ------------------------------------------------------------------------------


def test_a_table_row_is_embedded_with_its_header_and_html_tags_are_dropped():
    from assistant.chunking import Chunk
    from assistant.lines import line_units

    lines = ["| Priority | Response |", "|---|---|", "| Medium | 24時間以内 |", '<p class="response">JIRAチケット</p>']
    chunk = Chunk("a.md", "T", ("T", "Alerts"), "", None, 1, 4, "\n".join(lines))
    units = {u.line: u.text for u in line_units(chunk, 0, lines)}
    assert 2 not in units  # the |---| rule is no answer line
    assert units[3] == "Alerts: Priority: Medium; Response: 24時間以内"
    assert units[4] == "Alerts: JIRAチケット"


def test_a_tables_header_row_is_never_the_answer_line():
    """The header names the columns, read with each row; shown alone as the answer it said
    nothing ("| Severity | Definition | Example |" for "Tell me about Severity levels")."""
    import numpy as np

    from assistant.chunking import Chunk
    from assistant.highlight import LineRanker
    from assistant.lines import LineUnit, is_table_header
    from assistant.vectors import FaissIndex

    lines = ["| Severity | Definition |", "|---|---|", "| SEV1 | Everyone is down |", "| SEV2 | One feature is down |"]
    assert [is_table_header(lines, i) for i in range(4)] == [True, False, False, False]
    assert not is_table_header(["| a | b |", "| c | d |"], 0)  # rows without a rule: no header
    chunk = Chunk("a.md", "T", ("T", "Severity levels"), "", None, 1, 4, "\n".join(lines))
    units = [LineUnit(n, 0, f"Severity levels: {lines[n - 1]}") for n in (1, 3, 4)]
    ranker = LineRanker([chunk], units, FaissIndex.build(np.eye(3, 8, dtype=np.float32), "flat"))
    assert ranker.line_header.tolist() == [True, False, False]
    shown = ranker.highlights([0], np.eye(3, 8, dtype=np.float32)[0], "Severity Definition", None)  # the header's own words and vector
    assert shown and 1 not in shown


def test_a_lists_lead_in_is_never_the_answer_line():
    """"Before taking leave, be sure to:" introduces the items that answer; shown first, it
    answered nothing (wiki-dev, a fresh new user). A colon line without a list after it, a
    bullet ending in a colon and a code line are no lead-ins."""
    import numpy as np

    from assistant.chunking import Chunk
    from assistant.highlight import LineRanker
    from assistant.lines import LineUnit, code_lines
    from assistant.paragraphleads import is_list_lead_in
    from assistant.vectors import FaissIndex

    lines = ["Before taking leave, be sure to:", "", "- submit a request", "- tell your team", "**Note:**", "Ask early."]
    code = code_lines(lines)
    assert [is_list_lead_in(lines, i, code) for i in range(len(lines))] == [True, False, False, False, False, False]
    for other in (["- steps:", "  - one"], ["```", "run:", "- x", "```"], ["手順は次のとおり：", "1. 申請する"]):
        assert [is_list_lead_in(other, i, code_lines(other)) for i in range(len(other))] == [
            other == ["手順は次のとおり：", "1. 申請する"] and i == 0 for i in range(len(other))]
    chunk = Chunk("a.md", "T", ("T", "Leave"), "", None, 1, 4, "\n".join(lines[:4]))
    units = [LineUnit(n, 0, f"Leave: {lines[n - 1]}") for n in (1, 3, 4)]
    ranker = LineRanker([chunk], units, FaissIndex.build(np.eye(3, 8, dtype=np.float32), "flat"))
    assert ranker.line_header.tolist() == [True, False, False]
    shown = ranker.highlights([0], np.eye(3, 8, dtype=np.float32)[0], "before taking leave", None)  # the lead-in's words and vector
    assert set(shown) == {3, 4}


def test_lines_of_an_html_table_row_are_embedded_with_the_rows_label():
    """An HTML row spreads its cells over lines; its list items never name the row
    (wiki-dev's severity table: "最優先で問題に取り掛かる" belongs to SEV-4 only)."""
    from assistant.chunking import Chunk
    from assistant.lines import HTML_ROW_LABEL_CHARS, html_row_label, line_units

    lines = [
        "<table>", "<tr><th>Level</th><th>Response</th></tr>",  # 1-2
        "<tr>", '<td class="sev-3">SEV-3</td>', "<td>", "<ul>", "<li>チームに連絡する</li>", "</ul>", "</td>", "</tr>",  # 3-10
        "<tr>", "  <td>", "  SEV-4", "  </td>", "  <td><li>最優先で取り掛かる</li></td>", "</tr>", "</table>",  # 11-17
        "<li>表の外の行</li>",  # 18
    ]
    chunk = Chunk("a.md", "T", ("T", "Levels"), "", None, 1, len(lines), "\n".join(lines))
    units = {u.line: u.text for u in line_units(chunk, 0, lines)}
    # A page hides tag-only lines ("<tr>"): the row is found in the note as written.
    shown = ["" if re.fullmatch(r"\s*(<[^>]*>\s*)+", line) else line for line in lines]
    assert {u.line: u.text for u in line_units(chunk, 0, shown, source_lines=lines)} == units
    assert line_units(chunk, 0, shown) != list(line_units(chunk, 0, lines))  # the tags were needed
    assert units[4] == "Levels: SEV-3"  # the label's own line is left as it is
    assert units[7] == "Levels: SEV-3: チームに連絡する"
    # A label on a line of its own is no one-line cell: the row gets none rather than a guess.
    assert units[15] == "Levels: 最優先で取り掛かる" and html_row_label(lines, 15) is None
    assert units[18] == "Levels: 表の外の行" and html_row_label(lines, 18) is None
    assert html_row_label(lines, 11) is None  # a row's own <tr> line, after the last row's end
    far = ["<tr>", "<td>Label</td>"] + ["<td>x</td>"] * 60 + ["<td>the line</td>"]
    assert html_row_label(far, len(far)) is None  # the row's start is out of reach
    assert html_row_label(["<tr>", "<td></td><TD class='x'> <b>SEV-2</b> </TD>", "<li>y</li>"], 3) == "SEV-2"
    long_label = ["<tr>", "<td>" + "長い" * 5000 + "</td>", "<td>the line</td>"]
    assert len(html_row_label(long_label, 3)) == HTML_ROW_LABEL_CHARS  # repeated on every line, so cut


def test_hyphenated_words_are_known_by_their_parts_but_numbered_names_are_not():
    vocab = Vocabulary(["| Medium | 高優先度 |", "alert priority", "SEV-1 と SEV-2"])
    assert unknown_names("For a Medium-priority alert, who answers?", vocab) == []
    assert unknown_names("SEV-0はどんな状況？", vocab) == ["SEV-0"]


def test_a_plain_word_joined_to_a_name_is_not_a_name_of_its_own():
    # The notes (Japanese) write the table value "Medium" and 優先度, never "priority".
    vocab = Vocabulary(["| Medium | 高優先度アラート |", "Slack"])
    assert unknown_names("For a Medium-priority alert, how quickly must we act?", vocab) == []
    assert unknown_names("Medium-priorityのアラートは？", vocab) == []
    # Both parts of a name of two names still count; so do the parts when none is a name.
    assert unknown_names("What's the Wi-Fi password?", Vocabulary(["wi fi"])) == []
    assert unknown_names("What's the Wi-Fi password?", Vocabulary(["Wi only"])) == ["Wi-Fi"]
    assert unknown_names("What's the High-Priority rule?", vocab) == ["High-Priority"]
    assert unknown_names("on-callの手当は？", Vocabulary(["on duty"])) == ["on-call"]


# --- a topic the notes only promise (a placeholder line) is not in the notes --------------------


@pytest.mark.parametrize("line", ["TODO", "- Edge prediction pattern: To do", "ログ設計 - TBD", "運用手順（準備中）", "  - Todo"])
def test_placeholder_lines(line):
    assert is_placeholder(line)


@pytest.mark.parametrize("line", ["- TODO: write the retry policy", "The plan: to do it later", "Status: done"])
def test_lines_that_only_mention_todo_are_not_placeholders(line):
    assert not is_placeholder(line)


def test_a_name_written_only_on_a_placeholder_line_is_unknown():
    vocab = Vocabulary(["- [Batch pattern](./batch.md): 夜間に推論", "- Edge prediction pattern: To do"])
    assert unknown_names("Edge prediction patternの構成は？", vocab) == ["Edge prediction pattern"]
    assert unknown_names("Batch patternはいつ動く？", vocab) == []


@pytest.fixture(scope="module")
def placeholder(tmp_path_factory) -> Searcher:
    return _searcher("placeholder-topic", tmp_path_factory)


def test_a_question_about_a_placeholder_topic_is_not_in_the_notes(placeholder):
    assert placeholder.search("Federated learning patternはどういう構成？").no_answer


def test_a_listed_topic_with_a_page_is_answered_from_that_page(placeholder):
    answer = placeholder.search("Batch patternの推論結果はどこに保存する？")
    assert not answer.no_answer
    assert answer.hits[0].chunk.source == "batch.md"


# --- a section holding only the writer's TODO note does not answer -----------------------------


@pytest.mark.parametrize("line", ["TODO: write up the loan rules", "TODO (Aya): write this section when ...",
                                  "> TODO: なぜページされなかったか", "**TODO**: numbers are old", "todo：追記する"])
def test_todo_notes(line):
    assert is_todo_note(line)


# A lone TODO is a placeholder (is_placeholder); TBD says "undecided". An attack run (2026-12-04)
# found the rest flagged when they were the answer: a checklist's items, a known problem with
# its workaround, a template's placeholder name, an indented code line.
@pytest.mark.parametrize("line", ["TODO", "TBD: the 2027 dates", "Todo list: milk", "TODOs are tracked in Jira",
                                  "The plan: to do it later", "- TODO: bring your passport", "1. TODO：学生証を受け取る",
                                  "FIXME: the scratch disk fills up; delete your files", "> XXX: the name of your team",
                                  "    TODO: checkpoint not saved"])
def test_lines_that_are_no_todo_note(line):
    assert not is_todo_note(line)


@pytest.fixture(scope="module")
def todo_section(tmp_path_factory) -> Searcher:
    return _searcher("todo-section", tmp_path_factory)


@pytest.mark.parametrize("question", ["How much can a student get from a hardship grant?", "困窮学生への給付金は最大いくら？"])
def test_a_question_ending_on_a_todo_note_is_not_in_the_notes(todo_section, question):
    # heldout12, heldout13, heldout20: near-misses whose best line was "TODO: write up ..."
    answer = todo_section.search(question)
    assert answer.hits and answer.no_answer


@pytest.mark.parametrize("question, section", [
    ("How much is a bike parking sticker?", "Bike parking"),
    ("What do I need to bring to the dorm check-in?", "Check-in"),  # a checklist's "- TODO:" item
    ("What does the log line 'grant sync failed, retrying' mean?", "Grant sync log"),  # "TODO:" in a code block
])
def test_the_sections_around_a_todo_note_still_answer(todo_section, question, section):
    answer = todo_section.search(question)
    assert not answer.no_answer and answer.hits[0].chunk.heading_path[-1] == section


@pytest.mark.parametrize("question, answered", [
    ("2027年度の運動会はいつ？", False), ("When is the sports day of the 2027 school year?", False),
    ("2026年の運動会はいつ？", True), ("When is the sports day?", True),
])
def test_a_question_about_another_year_is_not_answered_by_this_years(todo_section, monkeypatch, question, answered):
    # A fresh user (heldout24): 「2027年度の運動会はいつ？」 got the 2026 date with full
    # confidence, the 2027 plan a TODO; heldout12, 21, 22 asked next year's targets.
    answer = todo_section.search(question)
    assert answer.no_answer is not answered
    if not answered:
        monkeypatch.setattr("assistant.verdict.other_year", lambda question, text: None)
        assert not todo_section.search(question).no_answer


# --- an index page of links does not outrank the page it links to --------------------------------


@pytest.fixture(scope="module")
def index_page(tmp_path_factory) -> Searcher:
    return _searcher("index-page", tmp_path_factory)


@pytest.mark.parametrize(
    "question, source",
    [("In the prediction cache pattern, what is stored as the cache key?", "cache.md")],
)
def test_the_page_a_link_points_to_outranks_the_link_list(index_page, question, source):
    assert index_page.search(question).hits[0].chunk.source == source


# --- a nested bullet is read with its parent ---------------------------------------------------------


def test_parent_line_of_nested_bullets():
    lines = ["- **汎用SSD** (gp2)", "  - 最大IOPS : 16000", "", "  - 最大スループット : 250MB/s", "text", "- top"]
    assert parent_line(lines, 1) == 0
    assert parent_line(lines, 3) == 0  # a blank line between does not cut the list
    assert parent_line(lines, 0) is None and parent_line(lines, 4) is None and parent_line(lines, 5) is None


@pytest.fixture(scope="module")
def nested(tmp_path_factory) -> Searcher:
    return _searcher("nested-bullets", tmp_path_factory)


@pytest.mark.parametrize(
    "question, line",
    [("汎用SSD（gp2）の最大IOPSは？", 7), ("What is the maximum IOPS of a Cold HDD (sc1) volume?", 13)],
)
def test_the_detail_under_the_asked_parent_is_highlighted(nested, question, line):
    # Lines 7, 10 and 13 all read "最大IOPS : n"; only their parents tell them apart.
    highlights = nested.search(question).hits[0].highlight_lines
    assert line in highlights
    assert all(highlights.index(line) < highlights.index(other) for other in (7, 10, 13) if other != line and other in highlights)


# --- page-lead: the text under a page's title summarises the page (leads.py) ---------------------


@pytest.fixture(scope="module")
def page_lead(tmp_path_factory) -> Searcher:
    return _searcher("page-lead", tmp_path_factory)


def test_the_section_that_answers_comes_before_the_pages_lead(page_lead):
    for question in ("During a major incident, how often should the internal liaison post a status update for the executives?",
                     "重大インシデント中、経営陣へのステータス更新はどのくらいの頻度で投稿する？"):
        assert page_lead.search(question, 3).hits[0].chunk.heading_path[-1] == "内部連絡の手順"


def test_a_question_the_lead_answers_still_finds_it_next(page_lead):
    hits = page_lead.search("Where do we chat during an incident?", 3).hits
    chat_line = 8  # "インシデント対応中の連絡先: Slack の #incident-chat ..."
    assert any(h.chunk.line_start <= chat_line <= h.chunk.line_end for h in hits[:2])


# --- mixed-script-question: a Japanese question in part written in English words (heldout12) --------


@pytest.fixture(scope="module")
def mixed_script(tmp_path_factory) -> Searcher:
    return _searcher("mixed-script-question", tmp_path_factory)


def test_a_japanese_question_with_english_terms_finds_the_japanese_page_that_answers(mixed_script, monkeypatch):
    """The language offsets lift English pages for every Japanese question by what a wholly
    Japanese probe lacks toward them; a question a third in English words lacks less, and
    the English FAQ on the same topic took the Japanese page's place (retrieve._calibrated_shift)."""
    import assistant.retrieve as retrieve

    question = "scratch のファイルに毎週 touch しておけば、パージで消されずに済むよね？"
    assert mixed_script.search(question, 2).hits[0].chunk.heading_path[-1] == "scratch のパージ"
    monkeypatch.setattr(retrieve, "script_share", lambda text, lang: 1.0)  # the full offset, as before
    assert mixed_script.search(question, 2).hits[0].chunk.source == "faq.md"


def test_a_japanese_question_the_english_faq_answers_still_finds_it(mixed_script, monkeypatch):
    import assistant.retrieve as retrieve

    for question in ("home のファイルを消しちゃった。戻せる？", "Docker は使える？", "スクラッチのファイルが消えたのはなぜ？"):
        assert mixed_script.search(question, 2).hits[0].chunk.source == "faq.md"
    # A question wholly in Japanese keeps the whole offset: without it, it loses its English answer.
    monkeypatch.setattr(retrieve, "script_share", lambda text, lang: 0.0)
    assert mixed_script.search("スクラッチのファイルが消えたのはなぜ？", 2).hits[0].chunk.source != "faq.md"


# --- long-line-index-time: a pasted 21,000-character line cost 76 s to index --------------------


@pytest.mark.slow
def test_a_huge_line_is_fed_to_the_model_one_window_at_most(tmp_path, monkeypatch):
    """Issue 14's case: a table cell holding 21,000 characters of JSON took 76 s to index,
    its latent terms computed over every window of the line. Every text the build hands
    the model whole (passages, chunks, codes) is now cut to one window first; answer lines
    go through the late-chunking pass, which cuts at the window itself (onepass.c,
    e5_late_chunks). The note still answers."""
    from assistant.embedding import e5model
    from assistant.embedding.e5 import E5Embedder

    fed: list[int] = []  # model tokens of each whole text, specials included
    real_one_pass = e5model._one_pass

    def one_pass(m, texts, want_dense):
        fed.extend(m.token_count(t, False) - m.token_count("", False) + 2 for t in texts)
        return real_one_pass(m, texts, want_dense)

    for m in e5model._e5_shared().models:
        real_encode = m.encode
        monkeypatch.setattr(m, "encode", lambda texts, is_query, _e=real_encode, _m=m: (
            fed.extend(_m.token_count(t, is_query) for t in texts), _e(texts, is_query))[1])
    monkeypatch.setattr("assistant.embedding.e5._one_pass", one_pass)

    settings = from_env({}, corpus_dir=CASES / "long-line-index-time", index_dir=tmp_path / "index", model="e5")
    build_index(settings, progress=False)
    assert len(fed) >= 3 and max(fed) <= E5Embedder.max_tokens, sorted(fed)[-3:]
    hit = Searcher(settings).search("次のページはどうやって取得する？", 1).hits[0]
    assert hit.chunk.heading_path[-1] == "ページング" and 9 in hit.highlight_lines


def test_the_quantity_is_looked_for_only_in_what_the_reply_shows(tmp_path, monkeypatch):
    # An attack run (2026-12-01): whole chunks were read, and a note's line may be megabytes
    # (notes are capped at 5 MB): a quantity question over three such hits cost seconds.
    from assistant.hits import MAX_HIT_CHARS
    from assistant.service import open_searcher

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ports.md").write_text("# Ports\n\n## Allowed\n\n" + "8080 " * 200_000 + "\n", encoding="utf-8")
    searcher = open_searcher(from_env({}, corpus_dir=corpus, index_dir=tmp_path / "index", model="fake-hash"))
    read = []
    monkeypatch.setattr("assistant.verdict.missing_quantity", lambda question, texts, kinds=None: read.extend(texts))
    searcher.search("How many days are allowed ports kept?", 3)
    assert read and sum(map(len, read)) <= 3 * (MAX_HIT_CHARS + 100)


def test_the_asked_quantity_must_be_in_the_answer_lines_not_elsewhere_in_the_chunk():
    # The seed's "What's the maximum integration timeout for an API Gateway REST API that
    # calls a Lambda function?" was answered: the chunk named Lambda's 15-minute timeout on a
    # line the reply did not point at. A number on an answer item's wrapped line counts.
    from assistant.chunking import Chunk
    from assistant.hits import Hit
    from assistant.nameddetails import answer_text

    text = "## Integration\n\n- API Gateway calls Lambda through an integration.\n- Lambda runs up to 15 minutes.\n"
    chunk = Chunk("a.md", "A", ("A", "Integration"), "s", None, 10, 14, text)
    question = "What's the maximum integration timeout for API Gateway?"
    assert missing_quantity(question, [text]) is None  # the whole chunk "answers"
    assert answer_text(Hit(chunk, 1.0, "u", (12,))) == "- API Gateway calls Lambda through an integration."
    assert missing_quantity(question, [answer_text(Hit(chunk, 1.0, "u", (12,)))]) == "duration"
    wrapped = Chunk("a.md", "A", ("A", "Integration"), "s", None, 10, 13,
                    "## Integration\n\n- The integration timeout is at most\n  29 seconds.")
    assert missing_quantity(question, [answer_text(Hit(wrapped, 1.0, "u", (12,)))]) is None


# --- an unrelated earlier turn: "not in the notes" is the question's own -------------------------


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Searcher:
    """tests/heldout7: a held-out MkDocs wiki (15 pages, Japanese and English)."""
    return _heldout_searcher("heldout7", tmp_path_factory)


def _heldout_searcher(name: str, tmp_path_factory) -> Searcher:
    """A Searcher (bundled e5) over tests/<name>/notes, indexed in a temporary folder."""
    index_dir = tmp_path_factory.mktemp(f"index-{name}")
    seed = PROJECT_ROOT / "index" / "cache.sqlite"
    if seed.exists():  # content-keyed embeddings only: cannot change results
        shutil.copy(seed, index_dir / "cache.sqlite")
    settings = from_env({}, corpus_dir=PROJECT_ROOT / "tests" / name / "notes", index_dir=index_dir)
    build_index(settings, progress=False)
    return Searcher(settings)


def test_not_in_the_notes_does_not_depend_on_how_many_hits_are_shown(library):
    # A fresh user (wiki-dev): "SEV-3のインシデントのSLAは何時間？" was "not in the notes" at
    # k=1 and 2 and answered at k=3 and 5; this answered question was flagged at k=1 only.
    question = "県外の公立図書館から本を取り寄せてもらう場合、利用者の負担はいくら？"
    verdicts = {k: library.search(question, k).no_answer for k in (1, 2, 3, 5)}
    assert verdicts == {k: False for k in (1, 2, 3, 5)}


@pytest.mark.parametrize("question", ["来週の日経平均はどうなると思う？", "What's a good curry recipe for the staff year-end party?"])
def test_an_unrelated_earlier_turn_does_not_answer_a_question_the_notes_do_not(library, question):
    # The chat sends every earlier question: a turn on the public computers lifted the first
    # and "How much do patrons pay per page on the photocopier?" over the floor (to the English
    # page that turn found), a fresh tester, heldout7. Since a table row is judged with its
    # header (verdict.py), e5 answers the photocopier question even alone, from an
    # interlibrary-loan table headed "Patron pays" (docs/evaluation.md, twenty-sixth pass).
    assert library.search(question).no_answer
    for history in (("How many computers do we have for the public?",),
                    ("How many computers do we have for the public?", "Can patrons print from them?")):
        assert library.search(question, history=history).no_answer, history


def test_a_question_nearer_to_an_everyday_topic_than_to_the_notes_is_not_answered(library):
    # Over a library wiki, the floor let e5 answer these from the library-card page and the
    # bookmobile's timetable; they sit nearer to everyday topics (background.py).
    assert library.verdict.background is not None
    assert library.search("How do I renew my driver's licence at the police station?").no_answer
    assert library.search("運転免許証の更新はどこでできる？").no_answer
    assert library.search("Is it going to rain tomorrow?").no_answer
    # Answered by the wiki's donations page, though "donations" is an everyday topic too.
    assert not library.search("古い百科事典のセットを寄付したいという電話があった。受け取っていい？").no_answer


@pytest.fixture(scope="module")
def cafe(tmp_path_factory) -> Searcher:
    """tests/heldout10: a held-out bakery cafe's wiki (Japanese pages, an English FAQ)."""
    return _heldout_searcher("heldout10", tmp_path_factory)


def test_an_english_question_over_japanese_notes_meets_japanese_topics(cafe):
    # A helper's attack with e5: "Is my train fare to work paid for?" over staff/perks.md's
    # 「交通費は 1 日 600 円まで出る」 sat nearer to the English topic on train fares (a
    # same-language cosine) than to the Japanese notes, and was "not in the notes". Each notes
    # language now meets the topics written in it (background.Background.nearer).
    answer = cafe.search("Is my train fare to work paid for?")
    assert not answer.no_answer and answer.hits[0].chunk.source == "staff/perks.md"
    assert cafe.search("Is it going to rain tomorrow?").no_answer
    assert cafe.search("How do I renew my driver's licence?").no_answer


def test_a_follow_up_without_a_topic_word_still_takes_its_topic_from_history(library):
    answer = library.search("何時から何時まで？", history=("うみかぜ号は若葉小学校にはいつ来る？",))
    assert not answer.no_answer


def test_an_faqs_bold_question_is_never_shown_as_its_answer(library):
    # faq.md: "**落とし物を見つけた。**" (line 19) above its answer (line 20), no blank line
    # between: the question line matched best and led the reply (heldout7, a fresh tester).
    hit = library.search("Someone left their wallet on a desk in the reading room. What do I do with it?", 1).hits[0]
    assert hit.chunk.source == "faq.md"
    assert 19 not in hit.highlight_lines and hit.highlight_lines[0] == 20


# --- dummy-it: "does it take to ..." names its own topic (a new user, heldout13) ---------------


@pytest.fixture(scope="module")
def dummy_it(tmp_path_factory) -> Searcher:
    return _searcher("dummy-it", tmp_path_factory)


def test_a_question_with_a_dummy_it_is_not_searched_with_the_last_turns_topic(dummy_it, monkeypatch):
    """After two turns about leak response times, "How many turns does it take to close a
    300 mm valve?" read its "it" as the leak of the last turns: the conversation's full weight
    put the priority table first (query._DUMMY_IT)."""
    import assistant.query as query

    history = ["漏水の通報を受けたら、何分以内に現場に着かないといけない？", "夜間は？"]
    question = "How many turns does it take to close a 300 mm valve?"
    top = dummy_it.search(question, 3, history=history).hits[0]
    assert top.chunk.source == "valve-operation.md" and 37 in top.highlight_lines
    monkeypatch.setattr(query, "_DUMMY_IT", re.compile(r"(?!x)x"))  # every "it" points back, as before
    assert dummy_it.search(question, 3, history=history).hits[0].chunk.source != "valve-operation.md"


# --- asked-detail-elsewhere: the asked kind of detail given for another thing (heldout9) --------


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory) -> Searcher:
    return _searcher("asked-detail-elsewhere", tmp_path_factory)


@pytest.mark.parametrize("question, answered", [
    ("白浜リネンサービスの電話番号は？", False),  # named twice, with no number
    ("海山設備の電話番号は？", True),  # the table's row
])
def test_a_detail_given_for_another_thing_does_not_answer(elsewhere, monkeypatch, question, answered):
    # 「白波リネンの電話番号は？」 was answered by another page's phone table, the third hit, while
    # the two sections about the vendor give no number (heldout9, both profiles).
    assert elsewhere.search(question, 3).no_answer is not answered
    # Without the rules (the hits about it, the lines about it), any of the first hits'
    # numbers answered it.
    from assistant.nameddetails import answer_text
    monkeypatch.setattr("assistant.verdict.about_the_asked_thing", lambda question, hits, languages, lexicon=None: list(hits))
    monkeypatch.setattr("assistant.verdict.lines_about", lambda question, hit, language, lexicon=None: answer_text(hit))
    assert not elsewhere.search(question, 3).no_answer


@pytest.mark.parametrize("question, answered", [
    ("みなと消防署の電話番号わかる？", False),  # the line gives the hospital's
    ("みなと中央病院の電話番号わかる？", True),
    ("みなと警備の電話番号は？", False),  # a table of other vendors: another row names no みなと警備
])
def test_a_line_giving_another_things_number_does_not_answer(elsewhere, monkeypatch, question, answered):
    # 「七瀬川消防署の電話番号わかる？」 was answered by the line giving a hospital's number in the
    # section the question matched (heldout22, both profiles; nameddetails.NAMED_DETAILS).
    assert elsewhere.search(question, 3).no_answer is not answered
    from assistant.nameddetails import answer_text
    monkeypatch.setattr("assistant.verdict.lines_about", lambda question, hit, language, lexicon=None: answer_text(hit))
    assert not elsewhere.search(question, 3).no_answer


def test_the_lines_about_the_named_thing_keep_its_name_whatever_asks_for_the_detail():
    # An attack on the rule (heldout25): "What's the shredding company's phone number?" lost
    # its name with the asking phrase, so every line with any number answered it.
    from assistant.chunking import Chunk
    from assistant.hits import Hit
    from assistant.nameddetails import NAMED_DETAILS, lines_about

    text = "## Records\n\n- Paper is shredded by a shredding company twice a year.\n- Call Aoba Print at 0000-11-2222."
    chunk = Chunk("a.md", "A", ("A", "Records"), "s", None, 10, 13, text)
    question = "What's the shredding company's phone number?"
    assert lines_about(question, Hit(chunk, 1.0, "u", (13,)), "en") == ""
    assert missing_quantity(question, [lines_about(question, Hit(chunk, 1.0, "u", (13,)), "en")], NAMED_DETAILS) == "phone number"
    assert lines_about("What's Aoba Print's phone number?", Hit(chunk, 1.0, "u", (13,)), "en") == "- Call Aoba Print at 0000-11-2222."


def test_a_count_the_question_writes_in_kanji_is_named_by_the_notes_digits():
    # heldout30, both profiles: 「泊まりの税金って一人一泊いくら？」 over "宿泊税は 1 人 1 泊 200 円" was
    # "not in the notes", no answer line naming the asked thing.
    from assistant.chunking import Chunk
    from assistant.hits import Hit
    from assistant.nameddetails import NAMED_DETAILS, lines_about

    text = "## 宿泊税\n\n港川市の宿泊税は **1 人 1 泊 200 円**。\n\n- 免除の人は名簿に書く。"
    chunk = Chunk("r.md", "レジ", ("レジ", "宿泊税"), "tax", None, 1, 5, text)
    question = "市に払う泊まりの税金って一人一泊いくら？"
    about = lines_about(question, Hit(chunk, 1.0, "u", (3,)), "ja")
    assert "200 円" in about and missing_quantity(question, [about], NAMED_DETAILS) is None
    question = "駐車場って二台目はいくら？"  # still no line about the asked thing
    assert missing_quantity(question, [lines_about(question, Hit(chunk, 1.0, "u", (3,)), "ja")], NAMED_DETAILS) == "amount of money"


def test_the_time_a_detail_is_asked_for_names_no_thing():
    # "the visiting hours on weekdays" over "| Monday–Friday | 10:30–11:30 |" under "Visiting
    # hours" was "not in the notes" in both profiles (a fresh user, heldout27); a time word
    # that is part of a name still names it ("the night porter's phone number").
    from assistant.chunking import Chunk
    from assistant.hits import Hit
    from assistant.nameddetails import NAMED_DETAILS, lines_about

    text = "## Visiting hours\n\n| Days | Morning |\n|---|---|\n| Monday–Friday | 10:30–11:30 |\n| Sunday | closed |"
    chunk = Chunk("v.md", "Visitors", ("Visitors", "Visiting hours"), "visiting-hours", None, 1, 6, text)
    for question in ("What are the visiting hours on weekdays?", "What are the visiting hours in the morning?"):
        about = lines_about(question, Hit(chunk, 1.0, "u", (5,)), "en")
        assert "10:30" in about and missing_quantity(question, [about], NAMED_DETAILS) is None
    text = "## Contacts\n\n- Night staff: 0000-11-2222."
    chunk = Chunk("c.md", "Contacts", ("Contacts",), "contacts", None, 1, 3, text)
    question = "What's the phone number of the night porter?"
    assert missing_quantity(question, [lines_about(question, Hit(chunk, 1.0, "u", (3,)), "en")], NAMED_DETAILS) is None
    # a Japanese time word before a particle, not inside a name (an attack: 休日診療所 was
    # answered by さくら診療所's number)
    text = "## 連絡先\n\n- さくら診療所: 0000-11-2222"
    chunk = Chunk("c.md", "連絡先", ("連絡先",), "contacts", None, 1, 3, text)
    for question in ("休日診療所の電話番号は？", "日曜診療所の電話番号を教えて"):
        assert missing_quantity(question, [lines_about(question, Hit(chunk, 1.0, "u", (3,)), "ja")], NAMED_DETAILS) == "phone number"
    assert missing_quantity("土曜の電話番号は？", [lines_about("さくら診療所の土曜の電話番号は？", Hit(chunk, 1.0, "u", (3,)), "ja")],
                            NAMED_DETAILS) is None

def test_hits_in_the_questions_language_count_when_they_carry_the_most_of_its_words():
    from assistant.chunking import Chunk
    from assistant.hits import Hit
    from assistant.verdict import about_the_asked_thing

    def hit(text):
        return Hit(Chunk("a.md", "A", ("A",), "", None, 1, 1, text), 1.0, "")

    vendor, table, english = hit("白浜リネンサービスが毎日回収する"), hit("海山設備 0000-31-5566"), hit("Call 0000-31-6070")
    assert about_the_asked_thing("白浜リネンサービスの電話番号は？", [vendor, table, english], ["ja", "ja", "en"]) == [vendor, english]
    # No hit carries the question's words: every hit counts.
    assert about_the_asked_thing("電話番号は？", [vendor, table], ["ja", "ja"]) == [vendor, table]


def test_an_english_questions_japanese_hits_are_compared_by_its_dictionary_translations():
    # "What are the opening hours of Sakuradai North Clinic?" was answered by a bus route's
    # times: every hit in the other language counted (heldout8, Gemma).
    import numpy as np

    from assistant.chunking import Chunk
    from assistant.hits import Hit
    from assistant.translation import Lexicon
    from assistant.verdict import about_the_asked_thing

    def hit(text):
        return Hit(Chunk("a.md", "A", ("A",), "", None, 1, 1, text), 1.0, "")

    lexicon = Lexicon({"night shift": ("夜勤",), "pay": ("給料", "給与")}, {}, np.zeros(0, dtype=np.float32))
    shifts, breakfast, english = hit("夜勤は 23:00〜翌 7:00"), hit("朝食は 1,300 円"), hit("Breakfast is 1,300 yen")
    question = "What's the hourly pay for the night shift?"
    assert about_the_asked_thing(question, [shifts, breakfast, english], ["ja", "ja", "en"], lexicon) == [shifts, english]
    # Without translations (none of the question's words in the dictionary, or no lexicon) all count.
    assert about_the_asked_thing(question, [shifts, breakfast], ["ja", "ja"]) == [shifts, breakfast]
    assert about_the_asked_thing("Who is on call?", [shifts, breakfast], ["ja", "ja"], lexicon) == [shifts, breakfast]
    # A Japanese question over English hits: its words cannot be compared, every hit counts.
    assert about_the_asked_thing("夜勤の時給は？", [english, shifts], ["en", "ja"], lexicon) == [english, shifts]


# --- faq-points-to-section: an FAQ entry that says where the answer is yields to it ------------


@pytest.fixture(scope="module")
def faq_pointer(tmp_path_factory) -> Searcher:
    return _searcher("faq-points-to-section", tmp_path_factory)


@pytest.mark.parametrize("question", ["What do we do when it thunders?", "What do we do when it thunders at the outdoor pool?"])
@pytest.mark.parametrize("top_k", [1, 5])
def test_an_faq_entry_pointing_at_a_section_yields_to_that_section(faq_pointer, monkeypatch, question, top_k):
    # "Thunder does — see [屋外プール](pool/屋外プール.md#thunder)": the FAQ's short entry came
    # first where the section it names answers (heldout17, Gemma: 5 such questions).
    hits = faq_pointer.search(question, top_k).hits
    assert (hits[0].chunk.source, hits[0].chunk.heading_path[1]) == ("pool/outdoor.md", "Thunder")
    assert top_k == 1 or hits[1].chunk.source == "faq.md"  # still shown, right after it
    # Without the rule the FAQ entry is first.
    monkeypatch.setattr("assistant.pointers.Pointers.pointed_rows", lambda self, hit: [])
    assert faq_pointer.search(question, top_k).hits[0].chunk.source == "faq.md"


def test_the_verdict_judges_the_best_match_not_the_section_it_points_at(faq_pointer, monkeypatch):
    # The pointed section's weaker score flagged an answered follow-up (heldout14 h14f-004, e5).
    judged = []
    unanswered = faq_pointer.verdict.unanswered
    monkeypatch.setattr(faq_pointer.verdict, "unanswered", lambda *args: judged.append(args[3]) or unanswered(*args))
    answer = faq_pointer.search("What do we do when it thunders?", 5)
    assert answer.hits[0].chunk.source == "pool/outdoor.md" and not answer.no_answer
    assert [h.chunk.source for h in judged[0][:2]] == ["faq.md", "pool/outdoor.md"]


def test_an_faq_entry_whose_link_is_only_a_reference_keeps_its_place(faq_pointer):
    # "See also [Outdoor pool](pool/outdoor.md)": a whole page, no section named as the answer,
    # though the page is among the first hits.
    answer = faq_pointer.search("Where do staff park?", 3)
    assert [h.chunk.source for h in answer.hits[:2]] == ["faq.md", "pool/outdoor.md"] and not answer.no_answer


# --- numbered-rows: the number the asker states picks the table row (rowkeys.py) --------------


@pytest.fixture(scope="module")
def numbered_rows(tmp_path_factory) -> Searcher:
    return _searcher("numbered-rows", tmp_path_factory)


@pytest.mark.parametrize("question, source, line", [
    ("How much is a month of the chew for a 7 kg dog?", "prevention.md", 10),  # | 5–10 kg | 1,980 yen |
    ("How much is a month of the chew for a 30 kg retriever?", "prevention.md", 12),  # | 20–40 kg | ...
    ("体重 12 kg の犬だと 1 か月いくら？", "prevention.md", 11),  # | 10–20 kg | 2,420 yen |
    ("監視員が 2 人になった。どこを開けておける？", "pool.md", 10),  # | 2 | the main pool only; ... |
])
def test_the_number_a_question_states_picks_its_row_as_the_answer_line(numbered_rows, monkeypatch, question, source, line):
    # The rows share every other word of the question: a neighbouring row or the prose under
    # the table was shown first (heldout11, heldout16, heldout17: 7 of Gemma's 55 right first
    # hits without their answer line among the three shown).
    hit = numbered_rows.search(question, 1).hits[0]
    assert hit.chunk.source == source and hit.highlight_lines[0] == line, hit.highlight_lines
    monkeypatch.setattr("assistant.highlight.ROW_KEY_WEIGHT", 0.0)  # without the rule, e5 shows another line first
    assert numbered_rows.search(question, 1).hits[0].highlight_lines[0] != line


@pytest.mark.parametrize("question, history, source, line", [
    # a half-open range's bounds (a fresh user, heldout23: the "30,000 円以上" row was shown)
    ("12,000 円の備品を買いたい。誰の承認がいる？", (), "approvals.md", 8),
    ("Who approves a 40,000 yen purchase?", (), "approvals.md", 9),
    ("How much is a month of the chew for a 3 kg puppy?", (), "prevention.md", 9),  # | up to 5 kg |
    # a name of two words; a name qualified by ordinals (the fresh user's follow-ups)
    ("And CLASS III?", ("How do we tell households about a CLASS I recall?",), "recalls.md", 9),
    ("土曜は？", ("金曜の配布は何時から？",), "pantry.md", 9),
])
def test_a_bound_or_a_longer_name_picks_its_row_as_the_answer_line(numbered_rows, question, history, source, line):
    hit = numbered_rows.search(question, 1, history=history).hits[0]
    assert hit.chunk.source == source and hit.highlight_lines[0] == line, hit.highlight_lines


@pytest.mark.parametrize("question, line", [("20時半になったら？", 10), ("19時半になっても迎えが来ない。どうする？", 8)])
def test_a_clock_time_the_question_states_picks_its_row(numbered_rows, monkeypatch, question, line):
    # A fresh user (heldout24): 「19時過ぎても迎えが来ないとき、20時には何をする？」 showed the
    # 19:15 row.
    hit = numbered_rows.search(question, 1).hits[0]
    assert hit.chunk.source == "late-pickup.md" and hit.highlight_lines[0] == line, hit.highlight_lines
    monkeypatch.setattr("assistant.rowkeys.clock_times", lambda question: ())
    assert numbered_rows.search(question, 1).hits[0].highlight_lines[0] != line  # the trap, without the rule


def test_a_row_saying_none_in_the_asked_column_is_not_the_answer_line(numbered_rows, monkeypatch):
    # 「トイレがある公園はどこ？」 showed "| 川沿い緑地 | 15 分 | なし |" first (a fresh user,
    # heldout24, both profiles): it shares the column's word as the rows with a toilet do.
    def first_lines(question):
        hit = numbered_rows.search(question, 1).hits[0]
        assert hit.chunk.source == "parks.md"
        return hit.highlight_lines[:2]

    assert set(first_lines("トイレがある公園はどこ？")) <= {8, 9}
    assert set(first_lines("Which parks have a toilet?")) <= {8, 9}  # トイレ by its translation
    assert set(first_lines("トイレがない公園は？")) & {7, 10}  # asks for the ones without: no change
    monkeypatch.setattr("assistant.highlight.denies_asked_column", lambda question, line: False)
    assert set(first_lines("トイレがある公園はどこ？")) & {7, 10}  # the trap, without the rule


def test_a_cell_saying_none_under_a_named_column():
    from assistant.highlight import denies_asked_column

    row = "よく行く公園: 公園: 川沿い緑地; 歩いて: 15 分; トイレ: なし; 行けるクラス: 4〜5 歳のみ"
    assert denies_asked_column("トイレがある公園はどこ?", row)
    assert not denies_asked_column("トイレがない公園は?", row) and not denies_asked_column("近い公園は?", row)
    assert not denies_asked_column("トイレがある公園は?", row.replace("なし", "あり"))
    assert denies_asked_column("which rooms have a projector?", "rooms: room: b; projector: none; seats: 8")
    assert not denies_asked_column("川沿い緑地にトイレはある?", row)  # the row it names is asked about (an attack)


@pytest.mark.parametrize("terms, text, named", [
    ({"経理部"}, "- 経理: 内線 2345", True), ({"総務課"}, "総務: 0000-11-2301", True),  # 部, 課 left out (an attack)
    ({"helpdesk"}, "Help desk: ext. 4321", True), ({"extension"}, "Tanaka (ext. 4412)", True),
    ({"七瀬川消防署"}, "七瀬川中央病院（電話 0000-41-7000）", False), ({"部"}, "経理: 内線 2345", False),
])
def test_a_named_things_line_names_it_as_notes_write_names(terms, text, named):
    from assistant.nameddetails import names_one
    assert names_one(terms, text) is named


@pytest.mark.parametrize("question, text, other", [
    ("2025年度の予算は？", "令和7年度予算: 行事費 40 万円", None), ("2019年度の予算は？", "令和元年度の予算", None),
    ("What are the goals for fiscal year 2026?", "Our goals for FY26:", None), ("2026年度の目標は？", "2025-26 targets", None),
    ("2027年度の目標は？", "2026年度（令和8年度）の目標", "2027"), ("FY2027 budget?", "FY26 budget", "2027"),
    # a rule of every year answers any year's question (a fresh user, heldout26)
    ("2028年の棚卸しの日は？", "- 毎年 3 月 31 日は棚卸しのため臨時休業。", None),
    ("When is the 2028 stocktaking?", "Stocktaking is held every year on 31 March.", None),
    # ... unless it names a year of its own (an attack: 2024's party answered 2025's)
    ("2025年の忘年会の会場は？", "## 2024年の忘年会\n忘年会は毎年12月に開く。2024年は12月20日（金）、居酒屋 さくら。", "2025"),
    # a season across two years, asked by its span, is named only by it (a fresh user, heldout28:
    # the 2026-27 season's prices answered the 2027-28 season's)
    ("2027-28シーズンのリフト券の値段は？", "リフト券料金（2026-27 シーズン）\n| 大人 | 5,800 円 |", "2027-28シーズン"),
    ("What will a lift ticket cost in the 2027/28 season?", "Lift tickets (2026/27 season)", "2027/28 season"),
    ("2026-27シーズンのリフト券の値段は？", "リフト券料金（2026/2027 シーズン）", None),
    ("2027-28シーズンの予算は？", "2027年度の予算", None), ("2026-2027年度の予算は？", "2026年度予算", None),
])
def test_a_year_written_in_another_calendar_or_short_is_the_same_year(question, text, other):
    # An attack on the rule: 令和7年度 and FY26 were "another year".
    from assistant.noanswer import other_year
    assert other_year(question, text) == other


# --- joined-sections: a hit of joined sections cites the one its answer line is in -------------


@pytest.fixture(scope="module")
def joined_sections(tmp_path_factory) -> Searcher:
    return _searcher("joined-sections", tmp_path_factory)


def _heading_above(path, line: int) -> str:
    """The text of the nearest ATX heading at or above 1-based `line` of the note at `path`."""
    lines = path.read_text(encoding="utf-8").split("\n")[:line]
    return next(re.sub(r"^#+\s*", "", text).strip() for text in reversed(lines) if re.match(r"#{1,6} ", text))


@pytest.mark.parametrize("question, history", [
    ("And if they are late?", ("What is the cancellation fee for a no-show?",)),
    ("遅刻したら？", ()), ("旧ルールの無断キャンセル料は？", ()), ("無断キャンセルはいくら？", ()),
])
def test_a_hit_of_joined_sections_cites_the_section_of_its_first_answer_line(joined_sections, question, history):
    # A fresh user (2026-12-05): a one-line "## 遅刻（旧）" joined the fee table above it; the
    # hit was cited (breadcrumb and link) by 遅刻（旧）, the section that ranked it, while its
    # first answer line was the table's no-show row, so the link landed below the answer.
    answer = joined_sections.search(question, 5, history=history)
    joined = [h for h in answer.hits if len(re.findall(r"^#{1,6} ", h.chunk.text, re.M)) > 1]
    assert joined, "the case no longer joins sections: it tests nothing"
    for hit in answer.hits:
        above = _heading_above(CASES / "joined-sections" / hit.chunk.source, hit.highlight_lines[0])
        assert hit.chunk.heading_path[-1] == above, (hit.chunk.heading_path, above)
        assert unquote(hit.url).endswith("#" + hit.chunk.anchor), hit.url


@pytest.mark.parametrize("question, asks", [
    # heldout6, 15, 17: answered from the cruise's, the tour's and the pool's pages
    ("Is it going to rain during Saturday's brewery tour?", True),
    ("Is it going to rain tomorrow afternoon? I'm wondering about the outdoor pool.", True),
    ("明日の三浦半島の天気はどう？", True),
    ("土曜日、雨降るかな？", True),
    ("What's the forecast for the weekend?", True),
    # an attack's phrasings the first version let through
    ("Will there be strong wind at Saturday's outside broadcast?", True),
    ("明日、山頂は晴れる？", True),
    ("How much snow are we expecting tomorrow morning?", True),
    ("週末、雨になりそう？テラス席の準備したいんだけど", True),
    ("Is the wind going to pick up on cruise day?", True),
    ("週末の天気、どうなりそう？テラス席出せるかな", True),
    ("明日って晴れ？登山道が心配", True),
    # a forecast the asker has is their situation; the notes say what to do about it
    ("The forecast says 15 cm of snow tomorrow and I'm on the Yamazato run. Do I still go?", False),
    ("Heavy snow is forecast for tomorrow. Who decides whether we go out?", False),
    ("What weather gets the monthly boat sampling called off?", False),
    ("で、火曜の天気が悪かったらどうなるの？", False),
    ("雨が降ったらツアーはどうなる？", False),
    ("天気予報はどこで確認する？", False),
    ("Is it going to rain-proof the tent?", False),
    # how a forecast is used or checked is a rule the notes may hold (an attack: each was
    # flagged by the first version while the notes answer it)
    ("明日の天気予報は何で確認する？", False),
    ("今日の天気はどうやってお客さんに伝える？", False),
    ("How is the forecast used for outside broadcasts?", False),
    ("What is the forecast threshold for snow level 1?", False),
    ("What's the weather forecast check for a sampling cruise — when is it done?", False),
    ("明日の天気はどうなったら凍結警戒を出すの？", False),
    ("明日の天気は何を見てテラス席を出すか決める？", False),
    ("Will it be cold in the kids' pool? What temperature is the water kept at?", False),
    ("晴れの日はテラス席を出す？", False),
])
def test_a_forecast_asked_for_is_in_no_note(question, asks):
    from assistant.noanswer import asks_forecast

    assert asks_forecast(question) is asks


def test_a_forecast_question_is_not_in_the_notes_however_well_its_topic_matches(chain, monkeypatch):
    question = "Is it going to rain while the SQS messages are kept?"
    answer = chain.search(question, 3)
    assert answer.no_answer and answer.hits  # still shows what matched
    monkeypatch.setattr("assistant.verdict.asks_forecast", lambda question: False)
    assert not chain.search(question, 3).no_answer  # the score alone would answer it


# --- oncall-rows: a fresh user's on-call page (2026-12-06) ---------------------------------


@pytest.fixture(scope="module")
def oncall(tmp_path_factory) -> Searcher:
    return _searcher("oncall-rows", tmp_path_factory)


@pytest.mark.parametrize("question, row", [("SEV1の応答時間は？", 12), ("SEV1 の応答時間は？", 12), ("SEV2の応答時間は？", 13),
                                           ("What is the response time for SEV1?", 12)])
def test_a_name_with_a_digit_picks_its_row_whatever_else_the_question_names(oncall, monkeypatch, question, row):
    # An embedding barely tells "SEV1" from "SEV2": the SEV2 row ("1 hour", 時間) was shown first.
    assert oncall.search(question, 1).hits[0].highlight_lines[0] == row
    monkeypatch.setattr("assistant.highlight._IDENTIFIER", re.compile(r"(?!)"))  # without the rule
    assert oncall.search("SEV1の応答時間は？", 1).hits[0].highlight_lines[0] == 13


@pytest.mark.parametrize("question", ["What time does the on-call handover happen?", "What time is the on-call handover?"])
def test_the_word_time_of_what_time_does_not_pick_the_hits_that_must_give_the_time(oncall, monkeypatch, question):
    # "time" drew the quantity check to the escalation table's "Response time" column, away from
    # "hands over every Monday at 10:00 JST": "not in the notes" over the line that answers.
    answer = oncall.search(question, 3)
    assert not answer.no_answer and answer.hits[0].highlight_lines[0] == 5
    monkeypatch.setattr("assistant.verdict.without_quantity_words", lambda text: text)  # without the rule
    assert oncall.search(question, 3).no_answer


def test_quantity_words_are_blanked_and_topic_words_kept():
    from assistant.quantities import without_quantity_words

    assert without_quantity_words("What time does the on-call handover happen?").split() == ["does", "the", "on-call",
                                                                                              "handover", "happen?"]
    assert "volunteers" in without_quantity_words("How many volunteers do we have?")
    assert "mb-36 battery" in without_quantity_words("How much does a new MB-36 battery cost?")
    assert without_quantity_words("交代は何時？") == "交代は ?"


def test_a_one_word_name_the_notes_write_in_japanese_is_known_by_its_translation():
    # "Who is the HR contact for new members?" over a contacts table's 人事 row: "HR" was a name
    # the notes never mention (a fresh user, 2026-12-06).
    import numpy as np

    from assistant.noanswer import is_unanswered
    from assistant.translation import Lexicon

    vocabulary = Vocabulary(["| 役割 | 名前 | 内線 |\n| 人事 | 山田 | 3001 |"])
    lexicon = Lexicon({"hr": ("人事",), "blue": ("青",), "bottle": ("瓶",)}, {}, np.zeros(0, dtype=np.float32))
    assert not is_unanswered("Who is the HR contact?", 1.0, 0.0, vocabulary, lexicon)
    assert is_unanswered("Who is the HR contact?", 1.0, 0.0, vocabulary)  # without the translations
    # A name of more words is no word of the dictionary: "Blue Bottle" stays unknown.
    assert is_unanswered("What is the phone number of Blue Bottle?", 1.0, 0.0, vocabulary, lexicon)


def test_an_extension_written_ext_is_the_extension_asked_for(oncall, monkeypatch):
    # "What is Tanaka's extension?" over "Aiko Tanaka (ext. 4412)": "extension" was a key term
    # the line did not carry, and a score under the floor made it "not in the notes".
    answer = oncall.search("What is Tanaka's extension?", 3)
    assert not answer.no_answer and answer.hits[0].highlight_lines[0] == 18
    monkeypatch.setattr("assistant.noanswer.abbreviated_words", lambda text: set())  # without the rule
    assert oncall.search("What is Tanaka's extension?", 3).no_answer


@pytest.mark.parametrize("question, line", [
    ("Where is the secret?", "See fig. 3 in the manual for the sec. 2 wiring diagram."),
    ("What is the figma?", "See fig. 3 in the manual."),
    ("Where is the money?", "The office (approx. 30 desks) is open Mon. to Sat. from 8 to 20."),
    ("What is the minimum?", "Escalate to the infra dept. after 30 min. without an answer."),
    ("Who handles friday?", "The kitchen fridge is cleared every Fri. at 17:00."),
])
def test_a_word_is_carried_only_by_its_own_abbreviation(question, line):
    # An attack on the first version (any question word starting with any cut-short word of the
    # line): 62 of 215 questions over everyday notes lost their "not in the notes".
    from assistant.noanswer import key_term_share

    assert key_term_share(question, line) == 0.0
    assert key_term_share("Which department?", "Ask the infra dept. after 30 min.") == 1.0
    assert key_term_share("What's the phone number?", "Tel. 03-1234-5678") == 0.5  # "number" is not written


def test_a_day_of_the_week_is_carried_by_a_rota_s_short_form():
    # "Who is on call on Thursday?" was "not in the notes" over a rota's "Thu" column (a fresh
    # user, heldout21, 2026-12-06). Only where two different days are written short: "Sat",
    # "Sun" and "Wed" alone are English words.
    from assistant.noanswer import key_term_share

    rota = "## Weekly rota\n| | Mon | Tue | Wed | Thu |\n| On-call | 佐伯 | 大槻 | 佐伯 | 野々村 |"
    assert key_term_share("Who is on call on Thursday?", rota) == 1.0
    assert key_term_share("Who is on call on Thursday?", rota.replace("Thu", "Fri")) == 0.5
    assert key_term_share("Is the pool open on Sunday?", "We sat in the Sun by the pool.") == 1 / 3  # "pool" only
    assert key_term_share("Is the pool open on Sunday?", "Pool: open Sat and Sun, 9-17") == 1.0
    assert key_term_share("Is the pool open on Sunday?", "The SAT solver runs on the SUN box by the pool.") == 1 / 3


def test_an_answer_in_a_collapsed_block_says_so_in_the_cli_the_page_and_the_api(oncall):
    # The link lands on "Contacts"; the pager steps are inside a closed <details>, and a fresh
    # user read the page and thought the answer was not there (2026-12-06).
    from assistant.render import format_answer
    from assistant.webrender import best_hit_html

    answer = oncall.search("How do I set up the pager app?", 3)
    best = answer.hits[0]
    assert best.highlight_lines[0] == 24 and best.collapsed == "Pager setup"
    assert "the answer is inside the collapsed block “Pager setup” on the page" in format_answer(answer)
    assert '<p class="collapsed-note">' in best_hit_html(best, "en")
    assert best.to_json()["collapsed"] == "Pager setup"
    other = oncall.search("What is the response time for SEV1?", 1).hits[0]
    assert other.collapsed is None and other.to_json()["collapsed"] is None
    assert "collapsed" not in format_answer(oncall.search("What is the response time for SEV1?", 1))


# --- price-elsewhere: a price given for other things (heldout25, a fresh user) ------------------


@pytest.fixture(scope="module")
def prices(tmp_path_factory) -> Searcher:
    return _searcher("price-elsewhere", tmp_path_factory)


@pytest.mark.parametrize("question, answered", [
    ("インプラントって1本いくらでやってる？", False),  # named beside the table, with no price
    ("ホワイトニングはいくら？", True),  # the table's row
    ("マウスピースっていくら？", True),
])
def test_a_price_given_for_other_things_does_not_answer(prices, monkeypatch, question, answered):
    # 「インプラントって1本いくらでやってる？」 was answered by the inlay's 44,000 円 (heldout25,
    # both profiles): a price asked of a named thing is answered by a line naming it.
    assert prices.search(question, 3).no_answer is not answered
    if not answered:  # without the rule, any price of the first hits answered it
        from assistant.nameddetails import answer_text
        monkeypatch.setattr("assistant.verdict.lines_about", lambda question, hit, language, lexicon=None: answer_text(hit))
        assert not prices.search(question, 3).no_answer


@pytest.mark.parametrize("question", ["How much do notebooks cost?", "How much do the knives cost?", "How much do copies cost?",
                                      "How much do gloves cost?"])
def test_a_plural_names_its_singulars_row(question):
    # An attack on the price rule: "| Notebook | ¥150 each |" did not name "notebooks", and the
    # question was "not in the notes".
    from assistant.chunking import Chunk
    from assistant.hits import Hit
    from assistant.nameddetails import NAMED_DETAILS, lines_about

    text = "## Prices\n\n| Item | Price |\n|---|---|\n| Notebook | ¥150 each |\n| Knife | ¥800 each |\n| Copy | ¥10 each |\n| Glove | ¥300 each |"
    chunk = Chunk("a.md", "Office shop", ("Office shop", "Prices"), "prices", None, 1, 8, text)
    about = lines_about(question, Hit(chunk, 1.0, "u", (5, 6, 7, 8)), "en")
    assert about.count("¥") == 1 and missing_quantity(question, [about], NAMED_DETAILS) is None


# --- date-rows: a date inside a row's date range (heldout26, a fresh user) ---------------------


@pytest.mark.slow
@pytest.mark.parametrize("question, row", [
    ("Is the shop open on New Year's Day?", 10),  # inside 12/31〜1/3, not the 1 月 4 日 row
    ("元日は営業してる？", 10),
    ("大晦日は営業？", 10),
    ("12月29日は店は開いてる？", 8),
])
def test_a_date_picks_the_row_whose_dates_hold_it(tmp_path_factory, question, row):
    searcher = _searcher("date-rows", tmp_path_factory)
    assert searcher.search(question, 1).hits[0].highlight_lines[0] == row


# --- filter-topic: a question of a detail alone under a filter asks it of the filter's topic --

@pytest.fixture(scope="module")
def filter_topic(tmp_path_factory) -> Searcher:
    return _searcher("filter-topic", tmp_path_factory)


@pytest.mark.parametrize("question, scope, source, heading", [
    ("いくら？", "truck.md", "truck.md", "料金（2026 年度）"),
    ("How much?", "guest-players.md", "guest-players.md", "Fee and travel"),
])
def test_a_detail_asked_alone_under_a_filter_is_the_filters_topic(filter_topic, question, scope, source, heading):
    """A fresh user on heldout29: 「いくら？」 under the truck page's filter and "How much?"
    under the guest players' page were "not in the notes" over their fee tables. The filter's
    title gives the topic (its path read as words did not), and a top line giving the kind of
    detail asked answers a question of that detail alone."""
    answer = filter_topic.search(question, 5, scope=scope)
    assert not answer.no_answer
    assert answer.hits[0].chunk.source == source and answer.hits[0].chunk.heading_path[-1] == heading
