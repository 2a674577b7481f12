"""Pages that fit every screen, in Chromium: charts follow their container after a resize, no page is
wider than the screen at 360, 1366 and 1920 px, no table cell is cut off, and the navigation is
readable (WCAG contrast) and marks the current page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from clusters.models import FieldDeduction, Instrument
from clusters.services import evaluation_create
from kelurahan.models import Kecamatan, Kelurahan
from planner.models import Office, Scenario
from tests.browser.conftest import log_in
from tests.test_permissions import (
    ADMIN,
    OPERATOR,
    ROUTES,
    STAFF,
    World,
    _evidence_world,
    _operator_world,
    _planner_world,
    _question_verifying,
)

CHARTS = ["chart-standing", "chart-clusters", "chart-years", "chart-losses", "chart-headroom"]
WIDTHS = [360, 1366, 1920]
# Downloads, not pages.
DOWNLOADS = {"clusters:evaluation-export", "clusters:score-import-template", "kelurahan:patbm-export",
             "evidence:zip", "evidence:file", "evidence:thumbnail", "dekela:matrix-export",
             "dekela:kecamatan-matrix-export", "dekela:evidence-file", "offices:file"}
USERNAMES = {ADMIN: "admin", STAFF: "staf", OPERATOR: "dinkes"}

# Each chart (its drawing) inside its container, and the first element after it in the document that
# sits under it (overlapping horizontally) starting below the drawing.
CHART_BOXES = """() => Array.from(document.querySelectorAll('.chart:not(.chart-print)'), (chart) => {
  const svg = chart.querySelector('svg.main-svg').getBoundingClientRect();
  const box = chart.getBoundingClientRect();
  let node = chart;
  while (node && !node.nextElementSibling) node = node.parentElement;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT);
  let below = null;
  for (node = node && node.nextElementSibling, walker.currentNode = node || document.body; node;
       node = walker.nextNode()) {
    if (node.tagName === 'SCRIPT') continue;
    const r = node.getBoundingClientRect();
    if (!r.width || !r.height || r.right <= svg.left || r.left >= svg.right) continue;
    below = r.top;
    break;
  }
  return {id: chart.id, svg: [svg.left, svg.top, svg.right, svg.bottom],
          box: [box.left, box.top, box.right, box.bottom], below};
})"""


def _chart_boxes(page):
    return {item["id"]: item for item in page.evaluate(CHART_BOXES)}


def _assert_charts_inside(boxes, width):
    for chart, item in boxes.items():
        (sl, st, sr, sb), (bl, bt, br, bb) = item["svg"], item["box"]
        assert bl - 1 <= sl and st >= bt - 1 and sr <= br + 1 and sb <= bb + 1, (width, chart, item)
        assert item["below"] is not None and sb <= item["below"] + 1, (width, chart, item)


@pytest.mark.django_db(transaction=True)
def test_dashboard_charts_follow_their_container_when_the_window_is_resized(live_server, page, demo, artifacts):
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, live_server, "gugus")
    page.wait_for_selector("html[data-charts-drawn]")
    first = _chart_boxes(page)
    assert set(first) == set(CHARTS)
    _assert_charts_inside(first, 1366)

    for width in (360, 1366, 740, 1920, 1366):
        page.set_viewport_size({"width": width, "height": 800})
        page.wait_for_timeout(700)  # plotly redraws on the next frame after the container's resize
        boxes = _chart_boxes(page)
        _assert_charts_inside(boxes, width)
        page.screenshot(path=artifacts / f"layout-resized-{width}.png", full_page=True)
        if width == 360:
            # Stacked on a phone: each chart as wide as the page, never wider.
            assert all(item["svg"][2] <= 360 for item in boxes.values())
    # Back at the first width each chart has its first height again, not a squashed one.
    again = _chart_boxes(page)
    for chart in CHARTS:
        height, first_height = (boxes[chart]["svg"][3] - boxes[chart]["svg"][1] for boxes in (again, first))
        assert abs(height - first_height) <= 1, (chart, height, first_height)


def _demo_world() -> World:
    """The routes' records, taken from the demo: 2019 in self-assessment, 2018 final with deductions."""
    deduction = FieldDeduction.objects.filter(self_assessment__evaluation__year=2018).order_by("pk").first()
    instrument_2024 = Instrument.objects.get(code=Instrument.INSTRUMENT_2024)
    evaluation_create(year=2026, instrument=instrument_2024)
    _question_verifying(evaluation_create(year=2025, instrument=instrument_2024))
    world = World(open_year=2019, verifying_year=2018, question_year=2026, question_verifying_year=2025,
                  deduction=deduction,
                  kelurahan=Kelurahan.objects.get(code="32.71.01.1001"),
                  empty_kecamatan=Kecamatan.objects.create(code="32.71.09", name="Kecamatan Kosong"))
    world = _operator_world(_evidence_world(_planner_world(world)))
    # A second scenario with a long name, so the comparison has two columns to fit.
    second = Scenario.objects.get(pk=world.scenario.pk)
    second.pk = None
    second.name = "Skenario rapat koordinasi gugus tugas dengan nama yang panjang sekali"
    second.save()
    world.compare_ids = [world.scenario.pk, second.pk]
    return world


def _pages(world, role) -> list[str]:
    urls = []
    for name, route in ROUTES.items():
        if name in DOWNLOADS or role not in route.get:
            continue
        urls.append(reverse(name, kwargs=route.kwargs(world)))
    if role == OPERATOR:  # its own pages only: every other one is refused
        return urls
    urls.append(reverse("clusters:evaluation-detail", kwargs={"year": 2018}))
    urls.append(reverse("offices:review-list", kwargs={"year": world.question_year})
                + f"?kantor={Office.objects.get(name='Dinas Kesehatan').pk}")
    urls.append(reverse("planner:scenario-compare") + "?" + "&".join(f"ids={pk}" for pk in world.compare_ids))
    if role == ADMIN:
        urls.append(reverse("admin:index"))
    return urls


# Measures one page: its width against the window's, each table against the box it sits in (a
# table may only be wider inside a .table-responsive wrapper, and only on a phone), and every cell
# whose content does not fit in it (cut off or spilling over its neighbour).
MEASURE = """(phone) => {
  const visible = (el) => el.offsetParent !== null && el.getClientRects().length > 0;
  // Inside something visually hidden (a stacked table's headings, kept for screen readers).
  const clipped = (el) => {
    for (let a = el; a; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.clip !== 'auto' || style.clipPath !== 'none') return true;
    }
    return false;
  };
  const name = (el) => el.innerText.slice(0, 40);
  const out = {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, tables: [], cells: []};
  for (const table of document.querySelectorAll('main table')) {
    if (!visible(table)) continue;
    const box = table.parentElement, width = table.getBoundingClientRect().width;
    if (width <= box.clientWidth + 1) continue;
    if (phone && box.classList.contains('table-responsive')) continue;
    out.tables.push(`${name(table.querySelector('th, td') || table)} (${Math.round(width)} in ${box.clientWidth})`);
  }
  for (const cell of document.querySelectorAll('main td, main th')) {
    if (!visible(cell) || clipped(cell)) continue;
    if (cell.scrollWidth <= cell.clientWidth + 1) continue;
    out.cells.push(`${name(cell)} (${cell.scrollWidth} in ${cell.clientWidth})`);
  }
  return out;
}"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", [ADMIN, STAFF, OPERATOR])
def test_no_page_is_wider_than_the_screen_and_no_cell_is_cut_off(live_server, chromium, demo, artifacts, role):
    world = _demo_world()
    urls = _pages(world, role)
    problems = []
    for width in WIDTHS:
        context = chromium.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            page.goto(f"{live_server.url}{reverse('login')}")
            problems += _measure(page, f"login {width}", width)
            log_in(page, live_server, USERNAMES[role])
            for url in urls:
                response = page.goto(f"{live_server.url}{url}")
                assert response.status == 200, (url, response.status)
                if page.locator("[data-figure]").count():
                    page.wait_for_selector("html[data-charts-drawn]")
                problems += _measure(page, f"{url} {width}", width)
                if width == 360 or url in {"/", "/evaluasi/2019/"}:
                    name = url.strip("/").replace("/", "_").replace("?", "_").replace("=", "") or "dashboard"
                    page.screenshot(path=artifacts / f"layout-{role}-{width}-{name}.png", full_page=True)
        finally:
            context.close()
    assert problems == []


def _measure(page, label, width):
    result = page.evaluate(MEASURE, width < 576)
    problems = []
    if result["scrollWidth"] > result["innerWidth"]:
        problems.append(f"{label}: page {result['scrollWidth']} px wide")
    problems += [f"{label}: table wider than its box: {table}" for table in result["tables"]]
    problems += [f"{label}: cell cut off: {cell}" for cell in result["cells"]]
    return problems


@pytest.mark.django_db(transaction=True)
def test_dashboard_headroom_column_is_whole_at_1366(live_server, page, demo):
    """Klaster V's headroom was cut to "1" by the narrow column beside the chart."""
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "staf")
    table = page.locator("#block-clusters ~ .row table")
    wrapper = table.locator("xpath=..").bounding_box()
    assert table.bounding_box()["width"] <= wrapper["width"] + 1
    cells = table.locator("tbody tr td:last-child")
    assert cells.count() == 6
    for i in range(cells.count()):
        box = cells.nth(i).bounding_box()
        assert re.fullmatch(r"\d+,\d\d", cells.nth(i).inner_text())
        assert box["x"] + box["width"] <= wrapper["x"] + wrapper["width"] + 1, (i, box, wrapper)


@pytest.mark.django_db(transaction=True)
def test_evaluation_page_fits_a_phone_with_its_key_columns_on_screen(live_server, page, demo):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server, "staf")
    page.goto(f"{live_server.url}/evaluasi/2018/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Each indicator's final score and headroom (5th and 6th columns) are on screen, labelled, not
    # scrolled away to the right.
    row = page.locator("#cluster-K1 tbody tr").first
    headings = page.locator("#cluster-K1 thead th")
    for column in (5, 6):
        cell = row.locator(f"td:nth-child({column})")
        assert cell.get_attribute("data-label") == headings.nth(column - 1).text_content().strip()
        box = cell.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= 360, (column, box)
        assert re.search(r"\d+,\d\d", cell.inner_text())



# WCAG 2.x contrast of each navigation link's computed colour against the colour behind it (alpha
# blended over the first opaque background up the tree).
CONTRAST = """(selector) => {
  const rgba = (text) => {
    const v = text.match(/[\\d.]+/g).map(Number);
    return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const background = (el) => {
    const layers = [];
    for (let a = el; a; a = a.parentElement) {
      const c = rgba(getComputedStyle(a).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255, 1]);
  };
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const luminance = (c) => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  return Array.from(document.querySelectorAll(selector), (link) => {
    const style = getComputedStyle(link);
    const back = background(link);
    const [a, b] = [luminance(over(rgba(style.color), back)), luminance(back)].sort((x, y) => y - x);
    return {text: link.textContent.trim(), ratio: (a + 0.05) / (b + 0.05), current: link.getAttribute('aria-current'),
            bold: Number(style.fontWeight) >= 600, underlined: style.textDecorationLine.includes('underline')};
  });
}"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 1366, 1920])
def test_navigation_links_are_readable_and_mark_the_current_page(live_server, page, demo, width):
    """Bootstrap's navbar-dark on bg-primary gave 2.4:1 and no page was marked; on a projector too."""
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "admin")
    expected = {"/": ("Ringkasan", "page"), "/evaluasi/": ("Evaluasi", "page"), "/evaluasi/2018/": ("Evaluasi", "true"),
                "/kelurahan/": ("Kelurahan", "page"), "/kelurahan/cakupan/": ("Cakupan PATBM", "page"),
                "/rencana/skenario/": ("Perencana", "true")}
    for url, (current, kind) in expected.items():
        page.goto(f"{live_server.url}{url}")
        if width < 768:
            page.click(".navbar-toggler")  # the menu folds away on a phone
            page.wait_for_selector("#main-nav.show")
        links = page.evaluate(CONTRAST, "nav.navbar .nav-link, nav.navbar .navbar-brand, main .nav-pills .nav-link")
        assert len(links) >= 7
        for link in links:
            assert link["ratio"] >= 4.5, (url, width, link)
        main = page.evaluate(CONTRAST, "nav.navbar .nav-link")
        marked = [link for link in main if link["current"]]
        assert [(link["text"], link["current"]) for link in marked] == [(current, kind)], (url, main)
        # Visible without relying on colour: the current one bold and underlined, the others neither.
        assert marked[0]["bold"] and marked[0]["underlined"]
        assert not any(link["bold"] or link["underlined"] for link in main if not link["current"])
