"""AppTest: every chart page has PNG/SVG/CSV downloads built only on click (no rerun) and a Sources
list; the Data page has the filtered CSV, the dataset zip and a link to /check for the picked figure;
every page shows a copy-able link of its current view."""

from __future__ import annotations

import pytest

from tests.app.conftest import assert_ok, open_page


@pytest.mark.parametrize("page", ["overview", "compare", "trends"])
def test_chart_pages_have_deferred_downloads_and_sources(page):
    at = open_page(page)
    assert_ok(at)
    btns = at.get("download_button")
    labels = [b.proto.label for b in btns]
    assert labels[:3] == ["PNG", "SVG", "CSV"], labels
    for b in btns:
        assert b.proto.ignore_rerun  # on_click="ignore"
        assert b.proto.deferred_file_id  # data= callable: built only when clicked
    assert any(e.label.startswith("Sources (") for e in at.expander)


def test_trends_chain_has_downloads():
    at = open_page("trends", {"view": "chain"})
    assert_ok(at)
    assert [b.proto.label for b in at.get("download_button")][:3] == ["PNG", "SVG", "CSV"]


def test_data_page_downloads_and_check_link():
    from components.core.dataset import load
    from etl.figure_key import figure_key
    from tests.app.conftest import DATA_DIR

    at = open_page("data")
    assert_ok(at)
    assert [b.proto.label for b in at.get("download_button")] == ["CSV of these rows", "Full dataset (zip)"]
    ds = load(DATA_DIR)
    fig = figure_key(ds.table.iloc[0])
    at = open_page("data", {"fig": fig})
    assert_ok(at)
    links = at.get("page_link")
    assert links, "a picked figure links to /check"
    assert "fig=" in str(links[-1].proto) and "check" in str(links[-1].proto)


@pytest.mark.parametrize("page,params", [("overview", {}), ("compare", {"m": "pm"}), ("data", {"pref": "1"})])
def test_copy_link_holds_the_view(page, params):
    at = open_page(page, params)
    assert_ok(at)
    links = [c.value for c in at.sidebar.code]
    assert len(links) == 1
    link = links[0]
    for k, v in params.items():
        assert f"{k}={v}" in link, link
    if page != "overview":
        assert f"/{page}" in link


@pytest.mark.parametrize("page", ["compare", "trends"])
def test_chart_figures_link_to_check(page):
    at = open_page(page)
    assert_ok(at)
    links = [str(pl.proto) for pl in at.get("page_link")]
    assert links and all("fig=" in x for x in links), links


@pytest.mark.parametrize("page,lang", [("compare", "et"), ("overview", "en")])
def test_chart_pages_have_an_embed_panel_built_when_opened(page, lang):
    """The embed panel sits with the downloads; its snippets (the image linking to the view, the iframe) are
    made only when it is opened, in the page's language."""
    from components.core import i18n

    at = open_page(page, {"lang": lang})
    assert_ok(at)
    with i18n.using(lang):
        label = i18n._("Embed")
    assert label in [p.proto.popover.label for p in at.get("popover")]
    assert not [c for c in at.code if c.language == "html"]  # closed: nothing built
    at.session_state[f"{page}_export_embed"] = True  # the main Figure's key is its page's
    at.run()
    assert_ok(at)
    html = [c.value for c in at.code if c.language == "html"]
    assert len(html) == 2, html
    picture, iframe = html
    assert f"/api/v1/view/{page}.png" in picture and f"/api/v1/view/{page}.svg" in picture
    assert 'loading="lazy"' in picture and 'alt="' in picture and 'width="' in picture
    assert "<iframe" in iframe and "embed=true" in iframe
    if lang != "en":
        assert f"lang={lang}" in picture and f"lang={lang}" in iframe
