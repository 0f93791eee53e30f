"""Tests for assistant.cite: anchors per style and wiki URLs.

cite.heading_anchors delegates to assistant/wiki/slugs.py (KramdownIds, GithubIds), so these
hand-derived expectations (from kramdown's basic_generate_id/generate_id and github-slugger's
slug(), not from running the code) check that one implementation too.
"""
from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.cite import ANCHOR_STYLES, citation_url, heading_anchors, page_url

# Every heading of corpus/aws-developer-associate.md in document order, with the kramdown id
# and the github slug. The RDS heading keeps the trailing space it has in the file.
CORPUS_HEADINGS = [
    ("第1章 AWSサービス全体の概要", "aws", "第1章-awsサービス全体の概要"),
    ("AWS Well-Architected", "aws-well-architected", "aws-well-architected"),
    ("一般的な設計原則", "section", "一般的な設計原則"),
    ("フレームワークの柱", "section-1", "フレームワークの柱"),
    ("AWSグローバルインフラストラクチャ", "aws-1", "awsグローバルインフラストラクチャ"),
    ("AWSの操作", "aws-2", "awsの操作"),
    ("責任共有モデル", "section-2", "責任共有モデル"),
    ("AWS EC2 (Elastic Compute Cloud)", "aws-ec2-elastic-compute-cloud", "aws-ec2-elastic-compute-cloud"),
    ("Amazon VPC (Virtual Private Cloud)", "amazon-vpc-virtual-private-cloud", "amazon-vpc-virtual-private-cloud"),
    ("ストレージタイプ", "section-3", "ストレージタイプ"),
    ("Amazon EBS (Elastic Block Store)", "amazon-ebs-elastic-block-store", "amazon-ebs-elastic-block-store"),
    ("Amazon EFS (Amazon Elastic File System)", "amazon-efs-amazon-elastic-file-system",
     "amazon-efs-amazon-elastic-file-system"),
    ("適切なストレージサービスの選択", "section-4", "適切なストレージサービスの選択"),
    ("ソリューションの最適化", "section-5", "ソリューションの最適化"),
    ("第2章 展開（デプロイ）関連サービス", "section-6", "第2章-展開デプロイ関連サービス"),
    ("AWS CodeCommit", "aws-codecommit", "aws-codecommit"),
    ("AWS CodeBuild", "aws-codebuild", "aws-codebuild"),
    ("AWS CodePipeline", "aws-codepipeline", "aws-codepipeline"),
    ("AWS CodeDeploy", "aws-codedeploy", "aws-codedeploy"),
    ("AWS CloudFormation", "aws-cloudformation", "aws-cloudformation"),
    ("AWS SAM (Serverless Application Model)", "aws-sam-serverless-application-model",
     "aws-sam-serverless-application-model"),
    ("AWS CDK (Cloud Development Kit)", "aws-cdk-cloud-development-kit", "aws-cdk-cloud-development-kit"),
    ("AWS Elastic Beanstalk", "aws-elastic-beanstalk", "aws-elastic-beanstalk"),
    ("Amazon OpsWorks", "amazon-opsworks", "amazon-opsworks"),
    ("AWS Cloud9", "aws-cloud9", "aws-cloud9"),
    ("AWS CloudShell", "aws-cloudshell", "aws-cloudshell"),
    ("AWS CodeArtifact", "aws-codeartifact", "aws-codeartifact"),
    ("Amazon CodeGuru", "amazon-codeguru", "amazon-codeguru"),
    ("AWS CodeStar", "aws-codestar", "aws-codestar"),
    ("Amazon CodeWhisperer", "amazon-codewhisperer", "amazon-codewhisperer"),
    ("第3章 セキュリティ関連サービス", "section-7", "第3章-セキュリティ関連サービス"),
    ("AWS IAM (Identity and Access Management)", "aws-iam-identity-and-access-management",
     "aws-iam-identity-and-access-management"),
    ("AWS STS (Security Token Service)", "aws-sts-security-token-service", "aws-sts-security-token-service"),
    ("AWS KMS (Key Management Service)", "aws-kms-key-management-service", "aws-kms-key-management-service"),
    ("AWS Secrets Manager", "aws-secrets-manager", "aws-secrets-manager"),
    ("AWS Systems Manager (Parameter Store)", "aws-systems-manager-parameter-store",
     "aws-systems-manager-parameter-store"),
    ("AWS Certificate Manager (ACM)", "aws-certificate-manager-acm", "aws-certificate-manager-acm"),
    ("AWS Private Certificate Authority", "aws-private-certificate-authority", "aws-private-certificate-authority"),
    ("Amazon Cognito", "amazon-cognito", "amazon-cognito"),
    ("AWS WAF (Web Application Firewall)", "aws-waf-web-application-firewall", "aws-waf-web-application-firewall"),
    ("その他のセキュリティサービス", "section-8", "その他のセキュリティサービス"),
    ("第4章 開発関連サービス", "section-9", "第4章-開発関連サービス"),
    ("Amazon API Gateway", "amazon-api-gateway", "amazon-api-gateway"),
    ("AWS Lambda", "aws-lambda", "aws-lambda"),
    ("Amazon DynamoDB", "amazon-dynamodb", "amazon-dynamodb"),
    ("Amazon Route53", "amazon-route53", "amazon-route53"),
    ("Amazon ELB (Elastic Load Balancing)", "amazon-elb-elastic-load-balancing", "amazon-elb-elastic-load-balancing"),
    ("Amazon ECS (Elastic Container Service)", "amazon-ecs-elastic-container-service",
     "amazon-ecs-elastic-container-service"),
    ("Amazon ECR (Elastic Container Registry)", "amazon-ecr-elastic-container-registry",
     "amazon-ecr-elastic-container-registry"),
    ("Amazon EKS (Elastic Kubernetes Service)", "amazon-eks-elastic-kubernetes-service",
     "amazon-eks-elastic-kubernetes-service"),
    ("AWS Copilot", "aws-copilot", "aws-copilot"),
    ("Amazon RDS (Relational Data Service) ", "amazon-rds-relational-data-service",
     "amazon-rds-relational-data-service"),
    ("Amazon Aurora", "amazon-aurora", "amazon-aurora"),
    ("Amazon ElastiCache", "amazon-elasticache", "amazon-elasticache"),
    ("Amazon MemoryDB for Redis", "amazon-memorydb-for-redis", "amazon-memorydb-for-redis"),
    ("Amazon S3 (Simple Storage Service)", "amazon-s3-simple-storage-service", "amazon-s3-simple-storage-service"),
    ("Amazon SNS", "amazon-sns", "amazon-sns"),
    ("Amazon SQS (Simple Queue Service)", "amazon-sqs-simple-queue-service", "amazon-sqs-simple-queue-service"),
    ("Amazon Kinesis", "amazon-kinesis", "amazon-kinesis"),
    ("AWS AppSync", "aws-appsync", "aws-appsync"),
    ("AWS Step Functions", "aws-step-functions", "aws-step-functions"),
    ("AWS Amplify", "aws-amplify", "aws-amplify"),
    ("AWS Config", "aws-config", "aws-config"),
    ("その他の開発関連サービス", "section-10", "その他の開発関連サービス"),
    ("第5章 リファクタリング関連サービス", "section-11", "第5章-リファクタリング関連サービス"),
    ("Amazon CloudFront", "amazon-cloudfront", "amazon-cloudfront"),
    ("Auto Scaling", "auto-scaling", "auto-scaling"),
    ("第6章 監視関連サービス", "section-12", "第6章-監視関連サービス"),
    ("Amazon CloudWatch", "amazon-cloudwatch", "amazon-cloudwatch"),
    ("AWS CloudTrail", "aws-cloudtrail", "aws-cloudtrail"),
    ("AWS X-Ray", "aws-x-ray", "aws-x-ray"),
    ("参考資料", "section-13", "参考資料"),
    ("試験情報", "section-14", "試験情報"),
    # Leading "第1分野: " is stripped up to the 'A'; the Japanese after "AWS " is dropped but the
    # space survives, giving a trailing '-' - a different base than "aws", so no suffix.
    ("第1分野: AWS のサービスによる開発", "aws-", "第1分野-aws-のサービスによる開発"),
    ("第2分野: セキュリティ", "section-15", "第2分野-セキュリティ"),
    ("第3分野: デプロイ", "section-16", "第3分野-デプロイ"),
    ("第4分野: トラブルシューティングと最適化", "section-17", "第4分野-トラブルシューティングと最適化"),
    ("Appendix", "appendix", "appendix"),
]
TEXTS = [h for h, _, _ in CORPUS_HEADINGS]


def test_corpus_table_matches_the_corpus_file():
    """Guards the hand-written table against drift from the real note."""
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "corpus" / "aws-developer-associate.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [re.sub(r"^#+ ", "", line) for line in lines if re.match(r"^#{1,6} ", line)]
    assert found == TEXTS


def test_kramdown_whole_corpus_document():
    assert heading_anchors(TEXTS, "kramdown") == [k for _, k, _ in CORPUS_HEADINGS]


def test_github_whole_corpus_document():
    assert heading_anchors(TEXTS, "github") == [g for _, _, g in CORPUS_HEADINGS]


def test_default_style_is_kramdown():
    assert heading_anchors(TEXTS) == heading_anchors(TEXTS, "kramdown")


@pytest.mark.parametrize(
    "heading, expected",
    [
        ("第1章 AWSサービス全体の概要", "aws"),  # not "1-aws": leading non-letters go first
        ("AWS EC2 (Elastic Compute Cloud)", "aws-ec2-elastic-compute-cloud"),
        ("第1分野: AWS のサービスによる開発", "aws-"),
        ("Appendix", "appendix"),
        ("Amazon RDS (Relational Data Service) ", "amazon-rds-relational-data-service"),
        ("一般的な設計原則", "section"),
        ("123 Go", "go"),
        ("2023", "section"),
        ("Foo  Bar", "foo--bar"),  # tr maps each space, no collapsing
        ("C++ & C#", "c--c"),
        ("under_score", "underscore"),
        ("Déjà vu", "dj-vu"),  # non-ASCII letters dropped (no transliteration by default)
        ("-Leading dash", "leading-dash"),
        ("", "section"),
    ],
)
def test_kramdown_single_heading(heading, expected):
    assert heading_anchors([heading], "kramdown") == [expected]


@pytest.mark.parametrize(
    "heading, expected",
    [
        ("第1章 AWSサービス全体の概要", "第1章-awsサービス全体の概要"),
        ("一般的な設計原則", "一般的な設計原則"),
        ("第2章 展開（デプロイ）関連サービス", "第2章-展開デプロイ関連サービス"),  # full-width parens
        ("第1分野: AWS のサービスによる開発", "第1分野-aws-のサービスによる開発"),
        ("AWS EC2 (Elastic Compute Cloud)", "aws-ec2-elastic-compute-cloud"),
        ("Amazon RDS (Relational Data Service) ", "amazon-rds-relational-data-service"),
        ("Foo  Bar", "foo--bar"),
        ("C++ & C#", "c--c"),
        ("under_score", "under_score"),  # Pc is kept
        ("Déjà vu", "déjà-vu"),
        ("123 Go", "123-go"),
        ("😄 emoji", "-emoji"),  # github-slugger README example
        ("Привет non-latin 你好", "привет-non-latin-你好"),  # github-slugger README example
        ("Ⓐ circled", "ⓐ-circled"),  # So but Alphabetic: slugger keeps it
        ("½ price", "-price"),  # No is removed
        ("!!!", ""),
    ],
)
def test_github_single_heading(heading, expected):
    assert heading_anchors([heading], "github") == [expected]


def test_kramdown_duplicates_and_section_counter():
    headings = ["Intro", "一般的な設計原則", "Intro", "フレームワークの柱", "Intro", "!!!"]
    assert heading_anchors(headings, "kramdown") == [
        "intro", "section", "intro-1", "section-1", "intro-2", "section-2",
    ]


def test_kramdown_reproduces_its_own_collision():
    """kramdown counts per base id only, so a literal 'Foo 1' collides; the page has it too."""
    assert heading_anchors(["Foo", "Foo", "Foo 1"], "kramdown") == ["foo", "foo-1", "foo-1"]


def test_github_duplicates():
    assert heading_anchors(["Foo", "foo", "FOO"], "github") == ["foo", "foo-1", "foo-2"]
    assert heading_anchors(["一般的な設計原則", "一般的な設計原則"], "github") == [
        "一般的な設計原則", "一般的な設計原則-1",
    ]


def test_github_skips_taken_suffixes():
    assert heading_anchors(["Foo", "Foo", "Foo-1"], "github") == ["foo", "foo-1", "foo-1-1"]
    assert heading_anchors(["Foo-1", "Foo", "Foo"], "github") == ["foo-1", "foo", "foo-2"]


@pytest.mark.parametrize("style", ANCHOR_STYLES)
def test_anchors_are_per_document(style):
    # A document whose duplicates were numbered leaves nothing behind: the next document's
    # first "Foo" is "foo" again (a counter shared between calls would give "foo-2").
    assert heading_anchors(["Foo", "Foo"], style) == ["foo", "foo-1"]
    assert heading_anchors(["Foo", "Bar"], style) == ["foo", "bar"]


@pytest.mark.parametrize("engine", ["jekyll", "kramdown", "github", "gitlab", "mkdocs", "vitepress", "docusaurus"])
def test_two_notes_with_the_same_headings_get_the_same_ids(engine):
    """The build's path: every note is its own page, so its ids start afresh (a wiki
    numbers duplicates within one page only)."""
    from assistant.chunking import chunk_note
    from assistant.notes import parse_note

    text = "# Setup\n\ntext one\n\n## Setup\n\ntext two\n\n## Setup\n\ntext three\n"
    first, second = (chunk_note(parse_note(text, name), wiki_engine=engine) for name in ("a.md", "b/c.md"))
    anchors = [c.anchor for c in first]
    assert len(set(anchors)) == 3  # numbered within the page
    assert [c.anchor for c in second] == anchors


def test_empty_document():
    assert heading_anchors([], "kramdown") == []
    assert heading_anchors([], "github") == []


def test_unknown_style_raises_clear_error():
    with pytest.raises(ValueError, match=r"unknown anchor style 'gitlab'.*kramdown, github"):
        heading_anchors(["Foo"], "gitlab")


# --- URLs -----------------------------------------------------------------------------------

BASE = "https://wiki.example.com"


@pytest.mark.parametrize("base", [BASE, BASE + "/"])
def test_page_url_from_source(base):
    assert page_url(base, "aws-developer-associate.md", None) == BASE + "/aws-developer-associate/"
    assert page_url(base, "aws/notes.md", None) == BASE + "/aws/notes/"
    assert page_url(base, "aws/deep/notes.markdown", None) == BASE + "/aws/deep/notes/"


def test_page_url_base_with_path():
    assert page_url("https://x.github.io/wiki/", "aws/notes.md", None) == "https://x.github.io/wiki/aws/notes/"
    assert page_url("", "aws/notes.md", None) == "/aws/notes/"


def test_page_url_index_is_the_folder():
    assert page_url(BASE, "index.md", None) == BASE + "/"
    assert page_url(BASE, "aws/index.md", None) == BASE + "/aws/"


def test_page_url_cleans_odd_source_paths():
    assert page_url(BASE, "./aws//notes.md", None) == BASE + "/aws/notes/"
    # Sources are '/'-separated (notes.py): a backslash is part of a POSIX file name, and goes
    # out encoded twice (cite._quote_path), as wiki.pages reads it.
    assert page_url(BASE, "aws\\notes.MD", None) == BASE + "/aws%255Cnotes/"
    with pytest.raises(ValueError):
        page_url(BASE, "../secret.md", None)
    with pytest.raises(ValueError):
        page_url(BASE, "", None)


@pytest.mark.parametrize("base", [BASE, BASE + "/"])
@pytest.mark.parametrize("permalink", ["/aws/dva/", "aws/dva/"])
def test_permalink_wins(base, permalink):
    assert page_url(base, "aws/notes.md", permalink) == BASE + "/aws/dva/"


def test_permalink_kept_as_written():
    assert page_url(BASE, "x.md", "/about.html") == BASE + "/about.html"
    assert page_url(BASE, "x.md", "/") == BASE + "/"
    assert page_url(BASE, "x.md", "") == BASE + "/x/"  # empty permalink means none


def test_non_ascii_path_is_percent_encoded():
    # 日 U+65E5 = E6 97 A5, 本 U+672C = E6 9C AC, 語 U+8A9E = E8 AA 9E, メ E3 83 A1, モ E3 83 A2
    assert page_url(BASE, "日本語/メモ.md", None) == (
        BASE + "/%E6%97%A5%E6%9C%AC%E8%AA%9E/%E3%83%A1%E3%83%A2/"
    )
    assert page_url(BASE, "my notes/a b.md", None) == BASE + "/my%20notes/a%20b/"
    assert page_url(BASE, "x.md", "/メモ/") == BASE + "/%E3%83%A1%E3%83%A2/"


def test_already_encoded_permalink_is_not_double_encoded():
    assert page_url(BASE, "x.md", "/%E3%83%A1%E3%83%A2/") == BASE + "/%E3%83%A1%E3%83%A2/"
    assert page_url(BASE, "x.md", "/100%/") == BASE + "/100%25/"


@pytest.mark.parametrize("permalink, path", [
    ("/../../etc/", "/etc/"), ("../x/", "/x/"), ("/a/./b/../c/", "/a/b/c/"),
    ("/%2e%2e/x/", "/%252e%252e/x/"), ("/%2E./x/", "/%252E./x/"), ("/.%2e/", "/.%252e/"),
    # Encoded slashes and backslashes: nginx decodes %2F before resolving '..' (an attack run).
    ("/..%2F..%2Fadmin/", "/..%252F..%252Fadmin/"), ("/a%5Cb/", "/a%255Cb/"), ("/a\\..\\b/", "/a%255C..%255Cb/"),
    ("/x/.", "/x/"),
])
def test_a_citation_has_no_dot_segment_a_browser_would_resolve_above_the_base(permalink, path):
    # An attack run: `permalink: ../../x` linked https://team.github.io/handbook/../../x/.
    assert page_url(BASE + "/wiki/", "x.md", permalink) == BASE + "/wiki" + path
    assert page_url(BASE + "/wiki/", "%2e%2e/x.md", None) == BASE + "/wiki/%252e%252e/x/"


@given(st.text(max_size=30))
def test_property_no_permalink_leaves_the_base_path(permalink):
    path = page_url(BASE + "/wiki", "x.md", permalink)[len(BASE):]
    assert path.startswith("/wiki/")
    decoded = [unquote(seg) for seg in path.split("/")]
    assert not set(decoded) & {".", ".."} and not any("/" in seg or "\\" in seg for seg in decoded)


def test_citation_url():
    assert citation_url(BASE + "/", "aws/notes.md", None, "aws-lambda") == BASE + "/aws/notes/#aws-lambda"
    assert citation_url(BASE, "aws/notes.md", "/dva/", "section-1") == BASE + "/dva/#section-1"


def test_citation_url_without_anchor_has_no_hash():
    assert citation_url(BASE, "aws/notes.md", None, "") == BASE + "/aws/notes/"


def test_citation_url_encodes_anchor():
    # 参 U+53C2 = E5 8F 82, 考 U+8003 = E8 80 83
    assert citation_url(BASE, "a.md", None, "参考") == BASE + "/a/#%E5%8F%82%E8%80%83"
    assert citation_url(BASE, "a.md", None, "under_score-1") == BASE + "/a/#under_score-1"
    assert citation_url(BASE, "a.md", None, "50%") == BASE + "/a/#50%25"  # ids are raw, not pre-encoded
    assert citation_url(BASE, "a.md", None, "a b") == BASE + "/a/#a%20b"


# --- properties -----------------------------------------------------------------------------

_pieces = st.sampled_from(
    ["Foo", "foo", "Foo 1", "foo-1", "section", "一般的な設計原則", "AWS", "第1章 AWS", " ", "!!", "-", "1"]
)
_headings = st.lists(st.one_of(st.text(max_size=30), _pieces), max_size=25)
KRAMDOWN_ANCHOR = re.compile(r"^[a-z][a-z0-9-]*$")  # covers "section" and "section-N" too


@settings(max_examples=300)
@given(_headings)
def test_property_one_anchor_per_heading_never_raises(headings):
    for style in ANCHOR_STYLES:
        assert len(heading_anchors(headings, style)) == len(headings)


@settings(max_examples=300)
@given(_headings)
def test_property_kramdown_shape(headings):
    for anchor in heading_anchors(headings, "kramdown"):
        assert KRAMDOWN_ANCHOR.match(anchor), anchor


@settings(max_examples=300)
@given(_headings)
def test_property_github_anchors_unique(headings):
    anchors = heading_anchors(headings, "github")
    assert len(set(anchors)) == len(anchors)
    for anchor in anchors:
        assert not re.search(r"[\s!-,.-/:-@\[-^`{-~]", anchor.replace("-", "")), anchor


@settings(max_examples=300)
@given(_headings)
def test_property_kramdown_unique_unless_base_looks_numbered(headings):
    """kramdown only collides when some heading's own id already ends in '-<digits>'."""
    bases = [heading_anchors([h], "kramdown")[0] for h in headings]
    anchors = heading_anchors(headings, "kramdown")
    if not any(re.search(r"-\d+$", b) for b in bases):
        assert len(set(anchors)) == len(anchors)
    assert [a for a, b in zip(anchors, bases) if a == b] == [b for b in dict.fromkeys(bases)]


_names = st.text(st.characters(exclude_characters="/\\"), min_size=1, max_size=20)


@given(_names, st.text(max_size=20), st.sampled_from([BASE, BASE + "/", ""]))
def test_property_urls_are_ascii_and_clean(name, anchor, base):
    url = citation_url(base, name + ".md", None, anchor)
    page, _, fragment = url.partition("#")
    assert url.isascii()
    assert "//" not in page.split("://", 1)[-1]
    assert "#" not in fragment
    assert page.endswith("/")
