//! Breaks the flow into pages. A page may end only where the flow allows it (never
//! inside a chain of kept-together elements, unless the chain is longer than a page),
//! and of all the ways to do that the breaker takes one with the fewest pages, then the
//! fewest pages left more than [`MAX_FOOT_GAP`] empty at their foot: a typesetter looks
//! ahead rather than filling each page and leaving the next unit's whole height empty.
//! Among equally good ways it fills each page as far as it goes, so where filling greedily
//! is already best, that is what it does. A page that starts inside a table starts with
//! the table's header row again.

use super::flow::Element;
use super::Item;

/// Where one element landed: its index in the flow and its top, relative to the body top.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub element: usize,
    pub y: f32,
    /// A table header drawn again at the top of a page: page furniture, not content, so
    /// a screen reader reads the header once.
    pub repeat: bool,
}

/// The most of a page's body, as a share, that the breaker tries not to leave empty at
/// the foot of any page but the last, measured below the last ink, as a reader sees it.
pub const MAX_FOOT_GAP: f32 = 0.15;

/// Rounding slack, so a page filled exactly to the last point is not broken early.
const EPSILON: f32 = 0.01;

/// Assigns every element to a page. Each element appears exactly once, in order; a
/// repeated table header, marked `repeat`, is the only element placed twice.
pub fn paginate(elements: &[Element], body_height: f32) -> Vec<Vec<Placed>> {
    let mut pages = Vec::new();
    let mut start = 0;
    for end in page_ends(elements, body_height) {
        let header = repeated_header(elements, start);
        let mut page = Vec::with_capacity(end - start + 1);
        let mut y = 0.0;
        if let Some(header) = header {
            page.push(Placed {
                element: header,
                y,
                repeat: true,
            });
            y += elements[header].height;
        }
        for (i, element) in elements.iter().enumerate().take(end).skip(start) {
            if i > start {
                y += element.space_before;
            }
            page.push(Placed {
                element: i,
                y,
                repeat: false,
            });
            y += element.height;
        }
        pages.push(page);
        start = end;
    }
    pages
}

/// The header row to draw again when a page starts at `start`, inside a table.
fn repeated_header(elements: &[Element], start: usize) -> Option<usize> {
    elements[start]
        .table_header
        .filter(|&header| header < start)
}

/// What a way of breaking the rest of the flow costs, compared field by field.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
struct Cost {
    pages: u32,
    /// Pages but the last left more than [`MAX_FOOT_GAP`] empty, unless what the next
    /// page opens with is a callout that could not have come up: the pages a reader
    /// sees as left half-used.
    gappy: u32,
    /// Keeps given way (see `Element::soft_keep`): only to save a page or a gappy page.
    soft_breaks: u32,
    /// By how much, in all, the gappy pages exceed [`MAX_FOOT_GAP`] (shares of the body).
    excess: f32,
    /// By how much the pages before a callout that did not fit exceed it: less if
    /// earlier pages take a little less, so that the callout's page is not half empty.
    excused_excess: f32,
}

impl Cost {
    const NOTHING: Cost = Cost {
        pages: 0,
        gappy: 0,
        soft_breaks: 0,
        excess: 0.0,
        excused_excess: 0.0,
    };

    fn plus(self, other: Cost) -> Cost {
        Cost {
            pages: self.pages + other.pages,
            gappy: self.gappy + other.gappy,
            soft_breaks: self.soft_breaks + other.soft_breaks,
            excess: self.excess + other.excess,
            excused_excess: self.excused_excess + other.excused_excess,
        }
    }
}

/// The index of the first element of each next page, the last being the flow's length:
/// the cheapest way, found from the end of the flow backwards (each start's cheapest way
/// to lay out the rest), then followed from the first element.
fn page_ends(elements: &[Element], body_height: f32) -> Vec<usize> {
    let count = elements.len();
    let flow = Heights::new(elements);
    let callout = opens_callout(elements);
    let mut best = vec![Cost::NOTHING; count + 1];
    let mut next = vec![count; count + 1];
    for start in (0..count).rev() {
        let header = repeated_header(elements, start).map_or(0.0, |h| elements[h].height);
        let used = |end: usize| header + flow.between(start, end);
        let empty =
            |end: usize| (body_height - used(end) + flow.blank_below[end - 1]) / body_height;
        // The last end that fits, or `start` when even the first element does not.
        let (mut last_fit, mut beyond) = (start, count);
        while last_fit < beyond {
            let middle = last_fit + (beyond - last_fit).div_ceil(2);
            if used(middle) <= body_height + EPSILON {
                last_fit = middle;
            } else {
                beyond = middle - 1;
            }
        }
        let mut chosen: Option<(Cost, usize)> = None;
        let mut fullest = true;
        // From the fullest page down: the page empties as it ends earlier.
        for end in (start + 1..=last_fit).rev() {
            let kept = end < count && elements[end - 1].keep_with_next;
            if kept && !elements[end - 1].soft_keep {
                continue;
            }
            let empty = empty(end);
            if !fullest && empty > MAX_FOOT_GAP {
                // A page that could hold more is ended early only while it stays full
                // enough: a reader would see no reason for a gap below it.
                break;
            }
            let mut cost = page_cost(&callout, end, empty, fullest).plus(best[end]);
            cost.soft_breaks += u32::from(kept);
            // On a tie, the fuller page, met first, wins.
            if chosen.is_none_or(|(least, _)| cost < least) {
                chosen = Some((cost, end));
            }
            fullest = false;
        }
        let (cost, end) = chosen.unwrap_or_else(|| {
            // Taller than a whole page, alone or as a kept chain that began at the top of
            // this page: break where it overflows rather than loop forever. Text lines
            // and table rows are far smaller than a page, so a single element only
            // overflows when a row holds an enormous cell; the page composer reports it
            // rather than clipping.
            let end = last_fit.max(start + 1);
            (
                page_cost(&callout, end, empty(end), true).plus(best[end]),
                end,
            )
        });
        best[start] = cost;
        next[start] = end;
    }
    let mut ends = Vec::with_capacity(best[0].pages as usize);
    let mut start = 0;
    while start < count {
        start = next[start];
        ends.push(start);
    }
    ends
}

/// The flow's heights, summed so that any page's height takes two lookups.
struct Heights {
    /// The height from the flow's top to the foot of each element, spaces included;
    /// wide, so that differences of long sums keep the page breaker's precision.
    foot: Vec<f64>,
    space_before: Vec<f32>,
    blank_below: Vec<f32>,
}

impl Heights {
    fn new(elements: &[Element]) -> Heights {
        let mut foot = Vec::with_capacity(elements.len() + 1);
        let mut total = 0.0f64;
        foot.push(total);
        for element in elements {
            total += f64::from(element.space_before) + f64::from(element.height);
            foot.push(total);
        }
        Heights {
            foot,
            space_before: elements.iter().map(|e| e.space_before).collect(),
            blank_below: elements.iter().map(blank_below_ink).collect(),
        }
    }

    /// The height of elements `start..end` on one page: the first one's space above
    /// is dropped at the page's top.
    fn between(&self, start: usize, end: usize) -> f32 {
        (self.foot[end] - self.foot[start] - f64::from(self.space_before[start])) as f32
    }
}

/// For each element, whether a page that starts there opens with a callout, a box that
/// never splits: the element is in one, or is kept without give with what leads into one
/// (the callout's section heading).
fn opens_callout(elements: &[Element]) -> Vec<bool> {
    let mut leads = vec![false; elements.len()];
    for i in (0..elements.len()).rev() {
        let element = &elements[i];
        leads[i] = !element.frames.is_empty()
            || (element.keep_with_next
                && !element.soft_keep
                && leads.get(i + 1).copied().unwrap_or(false));
    }
    leads
}

/// What one page costs that ends before `end`, leaving `empty` of the body empty; it is
/// `fullest` when what comes next would not have fitted on it. `callout` says where a
/// page would open with a callout (see [`opens_callout`]).
fn page_cost(callout: &[bool], end: usize, empty: f32, fullest: bool) -> Cost {
    let Some(&next_is_callout) = callout.get(end) else {
        // The last page may end anywhere.
        return Cost {
            pages: 1,
            ..Cost::NOTHING
        };
    };
    let excess = (empty - MAX_FOOT_GAP).max(0.0);
    // Only a callout, which never splits, excuses the gap before it.
    let excused = fullest && next_is_callout;
    let gappy = excess > 0.0 && !excused;
    Cost {
        pages: 1,
        gappy: u32::from(gappy),
        soft_breaks: 0,
        excess: if gappy { excess } else { 0.0 },
        excused_excess: if gappy { 0.0 } else { excess },
    }
}

/// How much of an element's height lies below its ink: a line's leading below its
/// descenders, a table row's padding. Inside a box, the box's edge is the ink.
fn blank_below_ink(element: &Element) -> f32 {
    if !element.frames.is_empty() {
        return 0.0;
    }
    let ink = element
        .items
        .iter()
        .filter_map(|item| match item {
            // The baseline plus the deepest descender of the body faces.
            Item::Text(t) => Some(t.y + 0.25 * t.size),
            Item::Rect(r) => Some(r.y + r.h),
            Item::Rule(l) => Some(l.y1.max(l.y2)),
            Item::Image(i) => Some(i.y + i.h),
            Item::Mark(m) => Some(m.y + m.size),
            Item::Link(_) => None,
        })
        .fold(0.0, f32::max);
    (element.height - ink).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::super::{Rgb, Rule, Stroke};
    use super::*;

    /// A line whose ink reaches `ink` below its top.
    fn inked(height: f32, keep: bool, ink: f32) -> Element {
        Element {
            height,
            keep_with_next: keep,
            items: vec![Item::Rule(Rule {
                x1: 0.0,
                y1: ink,
                x2: 10.0,
                y2: ink,
                stroke: Stroke {
                    color: Rgb(0, 0, 0),
                    width: 0.5,
                },
            })],
            ..Element::default()
        }
    }

    fn el(height: f32, keep: bool) -> Element {
        inked(height, keep, height)
    }

    fn page_sizes(pages: &[Vec<Placed>]) -> Vec<usize> {
        pages.iter().map(Vec::len).collect()
    }

    #[test]
    fn fills_pages_in_order() {
        let elements: Vec<Element> = (0..10).map(|_| el(10.0, false)).collect();
        let pages = paginate(&elements, 35.0);
        assert_eq!(page_sizes(&pages), [3, 3, 3, 1]);
        let order: Vec<usize> = pages.iter().flatten().map(|p| p.element).collect();
        assert_eq!(order, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn kept_chain_moves_to_the_next_page_whole() {
        // A heading (kept) and two lines (first kept) that do not fit after two lines.
        let elements = vec![
            el(10.0, false),
            el(10.0, false),
            el(10.0, true),
            el(10.0, true),
            el(10.0, false),
        ];
        let pages = paginate(&elements, 40.0);
        assert_eq!(page_sizes(&pages), [2, 3]);
    }

    #[test]
    fn chain_longer_than_a_page_still_breaks() {
        let elements: Vec<Element> = (0..10).map(|_| el(10.0, true)).collect();
        let pages = paginate(&elements, 35.0);
        assert_eq!(pages.iter().map(Vec::len).sum::<usize>(), 10);
        assert!(pages.iter().all(|p| !p.is_empty()));
    }

    #[test]
    fn a_page_that_starts_inside_a_table_repeats_its_header() {
        // A header and six rows of 10; a page holds 35.
        let mut elements = vec![el(10.0, true)];
        for row in 0..6 {
            let mut e = el(10.0, row == 0);
            e.table_header = Some(0);
            elements.push(e);
        }
        let pages = paginate(&elements, 35.0);
        let shown: Vec<Vec<(usize, bool)>> = pages
            .iter()
            .map(|p| p.iter().map(|pl| (pl.element, pl.repeat)).collect())
            .collect();
        assert_eq!(
            shown,
            [
                vec![(0, false), (1, false), (2, false)],
                vec![(0, true), (3, false), (4, false)],
                vec![(0, true), (5, false), (6, false)],
            ]
        );
        // The repeat takes room: rows start below it.
        assert_eq!(pages[1][1].y, 10.0);
        let content: Vec<usize> = pages
            .iter()
            .flatten()
            .filter(|p| !p.repeat)
            .map(|p| p.element)
            .collect();
        assert_eq!(
            content,
            (0..7).collect::<Vec<_>>(),
            "every element once, in order"
        );
    }

    /// `count` lines of `height` that a page may break between.
    fn lines(count: usize, height: f32) -> Vec<Element> {
        (0..count).map(|_| el(height, false)).collect()
    }

    /// `count` lines of `height` that a page never breaks between.
    fn kept(count: usize, height: f32) -> Vec<Element> {
        (0..count).map(|i| el(height, i + 1 < count)).collect()
    }

    #[test]
    fn an_earlier_page_gives_up_a_line_so_a_later_one_is_not_left_a_fifth_empty() {
        // Filled greedily: 10 lines, then 5 lines and a kept three, leaving 20 empty
        // because the next kept three does not fit; then the rest.
        let elements = [
            lines(15, 10.0),
            kept(3, 10.0),
            kept(3, 10.0),
            lines(2, 10.0),
        ]
        .concat();
        let pages = paginate(&elements, 100.0);
        assert_eq!(page_sizes(&pages), [9, 9, 5]);
    }

    #[test]
    fn a_page_is_not_ended_early_by_more_than_the_gap_it_would_save() {
        // Only ending page 1 a fifth early would save page 2's fifth: it stays greedy.
        let elements = [lines(9, 20.0), kept(2, 20.0)].concat();
        let pages = paginate(&elements, 100.0);
        assert_eq!(page_sizes(&pages), [5, 4, 2]);
    }

    #[test]
    fn the_page_before_a_box_that_does_not_fit_is_left_less_empty() {
        // Five lines, then a box of 60: greedily, page 2 would be half empty.
        let mut boxed = kept(6, 10.0);
        for element in &mut boxed {
            element.frames = vec![0];
        }
        let elements = [lines(15, 10.0), boxed].concat();
        let pages = paginate(&elements, 100.0);
        assert_eq!(page_sizes(&pages), [9, 6, 6]);
    }

    #[test]
    fn the_gap_is_measured_below_the_ink() {
        // As in the first case, but each line's ink ends 6 above its box: giving up a
        // line would leave 16 of page 1 blank, so the pages stay as greedy fills them.
        let elements: Vec<Element> = [
            lines(15, 10.0),
            kept(3, 10.0),
            kept(3, 10.0),
            lines(2, 10.0),
        ]
        .concat()
        .into_iter()
        .map(|line| inked(line.height, line.keep_with_next, 4.0))
        .collect();
        let pages = paginate(&elements, 100.0);
        assert_eq!(page_sizes(&pages), [10, 8, 5]);
    }

    /// `count` lines of `height` kept together softly: the keeps give way only to save
    /// a page or a page left more than 15 % empty.
    fn softly_kept(count: usize, height: f32) -> Vec<Element> {
        (0..count)
            .map(|i| Element {
                soft_keep: i + 1 < count,
                ..el(height, i + 1 < count)
            })
            .collect()
    }

    #[test]
    fn a_soft_keep_gives_way_rather_than_leave_a_page_more_than_15_percent_empty() {
        // Eight lines, then four kept together: moved whole, they leave page 1 20 %
        // empty. Kept softly, they part and page 1 is full; kept hard, they cannot.
        let soft = [lines(8, 10.0), softly_kept(4, 10.0)].concat();
        assert_eq!(page_sizes(&paginate(&soft, 100.0)), [10, 2]);
        let hard = [lines(8, 10.0), kept(4, 10.0)].concat();
        assert_eq!(page_sizes(&paginate(&hard, 100.0)), [8, 4]);
        // Six lines and a softly kept five: they part where page 1 is full.
        let elements = [lines(6, 10.0), softly_kept(5, 10.0), lines(3, 10.0)].concat();
        assert_eq!(page_sizes(&paginate(&elements, 100.0)), [10, 4]);
    }

    #[test]
    fn a_soft_keep_holds_when_parting_it_gains_nothing() {
        // Nine lines and a softly kept two: moved whole, they leave page 1 10 % empty,
        // within the limit, and parting them saves no page: the keep holds, though
        // filling page 1 would have parted them.
        let elements = [lines(9, 10.0), softly_kept(2, 10.0), lines(5, 10.0)].concat();
        assert_eq!(page_sizes(&paginate(&elements, 100.0)), [9, 7]);
        // Seven lines and a softly kept three fill page 1 exactly: nothing parts.
        let elements = [lines(7, 10.0), softly_kept(3, 10.0), lines(5, 10.0)].concat();
        assert_eq!(page_sizes(&paginate(&elements, 100.0)), [10, 5]);
    }

    #[test]
    fn space_before_is_dropped_at_the_top_of_a_page() {
        let mut elements = vec![el(10.0, false), el(10.0, false)];
        elements[1].space_before = 5.0;
        let pages = paginate(&elements, 12.0);
        assert_eq!(pages[1][0].y, 0.0);
    }
}
