//! Breaks the flow into pages: fill each page, and when an element does not fit, break
//! before the start of the chain of kept-together elements it belongs to.

use super::flow::Element;

/// Where one element landed: its index in the flow and its top, relative to the body top.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub element: usize,
    pub y: f32,
}

/// Rounding slack, so a page filled exactly to the last point is not broken early.
const EPSILON: f32 = 0.01;

/// Assigns every element to a page. Each element appears exactly once, in order.
pub fn paginate(elements: &[Element], body_height: f32) -> Vec<Vec<Placed>> {
    let mut pages = Vec::new();
    let mut start = 0;
    while start < elements.len() {
        let end = page_end(elements, start, body_height);
        let mut y = 0.0;
        let page = (start..end)
            .map(|i| {
                if i > start {
                    y += elements[i].space_before;
                }
                let placed = Placed { element: i, y };
                y += elements[i].height;
                placed
            })
            .collect();
        pages.push(page);
        start = end;
    }
    pages
}

/// The index of the first element that goes on the next page.
fn page_end(elements: &[Element], start: usize, body_height: f32) -> usize {
    let mut y = 0.0;
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
    fn space_before_is_dropped_at_the_top_of_a_page() {
        let mut elements = vec![el(10.0, false), el(10.0, false)];
        elements[1].space_before = 5.0;
        let pages = paginate(&elements, 12.0);
        assert_eq!(pages[1][0].y, 0.0);
    }
}
