//! `xmlrpc_client` — three XML-RPC calls written by hand, judged as sent.
//!
//! netlings is the inventory server at `NETLINGS_URL`. It reads each
//! request byte-exactly (method, path, `Content-Type`, a `Content-Length`
//! that counts the body's bytes) and parses the body with a real XML
//! parser, then judges the call: the method, and every value in its right
//! type element - names that must be escaped (`&`, `<`), prices that are
//! doubles even when whole, base64, dateTime.iso8601, a 0/1 boolean. Its
//! answers come in both layouts clients meet (a compact struct with `<i4>`
//! and members in another order; Python's layout), and the last one is a
//! fault whose string must be unescaped. Then it reads what the program
//! printed.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | An XML-RPC call is one HTTP `POST` whose body is a `<methodCall>`: the method's name, then each param as a `<value>` whose element names its type. | `POSTs to NETLINGS_URL` `calls inventory.total` | `xmlrpc_client__no_content_length` `xmlrpc_client__wrong_content_type` `xmlrpc_client__int_for_double` |
//! | Write the calls by hand to see every byte. | — | advice: a crate that sends the same call passes too |
//! | Call the inventory server at `NETLINGS_URL` (`http://127.0.0.1:PORT/RPC2`), in this order: | `POSTs to NETLINGS_URL` | `xmlrpc_client__sends_garbage` |
//! | `inventory.total(items)`: an `<array>` of `<struct>`s `{name: string, qty: int, price: double}`, one per entry of `NETLINGS_ITEMS` (`name:qty:price;…`, e.g. `Fish & Chips:2:3.5;Tea:1:4`). A price is a `<double>` even when it is written `4`. | `calls inventory.total` | `xmlrpc_client__int_for_double` |
//! | The answer is a struct `{count: int, total: double}`: print `count=<count> total=<total>`, the total with two decimals (`count=2 total=11.00`). | `` prints `count= `` | `xmlrpc_client__members_in_order` `xmlrpc_client__total_unformatted` |
//! | `inventory.tag(name: string, label: base64, when: dateTime.iso8601, urgent: boolean)` from `NETLINGS_TAG` (`name;label;when;urgent`): the label's UTF-8 bytes go base64-encoded, `when` is already in XML-RPC's `YYYYMMDDTHH:MM:SS` form, and `urgent` (`true` or `false`) goes as `<boolean>1</boolean>` or `<boolean>0</boolean>`. | `calls inventory.tag` | `xmlrpc_client__label_as_string` `xmlrpc_client__boolean_true_false` |
//! | The answer is an int: print `tag=<id>`. | `` prints `tag= `` | `xmlrpc_client__tag_debug` |
//! | `inventory.get(name)` for `NETLINGS_MISSING`: the answer is a fault. | `calls inventory.get` | `xmlrpc_client__get_unescaped` |
//! | Print `fault <faultCode>: <faultString>` and exit with status 0. | `` prints `fault `` | `xmlrpc_client__fault_is_an_error` |
//! | Names are raw text that may hold `&`, `<`, `>` and letters beyond ASCII: escape every string you write (`&amp;`, `&lt;`, `&gt;`), and read the answers with an XML parser, which unescapes them. | `sends well-formed XML` `` prints `fault `` | `xmlrpc_client__no_escaping` `xmlrpc_client__fault_string_raw` |
//! | Answers may write an integer as `<int>` or `<i4>`, and list a struct's members in any order. | `calls inventory.tag` `` prints `count= `` | `xmlrpc_client__only_int_tag` `xmlrpc_client__members_in_order` |
//! | Available crates: `reqwest` (blocking; it sets Content-Length for you), `quick-xml` (`quick_xml::reader::Reader`), `base64`. | — | a freedom: which crates, if any |

use std::fmt::Write as _;

use crate::harness::expect::{expect_exit, expect_success};
use crate::harness::{Failure, Grading, Outcome, Program};
use crate::peers::xmlrpc::server::{Received, Server};
use crate::peers::xmlrpc::wire::Framing;
use crate::peers::xmlrpc::write::Style;
use crate::peers::xmlrpc::xml::{XmlError, around};
use crate::peers::xmlrpc::{Call, Response, Value, codes, no_proxy_env};
use crate::report::{escape_abridged, size};

pub const CHECKS: &[&str] = &[
    "POSTs to NETLINGS_URL with Content-Type: text/xml and a correct Content-Length",
    "sends well-formed XML, every string escaped",
    "calls inventory.total with an array of {name: string, qty: int, price: double} structs",
    "calls inventory.tag with a string, base64, dateTime.iso8601 and a boolean",
    "calls inventory.get and gets a fault",
    "prints `count=<n> total=<t>` from the struct it got back",
    "prints `tag=<id>`",
    "prints `fault <code>: <string>` and exits with status 0",
];

/// Item names: each needs escaping or is beyond ASCII (never `:` or `;`).
const AMPERSANDS: &[&str] = &[
    "Fish & Chips",
    "R&D kit",
    "Salt & Pepper",
    "Tom & Jerry mug",
];
const ANGLES: &[&str] = &["<b>bold</b> pen", "x<y tape", "1 < 2 ruler", "Cup <large>"];
const OTHERS: &[&str] = &[
    "Crème brûlée",
    "Äpfel > Birnen",
    "日本茶",
    "naïve café",
    "Ωmega oil 🦀",
];
const LABELS: &[&str] = &[
    "handle with care ✓",
    "fragile — glass",
    "this side up ↑",
    "keep dry ☂",
];

/// One line of the inventory.
struct Item {
    name: String,
    qty: i32,
    /// The price in cents; `price_text` is how NETLINGS_ITEMS writes it.
    cents: i64,
    price_text: String,
}

/// Everything the program is given, and what it must send back.
struct Script {
    items: Vec<Item>,
    tag_name: String,
    label: String,
    when: String,
    urgent: bool,
    tag_id: i32,
    missing: String,
    fault_code: i32,
}

impl Script {
    fn random(g: &Grading) -> Script {
        g.rng(|r| {
            let mut names = vec![r.pick(AMPERSANDS).to_string(), r.pick(ANGLES).to_string()];
            for _ in 0..r.range(1, 3) {
                names.push(r.pick(OTHERS).to_string());
            }
            let mut items: Vec<Item> = names
                .into_iter()
                .enumerate()
                .map(|(i, name)| {
                    // The second item's price is whole, written without
                    // decimals: "4", which must still go as a <double>.
                    let cents = if i == 1 {
                        r.range_i64(1, 60) * 100
                    } else {
                        r.range_i64(1, 6000) | 1
                    };
                    Item {
                        name: format!("{name} {}", r.word(3)),
                        qty: r.range_i64(1, 25) as i32,
                        cents,
                        price_text: price_text(cents),
                    }
                })
                .collect();
            // The total ends in a 0 cent (1234.50, 1234.00), so that a total
            // printed without two decimals (1234.5, 1234) always shows.
            let last = items.len() - 1;
            items[last].qty = 1;
            let total: i64 = items.iter().map(|i| i64::from(i.qty) * i.cents).sum();
            items[last].cents += (10 - total % 10) % 10;
            items[last].price_text = price_text(items[last].cents);
            Script {
                items,
                tag_name: format!("{} {}", r.pick(OTHERS), r.word(3)),
                label: format!("{} {}", r.pick(LABELS), r.word(4)),
                when: format!(
                    "2025{:02}{:02}T{:02}:{:02}:{:02}",
                    r.range(1, 13),
                    r.range(1, 29),
                    r.range(0, 24),
                    r.range(0, 60),
                    r.range(0, 60)
                ),
                urgent: r.range(0, 2) == 1,
                tag_id: r.range(1000, 100_000) as i32,
                missing: format!("{} & <{}>", r.pick(OTHERS), r.word(5)),
                fault_code: *r.pick(&[3, 4, 17, 404]),
            }
        })
    }

    fn total(&self) -> f64 {
        self.items
            .iter()
            .map(|i| i64::from(i.qty) * i.cents)
            .sum::<i64>() as f64
            / 100.0
    }

    fn env(&self) -> Vec<(&'static str, String)> {
        let items: Vec<String> = self
            .items
            .iter()
            .map(|i| format!("{}:{}:{}", i.name, i.qty, i.price_text))
            .collect();
        vec![
            ("NETLINGS_ITEMS", items.join(";")),
            (
                "NETLINGS_TAG",
                format!(
                    "{};{};{};{}",
                    self.tag_name, self.label, self.when, self.urgent
                ),
            ),
            ("NETLINGS_MISSING", self.missing.clone()),
        ]
    }
}

/// "4", "12.5", "0.99": a price as a person writes it.
fn price_text(cents: i64) -> String {
    match (cents % 100, cents % 10) {
        (0, _) => format!("{}", cents / 100),
        (_, 0) => format!("{}.{}", cents / 100, (cents % 100) / 10),
        _ => format!("{}.{:02}", cents / 100, cents % 100),
    }
}

/// What the server answers each call: the result when the call is right,
/// fault -32602 saying what is wrong when it is not. The total comes
/// compactly (`<i4>`, one line), the rest as Python writes them.
fn answer(script: &Script, call: &Call) -> (Response, Style) {
    let style = if call.method == "inventory.total" {
        Style::Compact
    } else {
        Style::Python
    };
    (judged_answer(script, call), style)
}

fn judged_answer(script: &Script, call: &Call) -> Response {
    let judged = match call.method.as_str() {
        "inventory.total" => judge_total(script, call).map(|()| {
            // Members in the order no one expects.
            let total = call.params[0].clone();
            let count = match total {
                Value::Array(items) => items.len(),
                _ => 0,
            };
            Value::Struct(vec![
                ("total".into(), Value::Double(script.total())),
                ("count".into(), Value::Int(count as i32)),
            ])
        }),
        "inventory.tag" => judge_tag(script, call).map(|()| Value::Int(script.tag_id)),
        "inventory.get" => {
            return match judge_get(script, call) {
                Ok(()) => Response::fault(
                    script.fault_code,
                    format!("no item named {}", script.missing),
                ),
                Err(f) => Response::fault(codes::INVALID_PARAMS, f.message),
            };
        }
        other => return Response::fault(codes::METHOD_NOT_FOUND, format!("no method {other}")),
    };
    match judged {
        Ok(value) => Response::Value(value),
        Err(f) => Response::fault(codes::INVALID_PARAMS, f.message),
    }
}

const ESCAPE_RULE: &str = "put every string you write into the XML through an escape: `&` → `&amp;` \
(first), `<` → `&lt;`, `>` → `&gt;` - string concatenation alone breaks on the first name with an `&`";

/// The HTTP side of a request: POST to the URL's path, text/xml, and a
/// Content-Length that is there and counts the body's bytes.
fn judge_http(r: &Received, nth: &str) -> Result<(), Failure> {
    let h = &r.http;
    if h.method != "POST" {
        return Err(Failure::fail(format!(
            "your {nth} request is `{}`: an XML-RPC call is a POST",
            h.start_line
        )));
    }
    let path = h.target.split('?').next().unwrap_or("");
    if path != "/RPC2" {
        return Err(Failure::fail(format!(
            "your {nth} request went to `{path}`; NETLINGS_URL's path is /RPC2 (netlings answered 404)"
        ))
        .because("POST to NETLINGS_URL exactly as it is"));
    }
    if !h.is_text_xml() {
        return Err(Failure::fail(format!(
            "your {nth} request has {}: an XML-RPC call is `Content-Type: text/xml`",
            h.header("content-type")
                .map_or("no Content-Type".to_string(), |v| format!(
                    "`Content-Type: {v}`"
                ))
        )));
    }
    let Some(length) = h.header("content-length") else {
        let how = if h.header("transfer-encoding").is_some() {
            "is sent chunked, without a Content-Length (the XML-RPC spec requires one)".to_string()
        } else {
            "has no Content-Length header, so its body cannot be read: an HTTP/1.1 server takes it \
             for a request without a body (netlings answered 411 Length Required)"
                .to_string()
        };
        return Err(Failure::fail(format!("your {nth} request {how}")).because(
            "send `Content-Length: <the body's length in bytes>` (an HTTP library does it for you)",
        ));
    };
    let looks_like_next_request = |b: &[u8]| {
        let word: Vec<u8> = b
            .iter()
            .take_while(|c| c.is_ascii_uppercase())
            .copied()
            .collect();
        !word.is_empty() && b.get(word.len()) == Some(&b' ')
    };
    if let Framing::Length(n) = h.framing
        && !h.excess.is_empty()
        && !looks_like_next_request(&h.excess)
    {
        let whole: Vec<u8> = [h.body.as_slice(), h.excess.as_slice()].concat();
        let chars = String::from_utf8_lossy(&whole).chars().count();
        let mut failure = Failure::fail(format!(
            "your {nth} request says `Content-Length: {length}`, but its body went on for {} more: {}",
            size(h.excess.len()),
            escape_abridged(&h.excess, 80)
        ));
        if chars == n {
            failure = failure.and(format!(
                "{n} is the number of characters in the body; it has {} bytes (UTF-8 takes 2 to 4 bytes beyond ASCII)",
                whole.len()
            ));
        }
        return Err(failure
            .because("Content-Length counts bytes: `body.len()` of the UTF-8 bytes you send"));
    }
    Ok(())
}

/// The call read from a request that passed [`judge_http`].
fn read_call<'r>(r: &'r Received, nth: &str) -> Result<&'r Call, Failure> {
    match &r.call {
        Some(Ok(call)) => Ok(call),
        Some(Err(e @ XmlError::NotWellFormed { .. })) => Err(Failure::fail(format!(
            "your {nth} call is not well-formed XML: {e}\n  around it: {}",
            around(&r.http.body, e.at())
        ))
        .because(ESCAPE_RULE)),
        Some(Err(e)) => Err(Failure::fail(format!(
            "your {nth} call is well-formed XML but not an XML-RPC methodCall: {e}\n  around it: {}",
            around(&r.http.body, e.at())
        ))),
        None => Err(Failure::fail(format!(
            "netlings could not read your {nth} call"
        ))),
    }
}

fn expect_method(call: &Call, method: &str, params: usize) -> Result<(), Failure> {
    if call.method != method {
        return Err(Failure::fail(format!(
            "this call is to `{}`; netlings expected `{method}` here (the stub's calls, in its order)",
            call.method
        )));
    }
    if call.params.len() != params {
        return Err(Failure::fail(format!(
            "{method} takes {params} param(s); your call has {}: {}",
            call.params.len(),
            call.describe()
        )));
    }
    Ok(())
}

fn expect_string(v: &Value, want: &str, what: &str) -> Result<(), Failure> {
    match v {
        Value::String(s) if s == want => Ok(()),
        Value::String(s) => Err(Failure::mismatch(
            format!("{what} arrived as a different string"),
            what,
            want.as_bytes(),
            s.as_bytes(),
        )
        .because("escape exactly once: `&` becomes `&amp;` on the wire and `&` again when read")),
        other => Err(type_error(what, "<string>", other)),
    }
}

fn type_error(what: &str, want: &str, got: &Value) -> Failure {
    Failure::fail(format!(
        "{what} must be a {want}; your call sent {}",
        got.describe()
    ))
}

fn judge_total(script: &Script, call: &Call) -> Result<(), Failure> {
    expect_method(call, "inventory.total", 1)?;
    let Value::Array(items) = &call.params[0] else {
        return Err(type_error(
            "the param",
            "<array> of structs",
            &call.params[0],
        ));
    };
    if items.len() != script.items.len() {
        return Err(Failure::fail(format!(
            "NETLINGS_ITEMS has {} items; your array has {}",
            script.items.len(),
            items.len()
        )));
    }
    for (i, (got, want)) in items.iter().zip(&script.items).enumerate() {
        let member = |name: &str| {
            got.member(name).ok_or_else(|| {
                Failure::fail(format!(
                    "items[{i}] has no member `{name}`: {}",
                    got.describe()
                ))
            })
        };
        if !matches!(got, Value::Struct(_)) {
            return Err(type_error(&format!("items[{i}]"), "<struct>", got));
        }
        expect_string(member("name")?, &want.name, &format!("items[{i}].name"))?;
        match member("qty")? {
            Value::Int(q) if *q == want.qty => {}
            Value::Int(q) => {
                return Err(Failure::fail(format!(
                    "items[{i}].qty is {q}; NETLINGS_ITEMS says {}",
                    want.qty
                )));
            }
            other => return Err(type_error(&format!("items[{i}].qty"), "<int>", other)),
        }
        let price = want.cents as f64 / 100.0;
        match member("price")? {
            Value::Double(p) if (p - price).abs() < 1e-9 => {}
            Value::Double(p) => {
                return Err(Failure::fail(format!(
                    "items[{i}].price is {p}; NETLINGS_ITEMS says {}",
                    want.price_text
                )));
            }
            Value::Int(p) => {
                return Err(Failure::fail(format!(
                    "items[{i}].price {} went as <int>{p}</int>: a price is a double - `<double>{price:?}</double>` - even when it is whole",
                    want.price_text
                ))
                .because("the type element is the type: a client or server reads <int> as an integer"));
            }
            other => return Err(type_error(&format!("items[{i}].price"), "<double>", other)),
        }
    }
    Ok(())
}

fn judge_tag(script: &Script, call: &Call) -> Result<(), Failure> {
    expect_method(call, "inventory.tag", 4)?;
    let p = &call.params;
    expect_string(&p[0], &script.tag_name, "the name")?;
    match &p[1] {
        Value::Base64(bytes) if bytes == script.label.as_bytes() => {}
        Value::Base64(bytes) => {
            return Err(Failure::mismatch(
                "the label's base64 decodes to other bytes",
                "the label's UTF-8 bytes",
                script.label.as_bytes(),
                bytes.as_slice(),
            ));
        }
        other => {
            return Err(type_error("the label", "<base64> of its UTF-8 bytes", other)
                .because("base64::engine::general_purpose::STANDARD.encode(label.as_bytes()), in <base64>…</base64>"));
        }
    }
    match &p[2] {
        Value::DateTime(t) if *t == script.when => {}
        other => {
            return Err(Failure::fail(format!(
                "the date must be <dateTime.iso8601>{}</dateTime.iso8601>; your call sent {}",
                script.when,
                other.describe()
            )));
        }
    }
    match &p[3] {
        Value::Boolean(b) if *b == script.urgent => Ok(()),
        other => Err(Failure::fail(format!(
            "urgent={} must be <boolean>{}</boolean>; your call sent {}",
            script.urgent,
            u8::from(script.urgent),
            other.describe()
        ))),
    }
}

fn judge_get(script: &Script, call: &Call) -> Result<(), Failure> {
    expect_method(call, "inventory.get", 1)?;
    expect_string(&call.params[0], &script.missing, "the name")
}

const NTH: [&str; 3] = ["first", "second", "third"];

/// Waits for request `n`, then judges its HTTP side and reads its call.
async fn request(
    g: &Grading,
    server: &Server,
    program: &Program,
    n: usize,
    what: &str,
) -> Result<Received, Failure> {
    let nth = NTH[n - 1];
    let within = if n == 1 { g.limits.ready } else { g.limits.io };
    let r = server
        .expect_request(program, within, n, &format!("your {nth} call, {what}"))
        .await?;
    server.show(&r);
    judge_http(&r, nth)?;
    Ok(r)
}

pub async fn grade(g: &Grading) -> Outcome {
    let script = std::sync::Arc::new(Script::random(g));
    let (server, mut program, first) = g
        .check(CHECKS[0], async {
            let answers = script.clone();
            let server = Server::start(g, "/RPC2", move |call| answer(&answers, call)).await?;
            let mut env = vec![("NETLINGS_URL", server.url())];
            env.extend(script.env());
            env.extend(no_proxy_env());
            let program = g.start(&env)?;
            let first = request(g, &server, &program, 1, "inventory.total").await?;
            Ok((server, program, first))
        })
        .await?;

    let mut replay = String::from("nc -l 127.0.0.1 7000 & ");
    let mut vars = vec![("NETLINGS_URL", "'http://127.0.0.1:7000/RPC2'".to_string())];
    vars.extend(script.env().into_iter().map(|(k, v)| (k, sh_quote(&v))));
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let _ = write!(
        replay,
        "{}   (nc prints your request as it is sent)",
        g.run_command(&vars)
    );

    g.reproduce(replay.clone());
    g.check(CHECKS[1], async {
        server.show(&first);
        read_call(&first, "first").map(|_| ())
    })
    .await?;

    g.reproduce(replay.clone());
    g.check(CHECKS[2], async {
        server.show(&first);
        judge_total(&script, read_call(&first, "first")?)
    })
    .await?;

    type Judge = fn(&Script, &Call) -> Result<(), Failure>;
    for (n, check, what, judge) in [
        (2, CHECKS[3], "inventory.tag", judge_tag as Judge),
        (3, CHECKS[4], "inventory.get", judge_get),
    ] {
        g.reproduce(replay.clone());
        g.check(check, async {
            let r = request(g, &server, &program, n, what).await?;
            judge(&script, read_call(&r, NTH[n - 1])?)
        })
        .await?;
    }

    let status = g
        .check(CHECKS[5], async {
            let status = expect_exit(&mut program, g.limits.io, "netlings answered its third call").await?;
            let want = format!("count={} total={:.2}", script.items.len(), script.total());
            expect_line(&program, &want, |line| line.starts_with("count="))
                .map_err(|f| f.because("print the struct's members by name - count and total - with the total to two decimals (`{:.2}`)"))?;
            Ok(status)
        })
        .await?;

    g.check(CHECKS[6], async {
        expect_line(&program, &format!("tag={}", script.tag_id), |l| {
            l.starts_with("tag=")
        })
    })
    .await?;

    g.check(CHECKS[7], async {
        let want = format!("fault {}: no item named {}", script.fault_code, script.missing);
        expect_line(&program, &want, |l| l.starts_with("fault")).map_err(|f| {
            f.because("a <fault> is an answer, not a failure of the call: read faultCode and faultString from its struct, unescaped (`&lt;` is `<`)")
        })?;
        expect_success(&program, status)
    })
    .await?;
    drop(server);
    Ok(())
}

/// The program printed `want` on a line of its own; else a mismatch with
/// the line that looks like an attempt (`near`), or with all it printed.
fn expect_line(program: &Program, want: &str, near: impl Fn(&str) -> bool) -> Result<(), Failure> {
    if program.not_judged(&format!("whether it printed `{want}`")) {
        return Ok(());
    }
    let lines = program.stdout_lines();
    if lines.iter().any(|l| l.trim() == want) {
        return Ok(());
    }
    let actual = match lines.iter().find(|l| near(l.trim())) {
        Some(line) => format!("{}\n", line.trim()).into_bytes(),
        None => program.stdout_bytes(),
    };
    Err(Failure::mismatch(
        format!("your program did not print `{want}` on a line of its own"),
        "your program's output",
        format!("{want}\n"),
        actual,
    ))
}

/// `text` in single quotes for a POSIX shell.
fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_as_people_write_them() {
        assert_eq!(price_text(400), "4");
        assert_eq!(price_text(1250), "12.5");
        assert_eq!(price_text(99), "0.99");
        assert_eq!(price_text(1201), "12.01");
    }
}
