"""Everyday topics: what a team's notes do not hold, as passages the question can sit nearer to.

A question about the weather, lunch places, a tax return or a driver's licence can still
score above the "not in the notes" floor (calibration.py) on a wiki of any topic: the floor
measures how near the question sits to the notes, not whether something else sits nearer.
Here it is asked directly. A fixed set of short passages on everyday topics (food, weather,
transport, taxes, health, hobbies, shopping, personal paperwork...), embedded once per model,
is a background the notes compete with: a question nearer (dense cosine) to one of them
than to every chunk and line of the notes, by more than the model profile's margin
(profiles.ModelProfile.background_margin), asks about something the notes do not cover
(a "reject class" of a closed-set search; in speaker verification, a universal background
model). Topics and notes are compared within each notes language (Background.nearer): a
question scores text in its own language higher, so English topics against Japanese notes
would weigh the languages, not the subjects.

No topic is about technology, a trade, study or exams (certification notes are team notes:
"How many questions are on the exam?" over the seed's exam notes sat nearer to a topic on
school exams, which was taken out), and a wiki that covers a topic here (a bakery's recipes,
a clinic's patients, an office's leave rules) scores its own passages above it for questions
it answers: the margin is measured on answered questions of the seed, wiki-dev and sixteen
held-out wikis in both profiles (docs/evaluation.md, thirty-fifth and thirty-sixth passes).

The vectors are kept in the index's embedding cache (cache.py) under their texts' hashes,
as chunk vectors are: embedded at an index's first load (~3 s with e5, ~8 s with Gemma on
two cores), read back after.
"""
from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from . import cache as embedding_cache
from .cache import EmbeddingCache
from .encode import text_hash

log = logging.getLogger(__name__)

# Written as passages (what a page on the topic would say), in both languages: a model scores
# a question nearer to text in its own language.
TOPICS: dict[str, tuple[str, ...]] = {
    "en": (
        'Weather forecast for tomorrow and the weekend: rain, sunshine, temperature and wind.',
        'A recipe for dinner at home: ingredients, cooking steps and how many servings.',
        'Restaurant recommendations: good places nearby for lunch or dinner, ramen, sushi and cafes.',
        'Train and bus timetables, the last train, airport buses and fares.',
        'Filing a personal income tax return, paying resident tax and the year-end tax adjustment.',
        'Pension enrolment, the national health insurance card and social security paperwork.',
        'Applying for or extending a visa or residence permit at the immigration office.',
        "Renewing a driver's licence and registering a car.",
        'The stock market outlook, exchange rates and personal investing.',
        'Booking a hotel and sightseeing tips for a family holiday.',
        'Finding a doctor, dentist or clinic.',
        'Fitness: gym workouts, supplements and diet plans.',
        'Sports news: football and baseball results, the Olympics and match scores.',
        'Movies, TV dramas, music charts and celebrity news.',
        'History trivia: famous people, inventions and historical events.',
        'World geography: capital cities, countries, mountains and rivers.',
        'Home internet, smartphone settings and fixing a personal computer.',
        'Pet care: feeding a dog or cat, pet food and vet visits.',
        'Gardening: when to plant vegetables and flowers and how often to water them.',
        'Shopping: where to buy clothes, shoes, gadgets and gifts, and when the sales are.',
        'Renting an apartment, moving house, utility bills and the lease.',
        'Weddings, birthday parties and gift etiquette.',
        'Learning a foreign language: language schools and study apps.',
        'Childcare, parenting tips and enrolling children in school.',
        'Astronomy and nature trivia: planets, moons, animals and plants.',
        'Cooking tips at home: eggs, bread, coffee and drinks.',
        'Cleaning and laundry: removing stains and choosing a detergent.',
        'Maintaining a bicycle, motorbike or private car.',
        'Board games and video games: chess, shogi, game consoles and strategies.',
        'Air travel: passports, flight bookings and luggage rules at the airport.',
        'Personal banking: opening a bank account, credit cards and ATM fees.',
        'Buying a house, mortgages and real estate prices.',
        "Politics, elections and today's news headlines.",
        'Sports technique for beginners: swimming, running, tennis.',
        'Fashion, hairstyles and skincare.',
        'Dating, relationships and advice on friends and family.',
        'Cold and flu symptoms, headaches and over-the-counter medicine.',
        'Local festivals, fireworks, concerts and events this weekend.',
        'Employee benefits, company events and health checkups.',
        'Salary, leave and personal HR paperwork.',
        'Cryptocurrency prices, bitcoin wallets and online trading.',
        'Anime, manga and comic recommendations.',
        'Horoscopes, fortune telling and lucky colours.',
        'Camping, fishing, skiing and other outdoor weekend hobbies.',
        'Yoga, meditation and tips for sleeping better.',
        'Musical instruments, karaoke songs and concerts to go to.',
        'Wine pairing, cocktails and craft beer bars.',
        'Photography tips and choosing a camera.',
        'Knitting, sewing and other handicrafts.',
        'Buying a new car and car insurance.',
        'Lottery tickets, horse racing and betting odds.',
        'Funerals, religious customs and visiting shrines or temples.',
        'Famous quotes, poems and jokes.',
        'Volunteering and charity donations.',
    ),
    "ja": (
        '明日と週末の天気予報：雨、晴れ、気温、風。',
        '家で作る夕食のレシピ：材料、作り方、何人分か。',
        '近くのおすすめの飲食店：ランチやディナー、ラーメン、寿司、カフェ。',
        '電車とバスの時刻表、終電、空港行きのバス、運賃。',
        '確定申告、住民税の納付、年末調整のやり方。',
        '年金の手続き、健康保険証の切り替え、社会保険の書類。',
        'ビザの申請や更新、在留カード、入国管理局での手続き。',
        '運転免許証の更新と車の登録。',
        '株価の見通し、為替レート、個人の資産運用。',
        '家族旅行のホテル予約と観光のおすすめ。',
        '病院や歯医者、クリニックの探し方。',
        'フィットネス：ジムでの筋トレ、サプリメント、ダイエット。',
        'スポーツニュース：サッカーや野球の結果、オリンピック、試合のスコア。',
        '映画、ドラマ、音楽ランキング、芸能ニュース。',
        '歴史の雑学：有名人、発明、歴史上の出来事。',
        '世界の地理：首都、国、山、川。',
        '自宅のインターネット、スマホの設定、私物のパソコンの修理。',
        'ペットの世話：犬や猫のえさ、ペットフード、動物病院。',
        '家庭菜園：野菜や花を植える時期と水やりの回数。',
        '買い物：服や靴、家電、プレゼントをどこで買うか、セールの時期。',
        '賃貸アパート探し、引っ越し、光熱費、賃貸契約。',
        '結婚式、誕生日パーティー、贈り物のマナー。',
        '外国語の勉強、語学学校、学習アプリ。',
        '子育て、育児のコツ、子どもの入学手続き。',
        '天文や自然の雑学：惑星、衛星、動物、植物。',
        '家庭料理のコツ：卵、パン、コーヒー、飲み物。',
        '掃除と洗濯：シミの落とし方、洗剤の選び方。',
        '自転車やバイク、自家用車のメンテナンス。',
        'ボードゲームやテレビゲーム：チェス、将棋、ゲーム機、攻略法。',
        '飛行機の旅：パスポート、航空券の予約、空港の手荷物の決まり。',
        '銀行：口座の開設、クレジットカード、ATM の手数料。',
        '住宅の購入、住宅ローン、不動産の価格。',
        '政治、選挙、今日のニュース。',
        '水泳やランニングなどスポーツの初心者向けのコツ。',
        'ファッション、髪型、スキンケア。',
        '恋愛、人間関係、友人や家族の相談。',
        '風邪やインフルエンザの症状、頭痛、市販薬。',
        '地元のお祭り、花火大会、コンサート、週末のイベント。',
        '会社の福利厚生、社内行事、健康診断。',
        '給与、休暇、個人の人事手続き。',
        '仮想通貨の価格、ビットコインのウォレット、ネット証券。',
        'アニメや漫画のおすすめ。',
        '星占い、占い、ラッキーカラー。',
        'キャンプ、釣り、スキーなど週末のアウトドアの趣味。',
        'ヨガ、瞑想、よく眠るためのコツ。',
        '楽器、カラオケの曲、行きたいコンサート。',
        'ワインと料理の組み合わせ、カクテル、クラフトビールのバー。',
        '写真の撮り方とカメラの選び方。',
        '編み物、裁縫などの手芸。',
        '新車の購入と自動車保険。',
        '宝くじ、競馬、賭けのオッズ。',
        'お葬式、宗教の習慣、神社やお寺へのお参り。',
        '名言、詩、ジョーク。',
        'ボランティアと寄付。',
    ),
}


class Background:
    """The everyday topics' vectors, their languages and the margin a question must clear."""

    def __init__(self, vectors: np.ndarray, margin: float, languages: np.ndarray | None = None):
        self.vectors = vectors  # float32[n_topics, dim], unit rows, in TOPICS order (en, then ja)
        self.margin = margin  # cosine units of the model (profiles.ModelProfile.background_margin)
        # str[n_topics]: 'en' / 'ja', each topic's language (topic_languages)
        self.languages = topic_languages() if languages is None else languages

    def nearer(self, question: np.ndarray, notes_best: Mapping[str, float], question_language: str) -> bool:
        """True when the question's vector (float32[dim], unit) sits nearer to an everyday
        topic than to the notes in every notes language, and by more than the margin in the
        question's own language ('ja' / 'en'; in every one when the notes have none in it).
        `notes_best` maps each language the notes are written in to the question's best
        cosine with a chunk or answer line in it (retrieve.Scores.notes_best); each is
        compared with the topics written in that language only.

        Why per language: a question scores text in its own language higher. Compared across
        languages, "Is my train fare to work paid for?" met the English topic on train fares
        at 0.854 and heldout10's Japanese page on commuting pay at 0.833, and was flagged (a
        helper's attack with e5, thirty-fifth pass); against the Japanese topics (0.814) the
        notes win. Why no margin in the other language: there both sides are cross-language
        cosines, squeezed together (e5), and the margin there lost a quarter of the
        off-topic questions the topics catch (a helper's 210 off-topic runs;
        docs/evaluation.md, thirty-sixth pass)."""
        if not len(self.vectors) or not notes_best:
            return False
        cosines = self.vectors @ question
        for lang, best in notes_best.items():
            own = self.languages == lang
            margin = self.margin if lang == question_language or question_language not in notes_best else 0.0
            if not own.any() or float(cosines[own].max()) <= best + margin:
                return False
        return True


def topic_languages() -> np.ndarray:
    """str[n_topics]: each topic's language, in topic_texts order."""
    return np.array([lang for lang, texts in TOPICS.items() for _ in texts])


def topic_texts() -> list[str]:
    """Every topic passage, English then Japanese."""
    return [text for texts in TOPICS.values() for text in texts]


def topic_vectors(embedder, cache_path: Path) -> np.ndarray:
    """float32[n_topics, dim]: the topics embedded as passages, from the embedding cache at
    `cache_path` when there, else embedded and stored in it. A cache that cannot be opened or
    written (read-only index folder, damaged file) only costs the embedding: logged at info."""
    texts = topic_texts()
    hashes = [text_hash(text) for text in texts]
    cache, found = None, {}
    try:
        cache = EmbeddingCache(cache_path, embedder.name, embedder.dim)
        found = cache.get_many(hashes)
    except (sqlite3.Error, OSError) as exc:
        log.info("embedding the everyday topics without a cache (%s): %s", cache_path, exc)
    try:
        missing = [i for i, key in enumerate(hashes) if key not in found]
        if missing:
            vectors = embedder.embed_passages([texts[i] for i in missing]).astype(np.float32)
            found.update({hashes[i]: vector for i, vector in zip(missing, vectors)})
            if cache is not None:
                cache.put_many((hashes[i], found[hashes[i]]) for i in missing)
    except sqlite3.Error as exc:
        log.info("could not keep the everyday topics' vectors in %s: %s", cache_path, exc)
    finally:
        if cache is not None:
            cache.close()
    return np.stack([found[key] for key in hashes]).astype(np.float32)


def for_index(embedder, index_dir: Path) -> Background | None:
    """The everyday topics for searches of the index in `index_dir` with `embedder`, their
    vectors kept in its embedding cache; None when the model has no measured margin
    (profiles.ModelProfile.background_margin: an ad-hoc sentence-transformers model, the
    tests' hash embedder), so nothing is flagged on a scale nobody measured."""
    from .profiles import PROFILES

    profile = PROFILES.get(getattr(embedder, "profile", "") or "")
    if profile is None or profile.background_margin is None:
        return None
    return Background(topic_vectors(embedder, index_dir / embedding_cache.FILE), profile.background_margin)
