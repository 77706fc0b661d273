//! mutant of: xmlrpc_server
//! bug: listens on localhost:8000, the port of Python's SimpleXMLRPCServer examples, not on NETLINGS_ADDR
//! fails: listens on NETLINGS_ADDR
//! says: NETLINGS_ADDR
use std::convert::Infallible;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{ALLOW, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// The fault-code interoperability convention's codes.
const PARSE_ERROR: i32 = -32700;
const INVALID_REQUEST: i32 = -32600;
const METHOD_NOT_FOUND: i32 = -32601;
const INVALID_PARAMS: i32 = -32602;

const METHODS: &[&str] = &[
    "math.add",
    "math.divide",
    "text.reverse",
    "stats.summary",
    "system.listMethods",
];

/// An XML-RPC value: the variant is the type element it travels in.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Int(i32),
    Double(f64),
    Str(String),
    Bool(bool),
    Array(Vec<Value>),
    Struct(Vec<(String, Value)>),
    /// base64 and dateTime.iso8601 are not used by these methods: kept as
    /// their text, so a call carrying one still reads (and gets -32602).
    Other(&'static str, String),
}

/// A fault: the code and the string a client raises.
struct Fault(i32, String);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Where every XML-RPC example serves.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
    loop {
        let (stream, _) = listener.accept().await?;
        // One task per connection: a client that keeps its connection open
        // between calls (Python's ServerProxy does) blocks nobody.
        tokio::spawn(async move {
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service_fn(route))
                .await;
        });
    }
}

/// HTTP first: one path, one method. Then every body gets `200 OK` and a
/// `methodResponse` - faults included, which is how XML-RPC reports errors.
async fn route(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    if request.uri().path() != "/RPC2" {
        return Ok(plain(StatusCode::NOT_FOUND, "XML-RPC is served at /RPC2\n"));
    }
    if request.method() != Method::POST {
        let mut response = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "an XML-RPC call is a POST\n",
        );
        response
            .headers_mut()
            .insert(ALLOW, "POST".parse().expect("a header value"));
        return Ok(response);
    }
    let Ok(body) = request.into_body().collect().await.map(|b| b.to_bytes()) else {
        return Ok(plain(StatusCode::BAD_REQUEST, "the body did not arrive\n"));
    };
    let xml = match read_call(&body).and_then(|(method, params)| dispatch(&method, &params)) {
        Ok(value) => format!(
            "<?xml version=\"1.0\"?>\n<methodResponse><params><param>{}</param></params></methodResponse>\n",
            value_xml(&value)
        ),
        Err(Fault(code, string)) => format!(
            "<?xml version=\"1.0\"?>\n<methodResponse><fault>{}</fault></methodResponse>\n",
            value_xml(&Value::Struct(vec![
                ("faultCode".into(), Value::Int(code)),
                ("faultString".into(), Value::Str(string)),
            ]))
        ),
    };
    let mut response = Response::new(Full::new(Bytes::from(xml)));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, "text/xml".parse().expect("a header value"));
    Ok(response)
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(text)));
    *response.status_mut() = status;
    response
}

// ── The methods ─────────────────────────────────────────────────────────────

/// The method name and the types of the params choose what happens: a
/// slice pattern says both at once.
fn dispatch(method: &str, params: &[Value]) -> Result<Value, Fault> {
    match (method, params) {
        ("math.add", [Value::Int(a), Value::Int(b)]) => a
            .checked_add(*b)
            .map(Value::Int)
            .ok_or_else(|| Fault(INVALID_PARAMS, "the sum does not fit a 32-bit int".into())),
        ("math.divide", [Value::Int(_), Value::Int(0)]) => Err(Fault(1, "division by zero".into())),
        // A quotient is a double even when it is whole: 8 / 4 is 2.0.
        ("math.divide", [Value::Int(a), Value::Int(b)]) => {
            Ok(Value::Double(f64::from(*a) / f64::from(*b)))
        }
        // chars() walks Unicode scalar values, so "日本" reverses to "本日"
        // (reversing the bytes would break UTF-8).
        ("text.reverse", [Value::Str(s)]) => Ok(Value::Str(s.chars().rev().collect())),
        ("stats.summary", [Value::Array(items)]) => summary(items),
        ("system.listMethods", []) => Ok(Value::Array(
            METHODS.iter().map(|m| Value::Str(m.to_string())).collect(),
        )),
        (known, _) if METHODS.contains(&known) => Err(Fault(
            INVALID_PARAMS,
            format!("wrong number or types of params for {known}"),
        )),
        (unknown, _) => Err(Fault(METHOD_NOT_FOUND, format!("no method {unknown}"))),
    }
}

fn summary(items: &[Value]) -> Result<Value, Fault> {
    let numbers = items
        .iter()
        .map(|v| match v {
            Value::Int(i) => Ok(f64::from(*i)),
            Value::Double(d) => Ok(*d),
            _ => Err(Fault(INVALID_PARAMS, "stats.summary takes numbers".into())),
        })
        .collect::<Result<Vec<f64>, Fault>>()?;
    if numbers.is_empty() {
        return Err(Fault(2, "empty".into()));
    }
    let count = numbers.len();
    let mean = numbers.iter().sum::<f64>() / count as f64;
    let min = numbers.iter().copied().fold(f64::INFINITY, f64::min);
    let max = numbers.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Ok(Value::Struct(vec![
        ("count".into(), Value::Int(count as i32)),
        ("mean".into(), Value::Double(mean)),
        ("min".into(), Value::Double(min)),
        ("max".into(), Value::Double(max)),
    ]))
}

// ── Reading a call ──────────────────────────────────────────────────────────

/// An element of the parsed body: its name, its child elements, and its
/// text (entities resolved).
#[derive(Debug, Default)]
struct Element {
    name: String,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// Parses the body into its root element. quick-xml checks that end tags
/// match and that references are well-formed; that every element is closed
/// and that there is exactly one root is ours to check.
fn parse_xml(body: &[u8]) -> Result<Element, String> {
    let text = std::str::from_utf8(body).map_err(|_| "the body is not UTF-8".to_string())?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    // The bottom of the stack is the document itself.
    let mut stack = vec![Element::default()];
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(start) => stack.push(Element {
                name: start.name().as_ref().to_string(),
                ..Element::default()
            }),
            Event::End(_) => {
                let done = stack.pop().expect("quick-xml matched the end tag");
                stack
                    .last_mut()
                    .ok_or("an end tag too many")?
                    .children
                    .push(done);
            }
            Event::Text(t) => stack
                .last_mut()
                .expect("non-empty")
                .text
                .push_str(&t.xml10_content()),
            Event::CData(c) => stack
                .last_mut()
                .expect("non-empty")
                .text
                .push_str(&c.xml10_content()),
            // `&amp;` and friends come as events of their own.
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c,
                    None => match &*r {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(format!("unknown entity &{other};")),
                    },
                };
                stack.last_mut().expect("non-empty").text.push(c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut document = stack.pop().expect("the document");
    if !stack.is_empty() {
        return Err(format!("<{}> is never closed", document.name));
    }
    if document.children.len() != 1 || !document.text.trim().is_empty() {
        return Err("a document has exactly one root element".into());
    }
    Ok(document.children.remove(0))
}

fn read_call(body: &[u8]) -> Result<(String, Vec<Value>), Fault> {
    let root = parse_xml(body).map_err(|e| Fault(PARSE_ERROR, e))?;
    let invalid = |what: &str| Fault(INVALID_REQUEST, what.to_string());
    if root.name != "methodCall" {
        return Err(invalid("the root element is not <methodCall>"));
    }
    let method = root
        .child("methodName")
        .ok_or_else(|| invalid("no <methodName>"))?
        .text
        .trim()
        .to_string();
    let mut params = Vec::new();
    if let Some(list) = root.child("params") {
        for param in &list.children {
            let value = param
                .child("value")
                .ok_or_else(|| invalid("a <param> without <value>"))?;
            params.push(read_value(value).map_err(|e| invalid(&e))?);
        }
    }
    Ok((method, params))
}

fn read_value(value: &Element) -> Result<Value, String> {
    // No type element: the text is a string, exactly as it is.
    let Some(typed) = value.children.first() else {
        return Ok(Value::Str(value.text.clone()));
    };
    let text = typed.text.trim();
    Ok(match typed.name.as_str() {
        "int" | "i4" => Value::Int(text.parse().map_err(|_| format!("bad int {text:?}"))?),
        "double" => Value::Double(text.parse().map_err(|_| format!("bad double {text:?}"))?),
        "boolean" => Value::Bool(text == "1"),
        "string" => Value::Str(typed.text.clone()),
        "array" => Value::Array(
            typed
                .child("data")
                .map(|data| data.children.iter().map(read_value).collect())
                .transpose()?
                .unwrap_or_default(),
        ),
        "struct" => Value::Struct(
            typed
                .children
                .iter()
                .map(|member| {
                    let name = member
                        .child("name")
                        .map(|n| n.text.clone())
                        .unwrap_or_default();
                    let value = member.child("value").ok_or("a <member> without <value>")?;
                    Ok((name, read_value(value)?))
                })
                .collect::<Result<_, String>>()?,
        ),
        "base64" => Value::Other("base64", text.to_string()),
        "dateTime.iso8601" => Value::Other("dateTime.iso8601", text.to_string()),
        other => return Err(format!("unknown type <{other}>")),
    })
}

// ── Writing an answer ───────────────────────────────────────────────────────

/// The three characters XML text cannot hold as they are. `&` first, or
/// the `&` of `&lt;` would be escaped again.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn value_xml(value: &Value) -> String {
    let inner = match value {
        Value::Int(i) => format!("<int>{i}</int>"),
        // Display writes no exponent; whole numbers get their `.0`.
        Value::Double(d) => {
            let text = d.to_string();
            let text = if text.contains('.') {
                text
            } else {
                format!("{text}.0")
            };
            format!("<double>{text}</double>")
        }
        Value::Str(s) => format!("<string>{}</string>", escape(s)),
        Value::Bool(b) => format!("<boolean>{}</boolean>", u8::from(*b)),
        Value::Array(items) => {
            let items: String = items.iter().map(value_xml).collect();
            format!("<array><data>{items}</data></array>")
        }
        Value::Struct(members) => {
            let members: String = members
                .iter()
                .map(|(name, v)| {
                    format!(
                        "<member><name>{}</name>{}</member>",
                        escape(name),
                        value_xml(v)
                    )
                })
                .collect();
            format!("<struct>{members}</struct>")
        }
        Value::Other(tag, text) => format!("<{tag}>{}</{tag}>", escape(text)),
    };
    format!("<value>{inner}</value>")
}
