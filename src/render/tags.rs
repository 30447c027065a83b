//! The structure tree (tagged PDF): the layout's structure nodes become `StructElem`s
//! whose kids point at the marked-content sequences and link annotations that
//! [`super::page_ops`] recorded, plus the parent tree that maps content back to its
//! element, and the catalog entries that declare the file tagged. See
//! `docs/accessibility.md` for the design.

use super::object::{Dictionary, Document, Object, ObjectId};

use super::{outline::text_string, PageMarks};
use crate::layout::{Numbering, Scope, Structure};

/// Content an element holds directly: a marked-content sequence or an annotation.
#[derive(Debug, Clone, Copy)]
enum Kid {
    Marked { page: ObjectId, mcid: usize },
    Annotation { page: ObjectId, id: ObjectId },
}

/// A standard attribute (`/A`): one entry of the attribute owner `owner`.
fn attribute(owner: &'static str, key: &'static str, value: &'static str) -> Object {
    let mut attributes = Dictionary::new();
    attributes.set("O", Object::name(owner));
    attributes.set(key, Object::name(value));
    Object::Dictionary(attributes)
}

/// Adds the structure tree for `structure`, whose content the pages' `marks` describe.
pub fn add(
    doc: &mut Document,
    catalog: ObjectId,
    pages: &[ObjectId],
    structure: &Structure,
    marks: &[PageMarks],
    language: &str,
) -> Result<(), String> {
    if pages.len() != marks.len() {
        return Err(format!(
            "{} pages but marks for {}",
            pages.len(),
            marks.len()
        ));
    }
    let tree_root = doc.new_object_id();
    let ids: Vec<ObjectId> = structure
        .nodes
        .iter()
        .map(|_| doc.new_object_id())
        .collect();
    let element = |node: usize| -> Result<Object, String> {
        ids.get(node)
            .map(|&id| Object::Reference(id))
            .ok_or_else(|| format!("content marked with unknown structure node {node}"))
    };

    // Each element's content, in content-stream order page by page: that is reading
    // order within one node, because layout emits a node's boxes in reading order.
    let mut content: Vec<Vec<Kid>> = vec![Vec::new(); structure.nodes.len()];
    // The parent tree's keys must ascend: pages take 0..pages, annotations the keys after.
    let mut parent_tree = Vec::new();
    let mut annotation_parents = Vec::new();
    let mut next_key = pages.len() as i64;
    for (index, (&page, page_marks)) in pages.iter().zip(marks).enumerate() {
        let mut by_mcid = Vec::with_capacity(page_marks.mcids.len());
        for (mcid, &node) in page_marks.mcids.iter().enumerate() {
            content
                .get_mut(node)
                .ok_or("content marked with an unknown node")?
                .push(Kid::Marked { page, mcid });
            by_mcid.push(element(node)?);
        }
        parent_tree.push(Object::Integer(index as i64));
        parent_tree.push(Object::Array(by_mcid));

        for &(node, id) in &page_marks.links {
            doc.dictionary_mut(id)
                .ok_or("a link annotation is missing")?
                .set("StructParent", Object::Integer(next_key));
            content
                .get_mut(node)
                .ok_or("a link marked with an unknown node")?
                .push(Kid::Annotation { page, id });
            annotation_parents.push(Object::Integer(next_key));
            annotation_parents.push(element(node)?);
            next_key += 1;
        }
        let page_dict = doc.dictionary_mut(page).ok_or("a page is missing")?;
        page_dict.set("StructParents", Object::Integer(index as i64));
        // Tab through annotations in structure order.
        page_dict.set("Tabs", Object::name("S"));
    }

    for (node, (data, id)) in structure.nodes.iter().zip(&ids).enumerate() {
        let mut dict = Dictionary::new();
        dict.set("Type", Object::name("StructElem"));
        dict.set("S", Object::name(data.tag.name()));
        dict.set(
            "P",
            Object::Reference(data.parent.map_or(tree_root, |p| ids[p])),
        );
        let mut kids: Vec<Object> = data
            .children
            .iter()
            .map(|&c| Object::Reference(ids[c]))
            .collect();
        // The element's page is that of its first content; content there is named by
        // its bare MCID, content on later pages by a full reference.
        let home = content[node].first().map(|k| match k {
            Kid::Marked { page, .. } | Kid::Annotation { page, .. } => *page,
        });
        if let Some(home) = home {
            dict.set("Pg", Object::Reference(home));
        }
        for kid in &content[node] {
            kids.push(match *kid {
                Kid::Marked { page, mcid } if Some(page) == home => Object::Integer(mcid as i64),
                Kid::Marked { page, mcid } => {
                    let mut mcr = Dictionary::new();
                    mcr.set("Type", Object::name("MCR"));
                    mcr.set("Pg", Object::Reference(page));
                    mcr.set("MCID", Object::Integer(mcid as i64));
                    Object::Dictionary(mcr)
                }
                Kid::Annotation { page, id } => {
                    let mut objr = Dictionary::new();
                    objr.set("Type", Object::name("OBJR"));
                    objr.set("Pg", Object::Reference(page));
                    objr.set("Obj", Object::Reference(id));
                    Object::Dictionary(objr)
                }
            });
        }
        if !kids.is_empty() {
            dict.set("K", Object::Array(kids));
        }
        if let Some(alt) = &data.alt {
            dict.set("Alt", text_string(alt));
        }
        if let Some(scope) = data.scope {
            let scope = match scope {
                Scope::Row => "Row",
                Scope::Column => "Column",
            };
            dict.set("A", attribute("Table", "Scope", scope));
        }
        if let Some(numbering) = data.numbering {
            let numbering = match numbering {
                Numbering::Disc => "Disc",
                Numbering::Decimal => "Decimal",
            };
            dict.set("A", attribute("List", "ListNumbering", numbering));
        }
        doc.set_object(*id, dict);
    }

    let mut nums = Dictionary::new();
    parent_tree.append(&mut annotation_parents);
    nums.set("Nums", Object::Array(parent_tree));
    let parent_tree_id = doc.add_object(Object::Dictionary(nums));
    let mut root = Dictionary::new();
    root.set("Type", Object::name("StructTreeRoot"));
    root.set(
        "K",
        Object::Array(
            ids.first()
                .map(|&r| Object::Reference(r))
                .into_iter()
                .collect(),
        ),
    );
    root.set("ParentTree", Object::Reference(parent_tree_id));
    root.set("ParentTreeNextKey", Object::Integer(next_key));
    doc.set_object(tree_root, root);

    let catalog = doc
        .dictionary_mut(catalog)
        .ok_or("the catalog is missing")?;
    catalog.set("StructTreeRoot", Object::Reference(tree_root));
    let mut mark_info = Dictionary::new();
    mark_info.set("Marked", Object::Boolean(true));
    catalog.set("MarkInfo", Object::Dictionary(mark_info));
    catalog.set("Lang", Object::string_literal(language));
    let mut preferences = Dictionary::new();
    preferences.set("DisplayDocTitle", Object::Boolean(true));
    catalog.set("ViewerPreferences", Object::Dictionary(preferences));
    Ok(())
}
