//! XML-RPC messages to and from XML, with a real parser.
//!
//! Reading is two steps. First the body becomes a small tree of elements
//! and text: quick-xml tokenizes it, and this module adds the
//! well-formedness rules quick-xml leaves to its user (one root element,
//! every element closed, names that are names, only the five predefined
//! entities, no markup characters in text). Then the tree is read as the
//! XML-RPC grammar. So a `&` or `<` left unescaped in a string is "not
//! well-formed XML", and a `<methodResponse>` sent as a call is "not a
//! methodCall": the two errors the fault codes -32700 and -32600 tell apart.
//!
//! Writing escapes `&`, `<` and `>` in every string and name, in the layout
//! Python's `xmlrpc` uses (a newline after most tags) or compactly, with
//! `<i4>` for ints and bare `<value>text</value>` for strings: two spellings
//! every XML-RPC reader must accept.

use std::fmt;

use base64::Engine as _;
use quick_xml::events::Event;
use quick_xml::reader::Reader;

use super::{Call, Response, Value};

/// Why a body is not the XML-RPC message it should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlError {
    /// Not well-formed XML (or not UTF-8) at byte `at`: fault -32700.
    NotWellFormed { at: usize, what: String },
    /// Well-formed XML that is not the XML-RPC grammar: fault -32600 for a
    /// call.
    NotXmlRpc { at: usize, what: String },
}

impl XmlError {
    /// The byte offset in the body where the problem is.
    pub fn at(&self) -> usize {
        match self {
            XmlError::NotWellFormed { at, .. } | XmlError::NotXmlRpc { at, .. } => *at,
        }
    }

    pub fn is_well_formed(&self) -> bool {
        matches!(self, XmlError::NotXmlRpc { .. })
    }

    /// The fault code a server answers a call with this problem with.
    pub fn fault_code(&self) -> i32 {
        match self {
            XmlError::NotWellFormed { .. } => super::codes::PARSE_ERROR,
            XmlError::NotXmlRpc { .. } => super::codes::INVALID_REQUEST,
        }
    }

    fn grammar(at: usize, what: impl Into<String>) -> XmlError {
        XmlError::NotXmlRpc {
            at,
            what: what.into(),
        }
    }

    fn syntax(at: usize, what: impl Into<String>) -> XmlError {
        XmlError::NotWellFormed {
            at,
            what: what.into(),
        }
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            XmlError::NotWellFormed { at, what } => {
                write!(f, "not well-formed XML at byte {at}: {what}")
            }
            XmlError::NotXmlRpc { at, what } => write!(f, "at byte {at}: {what}"),
        }
    }
}

/// Up to 30 bytes either side of `at`, escaped, with a `⟨here⟩` marker:
/// where a parse error is, for messages.
pub fn around(body: &[u8], at: usize) -> String {
    let at = at.min(body.len());
    let from = at.saturating_sub(30);
    let to = (at + 30).min(body.len());
    format!(
        "\"{}⟨here⟩{}\"",
        crate::report::escape(&body[from..at]),
        crate::report::escape(&body[at..to])
    )
}

// ── The tree ────────────────────────────────────────────────────────────────

#[derive(Debug)]
struct Element {
    name: String,
    /// Byte offset of its start tag.
    at: usize,
    children: Vec<Node>,
}

#[derive(Debug)]
enum Node {
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
    fn elements(&self) -> Result<Vec<&Element>, XmlError> {
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
    fn text(&self) -> Result<String, XmlError> {
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
    fn only(&self, name: &str) -> Result<&Element, XmlError> {
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
fn document(body: &[u8]) -> Result<Element, XmlError> {
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

// ── The XML-RPC grammar ─────────────────────────────────────────────────────

/// Reads a `<methodCall>`.
pub fn parse_call(body: &[u8]) -> Result<Call, XmlError> {
    let root = document(body)?;
    if root.name != "methodCall" {
        return Err(XmlError::grammar(
            root.at,
            format!("the root element is <{}>, not <methodCall>", root.name),
        ));
    }
    let mut method = None;
    let mut params = None;
    for e in root.elements()? {
        match e.name.as_str() {
            "methodName" if method.is_none() => method = Some(e.text()?.trim().to_string()),
            "params" if params.is_none() => params = Some(read_params(e)?),
            other => {
                return Err(XmlError::grammar(
                    e.at,
                    format!(
                        "<methodCall> holds <{other}>: it holds one <methodName> and at most one <params>"
                    ),
                ));
            }
        }
    }
    let method =
        method.ok_or_else(|| XmlError::grammar(root.at, "<methodCall> has no <methodName>"))?;
    if method.is_empty() {
        return Err(XmlError::grammar(root.at, "the <methodName> is empty"));
    }
    Ok(Call {
        method,
        params: params.unwrap_or_default(),
    })
}

fn read_params(params: &Element) -> Result<Vec<Value>, XmlError> {
    params
        .elements()?
        .into_iter()
        .map(|param| {
            if param.name != "param" {
                return Err(XmlError::grammar(
                    param.at,
                    format!("<params> holds <{}> where <param> belongs", param.name),
                ));
            }
            read_value(param.only("value")?)
        })
        .collect()
}

/// Reads a `<methodResponse>`.
pub fn parse_response(body: &[u8]) -> Result<Response, XmlError> {
    let root = document(body)?;
    if root.name != "methodResponse" {
        return Err(XmlError::grammar(
            root.at,
            format!("the root element is <{}>, not <methodResponse>", root.name),
        ));
    }
    let elements = root.elements()?;
    let [inner] = elements.as_slice() else {
        return Err(XmlError::grammar(
            root.at,
            "<methodResponse> must hold exactly one <params> or one <fault>",
        ));
    };
    match inner.name.as_str() {
        "params" => {
            let mut values = read_params(inner)?;
            if values.len() != 1 {
                return Err(XmlError::grammar(
                    inner.at,
                    format!(
                        "a response's <params> holds exactly one <param>, not {}",
                        values.len()
                    ),
                ));
            }
            Ok(Response::Value(values.remove(0)))
        }
        "fault" => {
            let value = read_value(inner.only("value")?)?;
            let code = match value.member("faultCode") {
                Some(Value::Int(code)) => *code,
                Some(other) => {
                    return Err(XmlError::grammar(
                        inner.at,
                        format!(
                            "the fault's faultCode is a {}, not an <int>",
                            other.type_name()
                        ),
                    ));
                }
                None => {
                    return Err(XmlError::grammar(
                        inner.at,
                        "the fault's struct has no faultCode",
                    ));
                }
            };
            let string = match value.member("faultString") {
                Some(Value::String(s)) => s.clone(),
                Some(other) => {
                    return Err(XmlError::grammar(
                        inner.at,
                        format!(
                            "the fault's faultString is a {}, not a <string>",
                            other.type_name()
                        ),
                    ));
                }
                None => {
                    return Err(XmlError::grammar(
                        inner.at,
                        "the fault's struct has no faultString",
                    ));
                }
            };
            Ok(Response::Fault { code, string })
        }
        other => Err(XmlError::grammar(
            inner.at,
            format!("<methodResponse> holds <{other}>: it holds <params> or <fault>"),
        )),
    }
}

/// Reads a `<value>`: one type element, or bare text (a string).
fn read_value(value: &Element) -> Result<Value, XmlError> {
    if value.name != "value" {
        return Err(XmlError::grammar(
            value.at,
            format!("<{}> where a <value> belongs", value.name),
        ));
    }
    let has_element = value.children.iter().any(|c| matches!(c, Node::Element(_)));
    if !has_element {
        // No type element: the text is a string, whitespace and all.
        return Ok(Value::String(value.text()?));
    }
    let typed = value.elements().map_err(|_| {
        XmlError::grammar(
            value.at,
            "a <value> holds either text or one type element, not both",
        )
    })?;
    let [typed] = typed.as_slice() else {
        return Err(XmlError::grammar(
            value.at,
            "a <value> holds one type element, not several",
        ));
    };
    let trimmed = || typed.text().map(|t| t.trim().to_string());
    let bad = |what: String| XmlError::grammar(typed.at, what);
    Ok(match typed.name.as_str() {
        "int" | "i4" => {
            let text = trimmed()?;
            Value::Int(text.parse().map_err(|_| {
                bad(format!(
                    "<{}>{text}</{}> is not a 32-bit integer",
                    typed.name, typed.name
                ))
            })?)
        }
        "boolean" => match trimmed()?.as_str() {
            "1" => Value::Boolean(true),
            "0" => Value::Boolean(false),
            other => {
                return Err(bad(format!(
                    "<boolean>{other}</boolean>: a boolean is 0 or 1"
                )));
            }
        },
        "string" => Value::String(typed.text()?),
        "double" => {
            let text = trimmed()?;
            match text.parse::<f64>() {
                Ok(d) if d.is_finite() => Value::Double(d),
                _ => {
                    return Err(bad(format!(
                        "<double>{text}</double> is not a finite number"
                    )));
                }
            }
        }
        "dateTime.iso8601" => Value::DateTime(trimmed()?),
        "base64" => {
            let text: String = typed
                .text()?
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            Value::Base64(
                base64::engine::general_purpose::STANDARD
                    .decode(&text)
                    .map_err(|e| bad(format!("<base64> does not decode: {e}")))?,
            )
        }
        "struct" => {
            let mut members = Vec::new();
            for member in typed.elements()? {
                if member.name != "member" {
                    return Err(XmlError::grammar(
                        member.at,
                        format!("<struct> holds <{}> where <member> belongs", member.name),
                    ));
                }
                let parts = member.elements()?;
                let name = parts.iter().find(|e| e.name == "name");
                let value = parts.iter().find(|e| e.name == "value");
                let (Some(name), Some(value), 2) = (name, value, parts.len()) else {
                    return Err(XmlError::grammar(
                        member.at,
                        "a <member> holds one <name> and one <value>",
                    ));
                };
                members.push((name.text()?, read_value(value)?));
            }
            Value::Struct(members)
        }
        "array" => {
            let data = typed.only("data")?;
            let items = data
                .elements()?
                .into_iter()
                .map(read_value)
                .collect::<Result<Vec<_>, _>>()?;
            Value::Array(items)
        }
        "nil" => {
            if !typed.children.is_empty() {
                return Err(bad("<nil/> holds nothing".to_string()));
            }
            Value::Nil
        }
        other => {
            return Err(bad(format!(
                "<{other}> is not an XML-RPC type (int, i4, boolean, string, double, \
                 dateTime.iso8601, base64, struct, array)"
            )));
        }
    })
}

// ── Writing ─────────────────────────────────────────────────────────────────

/// How a message is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// As Python's `xmlrpc` writes it: `<?xml version='1.0'?>`, a newline
    /// after most tags, `<int>`, `<string>`.
    Python,
    /// On one line, `<i4>` for ints and bare `<value>text</value>` strings.
    Compact,
}

/// `&`, `<` and `>` as entities: what XML-RPC text needs (`>` only inside
/// `]]>`, but Python escapes it always, and so do we).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// A double as Python's `repr` writes it: the shortest text that reads back
/// the same, with `.0` on whole numbers and an exponent below 1e-4 or from
/// 1e16 on (`0.1`, `3.0`, `1e-05`, `1e+16`).
pub fn python_double(d: f64) -> String {
    if d == 0.0 {
        return if d.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    // `{:e}` gives the shortest round-trip digits: "1.2345e2", "-5e-6".
    let sci = format!("{d:e}");
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("a decimal exponent");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if !(-4..16).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let mantissa = if rest.is_empty() {
            first.to_string()
        } else {
            format!("{first}.{rest}")
        };
        let exp_sign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{mantissa}e{exp_sign}{:02}", exp.abs());
    }
    let point = exp + 1; // digits before the decimal point
    if point <= 0 {
        let zeros = "0".repeat((-point) as usize);
        format!("{sign}0.{zeros}{digits}")
    } else if point as usize >= digits.len() {
        let zeros = "0".repeat(point as usize - digits.len());
        format!("{sign}{digits}{zeros}.0")
    } else {
        let (int, frac) = digits.split_at(point as usize);
        format!("{sign}{int}.{frac}")
    }
}

fn write_value(out: &mut String, value: &Value, style: Style) {
    let nl = if style == Style::Python { "\n" } else { "" };
    out.push_str("<value>");
    match value {
        Value::Int(i) if style == Style::Compact => out.push_str(&format!("<i4>{i}</i4>")),
        Value::Int(i) => out.push_str(&format!("<int>{i}</int>")),
        Value::Boolean(b) => out.push_str(&format!("<boolean>{}</boolean>", u8::from(*b))),
        Value::String(s) if style == Style::Compact => out.push_str(&escape(s)),
        Value::String(s) => out.push_str(&format!("<string>{}</string>", escape(s))),
        Value::Double(d) => out.push_str(&format!("<double>{}</double>", python_double(*d))),
        Value::DateTime(t) => out.push_str(&format!(
            "<dateTime.iso8601>{}</dateTime.iso8601>",
            escape(t)
        )),
        Value::Base64(bytes) => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
            out.push_str("<base64>");
            out.push_str(nl);
            if style == Style::Python {
                // Python's encodebytes: lines of 76 characters.
                for line in encoded.as_bytes().chunks(76) {
                    out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
                    out.push('\n');
                }
            } else {
                out.push_str(&encoded);
            }
            out.push_str("</base64>");
        }
        Value::Struct(members) => {
            out.push_str("<struct>");
            out.push_str(nl);
            for (name, v) in members {
                out.push_str(&format!("<member>{nl}<name>{}</name>{nl}", escape(name)));
                write_value(out, v, style);
                out.push_str(&format!("</member>{nl}"));
            }
            out.push_str("</struct>");
        }
        Value::Array(items) => {
            out.push_str("<array><data>");
            out.push_str(nl);
            for v in items {
                write_value(out, v, style);
            }
            out.push_str("</data></array>");
        }
        Value::Nil => out.push_str("<nil/>"),
    }
    out.push_str("</value>");
    out.push_str(nl);
}

fn prolog(style: Style) -> &'static str {
    match style {
        Style::Python => "<?xml version='1.0'?>\n",
        Style::Compact => "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
    }
}

fn write_params(out: &mut String, params: &[Value], style: Style) {
    let nl = if style == Style::Python { "\n" } else { "" };
    out.push_str(&format!("<params>{nl}"));
    for p in params {
        out.push_str(&format!("<param>{nl}"));
        write_value(out, p, style);
        out.push_str(&format!("</param>{nl}"));
    }
    out.push_str(&format!("</params>{nl}"));
}

/// A `<methodCall>` document.
pub fn write_call(call: &Call, style: Style) -> String {
    let nl = if style == Style::Python { "\n" } else { "" };
    let mut out = String::from(prolog(style));
    out.push_str(&format!(
        "<methodCall>{nl}<methodName>{}</methodName>{nl}",
        escape(&call.method)
    ));
    write_params(&mut out, &call.params, style);
    out.push_str(&format!("</methodCall>{nl}"));
    out
}

/// A `<methodResponse>` document.
pub fn write_response(response: &Response, style: Style) -> String {
    let nl = if style == Style::Python { "\n" } else { "" };
    let mut out = String::from(prolog(style));
    out.push_str(&format!("<methodResponse>{nl}"));
    match response {
        Response::Value(v) => write_params(&mut out, std::slice::from_ref(v), style),
        Response::Fault { code, string } => {
            out.push_str(&format!("<fault>{nl}"));
            let fault = Value::Struct(vec![
                ("faultCode".into(), Value::Int(*code)),
                ("faultString".into(), Value::String(string.clone())),
            ]);
            write_value(&mut out, &fault, style);
            out.push_str(&format!("</fault>{nl}"));
        }
    }
    out.push_str(&format!("</methodResponse>{nl}"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Call {
        Call::new(
            "inventory.total",
            vec![
                Value::Array(vec![Value::Struct(vec![
                    ("name".into(), Value::String("Fish & <Chips> é 日本".into())),
                    ("qty".into(), Value::Int(-2)),
                    ("price".into(), Value::Double(3.0)),
                ])]),
                Value::Base64("héllo".repeat(20).into_bytes()),
                Value::DateTime("20250314T09:26:53".into()),
                Value::Boolean(true),
                Value::String("  spaces kept  ".into()),
                Value::Nil,
            ],
        )
    }

    #[test]
    fn calls_round_trip_in_both_styles() {
        for style in [Style::Python, Style::Compact] {
            let text = write_call(&sample(), style);
            assert_eq!(parse_call(text.as_bytes()), Ok(sample()), "{text}");
        }
        let python = write_call(&sample(), Style::Python);
        assert!(python.starts_with("<?xml version='1.0'?>\n<methodCall>\n<methodName>inventory.total</methodName>\n<params>\n<param>\n<value><array><data>\n<value><struct>\n<member>\n<name>name</name>\n<value><string>Fish &amp; &lt;Chips&gt; é 日本</string></value>\n"));
        let compact = write_call(&sample(), Style::Compact);
        assert!(compact.contains("<value><i4>-2</i4></value>"));
        assert!(compact.contains("<value>  spaces kept  </value>"));
    }

    #[test]
    fn responses_round_trip() {
        for response in [
            Response::Value(Value::Int(7)),
            Response::fault(-32601, "no such method: a<b & c"),
        ] {
            for style in [Style::Python, Style::Compact] {
                let text = write_response(&response, style);
                assert_eq!(
                    parse_response(text.as_bytes()),
                    Ok(response.clone()),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn reads_what_python_writes() {
        // xmlrpc.client.dumps((x.Fault(4, 'no <item> & such'),)) and friends.
        let fault = "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>4</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>no &lt;item&gt; &amp; such</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n";
        assert_eq!(
            parse_response(fault.as_bytes()),
            Ok(Response::fault(4, "no <item> & such"))
        );
        let b64 = "<methodCall><methodName>m</methodName><params><param><value><base64>\naMOpbGxv\naMOp\n</base64></value></param></params></methodCall>";
        assert_eq!(
            parse_call(b64.as_bytes()).unwrap().params,
            vec![Value::Base64("héllohé".as_bytes().to_vec())]
        );
    }

    #[test]
    fn tells_not_well_formed_from_not_xml_rpc() {
        let cases: &[(&str, bool)] = &[
            (
                "<methodCall><methodName>m</methodName><params><param><value><string>Fish & Chips</string></value></param></params></methodCall>",
                false,
            ),
            (
                "<methodCall><methodName>m</methodName><params><param><value>a<b</value></param></params></methodCall>",
                false,
            ),
            ("<methodCall><methodName>m</methodName>", false),
            (
                "<methodCall><methodName>m</methodName></methodCall><x/>",
                false,
            ),
            (
                "<methodCall><methodName>&nbsp;</methodName></methodCall>",
                false,
            ),
            ("not xml at all", false),
            ("", false),
            ("<a>\u{1}</a>", false),
            ("<methodResponse><params/></methodResponse>", true),
            ("<methodCall><params/></methodCall>", true),
            (
                "<methodCall><methodName>m</methodName><params><param><value><float>1</float></value></param></params></methodCall>",
                true,
            ),
            (
                "<methodCall><methodName>m</methodName><params><param><value><boolean>true</boolean></value></param></params></methodCall>",
                true,
            ),
            (
                "<methodCall><methodName>m</methodName><params><param><value>a<b>x</b></value></param></params></methodCall>",
                true,
            ),
        ];
        for (text, well_formed) in cases {
            let e = parse_call(text.as_bytes()).unwrap_err();
            assert_eq!(e.is_well_formed(), *well_formed, "{text}: {e}");
        }
        assert!(
            parse_call(b"\xff\xfe")
                .unwrap_err()
                .to_string()
                .contains("UTF-8")
        );
        let amp =
            parse_call(b"<methodCall><methodName>a & b</methodName></methodCall>").unwrap_err();
        assert!(amp.to_string().contains("&amp;"), "{amp}");
    }

    #[test]
    fn values_keep_their_types() {
        let call = "<methodCall><methodName> m </methodName><params>\
            <param><value><i4> 5 </i4></value></param>\
            <param><value> <int>-6</int> </value></param>\
            <param><value>bare &amp; kept </value></param>\
            <param><value></value></param>\
            <param><value><string/></value></param>\
            <param><value><double>1e-05</double></value></param>\
            <param><value><![CDATA[<raw>]]></value></param>\
            <param><value>&#233;&#x65E5;</value></param>\
            </params></methodCall>";
        assert_eq!(
            parse_call(call.as_bytes()),
            Ok(Call::new(
                "m",
                vec![
                    Value::Int(5),
                    Value::Int(-6),
                    Value::String("bare & kept ".into()),
                    Value::String(String::new()),
                    Value::String(String::new()),
                    Value::Double(1e-5),
                    Value::String("<raw>".into()),
                    Value::String("é日".into()),
                ]
            ))
        );
        let big = "<methodCall><methodName>m</methodName><params><param><value><int>2147483648</int></value></param></params></methodCall>";
        assert!(
            !parse_call(big.as_bytes())
                .unwrap_err()
                .to_string()
                .is_empty()
        );
    }

    #[test]
    fn doubles_as_python_writes_them() {
        for (d, text) in [
            (0.1, "0.1"),
            (3.0, "3.0"),
            (-2.5, "-2.5"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (1e16, "1e+16"),
            (1234.5, "1234.5"),
            (123456789012345.6, "123456789012345.6"),
            (1.5e300, "1.5e+300"),
            (-0.0, "-0.0"),
            (100.0, "100.0"),
        ] {
            assert_eq!(python_double(d), text);
        }
    }
}
