//! The logical structure of a laid-out handout: a tree of headings, paragraphs, lists
//! and tables in reading order, built alongside the flow. Boxes name the node they
//! belong to, so the PDF's tags come from the same place as the boxes themselves;
//! boxes that name none are page furniture or decoration (artifacts).

/// Index of a node in [`Structure::nodes`].
pub type NodeId = usize;

/// A structure type from the PDF standard's set (ISO 32000-1, 14.8.4), so no role map
/// is needed and every reader knows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    Document,
    Sect,
    H1,
    H2,
    H3,
    P,
    L,
    LI,
    Lbl,
    LBody,
    Table,
    TR,
    TH,
    TD,
    Figure,
    Link,
}

impl Tag {
    pub fn name(self) -> &'static str {
        match self {
            Tag::Document => "Document",
            Tag::Sect => "Sect",
            Tag::H1 => "H1",
            Tag::H2 => "H2",
            Tag::H3 => "H3",
            Tag::P => "P",
            Tag::L => "L",
            Tag::LI => "LI",
            Tag::Lbl => "Lbl",
            Tag::LBody => "LBody",
            Tag::Table => "Table",
            Tag::TR => "TR",
            Tag::TH => "TH",
            Tag::TD => "TD",
            Tag::Figure => "Figure",
            Tag::Link => "Link",
        }
    }
}

/// Which cells a table header cell heads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Row,
    Column,
}

/// How a list marks its items, for screen readers that announce it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    /// Bullets.
    Disc,
    /// 1. 2. 3.
    Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub tag: Tag,
    pub parent: Option<NodeId>,
    /// In reading order.
    pub children: Vec<NodeId>,
    /// The text a screen reader speaks for a figure.
    pub alt: Option<String>,
    pub scope: Option<Scope>,
    /// Set on lists.
    pub numbering: Option<Numbering>,
}

impl Node {
    fn new(tag: Tag, parent: Option<NodeId>) -> Node {
        Node {
            tag,
            parent,
            children: Vec::new(),
            alt: None,
            scope: None,
            numbering: None,
        }
    }
}

/// The tree, with the path of nodes currently open for new children.
#[derive(Debug, Clone, PartialEq)]
pub struct Structure {
    pub nodes: Vec<Node>,
    open: Vec<NodeId>,
}

/// The root: always node 0.
pub const ROOT: NodeId = 0;

impl Default for Structure {
    fn default() -> Self {
        Structure::new()
    }
}

impl Structure {
    pub fn new() -> Structure {
        Structure {
            nodes: vec![Node::new(Tag::Document, None)],
            open: vec![ROOT],
        }
    }

    fn add(&mut self, tag: Tag) -> NodeId {
        let parent = self.open.last().copied().unwrap_or(ROOT);
        let id = self.nodes.len();
        self.nodes.push(Node::new(tag, Some(parent)));
        self.nodes[parent].children.push(id);
        id
    }

    /// Adds a node under the open one and opens it: what follows goes inside it until
    /// [`close`](Self::close).
    pub fn open(&mut self, tag: Tag) -> NodeId {
        let id = self.add(tag);
        self.open.push(id);
        id
    }

    /// Closes the most recently opened node. The root stays open.
    pub fn close(&mut self) {
        debug_assert!(
            self.open.len() > 1,
            "closed more structure nodes than were opened"
        );
        if self.open.len() > 1 {
            self.open.pop();
        }
    }

    /// Adds a node under the open one that holds content directly.
    pub fn leaf(&mut self, tag: Tag) -> NodeId {
        self.add(tag)
    }

    /// A figure with the words that describe it.
    pub fn figure(&mut self, alt: &str) -> NodeId {
        let id = self.add(Tag::Figure);
        self.nodes[id].alt = Some(alt.to_string());
        id
    }

    /// Opens a list marked the given way.
    pub fn open_list(&mut self, numbering: Numbering) -> NodeId {
        let id = self.open(Tag::L);
        self.nodes[id].numbering = Some(numbering);
        id
    }

    /// A header cell for its row or column.
    pub fn header_cell(&mut self, scope: Scope) -> NodeId {
        let id = self.add(Tag::TH);
        self.nodes[id].scope = Some(scope);
        id
    }

    /// Nodes in reading order: depth first, parents before children.
    pub fn reading_order(&self) -> Vec<NodeId> {
        let mut order = Vec::with_capacity(self.nodes.len());
        let mut stack = vec![ROOT];
        while let Some(id) = stack.pop() {
            order.push(id);
            stack.extend(self.nodes[id].children.iter().rev());
        }
        order
    }

    /// How deep a node sits: the root is 0.
    pub fn depth(&self, mut id: NodeId) -> usize {
        let mut depth = 0;
        while let Some(parent) = self.nodes[id].parent {
            depth += 1;
            id = parent;
        }
        depth
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_nest_under_the_open_node_in_the_order_added() {
        let mut s = Structure::new();
        let list = s.open(Tag::L);
        let item = s.open(Tag::LI);
        let label = s.leaf(Tag::Lbl);
        let body = s.leaf(Tag::LBody);
        s.close();
        s.close();
        let after = s.leaf(Tag::P);
        assert_eq!(s.nodes[ROOT].children, vec![list, after]);
        assert_eq!(s.nodes[item].children, vec![label, body]);
        assert_eq!(
            s.reading_order(),
            vec![ROOT, list, item, label, body, after]
        );
        assert_eq!(s.depth(body), 3);
    }

    /// Debug builds stop at the mistake; release builds (which have no debug assertions,
    /// so a `should_panic` test would fail there) keep the root open. Both are checked.
    #[test]
    fn closing_more_than_was_opened_is_caught_in_debug_builds_and_keeps_the_root() {
        let mut s = Structure::new();
        let closed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| s.close()));
        assert_eq!(closed.is_err(), cfg!(debug_assertions));
        let after = s.leaf(Tag::P);
        assert_eq!(s.nodes[ROOT].children, vec![after]);
    }
}
