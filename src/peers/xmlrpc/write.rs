//! Writing XML-RPC messages: every string and name escaped, in the layout
//! Python's `xmlrpc` uses or compactly (`<i4>`, bare strings, one line).

use base64::Engine as _;

use super::{Call, Response, Value};

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
    use crate::peers::xmlrpc::xml::{parse_call, parse_response};

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
