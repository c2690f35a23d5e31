"""Chart geometry, counted by hand, and escaping.

Plot area: x from 48 to 624 (576 wide), y from 16 (top) to 200 (bottom; 184 high)."""

from datetime import date

from django.utils.safestring import SafeString

from casework.core import charts

D = date


def two_points(**kw):
    return charts.line_chart(chart_id="t", title="Rate", desc="Two weeks",
                             series=[charts.Series("Rate", [(D(2025, 9, 1), 100), (D(2025, 9, 11), 50)])], **kw)


def test_line_chart_maps_dates_and_values_onto_the_plot():
    svg = two_points()
    # 9/1 is the left edge (48); 9/11 the right (624). 100 of 0-100 is the top (16); 50 is 200 - 92 = 108.
    assert 'points="48,16 624,108"' in svg
    assert '<circle cx="48" cy="16"' in svg and '<circle cx="624" cy="108"' in svg
    # Gridlines at 25% steps: 200, 154, 108, 62, 16, each labelled.
    for y, label in ((200, "0%"), (154, "25%"), (108, "50%"), (62, "75%"), (16, "100%")):
        assert f'y1="{y}" x2="624" y2="{y}"' in svg
        assert f">{label}</text>" in svg


def test_goal_line_and_marker():
    svg = two_points(goal=90, goal_label="90%", markers=[charts.Marker(D(2025, 9, 6), "Plan start")])
    # 90 -> 200 - 0.9 x 184 = 34.4; 9/6 is 5 of 10 days -> 48 + 288 = 336.
    assert '<line class="goal" x1="48" y1="34.4" x2="624" y2="34.4"' in svg
    assert '<line class="marker" x1="336" y1="16" x2="336" y2="200"' in svg
    assert ">Plan start</text>" in svg


def test_values_outside_the_range_are_clamped_and_one_point_is_centred():
    assert charts.y_for(130, 0, 100) == 16 and charts.y_for(-5, 0, 100) == 200
    assert charts.y_for(75, 50, 100) == 108  # half of the 50-100 range
    assert charts.x_for(D(2025, 9, 1), D(2025, 9, 1), D(2025, 9, 1)) == 336


def test_accessible_frame_and_escaping():
    svg = charts.line_chart(chart_id="c", title='Rate <script>alert("x")</script>', desc="A & B",
                            series=[charts.Series("<b>", [(D(2025, 9, 1), 1)]),
                                    charts.Series("Two", [(D(2025, 9, 2), 2)])])
    assert isinstance(svg, SafeString)
    assert svg.startswith('<svg class="chart" id="c" role="img" aria-label="Rate &lt;script&gt;alert(&quot;x&quot;)')
    assert "<title>Rate &lt;script&gt;" in svg and "<desc>A &amp; B</desc>" in svg
    assert "<script>" not in svg and "<b>" not in svg and ">&lt;b&gt;</text>" in svg  # legend label escaped
    assert 'stroke-dasharray="6 4"' in svg  # the second series differs by pattern, not colour alone


def test_empty_line_chart_says_so():
    svg = charts.line_chart(chart_id="e", title="Nothing", desc="d", series=[])
    assert ">No data yet</text>" in svg and "<polyline" not in svg


def test_horizontal_bars():
    svg = charts.bar_chart(chart_id="b", title="By school", desc="d", max_value=100,
                           bars=[charts.Bar("A & B", 50), charts.Bar("Small", None, "<5"), charts.Bar("Full", 100)])
    # Bars run from x=250 to 570 (320 wide); rows are 28 high from y=16: 50 -> 160 wide, 100 -> 320.
    assert '<rect class="bar" x="250" y="20" width="160" height="20"' in svg
    assert '<rect class="bar" x="250" y="76" width="320" height="20"' in svg
    assert svg.count("<rect") == 2  # the suppressed cell has no bar
    assert ">A &amp; B</text>" in svg and ">&lt;5</text>" in svg and ">50</text>" in svg
    assert 'viewBox="0 0 640 108"' in svg  # 16 + 3 x 28 + 8


def test_vertical_columns():
    svg = charts.bar_chart(chart_id="v", title="By grade", desc="d", max_value=100, vertical=True,
                           bars=[charts.Bar("KG", 50), charts.Bar("01", 25)])
    # Two slots of 288 across 48-624; columns 70% of a slot (201.6) centred at 192 and 480.
    # 50 of 100 -> top at 108, height 92; 25 -> top at 154, height 46.
    assert '<rect class="bar" x="91.2" y="108" width="201.6" height="92"' in svg
    assert '<rect class="bar" x="379.2" y="154" width="201.6" height="46"' in svg


def test_responsive_draws_the_desktop_and_the_phone_layout():
    pair = charts.responsive(charts.line_chart, chart_id="r", title="Rate", desc="d",
                             series=[charts.Series("Rate", [(D(2025, 9, 1), 100), (D(2025, 9, 11), 50)])])
    assert pair.startswith('<div class="chart-pair"><svg class="chart" id="r" ')
    assert 'viewBox="0 0 640 240"' in pair
    # The phone's drawing: its own id, 360 units wide, so its 13-unit type is ~12px on a 390px screen.
    assert '<svg class="chart chart-narrow" id="r-narrow" ' in pair and 'viewBox="0 0 360 240"' in pair
    narrow = pair.split('id="r-narrow"', 1)[1]
    assert 'font-size="13"' in narrow and 'font-size="11"' not in narrow
    # Plot 48 to 348 (300 wide), 16 to 196: 9/11 at the right edge, 50 of 100 half way down (106).
    assert 'points="48,16 348,106"' in narrow


def test_phone_layout_stacks_a_bars_label_above_it_and_wraps_the_legend():
    svg = charts.bar_chart(chart_id="b", title="By school", desc="d", max_value=100, layout=charts.NARROW,
                           bars=[charts.Bar("Bramble Hill Elementary School", 50), charts.Bar("Full", 100)])
    # Labels start at the left edge above their bars; bars run from 2 to 296 (294 wide): 50 -> 147.
    assert '<text x="2" y="30" text-anchor="start" fill="#1b1f24" font-size="13">Bramble Hill' in svg
    assert '<rect class="bar" x="2" y="35" width="147" height="16"' in svg
    assert '<rect class="bar" x="2" y="79" width="294" height="16"' in svg
    assert 'viewBox="0 0 360 112"' in svg  # 16 + 2 x 44 + 8
    two = charts.line_chart(chart_id="l", title="t", desc="d", layout=charts.NARROW,
                            series=[charts.Series("Chronically absent", [(D(2025, 9, 1), 10)]),
                                    charts.Series("Habitual truant", [(D(2025, 9, 2), 5)])])
    # One legend entry a line on a phone: the second goes under the first and the chart grows by a line.
    assert '>Chronically absent</text>' in two and '<text x="76" y="256"' in two
    assert 'viewBox="0 0 360 260"' in two
