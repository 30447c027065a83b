//! A plain-text dump of a laid-out document: one line per box, stable and diffable, kept
//! next to the PDF goldens so a change in output shows up as a readable diff.

use std::fmt::Write;

use super::{Document, Item};

/// The structure node a box belongs to, as `P#12`, or `artifact`.
fn tag(doc: &Document, node: Option<super::NodeId>) -> String {
    match node.and_then(|id| doc.structure.nodes.get(id).map(|n| (id, n))) {
        Some((id, n)) => format!("{}#{id}", n.tag.name()),
        None => "artifact".into(),
    }
}

/// Renders the document as text: a line per page, then a line per box in drawing order.
pub fn dump(doc: &Document) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "document {:.2} x {:.2} pt, {} pages",
        doc.width,
        doc.height,
        doc.pages.len()
    );
    for (i, page) in doc.pages.iter().enumerate() {
        let _ = writeln!(out, "page {}", i + 1);
        for item in &page.items {
            let _ = match item {
                Item::Text(t) => writeln!(
                    out,
                    "  text {:<11} {:<8} x={:.2} y={:.2} w={:.2}{} {} {:.1} {} {:?}",
                    t.role.name(),
                    tag(doc, t.node),
                    t.x,
                    t.y,
                    t.width(),
                    if t.rtl { " rtl" } else { "" },
                    t.face.name(),
                    t.size,
                    t.color.hex(),
                    t.text
                ),
                Item::Rect(r) => writeln!(
                    out,
                    "  rect x={:.2} y={:.2} w={:.2} h={:.2} fill={} stroke={}",
                    r.x,
                    r.y,
                    r.w,
                    r.h,
                    r.fill.map_or("none".into(), |c| c.hex()),
                    r.stroke.map_or("none".into(), |s| format!(
                        "{}@{:.2}",
                        s.color.hex(),
                        s.width
                    ))
                ),
                Item::Image(i) => writeln!(
                    out,
                    "  image x={:.2} y={:.2} w={:.2} h={:.2} alt={:?}",
                    i.x, i.y, i.w, i.h, i.alt
                ),
                Item::Mark(m) => writeln!(
                    out,
                    "  mark {:?} x={:.2} y={:.2} size={:.2} {}",
                    m.kind,
                    m.x,
                    m.y,
                    m.size,
                    m.color.hex()
                ),
                Item::Link(l) => writeln!(
                    out,
                    "  link x={:.2} y={:.2} w={:.2} h={:.2} {}",
                    l.x, l.y, l.w, l.h, l.url
                ),
                Item::Rule(l) => writeln!(
                    out,
                    "  rule ({:.2},{:.2})-({:.2},{:.2}) {}@{:.2}",
                    l.x1,
                    l.y1,
                    l.x2,
                    l.y2,
                    l.stroke.color.hex(),
                    l.stroke.width
                ),
            };
        }
    }
    for id in doc.structure.reading_order() {
        let node = &doc.structure.nodes[id];
        let _ = write!(
            out,
            "struct {}{}#{id}",
            "  ".repeat(doc.structure.depth(id)),
            node.tag.name()
        );
        if let Some(scope) = node.scope {
            let _ = write!(out, " scope={scope:?}");
        }
        if let Some(numbering) = node.numbering {
            let _ = write!(out, " numbering={numbering:?}");
        }
        if let Some(alt) = &node.alt {
            let _ = write!(out, " alt={alt:?}");
        }
        out.push('\n');
    }
    for mark in &doc.outline {
        let _ = writeln!(
            out,
            "outline level={} page={} y={:.2} {:?}",
            mark.level,
            mark.page + 1,
            mark.y,
            mark.title
        );
    }
    out
}
