//! Breaks the flow into pages: fill each page, and when an element does not fit, break
//! before the start of the chain of kept-together elements it belongs to. A page that
//! starts inside a table starts with the table's header row again.

use super::flow::Element;

/// Where one element landed: its index in the flow and its top, relative to the body top.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub element: usize,
    pub y: f32,
    /// A table header drawn again at the top of a page: page furniture, not content, so
    /// a screen reader reads the header once.
    pub repeat: bool,
}

/// Rounding slack, so a page filled exactly to the last point is not broken early.
const EPSILON: f32 = 0.01;

/// Assigns every element to a page. Each element appears exactly once, in order; a
/// repeated table header, marked `repeat`, is the only element placed twice.
pub fn paginate(elements: &[Element], body_height: f32) -> Vec<Vec<Placed>> {
    let mut pages = Vec::new();
    let mut start = 0;
    while start < elements.len() {
        let header = repeated_header(elements, start);
        let end = page_end(elements, start, body_height);
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

/// The index of the first element that goes on the next page.
fn page_end(elements: &[Element], start: usize, body_height: f32) -> usize {
    let mut y = repeated_header(elements, start).map_or(0.0, |h| elements[h].height);
    for i in start..elements.len() {
        let gap = if i > start {
            elements[i].space_before
        } else {
            0.0
        };
        if y + gap + elements[i].height <= body_height + EPSILON {
            y += gap + elements[i].height;
            continue;
        }
        if i == start {
            // Taller than a whole page: it gets a page of its own. Text lines and table
            // rows are far smaller than a page, so this only happens to rows holding an
            // enormous cell; the page composer reports it rather than clipping.
            return i + 1;
        }
        let mut chain_start = i;
        while chain_start > start && elements[chain_start - 1].keep_with_next {
            chain_start -= 1;
        }
        // A chain that began at the top of this page is longer than a page: break it
        // where it overflows rather than loop forever.
        return if chain_start > start { chain_start } else { i };
    }
    elements.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(height: f32, keep: bool) -> Element {
        Element {
            height,
            keep_with_next: keep,
            ..Element::default()
        }
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

    #[test]
    fn space_before_is_dropped_at_the_top_of_a_page() {
        let mut elements = vec![el(10.0, false), el(10.0, false)];
        elements[1].space_before = 5.0;
        let pages = paginate(&elements, 12.0);
        assert_eq!(pages[1][0].y, 0.0);
    }
}
