//! variant of: xmlrpc_server
//! how: axum's Router (404 and 405 come from the routing), quick-xml's Writer building every answer (it escapes text itself), values as serde_json::Value
use axum::Router;
use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::routing::post;
use quick_xml::Writer;
use quick_xml::events::{BytesText, Event};
use quick_xml::reader::Reader;
use serde_json::{Value, json};

const METHODS: [&str; 5] = [
    "math.add",
    "math.divide",
    "text.reverse",
    "stats.summary",
    "system.listMethods",
];

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let addr = std::env::var("NETLINGS_ADDR").unwrap();
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let app = Router::new().route("/RPC2", post(rpc));
    axum::serve(listener, app).await.unwrap();
}

async fn rpc(body: Bytes) -> ([(axum::http::HeaderName, &'static str); 1], Vec<u8>) {
    let result = match parse_xml(&body) {
        Err(e) => Err((-32700, e)),
        Ok(root) if root.name != "methodCall" => Err((-32600, "not a call".to_string())),
        Ok(root) => {
            let method = root
                .child("methodName")
                .map(|m| m.text.trim().to_string())
                .unwrap_or_default();
            let params: Option<Vec<Value>> = root
                .child("params")
                .map(|p| {
                    p.children
                        .iter()
                        .map(|param| param.child("value").and_then(value))
                        .collect()
                })
                .unwrap_or(Some(vec![]));
            match params {
                None => Err((-32600, "a bad value".to_string())),
                Some(params) => dispatch(&method, &params),
            }
        }
    };
    let mut w = Writer::new(Vec::new());
    w.get_mut().extend_from_slice(b"<?xml version=\"1.0\"?>");
    w.create_element("methodResponse")
        .write_inner_content(|w| match &result {
            Ok(v) => {
                w.create_element("params").write_inner_content(|w| {
                    w.create_element("param")
                        .write_inner_content(|w| write_value(w, v))?;
                    Ok(())
                })?;
                Ok(())
            }
            Err((code, s)) => {
                w.create_element("fault").write_inner_content(|w| {
                    write_value(w, &json!({"faultCode": code, "faultString": s}))
                })?;
                Ok(())
            }
        })
        .unwrap();
    ([(CONTENT_TYPE, "text/xml")], w.into_inner())
}

/// ints as JSON integers, doubles as JSON floats (`2.0` stays a float).
fn dispatch(method: &str, p: &[Value]) -> Result<Value, (i32, String)> {
    let int = |v: &Value| v.as_i64().filter(|_| v.is_i64() || v.is_u64());
    match (method, p) {
        ("math.add", [a, b]) if int(a).is_some() && int(b).is_some() => {
            Ok(json!(int(a).unwrap() + int(b).unwrap()))
        }
        ("math.divide", [a, b]) if int(a).is_some() && int(b) == Some(0) => {
            Err((1, "division by zero".into()))
        }
        ("math.divide", [a, b]) if int(a).is_some() && int(b).is_some() => {
            Ok(json!(int(a).unwrap() as f64 / int(b).unwrap() as f64))
        }
        ("text.reverse", [Value::String(s)]) => Ok(json!(s.chars().rev().collect::<String>())),
        ("stats.summary", [Value::Array(xs)]) => {
            if xs.iter().any(|x| !x.is_number()) {
                return Err((-32602, "numbers only".into()));
            }
            if xs.is_empty() {
                return Err((2, "empty".into()));
            }
            let xs: Vec<f64> = xs.iter().map(|x| x.as_f64().unwrap()).collect();
            let n = xs.len() as f64;
            Ok(json!({
                "count": xs.len(),
                "mean": xs.iter().sum::<f64>() / n,
                "min": xs.iter().cloned().fold(f64::INFINITY, f64::min),
                "max": xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
            }))
        }
        ("system.listMethods", []) => Ok(json!(METHODS)),
        (m, _) if METHODS.contains(&m) => Err((-32602, format!("bad params for {m}"))),
        (m, _) => Err((-32601, format!("no method {m}"))),
    }
}

fn value(v: &Element) -> Option<Value> {
    let Some(t) = v.children.first() else {
        return Some(json!(v.text));
    };
    let text = t.text.trim();
    Some(match t.name.as_str() {
        "int" | "i4" => json!(text.parse::<i32>().ok()?),
        "double" => json!(text.parse::<f64>().ok()?),
        "string" => json!(t.text),
        "boolean" => json!(text == "1"),
        "array" => Value::Array(
            t.child("data")?
                .children
                .iter()
                .map(value)
                .collect::<Option<_>>()?,
        ),
        "struct" => Value::Object(
            t.children
                .iter()
                .map(|m| Some((m.child("name")?.text.clone(), value(m.child("value")?)?)))
                .collect::<Option<_>>()?,
        ),
        _ => return None,
    })
}

fn write_value(w: &mut Writer<Vec<u8>>, v: &Value) -> std::io::Result<()> {
    w.create_element("value").write_inner_content(|w| {
        match v {
            Value::Number(n) if n.is_f64() => {
                w.create_element("double")
                    .write_text_content(BytesText::new(&format!("{:?}", n.as_f64().unwrap())))?;
            }
            Value::Number(n) => {
                w.create_element("int")
                    .write_text_content(BytesText::new(&n.to_string()))?;
            }
            Value::String(s) => {
                w.create_element("string")
                    .write_text_content(BytesText::new(s))?;
            }
            Value::Bool(b) => {
                w.create_element("boolean")
                    .write_text_content(BytesText::new(if *b { "1" } else { "0" }))?;
            }
            Value::Array(items) => {
                w.create_element("array").write_inner_content(|w| {
                    w.create_element("data").write_inner_content(|w| {
                        items.iter().try_for_each(|i| write_value(w, i))
                    })?;
                    Ok(())
                })?;
            }
            Value::Object(members) => {
                w.create_element("struct").write_inner_content(|w| {
                    for (name, v) in members {
                        w.create_element("member").write_inner_content(|w| {
                            w.create_element("name")
                                .write_text_content(BytesText::new(name))?;
                            write_value(w, v)
                        })?;
                    }
                    Ok(())
                })?;
            }
            Value::Null => {
                w.create_element("nil").write_empty()?;
            }
        }
        Ok(())
    })?;
    Ok(())
}

// ── quick-xml into a small tree ─────────────────────────────────────────────

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

fn parse_xml(body: &[u8]) -> Result<Element, String> {
    let text = std::str::from_utf8(body).map_err(|e| e.to_string())?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    let mut stack = vec![Element::default()];
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(s) => stack.push(Element {
                name: s.name().as_ref().to_string(),
                ..Default::default()
            }),
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack
                    .last_mut()
                    .ok_or("too many end tags")?
                    .children
                    .push(done);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.xml10_content()),
            Event::CData(t) => stack.last_mut().unwrap().text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let text = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::unescape(&format!("&{};", &*r))
                        .map_err(|e| e.to_string())?
                        .into_owned(),
                };
                stack.last_mut().unwrap().text.push_str(&text);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 || stack[0].children.len() != 1 || !stack[0].text.trim().is_empty() {
        return Err("not one complete root element".into());
    }
    Ok(stack.pop().unwrap().children.pop().unwrap())
}
