"""The article page: text as stored, honest dates, marked matches, citations and metadata."""

import re

import pytest

from archive.models import Article

SEED_CAPTIONS = ["هنية و النخالة5", "هنية و النخالة4", "هنية و النخالة2", "هنية و النخالة1", "هنية و النخالة"]


def test_seed_article_shows_title_body_and_all_five_captions(indexed_demo, get_page):
    article = Article.objects.get(external_id="0vq2f")
    page = get_page("/articles/0vq2f/")

    assert article.title in page.text
    for paragraph in article.paragraphs():
        assert paragraph in page.text
    figcaptions = page.html.count("<figcaption")
    assert figcaptions == 5
    for caption in SEED_CAPTIONS:
        assert caption in page.text
    assert "الصورة غير محفوظة في الأرشيف" in page.text
    assert not page.find_all("img")


def test_undated_article_is_never_given_a_date(indexed_demo, get_page):
    page = get_page("/articles/0vq2f/")

    article_html = page.html.split('<aside class="article-aside"')[0]  # related articles have dates
    assert "غير مؤرَّخ" in article_html
    assert "<time" not in article_html
    assert " هـ" not in article_html  # no Hijri date either
    assert page.meta("citation_publication_date") == []
    assert page.meta("citation_date") == []
    assert page.meta("DC.date") == []


def test_date_only_article_shows_no_time(indexed_demo, get_page):
    page = get_page("/articles/demo-2020-002/")

    assert "15 سبتمبر 2020" in page.text
    assert "الساعة" not in page.text
    assert page.find("time")["datetime"] == "2020-09-15"
    assert "27 محرم 1442 هـ" in page.text
    assert page.meta("citation_publication_date") == ["2020/09/15"]
    assert page.meta("DC.date") == ["2020-09-15"]


def test_dated_article_shows_time_and_both_calendars(indexed_demo, get_page):
    page = get_page("/articles/demo-2019-003/")

    assert "26 نوفمبر 2019" in page.text
    assert "الساعة 12:00" in page.text
    assert "29 ربيع الأول 1441 هـ" in page.text
    assert page.find("time")["datetime"].startswith("2019-11-26T12:00:00")


def test_english_dates(indexed_demo, get_page):
    page = get_page("/articles/demo-2019-003/", language="en")

    assert "26 November 2019, 12:00 UTC" in page.text
    assert "29 Rabi al-Awwal 1441 AH" in page.text
    assert "undated" in get_page("/articles/0vq2f/", language="en").text


def test_metadata_for_reference_managers(indexed_demo, get_page):
    page = get_page("/articles/demo-2019-002/")

    assert page.meta("citation_title") == ["صادرات التمور ترتفع 12% في الربع الأول"]
    assert page.meta("citation_author") == ["Karim Haddad"]
    assert page.meta("citation_publication_date") == ["2019/05/08"]
    assert page.meta("citation_date") == ["2019/05/08"]
    assert page.meta("citation_journal_title") == ["نشرة الاقتصاد اليومية"]
    assert page.meta("citation_publisher") == ["نشرة الاقتصاد اليومية"]
    assert page.meta("citation_language") == ["ar"]
    permalink = "http://testserver/articles/demo-2019-002/"
    assert page.meta("citation_abstract_html_url") == [permalink]
    assert page.meta("citation_public_url") == [permalink]
    assert page.meta("DC.title") == page.meta("citation_title")
    assert page.meta("DC.creator") == ["Karim Haddad"]
    assert page.meta("DC.date") == ["2019-05-08"]
    assert page.meta("DC.publisher") == ["نشرة الاقتصاد اليومية"]
    assert page.meta("DC.language") == ["ar"]
    assert page.meta("DC.identifier") == [permalink]
    assert page.meta("DC.source") == ["https://example.org/eco/2019/05/dates-export"]
    assert page.find("link", rel="canonical")["href"] == permalink


def test_seed_metadata_leaves_out_what_is_unknown(indexed_demo, get_page):
    page = get_page("/articles/0vq2f/")

    assert page.meta("citation_title") == [Article.objects.get(external_id="0vq2f").title]
    assert page.meta("citation_author") == []
    assert page.meta("citation_journal_title") == []
    assert page.meta("DC.source") == []


def test_permanent_link_citation_box_and_downloads(indexed_demo, get_page):
    page = get_page("/articles/0vq2f/")

    assert page.find("input", id="permalink")["value"] == "http://testserver/articles/0vq2f/"
    assert "/articles/0vq2f/cite.bib" in page.links()
    assert "/articles/0vq2f/cite.ris" in page.links()
    chicago = page.html.split('id="cite-chicago"')[1].split("</p>")[0]
    title = Article.objects.get(external_id="0vq2f").title
    assert f"“<bdi>{title}</bdi>.” n.d. http://testserver/articles/0vq2f/." in chicago
    copy = page.find("button", **{"data-copy-target": "cite-chicago"})
    assert copy["data-copy-text"] == f"“{title}.” n.d. http://testserver/articles/0vq2f/."
    assert "@misc{archive:0vq2f," in page.text


def test_original_link_is_safe(indexed_demo, get_page):
    page = get_page("/articles/demo-2019-001/")

    [original] = [attrs for tag, attrs in page.elements if tag == "a" and attrs.get("href", "").startswith("https://example.org")]
    assert original["href"] == "https://example.org/wadi/2019/01/refugees"
    assert set(original["rel"].split()) == {"noopener", "noreferrer", "nofollow"}


def test_source_link_neighbours_and_related_articles(indexed_demo, get_page):
    page = get_page("/articles/demo-2020-001/")

    links = page.links()
    assert "/sources/%D8%B5%D8%AD%D9%8A%D9%81%D8%A9-%D8%A7%D9%84%D9%88%D8%A7%D8%AF%D9%8A/" in links
    assert "/articles/demo-2019-001/" in links  # earlier in the same source
    assert "/articles/demo-2022-002/" in links  # later in the same source
    assert "مقالات ذات صلة" in page.text


def test_query_marks_matches_with_numbered_anchors_and_navigation(indexed_demo, get_page):
    page = get_page("/articles/0vq2f/", {"q": "حماس"})

    ids = re.findall(r'<mark class="hit" id="(hit-\d+)">', page.html)
    assert ids and ids == [f"hit-{n}" for n in range(1, len(ids) + 1)]
    assert f"{len(ids)} مطابقات" in page.text or "مطابقة" in page.text
    assert "#hit-1" in page.links()
    for n in range(1, len(ids) + 1):
        assert f"#hit-{n}" in page.links()
    back = [link for link in page.links() if link.startswith("/search/?")]
    assert back and "q=%D8%AD%D9%85%D8%A7%D8%B3" in back[0]
    assert "/articles/0vq2f/" in page.links()  # the unmarked page


def test_vocalised_query_marks_the_seed(indexed_demo, get_page):
    page = get_page("/articles/0vq2f/", {"q": "الفِلَسطِينيّة"})

    marked = re.findall(r'<mark class="hit" id="hit-\d+">([^<]+)</mark>', page.html)
    assert marked
    assert any("فلسطين" in word for word in marked)


def test_query_marks_captions_too(indexed_demo, get_page):
    page = get_page("/articles/0vq2f/", {"q": "النخالة"})

    figcaptions = page.html.split("<figcaption")[1:]
    assert len(figcaptions) == 5
    assert all('<mark class="hit"' in caption.split("</figcaption>")[0] for caption in figcaptions)


def test_query_without_matches_says_so(indexed_demo, get_page):
    page = get_page("/articles/0vq2f/", {"q": "زرافة"})

    assert "لا مطابقات" in page.text
    assert "<mark" not in page.html


def test_article_page_in_english(indexed_demo, get_page):
    page = get_page("/articles/0vq2f/", {"q": "حماس"}, language="en")

    assert "Cite this article" in page.text
    assert "matches for" in page.text
    # The article's own text keeps its language and direction inside the English page.
    assert page.find("div", class_="article__body")["lang"] == "ar"


def test_bibtex_download_of_the_seed(indexed_demo, client):
    response = client.get("/articles/0vq2f/cite.bib")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="0vq2f.bib"'
    text = response.content.decode("utf-8")
    assert Article.objects.get(external_id="0vq2f").title in text
    assert text.startswith("@misc{archive:0vq2f,")
    assert "year" not in text and "date =" not in text
    assert "url = {{http://testserver/articles/0vq2f/}}" in text


def test_bibtex_download_of_a_dated_article(indexed_demo, client):
    text = client.get("/articles/demo-2019-002/cite.bib").content.decode()

    assert text.startswith("@article{archive:demo-2019-002,")
    assert "year = {{2019}}" in text and "month = may," in text
    assert "journal = {{نشرة الاقتصاد اليومية}}" in text
    assert r"title = {{صادرات التمور ترتفع 12\% في الربع الأول}}" in text


def test_ris_download_of_the_seed(indexed_demo, client):
    response = client.get("/articles/0vq2f/cite.ris")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="0vq2f.ris"'
    lines = response.content.decode("utf-8").split("\r\n")
    assert lines[0] == "TY  - NEWS"
    assert f"TI  - {Article.objects.get(external_id='0vq2f').title}" in lines
    assert "UR  - http://testserver/articles/0vq2f/" in lines
    assert not any(line.startswith(("PY  -", "DA  -", "AU  -")) for line in lines)
    assert lines[-2] == "ER  - " and lines[-1] == ""


def test_ris_download_of_a_dated_article(indexed_demo, client):
    lines = client.get("/articles/demo-2019-002/cite.ris").content.decode().split("\r\n")

    assert "PY  - 2019" in lines and "DA  - 2019/05/08/" in lines
    assert "AU  - Karim Haddad" in lines and "T2  - نشرة الاقتصاد اليومية" in lines


@pytest.mark.parametrize("suffix", ["cite.bib", "cite.ris"])
def test_citation_of_unknown_article_is_404(db, client, suffix):
    assert client.get(f"/articles/nothing/{suffix}").status_code == 404
