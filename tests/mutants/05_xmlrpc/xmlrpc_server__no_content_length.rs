//! mutant of: xmlrpc_server
//! bug: answers without a Content-Length and keeps the connection open, so no client can tell where the answer ends
//! fails: math.add
//! says: Content-Length
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};

#[derive(Debug, Clone)]
enum Value {
    Int(i32),
    Double(f64),
    Str(String),
    Array(Vec<Value>),
    Struct(Vec<(String, Value)>),
    Other,
}

const METHODS: [&str; 5] = [
    "math.add",
    "math.divide",
    "text.reverse",
    "stats.summary",
    "system.listMethods",
];

fn main() {
    let addr = std::env::var("NETLINGS_ADDR").unwrap();
    let listener = TcpListener::bind(addr).unwrap();
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || serve(stream));
    }
}

fn serve(stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let (method, path) = (
            parts.next().unwrap_or("").to_string(),
            parts.next().unwrap_or("").to_string(),
        );
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            reader.read_line(&mut header)?;
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.trim().eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body)?;
        let (status, content_type, text) = if path != "/RPC2" {
            ("404 Not Found", "text/plain", "not here\n".to_string())
        } else if method != "POST" {
            (
                "405 Method Not Allowed\r\nAllow: POST",
                "text/plain",
                "POST only\n".to_string(),
            )
        } else {
            ("200 OK", "text/xml", answer(&body))
        };
        write!(
            out,
            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n\r\n{text}"
        )?;
    }
}

fn answer(body: &[u8]) -> String {
    let result = match parse_xml(body) {
        Err(e) => Err((-32700, e)),
        Ok(root) => read_call(&root).and_then(|(m, p)| call(&m, &p)),
    };
    match result {
        Ok(v) => format!(
            "<?xml version=\"1.0\"?><methodResponse><params><param>{}</param></params></methodResponse>",
            xml(&v)
        ),
        Err((code, s)) => format!(
            "<?xml version=\"1.0\"?><methodResponse><fault>{}</fault></methodResponse>",
            xml(&Value::Struct(vec![
                ("faultCode".into(), Value::Int(code)),
                ("faultString".into(), Value::Str(s))
            ]))
        ),
    }
}

fn read_call(root: &Element) -> Result<(String, Vec<Value>), (i32, String)> {
    let bad = |s: &str| (-32600, s.to_string());
    if root.name != "methodCall" {
        return Err(bad("not a methodCall"));
    }
    let name = root
        .child("methodName")
        .ok_or_else(|| bad("no methodName"))?
        .text
        .trim()
        .to_string();
    let mut params = Vec::new();
    for p in root
        .child("params")
        .map(|p| p.children.as_slice())
        .unwrap_or_default()
    {
        params.push(value(p.child("value").ok_or_else(|| bad("no value"))?));
    }
    Ok((name, params))
}

fn value(v: &Element) -> Value {
    let Some(t) = v.children.first() else {
        return Value::Str(v.text.clone());
    };
    let text = t.text.trim();
    match t.name.as_str() {
        "int" | "i4" => text.parse().map(Value::Int).unwrap_or(Value::Other),
        "double" => text.parse().map(Value::Double).unwrap_or(Value::Other),
        "string" => Value::Str(t.text.clone()),
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
        _ => Value::Other,
    }
}

fn call(method: &str, params: &[Value]) -> Result<Value, (i32, String)> {
    use Value::*;
    match (method, params) {
        ("math.add", [Int(a), Int(b)]) => a
            .checked_add(*b)
            .map(Int)
            .ok_or((-32602, "overflow".into())),
        ("math.divide", [Int(_), Int(0)]) => Err((1, "division by zero".into())),
        ("math.divide", [Int(a), Int(b)]) => Ok(Double(*a as f64 / *b as f64)),
        ("text.reverse", [Str(s)]) => Ok(Str(s.chars().rev().collect())),
        ("stats.summary", [Array(items)]) => {
            let mut xs = Vec::new();
            for i in items {
                match i {
                    Int(n) => xs.push(*n as f64),
                    Double(d) => xs.push(*d),
                    _ => return Err((-32602, "numbers only".into())),
                }
            }
            if xs.is_empty() {
                return Err((2, "empty".into()));
            }
            let n = xs.len() as f64;
            Ok(Struct(vec![
                ("count".into(), Int(xs.len() as i32)),
                ("mean".into(), Double(xs.iter().sum::<f64>() / n)),
                (
                    "min".into(),
                    Double(xs.iter().cloned().fold(f64::MAX, f64::min)),
                ),
                (
                    "max".into(),
                    Double(xs.iter().cloned().fold(f64::MIN, f64::max)),
                ),
            ]))
        }
        ("system.listMethods", []) => {
            Ok(Array(METHODS.iter().map(|m| Str(m.to_string())).collect()))
        }
        (m, _) if METHODS.contains(&m) => Err((-32602, format!("bad params for {m}"))),
        (m, _) => Err((-32601, format!("no {m}"))),
    }
}

fn xml(v: &Value) -> String {
    let inner = match v {
        Value::Int(i) => format!("<i4>{i}</i4>"),
        Value::Double(d) => format!("<double>{d:?}</double>"),
        Value::Str(s) => format!("<string>{}</string>", escape(s)),
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
        Value::Other => String::new(),
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
