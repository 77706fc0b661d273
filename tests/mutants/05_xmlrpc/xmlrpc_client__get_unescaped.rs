//! mutant of: xmlrpc_client
//! bug: writes the missing name into its inventory.get call with format!, unescaped (its value writer escapes, this shortcut does not)
//! fails: calls inventory.get
//! says: well-formed
use base64::Engine as _;
use quick_xml::events::Event;
use quick_xml::reader::Reader;
use reqwest::header::CONTENT_TYPE;

/// An XML-RPC value: the variant is the type element it travels in.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Int(i32),
    Double(f64),
    Str(String),
    Bool(bool),
    /// Already encoded.
    Base64(String),
    /// `YYYYMMDDTHH:MM:SS`.
    DateTime(String),
    Array(Vec<Value>),
    Struct(Vec<(String, Value)>),
}

impl Value {
    fn member(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Struct(members) => members.iter().find(|(n, _)| n == name).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// A method's answer: its value, or a fault's code and string.
type Answer = Result<Value, (i32, String)>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("NETLINGS_URL").expect("netlings sets NETLINGS_URL");
    let items = std::env::var("NETLINGS_ITEMS").expect("netlings sets NETLINGS_ITEMS");
    let tag = std::env::var("NETLINGS_TAG").expect("netlings sets NETLINGS_TAG");
    let missing = std::env::var("NETLINGS_MISSING").expect("netlings sets NETLINGS_MISSING");
    // One Client: its connection is kept open and reused for every call.
    let client = reqwest::blocking::Client::new();

    // 1. inventory.total(array of {name, qty, price})
    let mut list = Vec::new();
    for item in items.split(';') {
        let mut fields = item.split(':');
        let (Some(name), Some(qty), Some(price)) = (fields.next(), fields.next(), fields.next())
        else {
            return Err(format!("not name:qty:price: {item:?}").into());
        };
        list.push(Value::Struct(vec![
            ("name".into(), Value::Str(name.into())),
            ("qty".into(), Value::Int(qty.parse()?)),
            // "4" is a price too: parsed as f64, it goes as <double>4.0</double>.
            ("price".into(), Value::Double(price.parse()?)),
        ]));
    }
    let summary = call(&client, &url, "inventory.total", &[Value::Array(list)])?
        .map_err(|(code, string)| format!("fault {code}: {string}"))?;
    // Members are found by name: their order in a struct means nothing.
    let (Some(Value::Int(count)), Some(Value::Double(total))) =
        (summary.member("count"), summary.member("total"))
    else {
        return Err(format!("not {{count: int, total: double}}: {summary:?}").into());
    };
    println!("count={count} total={total:.2}");

    // 2. inventory.tag(name, label as base64, when, urgent)
    let fields: Vec<&str> = tag.split(';').collect();
    let [name, label, when, urgent] = fields[..] else {
        return Err(format!("not name;label;when;urgent: {tag:?}").into());
    };
    let params = [
        Value::Str(name.into()),
        // base64 carries bytes: here, the UTF-8 bytes of the label.
        Value::Base64(base64::engine::general_purpose::STANDARD.encode(label.as_bytes())),
        Value::DateTime(when.into()),
        Value::Bool(urgent == "true"),
    ];
    match call(&client, &url, "inventory.tag", &params)? {
        Ok(Value::Int(id)) => println!("tag={id}"),
        other => return Err(format!("inventory.tag answered {other:?}").into()),
    }

    // 3. inventory.get(name): the server answers with a fault, which is an
    // answer like any other - the call itself worked.
    // One string param: no need for the value writer.
    let get = format!(
        "<?xml version=\"1.0\"?>\n<methodCall><methodName>inventory.get</methodName><params><param><value><string>{missing}</string></value></param></params></methodCall>\n"
    );
    let text = client
        .post(&url)
        .header(CONTENT_TYPE, "text/xml")
        .body(get)
        .send()?
        .error_for_status()?
        .text()?;
    match read_response(&text)? {
        Err((code, string)) => println!("fault {code}: {string}"),
        Ok(value) => println!("found {value:?}"),
    }
    Ok(())
}

/// Sends one call and reads its answer.
fn call(
    client: &reqwest::blocking::Client,
    url: &str,
    method: &str,
    params: &[Value],
) -> Result<Answer, Box<dyn std::error::Error>> {
    let params: String = params
        .iter()
        .map(|p| format!("<param>{}</param>", value_xml(p)))
        .collect();
    let body = format!(
        "<?xml version=\"1.0\"?>\n<methodCall><methodName>{}</methodName><params>{params}</params></methodCall>\n",
        escape(method)
    );
    let text = client
        .post(url)
        .header(CONTENT_TYPE, "text/xml")
        .body(body)
        .send()?
        // Anything but 200 is an HTTP error, not an XML-RPC answer.
        .error_for_status()?
        .text()?;
    read_response(&text).map_err(Into::into)
}

// ── Writing ─────────────────────────────────────────────────────────────────

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
        // `{:?}` keeps the `.0` of a whole number: 4.0, not 4.
        Value::Double(d) => format!("<double>{d:?}</double>"),
        Value::Str(s) => format!("<string>{}</string>", escape(s)),
        // XML-RPC's booleans are 1 and 0, not true and false.
        Value::Bool(b) => format!("<boolean>{}</boolean>", u8::from(*b)),
        Value::Base64(b) => format!("<base64>{b}</base64>"),
        Value::DateTime(t) => format!("<dateTime.iso8601>{}</dateTime.iso8601>", escape(t)),
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
    };
    format!("<value>{inner}</value>")
}

// ── Reading ─────────────────────────────────────────────────────────────────

/// An element of the parsed answer: its name, its child elements, and its
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

/// Parses a document into its root element with quick-xml. Text comes in
/// `Text` events, and each `&amp;`-style reference in a `GeneralRef` event
/// of its own, resolved here.
fn parse_xml(text: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
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
    if !stack.is_empty() || document.children.len() != 1 {
        return Err("not one complete root element".into());
    }
    Ok(document.children.remove(0))
}

/// `<methodResponse>` holds `<params>` with one value, or a `<fault>`.
fn read_response(text: &str) -> Result<Answer, String> {
    let root = parse_xml(text)?;
    if root.name != "methodResponse" {
        return Err(format!("<{}> is not a methodResponse", root.name));
    }
    if let Some(fault) = root.child("fault") {
        let value = read_value(fault.child("value").ok_or("a fault without a value")?)?;
        return match (value.member("faultCode"), value.member("faultString")) {
            (Some(Value::Int(code)), Some(Value::Str(string))) => Ok(Err((*code, string.clone()))),
            _ => Err(format!(
                "a fault without faultCode and faultString: {value:?}"
            )),
        };
    }
    let value = root
        .child("params")
        .and_then(|p| p.child("param"))
        .and_then(|p| p.child("value"))
        .ok_or("no <params><param><value>")?;
    Ok(Ok(read_value(value)?))
}

fn read_value(value: &Element) -> Result<Value, String> {
    // No type element: the text is a string.
    let Some(typed) = value.children.first() else {
        return Ok(Value::Str(value.text.clone()));
    };
    let text = typed.text.trim();
    Ok(match typed.name.as_str() {
        // Servers write integers as <int> or <i4>: the same type.
        "int" | "i4" => Value::Int(text.parse().map_err(|_| format!("bad int {text:?}"))?),
        "double" => Value::Double(text.parse().map_err(|_| format!("bad double {text:?}"))?),
        "boolean" => Value::Bool(text == "1"),
        "string" => Value::Str(typed.text.clone()),
        "base64" => Value::Base64(text.to_string()),
        "dateTime.iso8601" => Value::DateTime(text.to_string()),
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
        other => return Err(format!("unknown type <{other}>")),
    })
}
