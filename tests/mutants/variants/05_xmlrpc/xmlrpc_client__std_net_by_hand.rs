//! variant of: xmlrpc_client
//! how: no reqwest, no quick-xml: HTTP/1.1 by hand over one kept-open std TcpStream (the answer read by its Content-Length), a hand-written recursive-descent XML parser, and <i4> for every int
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use base64::Engine as _;

#[derive(Debug, Clone)]
enum Value {
    Int(i32),
    Double(f64),
    Str(String),
    Bool(bool),
    B64(Vec<u8>),
    Date(String),
    Array(Vec<Value>),
    Struct(Vec<(String, Value)>),
}

struct Rpc {
    host: String,
    path: String,
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Rpc {
    fn connect(url: &str) -> Rpc {
        let rest = url.trim_start_matches("http://");
        let (host, path) = rest.split_once('/').unwrap();
        let stream = TcpStream::connect(host).unwrap();
        Rpc {
            host: host.to_string(),
            path: format!("/{path}"),
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        }
    }

    fn call(&mut self, method: &str, params: &[Value]) -> Result<Value, (i32, String)> {
        let params: String = params
            .iter()
            .map(|p| format!("<param>{}</param>", xml(p)))
            .collect();
        let body = format!(
            "<?xml version=\"1.0\"?><methodCall><methodName>{method}</methodName><params>{params}</params></methodCall>"
        );
        write!(
            self.writer,
            "{}",
            request_head(&self.path, &self.host, &body)
        )
        .unwrap();
        self.writer.write_all(body.as_bytes()).unwrap();
        let mut length = 0;
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        loop {
            line.clear();
            self.reader.read_line(&mut line).unwrap();
            if line.trim().is_empty() {
                break;
            }
            if let Some((n, v)) = line.split_once(':')
                && n.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse().unwrap();
            }
        }
        let mut answer = vec![0; length];
        self.reader.read_exact(&mut answer).unwrap();
        let root = parse_xml(&answer).unwrap();
        if let Some(fault) = root.child("fault") {
            let v = value(fault.child("value").unwrap());
            let code = match member(&v, "faultCode") {
                Some(Value::Int(c)) => *c,
                _ => 0,
            };
            let string = match member(&v, "faultString") {
                Some(Value::Str(s)) => s.clone(),
                _ => String::new(),
            };
            return Err((code, string));
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
}

fn request_head(path: &str, host: &str, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
}

fn member<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    match v {
        Value::Struct(ms) => ms.iter().find(|(n, _)| n == name).map(|(_, v)| v),
        _ => None,
    }
}

fn main() {
    let mut rpc = Rpc::connect(&std::env::var("NETLINGS_URL").unwrap());
    let items: Vec<Value> = std::env::var("NETLINGS_ITEMS")
        .unwrap()
        .split(';')
        .map(|item| {
            let f: Vec<&str> = item.split(':').collect();
            Value::Struct(vec![
                ("name".into(), Value::Str(f[0].into())),
                ("qty".into(), Value::Int(f[1].parse().unwrap())),
                ("price".into(), Value::Double(f[2].parse().unwrap())),
            ])
        })
        .collect();
    let total = rpc.call("inventory.total", &[Value::Array(items)]).unwrap();
    if let (Some(Value::Int(c)), Some(Value::Double(t))) =
        (member(&total, "count"), member(&total, "total"))
    {
        println!("count={c} total={t:.2}");
    }
    let tag = std::env::var("NETLINGS_TAG").unwrap();
    let f: Vec<&str> = tag.split(';').collect();
    let params = [
        Value::Str(f[0].into()),
        Value::B64(f[1].as_bytes().to_vec()),
        Value::Date(f[2].into()),
        Value::Bool(f[3] == "true"),
    ];
    if let Ok(Value::Int(id)) = rpc.call("inventory.tag", &params) {
        println!("tag={id}");
    }
    match rpc.call(
        "inventory.get",
        &[Value::Str(std::env::var("NETLINGS_MISSING").unwrap())],
    ) {
        Err((code, s)) => println!("fault {code}: {s}"),
        Ok(v) => println!("{v:?}"),
    }
}

fn value(v: &Element) -> Value {
    let Some(t) = v.children.first() else {
        return Value::Str(v.text.clone());
    };
    let text = t.text.trim();
    match t.name.as_str() {
        "int" | "i4" => Value::Int(text.parse().unwrap()),
        "double" => Value::Double(text.parse().unwrap()),
        "boolean" => Value::Bool(text == "1"),
        "array" => Value::Array(
            t.child("data")
                .map(|d| d.children.iter().map(value).collect())
                .unwrap_or_default(),
        ),
        "struct" => Value::Struct(
            t.children
                .iter()
                .filter_map(|m| Some((m.child("name")?.text.clone(), value(m.child("value")?))))
                .collect(),
        ),
        _ => Value::Str(t.text.clone()),
    }
}

fn xml(v: &Value) -> String {
    let inner = match v {
        Value::Int(i) => format!("<i4>{i}</i4>"),
        Value::Double(d) => format!("<double>{d:?}</double>"),
        Value::Str(s) => format!("<string>{}</string>", escape(s)),
        Value::Bool(b) => format!("<boolean>{}</boolean>", *b as u8),
        Value::B64(bytes) => format!(
            "<base64>{}</base64>",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        ),
        Value::Date(d) => format!("<dateTime.iso8601>{d}</dateTime.iso8601>"),
        Value::Array(items) => format!(
            "<array><data>{}</data></array>",
            items.iter().map(xml).collect::<String>()
        ),
        Value::Struct(ms) => format!(
            "<struct>{}</struct>",
            ms.iter()
                .map(|(n, v)| format!("<member><name>{}</name>{}</member>", escape(n), xml(v)))
                .collect::<String>()
        ),
    };
    format!("<value>{inner}</value>")
}

// ── XML by hand: a small recursive-descent parser ───────────────────────────

/// An element: its name, its child elements, and its text.
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

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.s[self.i..]
    }

    /// Skips whitespace, comments and processing instructions (`<?xml …?>`).
    fn skip_misc(&mut self) -> Result<(), String> {
        loop {
            let trimmed = self.rest().trim_start();
            self.i = self.s.len() - trimmed.len();
            if let Some(end) = self
                .rest()
                .starts_with("<?")
                .then(|| self.rest().find("?>"))
            {
                self.i += end.ok_or("an unclosed <?")? + 2;
            } else if let Some(end) = self
                .rest()
                .starts_with("<!--")
                .then(|| self.rest().find("-->"))
            {
                self.i += end.ok_or("an unclosed comment")? + 3;
            } else {
                return Ok(());
            }
        }
    }

    fn document(&mut self) -> Result<Element, String> {
        self.skip_misc()?;
        let root = self.element()?;
        self.skip_misc()?;
        if self.i != self.s.len() {
            return Err("something after the root element".into());
        }
        Ok(root)
    }

    fn element(&mut self) -> Result<Element, String> {
        if !self.rest().starts_with('<') {
            return Err(format!("expected an element at byte {}", self.i));
        }
        let end = self.rest().find('>').ok_or("an unclosed tag")?;
        let tag = &self.s[self.i + 1..self.i + end];
        self.i += end + 1;
        let (tag, empty) = match tag.strip_suffix('/') {
            Some(t) => (t, true),
            None => (tag, false),
        };
        let name = tag.split_whitespace().next().unwrap_or("").to_string();
        if name.is_empty() || name.contains(['<', '&', '/']) {
            return Err(format!("a bad tag <{tag}>"));
        }
        let mut element = Element {
            name,
            ..Element::default()
        };
        if empty {
            return Ok(element);
        }
        loop {
            let rest = self.rest();
            if rest.is_empty() {
                return Err(format!("<{}> is never closed", element.name));
            } else if let Some(after) = rest.strip_prefix("</") {
                let end = after.find('>').ok_or("an unclosed end tag")?;
                if after[..end].trim() != element.name {
                    return Err(format!("</{}> closes <{}>", &after[..end], element.name));
                }
                self.i += 2 + end + 1;
                return Ok(element);
            } else if rest.starts_with("<!--") {
                self.i += rest.find("-->").ok_or("an unclosed comment")? + 3;
            } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
                let end = after.find("]]>").ok_or("an unclosed CDATA")?;
                element.text.push_str(&after[..end]);
                self.i += 9 + end + 3;
            } else if rest.starts_with('<') {
                let child = self.element()?;
                element.children.push(child);
            } else if let Some(after) = rest.strip_prefix('&') {
                let end = after.find(';').filter(|&e| e <= 10).ok_or("a bare `&`")?;
                let c = match &after[..end] {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    code => {
                        let n = match code.strip_prefix("#x") {
                            Some(hex) => u32::from_str_radix(hex, 16),
                            None => code.strip_prefix('#').ok_or("an unknown entity")?.parse(),
                        };
                        n.ok()
                            .and_then(char::from_u32)
                            .ok_or("a bad character reference")?
                    }
                };
                element.text.push(c);
                self.i += 1 + end + 1;
            } else {
                let c = rest.chars().next().expect("not empty");
                element.text.push(c);
                self.i += c.len_utf8();
            }
        }
    }
}

fn parse_xml(body: &[u8]) -> Result<Element, String> {
    let s = std::str::from_utf8(body).map_err(|_| "not UTF-8".to_string())?;
    Parser { s, i: 0 }.document()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
