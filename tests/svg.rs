//! The SVG backend (`render::svg`) on the bundled handout's brief and full layouts and
//! the branded brief (logo and link): every page parses as XML (roxmltree, not our own
//! code), draws each box the layout has, in order, escapes what patients' details hold,
//! and is the same string every time.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use handout::fonts::Face;
use handout::layout::{Document, Item};
use handout::personal::Personal;
use handout::pipeline::{self, Options};
use handout::render::svg::{self, FontSource};

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
const FONTS: &str = "/assets/fonts";

fn lay_out(options: &Options<'_>) -> Document {
    let handout = common::load(common::BUNDLED);
    let labels = options.labels(&handout).expect("labels");
    pipeline::lay_out(&handout, Path::new(common::BUNDLED), options, &labels).expect("lays out")
}

fn preset(name: &str) -> Document {
    lay_out(&Options {
        selection: Some(common::preset(name)),
        ..Options::default()
    })
}

/// The brief, the full handout and the branded brief (a logo and a web link), by name.
fn documents() -> Vec<(&'static str, Document)> {
    let profile = common::profile("riverside-spine.toml");
    let branded = lay_out(&Options {
        profile: Some(&profile),
        ..Options::default()
    });
    vec![
        ("brief", preset("brief")),
        ("full", preset("full")),
        ("branded brief", branded),
    ]
}

fn parse<'a>(svg: &'a str, what: &str) -> roxmltree::Document<'a> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{what}: not XML: {e}\n{svg}"))
}

fn is(node: &roxmltree::Node<'_, '_>, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name
}

/// The items the PDF paints, in drawing order: links are annotations, drawn last, and a
/// rectangle with neither fill nor stroke paints nothing.
fn painted(items: &[Item]) -> impl Iterator<Item = &Item> {
    items.iter().filter(|i| match i {
        Item::Link(_) => false,
        Item::Rect(r) => r.fill.is_some() || r.stroke.is_some(),
        _ => true,
    })
}

fn attr(node: &roxmltree::Node<'_, '_>, name: &str) -> String {
    node.attribute(name)
        .unwrap_or_else(|| panic!("<{}> has no {name}", node.tag_name().name()))
        .to_string()
}

#[test]
fn every_page_parses_as_svg_labelled_with_its_number() {
    for (name, doc) in documents() {
        let pages = doc.pages.len();
        for index in 0..pages {
            for fonts in [FontSource::Url(FONTS), FontSource::None] {
                let svg = svg::page(&doc, index, fonts);
                let xml = parse(&svg, name);
                let root = xml.root_element();
                assert_eq!(root.tag_name().namespace(), Some(SVG_NS));
                assert!(is(&root, "svg"));
                assert_eq!(
                    attr(&root, "aria-label"),
                    format!("Page {} of {pages}", index + 1)
                );
                assert_eq!(attr(&root, "role"), "img");
                let (w, h) = (doc.width, doc.height);
                assert_eq!(attr(&root, "viewBox"), format!("0 0 {w} {h}"));
                assert_eq!(attr(&root, "width"), format!("{w}pt"));
                assert_eq!(attr(&root, "height"), format!("{h}pt"));
                let background = root
                    .children()
                    .find(|n| is(n, "rect"))
                    .expect("a background");
                assert_eq!(attr(&background, "fill"), "#ffffff");
                assert_eq!(attr(&background, "width"), format!("{w}"));
            }
        }
        assert!(pages >= 1);
        if name == "full" {
            assert!(pages > 10, "the full handout has {pages} pages");
        }
    }
}

#[test]
fn every_text_is_drawn_exactly_in_order_with_its_face_and_size() {
    for (name, doc) in documents() {
        for (index, page) in doc.pages.iter().enumerate() {
            let svg = svg::page(&doc, index, FontSource::None);
            let xml = parse(&svg, name);
            let drawn: Vec<_> = xml.descendants().filter(|n| is(n, "text")).collect();
            let texts: Vec<_> = page
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Text(t) => Some(t),
                    _ => None,
                })
                .collect();
            assert_eq!(drawn.len(), texts.len(), "{name} page {}", index + 1);
            for (element, text) in drawn.iter().zip(&texts) {
                assert_eq!(element.text().unwrap_or(""), text.text, "{name}");
                assert_eq!(attr(element, "font-family"), text.face.name());
                assert_eq!(element.attribute((XML_NS, "space")), Some("preserve"));
                let close = |a: &str, v: f32| {
                    let got: f32 = attr(element, a).parse().expect("a number");
                    assert!((got - v).abs() <= 0.0051, "{a} {got} for {v}");
                };
                close("x", text.x);
                close("y", text.y);
                close("font-size", text.size);
                assert_eq!(attr(element, "fill"), text.color.hex().to_lowercase());
            }
        }
    }
}

#[test]
fn rects_rules_marks_images_and_links_match_the_layout() {
    let mut seen = [0usize; 5];
    for (name, doc) in documents() {
        for (index, page) in doc.pages.iter().enumerate() {
            let svg = svg::page(&doc, index, FontSource::None);
            let xml = parse(&svg, name);
            let root = xml.root_element();
            // After the background, one element per painted box, in the layout's order,
            // then the links.
            let mut elements = root.children().filter(|n| n.is_element()).skip(1);
            for item in painted(&page.items) {
                let element = elements.next().expect("an element per box");
                let expected = match item {
                    Item::Text(_) => "text",
                    Item::Rect(_) | Item::Image(_) => "rect",
                    Item::Rule(_) => "line",
                    Item::Mark(_) => "g",
                    Item::Link(_) => unreachable!(),
                };
                assert!(
                    is(&element, expected),
                    "{name}: {item:?} drawn as {element:?}"
                );
                match item {
                    Item::Rect(r) => {
                        seen[0] += 1;
                        let fill = r
                            .fill
                            .map_or("none".to_string(), |c| c.hex().to_lowercase());
                        assert_eq!(attr(&element, "fill"), fill);
                        if let Some(s) = r.stroke {
                            assert_eq!(attr(&element, "stroke"), s.color.hex().to_lowercase());
                            assert!(element.has_attribute("stroke-width"));
                        }
                    }
                    Item::Rule(_) => seen[1] += 1,
                    Item::Mark(m) => {
                        seen[2] += 1;
                        let polylines: Vec<_> =
                            element.children().filter(|n| is(n, "polyline")).collect();
                        let (lines, _) = m.strokes();
                        assert_eq!(polylines.len(), lines.len());
                        assert_eq!(attr(&element, "stroke-linecap"), "round");
                        for (polyline, line) in polylines.iter().zip(&lines) {
                            let points = attr(polyline, "points");
                            assert_eq!(points.split(' ').count(), line.len());
                        }
                    }
                    Item::Image(image) => {
                        seen[3] += 1;
                        let title = element
                            .children()
                            .find(|n| is(n, "title"))
                            .expect("the image's description");
                        assert_eq!(title.text(), Some(image.alt.as_str()));
                    }
                    _ => {}
                }
            }
            let links: Vec<_> = elements.collect();
            let expected: Vec<_> = page
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Link(l) => Some(l),
                    _ => None,
                })
                .collect();
            assert_eq!(links.len(), expected.len(), "{name}: the links");
            for (a, link) in links.iter().zip(expected) {
                seen[4] += 1;
                assert!(is(a, "a"));
                assert_eq!(attr(a, "href"), link.url);
                assert!(a.children().any(|n| is(&n, "rect")));
            }

            // The same, counted over the whole page.
            let count = |tag: &str| xml.descendants().filter(|n| is(n, tag)).count();
            let layout = |f: fn(&Item) -> bool| painted(&page.items).filter(|i| f(i)).count();
            let boxes = layout(|i| matches!(i, Item::Rect(_) | Item::Image(_)));
            let web_links = expected_links(&page.items);
            assert_eq!(count("rect"), 1 + boxes + web_links, "{name}: rects");
            assert_eq!(count("line"), layout(|i| matches!(i, Item::Rule(_))));
            assert_eq!(count("g"), layout(|i| matches!(i, Item::Mark(_))));
        }
    }
    let [rects, rules, marks, images, links] = seen;
    assert!(
        rects > 0 && rules > 0 && marks > 0 && images > 0 && links > 0,
        "every kind of box is exercised: {seen:?}"
    );
}

/// Web links: the layout's links are all `https://` addresses here.
fn expected_links(items: &[Item]) -> usize {
    items
        .iter()
        .filter(|i| matches!(i, Item::Link(l) if l.url.starts_with("https://")))
        .count()
}

#[test]
fn patient_details_are_escaped_and_characters_xml_cannot_hold_dropped() {
    let hostile = "<script>x</script> & \"Al\" O'D";
    let personal = Personal {
        patient: Some(hostile.to_string()),
        ..common::jane_doe()
    };
    let mut doc = lay_out(&Options {
        selection: Some(common::preset("brief")),
        personal: Some(&personal),
        ..Options::default()
    });
    // A control character as a name typed into a form could carry: layout refuses those
    // a font cannot draw, but the SVG must not depend on it.
    let control = doc.pages[0]
        .items
        .iter_mut()
        .find_map(|i| match i {
            Item::Text(t) if t.text.contains("<script>") => Some(t),
            _ => None,
        })
        .expect("the patient's name is on page 1");
    let before = control.text.clone();
    control.text = format!("\u{0}{before}\u{1}\u{1B}\u{7}");
    // And a link that is not a web address.
    doc.pages[0].items.push(Item::Link(handout::layout::Link {
        x: 0.0,
        y: 0.0,
        w: 10.0,
        h: 10.0,
        url: "javascript:alert(1)".into(),
        description: "<b>".into(),
        node: 0,
    }));

    let svg = svg::page(&doc, 0, FontSource::Url("/fonts?a=1&b=\"2\""));
    assert!(!svg.contains("<script"), "unescaped markup in {svg}");
    assert!(!svg.contains("javascript:"));
    assert!(!svg.contains('\u{0}') && !svg.contains('\u{1}') && !svg.contains('\u{1B}'));
    assert!(
        svg.contains("&lt;script&gt;x&lt;/script&gt; &amp; &quot;Al&quot; O&#39;D"),
        "{svg}"
    );
    let xml = parse(&svg, "hostile");
    let texts: Vec<_> = xml
        .descendants()
        .filter(|n| is(n, "text"))
        .filter_map(|n| n.text())
        .collect();
    assert!(texts.contains(&before.as_str()), "{before:?} in {texts:?}");
    assert!(
        texts.iter().any(|t| t.contains(hostile)),
        "the name reads back as typed"
    );
    assert_eq!(xml.descendants().filter(|n| is(n, "script")).count(), 0);
    assert_eq!(xml.descendants().filter(|n| is(n, "a")).count(), 0);
}

#[test]
fn the_same_document_gives_the_same_svg() {
    let a = preset("full");
    let b = preset("full");
    for index in 0..a.pages.len() {
        for fonts in [FontSource::Url(FONTS), FontSource::None] {
            let first = svg::page(&a, index, fonts);
            assert_eq!(first, svg::page(&a, index, fonts));
            assert_eq!(first, svg::page(&b, index, fonts));
        }
    }
}

#[test]
fn numbers_have_at_most_two_decimals_and_no_exponent() {
    let doc = preset("full");
    for index in 0..doc.pages.len() {
        let svg = svg::page(&doc, index, FontSource::None);
        let xml = parse(&svg, "full");
        for node in xml.descendants().filter(|n| n.is_element()) {
            for a in node.attributes() {
                let numbers: Vec<&str> = match a.name() {
                    "x" | "y" | "x1" | "y1" | "x2" | "y2" | "width" | "height" | "font-size"
                    | "stroke-width" => vec![a.value().strip_suffix("pt").unwrap_or(a.value())],
                    "points" => a.value().split([' ', ',']).collect(),
                    _ => continue,
                };
                for n in numbers {
                    let digits = n.strip_prefix('-').unwrap_or(n);
                    assert!(
                        digits.chars().all(|c| c.is_ascii_digit() || c == '.')
                            && digits.split('.').nth(1).is_none_or(|f| {
                                (1..=2).contains(&f.len()) && !f.ends_with('0')
                            }),
                        "{n} in {}",
                        a.name()
                    );
                }
            }
        }
    }
}

/// The faces a `<style>`'s rules load, with the addresses they load them from.
fn font_faces(xml: &roxmltree::Document<'_>) -> Vec<(String, String)> {
    let Some(style) = xml.descendants().find(|n| is(n, "style")) else {
        return Vec::new();
    };
    let css = style.text().unwrap_or("");
    css.split("@font-face")
        .skip(1)
        .map(|rule| {
            let between = |open: &str| {
                let start = rule.find(open).expect(open) + open.len();
                let end = rule[start..].find('"').expect("a closing quote");
                rule[start..start + end].to_string()
            };
            (between("font-family:\""), between("url(\""))
        })
        .collect()
}

#[test]
fn font_faces_are_declared_for_the_faces_a_page_uses_only() {
    let mut all_used = BTreeSet::new();
    let mut fewest = Face::ALL.len();
    for (name, doc) in documents() {
        for (index, page) in doc.pages.iter().enumerate() {
            let used: BTreeSet<Face> = page
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Text(t) => Some(t.face),
                    _ => None,
                })
                .collect();
            all_used.extend(used.iter().copied());
            fewest = fewest.min(used.len());
            let expected: Vec<_> = used
                .iter()
                .map(|f| (f.name().to_string(), format!("{FONTS}/{}.ttf", f.name())))
                .collect();
            let svg = svg::page(&doc, index, FontSource::Url(FONTS));
            assert_eq!(
                font_faces(&parse(&svg, name)),
                expected,
                "{name} page {index}"
            );
            let bare = svg::page(&doc, index, FontSource::None);
            assert!(font_faces(&parse(&bare, name)).is_empty());
            assert!(!bare.contains("@font-face"));
        }
    }
    // Not every face on every page: the rules follow the page.
    assert!(fewest < all_used.len(), "{fewest} of {all_used:?}");

    let css = svg::font_face_css(FONTS);
    for face in Face::ALL {
        assert_eq!(
            css.matches(&format!("font-family:\"{}\";", face.name()))
                .count(),
            1,
            "{css}"
        );
        assert!(css.contains(&format!("url(\"{FONTS}/{}.ttf\")", face.name())));
    }
}
