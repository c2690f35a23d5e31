"""Small-cell suppression cannot be undone by subtraction: where a column would hide one school (or one
grade, or one band), the next smallest is hidden too (selectors.complement, Group.band_shown)."""

from casework.reports.selectors import NOTE_HIDDEN, SUPPRESSED, WITHHELD, Group, complement


def group(key, counted, chronic, habitual, truant=0, students=None, bands=None):
    return Group(key, key, students=counted if students is None else students, counted=counted, chronic=chronic,
                 habitual=habitual, truant=truant, rate_sum=0.9 * counted, bands=bands or {})


def test_one_hidden_school_in_a_column_hides_the_next_smallest_non_zero():
    a, b, c, d = group("A", 100, 30, 10), group("B", 50, 3, 0), group("C", 40, 8, 6), group("D", 60, 12, 0)
    complement([a, b, c, d])
    # Chronic: B (3) is hidden on its own; C (8), the smallest other, is hidden with it, rate withheld. Both
    # read the same "*": "<5" on C would be false, and a marker of its own would point at B, whose count
    # the total (53) minus the shown (42) and C's least possible value would then narrow down.
    assert [g.cells()["chronic"] for g in (a, b, c, d)] == ["30", SUPPRESSED, SUPPRESSED, "12"] and SUPPRESSED == "*"
    assert (b.why_hidden("chronic"), c.why_hidden("chronic"), a.why_hidden("chronic")) == (
        NOTE_HIDDEN, NOTE_HIDDEN, "")
    assert [g.cells()["chronic_rate"] for g in (a, b, c, d)] == ["30.0%", WITHHELD, WITHHELD, "20.0%"]
    # Habitual: nothing hidden (zero names nobody), so nothing more is.
    assert [g.cells()["habitual"] for g in (a, b, c, d)] == ["10", "0", "6", "0"]
    # The district total (30+3+8+12 = 53) minus the shown rows gives 11: B and C together, not B.


def test_a_small_school_hides_the_smallest_other_school_in_every_column():
    big, mid, tiny = group("BIG", 300, 40, 20, 9), group("MID", 80, 10, 7, 5), group("TINY", 3, 1, 1, 0)
    complement([big, mid, tiny])
    assert tiny.cells()["counted"] == SUPPRESSED and tiny.cells()["mean_rate"] == WITHHELD
    # MID is the smallest other school in every column: its counts, rates and mean rate are hidden too.
    assert mid.cells() == {"students": SUPPRESSED, "counted": SUPPRESSED, "chronic": SUPPRESSED,
                           "chronic_rate": WITHHELD, "habitual": SUPPRESSED, "habitual_rate": WITHHELD,
                           "truant": SUPPRESSED, "truant_rate": WITHHELD, "mean_rate": WITHHELD}
    assert tiny.why_hidden("chronic") == NOTE_HIDDEN
    assert big.cells()["chronic"] == "40" and big.measure_rate("chronic") == 40 / 300
    assert mid.measure_rate("chronic") is None


def test_two_hidden_schools_need_nothing_more():
    a, b, c = group("A", 100, 30, 10), group("B", 50, 3, 0), group("C", 40, 2, 6)
    complement([a, b, c])
    assert [g.cells()["chronic"] for g in (a, b, c)] == ["30", SUPPRESSED, SUPPRESSED]
    assert a.cells()["counted"] == "100" and b.cells()["counted"] == "50"


def test_one_hidden_band_hides_the_next_smallest_band():
    total = group("all", 200, 25, 5, bands={"satisfactory": 150, "at_risk": 22, "moderate_chronic": 25,
                                              "severe_chronic": 3})
    assert [total.band_shown(b) for b in ("satisfactory", "at_risk", "moderate_chronic", "severe_chronic")] == [
        True, False, True, False]
    assert [total.band_text(b) for b in ("satisfactory", "at_risk", "moderate_chronic", "severe_chronic")] == [
        "150", SUPPRESSED, "25", SUPPRESSED]
    spread = group("all", 200, 25, 5, bands={"satisfactory": 150, "at_risk": 25, "moderate_chronic": 25})
    assert all(spread.band_shown(b) for b in spread.bands)
