//! The body as a tree of elements and text, read with quick-xml plus the
//! well-formedness rules quick-xml leaves to its user: one root element,
//! every element closed, names that are names, only the five predefined
//! entities, no markup characters in text.

use quick_xml::events::Event;
use quick_xml::reader::Reader;

use super::xml::XmlError;

#[derive(Debug)]
pub(super) struct Element {
    pub(super) name: String,
    /// Byte offset of its start tag.
    pub(super) at: usize,
    pub(super) children: Vec<Node>,
}

#[derive(Debug)]
pub(super) enum Node {
    Element(Element),
    /// Character data: text, resolved references and CDATA, joined.
    Text(String),
}

impl Element {
    fn push_text(&mut self, text: &str) {
        if let Some(Node::Text(last)) = self.children.last_mut() {
            last.push_str(text);
        } else {
            self.children.push(Node::Text(text.to_string()));
        }
    }

    /// The child elements; text between them must be whitespace.
    pub(super) fn elements(&self) -> Result<Vec<&Element>, XmlError> {
        let mut out = Vec::new();
        for child in &self.children {
            match child {
                Node::Element(e) => out.push(e),
                Node::Text(t) if is_blank(t) => {}
                Node::Text(t) => {
                    return Err(XmlError::grammar(
                        self.at,
                        format!(
                            "text {t:?} inside <{}>, where only elements belong",
                            self.name
                        ),
                    ));
                }
            }
        }
        Ok(out)
    }

    /// The text content of an element that must hold no elements.
    pub(super) fn text(&self) -> Result<String, XmlError> {
        let mut out = String::new();
        for child in &self.children {
            match child {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => {
                    return Err(XmlError::grammar(
                        e.at,
                        format!(
                            "an element <{}> inside <{}>, which holds only text{}",
                            e.name,
                            self.name,
                            if self.name == "string" || self.name == "value" {
                                " (a `<` in a string must be written `&lt;`)"
                            } else {
                                ""
                            }
                        ),
                    ));
                }
            }
        }
        Ok(out)
    }

    /// The one child element named `name`.
    pub(super) fn only(&self, name: &str) -> Result<&Element, XmlError> {
        let elements = self.elements()?;
        match elements.as_slice() {
            [one] if one.name == name => Ok(one),
            [one] => Err(XmlError::grammar(
                one.at,
                format!(
                    "<{}> holds <{}> where <{name}> belongs",
                    self.name, one.name
                ),
            )),
            [] => Err(XmlError::grammar(
                self.at,
                format!("<{}> is empty: it needs one <{name}>", self.name),
            )),
            [_, second, ..] => Err(XmlError::grammar(
                second.at,
                format!(
                    "<{}> holds more than one element: one <{name}> belongs there",
                    self.name
                ),
            )),
        }
    }
}

fn is_blank(text: &str) -> bool {
    text.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
}

/// Whether `name` is an XML name (the ASCII rules exactly; any non-ASCII
/// letter allowed).
fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let start = |c: char| c.is_ascii_alphabetic() || c == '_' || c == ':' || c as u32 >= 0xC0;
    start(first)
        && chars.all(|c| start(c) || c.is_ascii_digit() || matches!(c, '-' | '.' | '\u{B7}'))
}

/// A character XML 1.0 allows in a document.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

/// Parses `body` into its root element, or says why it is not well-formed.
pub(super) fn document(body: &[u8]) -> Result<Element, XmlError> {
    let text = std::str::from_utf8(body).map_err(|e| {
        XmlError::syntax(
            e.valid_up_to(),
            "the bytes are not UTF-8 (XML without an encoding declaration is UTF-8)",
        )
    })?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    reader.config_mut().check_comments = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut first = true;
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            let at = reader.error_position() as usize;
            let hint = match &e {
                quick_xml::Error::IllFormed(
                    quick_xml::errors::IllFormedError::UnclosedReference,
                ) => " (a `&` in text must be written `&amp;`)",
                _ => "",
            };
            XmlError::syntax(at, format!("{e}{hint}"))
        })?;
        let was_first = std::mem::replace(&mut first, false);
        match event {
            Event::Decl(_) if !was_first => {
                return Err(XmlError::syntax(
                    at,
                    "an XML declaration that is not at the very start",
                ));
            }
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Start(start) => {
                let name = start.name().as_ref().to_string();
                if !is_xml_name(&name) {
                    let hint = if name.contains(['<', '/', '>'])
                        || name.starts_with(char::is_whitespace)
                    {
                        " (a `<` in text must be written `&lt;`)"
                    } else {
                        ""
                    };
                    return Err(XmlError::syntax(
                        at,
                        format!("`<{name}` does not start an element{hint}"),
                    ));
                }
                for attribute in start.attributes() {
                    attribute.map_err(|e| XmlError::syntax(at, format!("in <{name}>: {e}")))?;
                }
                if stack.is_empty() && root.is_some() {
                    return Err(XmlError::syntax(
                        at,
                        format!("a second root element <{name}>"),
                    ));
                }
                stack.push(Element {
                    name,
                    at,
                    children: Vec::new(),
                });
            }
            Event::End(_) => {
                // quick-xml has checked that the names match.
                let Some(done) = stack.pop() else {
                    return Err(XmlError::syntax(at, "an end tag without its start tag"));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(done)),
                    None => root = Some(done),
                }
            }
            Event::Text(t) => {
                let content = t.xml10_content();
                if let Some(bad) = content.chars().find(|c| !is_xml_char(*c)) {
                    return Err(XmlError::syntax(
                        at,
                        format!("the character {bad:?} is not allowed in XML"),
                    ));
                }
                if content.contains("]]>") {
                    return Err(XmlError::syntax(at, "`]]>` in text (write `]]&gt;`)"));
                }
                match stack.last_mut() {
                    Some(parent) => parent.push_text(&content),
                    None if is_blank(&content) => {}
                    None => {
                        return Err(XmlError::syntax(
                            at,
                            format!(
                                "text {:?} outside the root element",
                                crate::peers::xmlrpc::abridged(&content)
                            ),
                        ));
                    }
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) if is_xml_char(c) => c.to_string(),
                    Ok(Some(c)) => {
                        return Err(XmlError::syntax(
                            at,
                            format!("&{}; is {c:?}, which XML does not allow", &*r),
                        ));
                    }
                    Ok(None) => match &*r {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => {
                            return Err(XmlError::syntax(
                                at,
                                format!(
                                    "&{other}; is not one of XML's five entities (&amp; &lt; &gt; &quot; &apos;)"
                                ),
                            ));
                        }
                    },
                    Err(e) => return Err(XmlError::syntax(at, format!("&{};: {e}", &*r))),
                };
                match stack.last_mut() {
                    Some(parent) => parent.push_text(&resolved),
                    None => {
                        return Err(XmlError::syntax(at, "a reference outside the root element"));
                    }
                }
            }
            Event::CData(c) => match stack.last_mut() {
                Some(parent) => parent.push_text(&c.xml10_content()),
                None => return Err(XmlError::syntax(at, "CDATA outside the root element")),
            },
            Event::Empty(_) => unreachable!("empty elements are expanded"),
            Event::Eof => {
                return match (stack.last(), root) {
                    (Some(open), _) => Err(XmlError::syntax(
                        body.len(),
                        format!(
                            "the body ends inside <{}>, which is never closed",
                            open.name
                        ),
                    )),
                    (None, None) => Err(XmlError::syntax(body.len(), "there is no root element")),
                    (None, Some(root)) => Ok(root),
                };
            }
        }
    }
}
