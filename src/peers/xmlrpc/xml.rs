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

use super::tree::{Element, Node, document};
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

    pub(super) fn grammar(at: usize, what: impl Into<String>) -> XmlError {
        XmlError::NotXmlRpc {
            at,
            what: what.into(),
        }
    }

    pub(super) fn syntax(at: usize, what: impl Into<String>) -> XmlError {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
