//! variant of: xmlrpc_client
//! how: async hyper over one HTTP/1.1 connection (hyper sets Content-Length), quick-xml's Writer escaping every string, answers read with quick-xml, values as serde_json::Value
use base64::Engine as _;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use quick_xml::Writer;
use quick_xml::events::{BytesText, Event};
use quick_xml::reader::Reader;
use serde_json::{Value, json};

/// A value and the XML-RPC type it goes as.
enum Param {
    Json(Value),
    Base64(Vec<u8>),
    Date(String),
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let url: hyper::Uri = std::env::var("NETLINGS_URL").unwrap().parse().unwrap();
    let authority = url.authority().unwrap().to_string();
    let stream = tokio::net::TcpStream::connect(&authority).await.unwrap();
    let (mut sender, conn) = http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);

    let items: Vec<Value> = std::env::var("NETLINGS_ITEMS")
        .unwrap()
        .split(';')
        .map(|i| {
            let f: Vec<&str> = i.split(':').collect();
            json!({"name": f[0], "qty": f[1].parse::<i64>().unwrap(), "price": f[2].parse::<f64>().unwrap()})
        })
        .collect();
    let summary = call(
        &mut sender,
        &url,
        &authority,
        "inventory.total",
        &[Param::Json(Value::Array(items))],
    )
    .await
    .unwrap();
    println!(
        "count={} total={:.2}",
        summary["count"],
        summary["total"].as_f64().unwrap()
    );

    let tag = std::env::var("NETLINGS_TAG").unwrap();
    let f: Vec<&str> = tag.split(';').collect();
    let params = [
        Param::Json(json!(f[0])),
        Param::Base64(f[1].as_bytes().to_vec()),
        Param::Date(f[2].to_string()),
        Param::Json(json!(f[3] == "true")),
    ];
    let id = call(&mut sender, &url, &authority, "inventory.tag", &params)
        .await
        .unwrap();
    println!("tag={id}");

    let missing = json!(std::env::var("NETLINGS_MISSING").unwrap());
    match call(
        &mut sender,
        &url,
        &authority,
        "inventory.get",
        &[Param::Json(missing)],
    )
    .await
    {
        Err((code, s)) => println!("fault {code}: {s}"),
        Ok(v) => println!("{v}"),
    }
}

async fn call(
    sender: &mut SendRequest<Full<Bytes>>,
    url: &hyper::Uri,
    authority: &str,
    method: &str,
    params: &[Param],
) -> Result<Value, (i64, String)> {
    let mut w = Writer::new(Vec::new());
    w.get_mut().extend_from_slice(b"<?xml version=\"1.0\"?>\n");
    w.create_element("methodCall")
        .write_inner_content(|w| {
            w.create_element("methodName")
                .write_text_content(BytesText::new(method))?;
            w.create_element("params").write_inner_content(|w| {
                for p in params {
                    w.create_element("param")
                        .write_inner_content(|w| write_param(w, p))?;
                }
                Ok(())
            })?;
            Ok(())
        })
        .unwrap();
    let request = Request::post(url.path())
        .header("host", authority)
        .header("content-type", "text/xml")
        .body(Full::new(Bytes::from(w.into_inner())))
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let root = parse_xml(&body).unwrap();
    if let Some(fault) = root.child("fault") {
        let f = value(fault.child("value").unwrap());
        return Err((
            f["faultCode"].as_i64().unwrap(),
            f["faultString"].as_str().unwrap().to_string(),
        ));
    }
    Ok(value(
        root.child("params")
            .unwrap()
            .child("param")
            .unwrap()
            .child("value")
            .unwrap(),
    ))
}

fn write_param(w: &mut Writer<Vec<u8>>, p: &Param) -> std::io::Result<()> {
    w.create_element("value").write_inner_content(|w| {
        match p {
            Param::Base64(bytes) => {
                let text = base64::engine::general_purpose::STANDARD.encode(bytes);
                w.create_element("base64")
                    .write_text_content(BytesText::new(&text))?;
            }
            Param::Date(d) => {
                w.create_element("dateTime.iso8601")
                    .write_text_content(BytesText::new(d))?;
            }
            Param::Json(Value::Number(n)) if n.is_f64() => {
                w.create_element("double")
                    .write_text_content(BytesText::new(&format!("{:?}", n.as_f64().unwrap())))?;
            }
            Param::Json(Value::Number(n)) => {
                w.create_element("int")
                    .write_text_content(BytesText::new(&n.to_string()))?;
            }
            Param::Json(Value::String(s)) => {
                w.create_element("string")
                    .write_text_content(BytesText::new(s))?;
            }
            Param::Json(Value::Bool(b)) => {
                w.create_element("boolean")
                    .write_text_content(BytesText::new(if *b { "1" } else { "0" }))?;
            }
            Param::Json(Value::Array(items)) => {
                w.create_element("array").write_inner_content(|w| {
                    w.create_element("data").write_inner_content(|w| {
                        items
                            .iter()
                            .try_for_each(|i| write_param(w, &Param::Json(i.clone())))
                    })?;
                    Ok(())
                })?;
            }
            Param::Json(Value::Object(members)) => {
                w.create_element("struct").write_inner_content(|w| {
                    for (name, v) in members {
                        w.create_element("member").write_inner_content(|w| {
                            w.create_element("name")
                                .write_text_content(BytesText::new(name))?;
                            write_param(w, &Param::Json(v.clone()))
                        })?;
                    }
                    Ok(())
                })?;
            }
            Param::Json(Value::Null) => {
                w.create_element("nil").write_empty()?;
            }
        }
        Ok(())
    })?;
    Ok(())
}

fn value(v: &Element) -> Value {
    let Some(t) = v.children.first() else {
        return json!(v.text);
    };
    let text = t.text.trim();
    match t.name.as_str() {
        "int" | "i4" => json!(text.parse::<i64>().unwrap()),
        "double" => json!(text.parse::<f64>().unwrap()),
        "boolean" => json!(text == "1"),
        "array" => Value::Array(
            t.child("data")
                .unwrap()
                .children
                .iter()
                .map(value)
                .collect(),
        ),
        "struct" => Value::Object(
            t.children
                .iter()
                .map(|m| {
                    (
                        m.child("name").unwrap().text.clone(),
                        value(m.child("value").unwrap()),
                    )
                })
                .collect(),
        ),
        _ => json!(t.text),
    }
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
