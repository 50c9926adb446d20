"""Accessibility of the frame (WCAG 2.1 AA): language, page titles, skip link, text contrast, visible
focus, reflow. Called once per run by app.py (and the page title again by a page for a view).

Everything here is a constant written in code: no data or URL text goes into the CSS or the script
(`components/ui/safe_html.py` is the one door for both). Checked in a real browser by
tests/e2e/test_a11y_e2e.py (axe-core) and tests/e2e/test_keyboard_e2e.py.
"""

from __future__ import annotations

import streamlit as st

from components.core import i18n
from components.core.i18n import N_, _
from components.ui import safe_html

SITE_NAME = N_("Baltic THB statistics")
SKIP_TEXT = N_("Skip to main content")

# Streamlit's caption grey (body text at opacity 0.6: #828180, 3.88:1 on white) fails WCAG 1.4.3;
# this one is 6.3:1 on white and 5.6:1 on the sidebar's grey (#F0F2F6), and still lighter than body text.
CAPTION_COLOR = "#5E6069"
FOCUS_COLOR = "#0072B2"  # the theme's primary colour: 5.0:1 on white, 4.5:1 on the sidebar grey

FRAME_CSS = """
/* 1.4.3 text contrast: captions (sources, flags, notes, footer) and widget help text */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stWidgetLabel"] [data-testid="stCaptionContainer"] { color: %(caption)s !important; }
/* (Streamlit draws captions in body colour at opacity 0.6: the opacity goes, the colour comes from here) */
[data-testid="stCaptionContainer"] { opacity: 1 !important; }

/* 2.4.7 visible focus: one clear outline on everything that takes the keyboard */
a:focus-visible, button:focus-visible, summary:focus-visible, [role="button"]:focus-visible,
[role="tab"]:focus-visible, [role="radio"]:focus-visible, [role="slider"]:focus-visible,
[role="switch"]:focus-visible, [role="checkbox"]:focus-visible, [role="option"]:focus-visible,
[role="link"]:focus-visible, [tabindex]:not([tabindex="-1"]):focus-visible,
input[type="checkbox"]:focus-visible + div, input[type="radio"]:focus-visible + div {
  outline: 3px solid %(focus)s !important; outline-offset: 2px !important; }
/* select boxes and multiselects: the focus is on an input inside a styled box: outline the box */
[data-baseweb="select"]:focus-within > div, [data-baseweb="input"]:focus-within,
[data-baseweb="textarea"]:focus-within {
  outline: 3px solid %(focus)s !important; outline-offset: 1px !important; }
/* sidebar links: Streamlit marks focus with a background 1.1:1 against the sidebar */
[data-testid="stSidebarNavLink"]:focus-visible, [data-testid="stPageLink-NavLink"]:focus-visible {
  outline: 3px solid %(focus)s !important; outline-offset: -3px !important; }
/* chart and table toolbars appear on hover only: also while one of their buttons has the focus */
[data-testid="stElementToolbar"]:focus-within { opacity: 1 !important; visibility: visible !important; }
[data-testid="stElementToolbar"]:has(:focus-visible) { opacity: 1 !important; }

/* 2.4.1 the skip link: first in the tab order, shown when focused */
.thb-skip { position: fixed; left: 0.5rem; top: -4rem; z-index: 1000001; padding: 0.5rem 0.9rem;
  background: #ffffff; color: #0b3d63; border: 2px solid %(focus)s; border-radius: 0.3rem;
  font-weight: 600; text-decoration: underline; }
.thb-skip:focus, .thb-skip:focus-visible { top: 0.5rem; }
/* Streamlit's own skip link says "Skip to main content" in English whatever the page's language: ours, in the
   page's language, is the one skip link */
[data-testid="stSkipToContent"] { display: none !important; }
/* headings for screen readers only (section_heading) */
.thb-sr-only { position: absolute !important; width: 1px !important; height: 1px !important; padding: 0 !important;
  margin: -1px !important; overflow: hidden !important; clip: rect(0 0 0 0) !important; white-space: nowrap !important;
  border: 0 !important; }
[data-testid="stElementContainer"]:has(.thb-sr-only) { position: absolute !important; height: 1px; overflow: hidden; }
/* the element that runs the frame script takes no room */
[data-testid="stElementContainer"]:has(.thb-script) { display: none !important; }

/* 1.4.10 reflow at 320 px: nothing cut */
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMetricLabel"] { height: auto !important; }
[data-testid="stVegaLiteChart"] { max-width: 100%%; overflow-x: auto; }
[data-testid="stBaseButton-secondary"] p, [data-testid="stBaseButton-primary"] p,
[data-testid="stDownloadButton"] p { white-space: normal; overflow-wrap: break-word; }
""" % {"caption": CAPTION_COLOR, "focus": FOCUS_COLOR}  # noqa: UP031  CSS is all braces: %-placeholders keep it CSS

# Sets the page language and puts a skip link first in the document (once: a rerun keeps it).
FRAME_JS = """
const V = __VALUES__;
const doc = window.parent && window.parent.document ? window.parent.document : document;
doc.documentElement.lang = V.lang;
if (!doc.getElementById('thb-skip')) {
  const a = doc.createElement('a');
  a.id = 'thb-skip'; a.className = 'thb-skip'; a.href = '#thb-main'; a.textContent = V.skip;
  a.addEventListener('click', (e) => {
    e.preventDefault();
    const m = doc.querySelector('[data-testid="stMainBlockContainer"]') || doc.querySelector('[data-testid="stMain"]');
    if (m) { m.id = 'thb-main'; m.setAttribute('tabindex', '-1'); m.focus(); m.scrollIntoView({block: 'start'}); }
  });
  doc.body.prepend(a);
}
// A chart wider than its panel (small multiples on a phone, the coverage heatmap) scrolls sideways
// inside the panel (1.4.10); such a scrolling box must take the keyboard focus so that it can be
// scrolled without a mouse (2.1.1). The chart element already carries the chart's name (alt text).
if (!doc.defaultView.__thbScrollables) {
  doc.defaultView.__thbScrollables = true;
  let queued = false;
  const mark = () => {
    queued = false;
    for (const c of doc.querySelectorAll('[data-testid="stVegaLiteChart"]')) {
      const wide = c.scrollWidth > c.clientWidth + 1;
      if (wide && c.getAttribute('tabindex') !== '0') c.setAttribute('tabindex', '0');
      if (!wide && c.getAttribute('tabindex') === '0') c.removeAttribute('tabindex');
    }
  };
  const later = () => { if (!queued) { queued = true; doc.defaultView.requestAnimationFrame(mark); } };
  new MutationObserver(later).observe(doc.body, {childList: true, subtree: true});
  doc.defaultView.addEventListener('resize', later);
  later();
}
"""


def section_heading(text: str) -> None:
    """A level-2 heading for screen readers only, where the page shows its sections with smaller
    visual headings (cards, a selected figure): headings then go h1 → h2 → h3 without a gap (1.3.1)."""
    safe_html.markdown("<h2 class='thb-sr-only'>{text}</h2>", text=text)


def page_title(*parts: str) -> str:
    """'Compare · Baltic THB statistics'; the most specific part first."""
    return " · ".join([p for p in parts if p] + [_(SITE_NAME)])


def set_title(*parts: str) -> None:
    """The document title of this page or view (a later call in the same run wins)."""
    st.set_page_config(page_title=page_title(*parts))


def frame() -> None:
    """The frame's accessibility layer: stylesheet, page language and skip link."""
    safe_html.style(FRAME_CSS)
    safe_html.script(FRAME_JS, lang=i18n.lang(), skip=_(SKIP_TEXT))
