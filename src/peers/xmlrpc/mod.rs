//! XML-RPC (<https://xmlrpc.com/spec.md>): a remote procedure call is one
//! HTTP `POST` whose body is a `<methodCall>`, answered with a
//! `<methodResponse>` holding one value or a `<fault>`.
//!
//! The peer is split along the protocol's layers:
//! - this module: the values and messages, as a grader speaks of them, and
//!   how the transcript shows them (`math.add(int 3, int 4)`);
//! - [`xml`]: reading them with a real XML parser (quick-xml, plus the
//!   well-formedness rules quick-xml leaves to its user, in `tree`);
//! - [`write`]: writing them, escaped, the way Python's `xmlrpc` writes them
//!   or compactly;
//! - [`wire`]: HTTP/1.1 framing read byte-exactly, so a missing or wrong
//!   `Content-Length` is seen as what it is;
//! - [`server`]: the reference server that client exercises call;
//! - [`client`]: the reference client that calls server exercises.

pub mod client;
pub mod server;
mod tree;
pub mod wire;
pub mod write;
pub mod xml;

use std::fmt::Write as _;

/// The fault codes of the XML-RPC fault-code interoperability convention
/// (<https://xmlrpc-epi.sourceforge.net/specs/rfc.fault_codes.php>).
pub mod codes {
    /// The body is not well-formed XML.
    pub const PARSE_ERROR: i32 = -32700;
    /// Well-formed XML, but not a `methodCall`.
    pub const INVALID_REQUEST: i32 = -32600;
    /// No such method.
    pub const METHOD_NOT_FOUND: i32 = -32601;
    /// Wrong number or types of parameters.
    pub const INVALID_PARAMS: i32 = -32602;
}

/// One XML-RPC value. Which variant it is *is* its type element on the
/// wire: `Int` came as `<int>` or `<i4>`, `String` as `<string>` or as bare
/// text inside `<value>`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i32),
    Boolean(bool),
    String(String),
    Double(f64),
    /// `YYYYMMDDTHH:MM:SS`, kept as the text that was sent.
    DateTime(String),
    /// The decoded bytes.
    Base64(Vec<u8>),
    /// Members in the order they came.
    Struct(Vec<(String, Value)>),
    Array(Vec<Value>),
    /// `<nil/>`, the common extension (Python's `allow_none`).
    Nil,
}

impl Value {
    /// The type element's name: `int`, `double`, `dateTime.iso8601`, …
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::Boolean(_) => "boolean",
            Value::String(_) => "string",
            Value::Double(_) => "double",
            Value::DateTime(_) => "dateTime.iso8601",
            Value::Base64(_) => "base64",
            Value::Struct(_) => "struct",
            Value::Array(_) => "array",
            Value::Nil => "nil",
        }
    }

    /// The member `name` of a struct.
    pub fn member(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Struct(members) => members.iter().find(|(n, _)| n == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value as the transcript shows it: `int 3`, `string "a&b"`,
    /// `{count: int 2, total: double 7.5}`, `[int 1, double 2.5]`.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        self.describe_into(&mut out);
        out
    }

    fn describe_into(&self, out: &mut String) {
        match self {
            Value::Int(i) => {
                let _ = write!(out, "int {i}");
            }
            Value::Boolean(b) => {
                let _ = write!(out, "boolean {}", u8::from(*b));
            }
            Value::String(s) => {
                let _ = write!(out, "string {s:?}");
            }
            Value::Double(d) => {
                let _ = write!(out, "double {}", write::python_double(*d));
            }
            Value::DateTime(t) => {
                let _ = write!(out, "dateTime.iso8601 {t}");
            }
            Value::Base64(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => {
                    let _ = write!(out, "base64 of {text:?}");
                }
                Err(_) => {
                    let _ = write!(out, "base64 of {} bytes", bytes.len());
                }
            },
            Value::Struct(members) => {
                out.push('{');
                for (i, (name, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(name);
                    out.push_str(": ");
                    value.describe_into(out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, value) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    value.describe_into(out);
                }
                out.push(']');
            }
            Value::Nil => out.push_str("nil"),
        }
    }
}

/// A `<methodCall>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub method: String,
    pub params: Vec<Value>,
}

impl Call {
    pub fn new(method: &str, params: Vec<Value>) -> Call {
        Call {
            method: method.to_string(),
            params,
        }
    }

    /// `math.add(int 3, int 4)`.
    pub fn describe(&self) -> String {
        let params: Vec<String> = self.params.iter().map(Value::describe).collect();
        format!("{}({})", self.method, params.join(", "))
    }
}

/// A `<methodResponse>`: one value, or a fault.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    Value(Value),
    Fault { code: i32, string: String },
}

impl Response {
    pub fn fault(code: i32, string: impl Into<String>) -> Response {
        Response::Fault {
            code,
            string: string.into(),
        }
    }

    /// `result int 7`, `fault 1: "division by zero"`.
    pub fn describe(&self) -> String {
        match self {
            Response::Value(v) => format!("result {}", v.describe()),
            Response::Fault { code, string } => format!("fault {code}: {string:?}"),
        }
    }
}

/// How much of a described message a transcript line keeps.
const SHOWN: usize = 320;

/// `text`, cut at about [`SHOWN`] bytes on a character boundary.
pub fn abridged(text: &str) -> String {
    if text.len() <= SHOWN {
        return text.to_string();
    }
    let mut cut = SHOWN;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..cut], text.len())
}

/// The environment a client program needs so that its HTTP library really
/// talks to 127.0.0.1 when netlings itself runs behind a proxy.
pub fn no_proxy_env() -> Vec<(&'static str, String)> {
    let proxied = ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some());
    if proxied {
        vec![
            ("NO_PROXY", "127.0.0.1,localhost".to_string()),
            ("no_proxy", "127.0.0.1,localhost".to_string()),
        ]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_values_with_their_types() {
        let v = Value::Struct(vec![
            ("name".into(), Value::String("a&b".into())),
            ("qty".into(), Value::Int(2)),
            ("price".into(), Value::Double(3.0)),
            ("tags".into(), Value::Array(vec![Value::Boolean(true)])),
        ]);
        assert_eq!(
            v.describe(),
            r#"{name: string "a&b", qty: int 2, price: double 3.0, tags: [boolean 1]}"#
        );
        assert_eq!(
            Response::fault(1, "division by zero").describe(),
            r#"fault 1: "division by zero""#
        );
        assert_eq!(
            Call::new("math.add", vec![Value::Int(3), Value::Int(4)]).describe(),
            "math.add(int 3, int 4)"
        );
    }
}
