//! `xmlrpc_server` — an XML-RPC server any spec-following client can use.
//!
//! netlings is the client. It calls each method the way Python's
//! `xmlrpc.client` writes calls (`<int>`, `<string>`, a newline after most
//! tags) and the way other clients do (`<i4>`, bare `<value>text</value>`,
//! one line, a request that arrives in pieces), and reads every answer with
//! a real XML parser: `200 OK`, `text/xml`, a well-formed
//! `<methodResponse>`, each value in its right type element, each fault a
//! `<fault>` with the code the contract names. It ends with three calls on
//! one kept-open connection, as Python's `ServerProxy` makes them.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Serve XML-RPC at `POST /RPC2` on `NETLINGS_ADDR`, for any client that follows the spec (netlings, Python's `xmlrpc.client`, …): | `listens on NETLINGS_ADDR` | `xmlrpc_server__fixed_port` |
//! | `math.add(int a, int b)` → int; | `math.add` | `xmlrpc_server__only_int_tag` |
//! | `math.divide(int a, int b)` → double, also when it is whole (`8, 4` → `<double>2.0</double>`); `b = 0` → fault 1 with the string `division by zero`; | `math.divide: a <double>` `math.divide by zero` | `xmlrpc_server__int_for_whole_double` `xmlrpc_server__fault_as_value` |
//! | `text.reverse(string s)` → `s` reversed by Unicode scalar values (`chars()`); | `text.reverse: &` | `xmlrpc_server__no_escaping` |
//! | `stats.summary(array of int\|double)` → struct `{count: int, mean: double, min: double, max: double}`; an empty array → fault 2 with the string `empty`; | `stats.summary: a struct` `stats.summary of an empty` | `xmlrpc_server__summary_of_ints` `xmlrpc_server__summary_of_nothing` |
//! | `system.listMethods()` → an array with the name of every method, itself included. | `system.listMethods` | `xmlrpc_server__no_list_methods` |
//! | What arrives: an integer as `<int>` or `<i4>`, a string as `<string>` or as bare text (`<value>text</value>`), doubles as Python writes them (`2.5`, `5e-05`), text escaped (`&amp;`, `&lt;`, `&gt;`). | `math.add` `text.reverse: a bare` `text.reverse: &` | `xmlrpc_server__only_int_tag` `xmlrpc_server__bare_value_refused` `xmlrpc_server__no_escaping` |
//! | What you answer: every request body on `/RPC2` gets `200 OK` and `Content-Type: text/xml`, faults included. | `a body that is not well-formed` | `xmlrpc_server__http_400_for_bad_xml` |
//! | The body is a `<methodResponse>`: one value in its type element, every string escaped, or a `<fault>` (a struct of faultCode and faultString). | `math.divide by zero` `text.reverse: &` | `xmlrpc_server__fault_as_value` `xmlrpc_server__no_escaping` |
//! | Errors use the interoperability fault codes: an unknown method → -32601; wrong number or types of params → -32602; a body that is not well-formed XML → -32700; well-formed XML that is not a `<methodCall>` → -32600 (their strings are yours). | `an unknown method` `wrong number or types` `a body that is not well-formed` `XML that is not a methodCall` | `xmlrpc_server__python_fault_codes` `xmlrpc_server__not_found_for_bad_params` `xmlrpc_server__closes_what_is_open` `xmlrpc_server__one_code_for_bad_bodies` |
//! | Any other path → 404; another HTTP method on `/RPC2` → 405. | `another path` | `xmlrpc_server__no_404_405` |
//! | A client may send several calls on one connection, as Python's `ServerProxy` does: answer each of them (or close the connection after your answer). | `three calls on one kept-open connection` | `xmlrpc_server__waits_for_hangup` |
//! | hyper below does HTTP for you (each body read by its Content-Length, answers with theirs, connections kept alive); `quick-xml` (`quick_xml::reader::Reader`) reads XML. | — | what the stub's code provides |

use std::net::SocketAddr;

use crate::harness::{Failure, Grading, Outcome};
use crate::peers::tcp;
use crate::peers::xmlrpc::client::{Request, Session};
use crate::peers::xmlrpc::write::{Style, write_call};
use crate::peers::xmlrpc::{Call, Response, Value, codes};

pub const CHECKS: &[&str] = &[
    "listens on NETLINGS_ADDR",
    "math.add: <int> and <i4> in, an <int> back",
    "math.divide: a <double> back, whole quotients too",
    "math.divide by zero: fault 1 `division by zero`",
    "text.reverse: &, <, > and non-ASCII survive both ways",
    "text.reverse: a bare <value>text</value> is a string",
    "stats.summary: a struct of count, mean, min and max",
    "stats.summary of an empty array: fault 2 `empty`",
    "system.listMethods: every method, itself included",
    "an unknown method: fault -32601",
    "wrong number or types of params: fault -32602",
    "a body that is not well-formed XML: fault -32700",
    "XML that is not a methodCall: fault -32600",
    "another path: 404; another method on /RPC2: 405",
    "three calls on one kept-open connection, as Python's ServerProxy makes them",
];

/// Every method the server must list.
const METHODS: &[&str] = &[
    "math.add",
    "math.divide",
    "text.reverse",
    "stats.summary",
    "system.listMethods",
];

/// Strings that need escaping, and characters beyond ASCII.
const TEXTS: &[&str] = &[
    "Fish & Chips <to go>",
    "a<b & c>d, naïve café",
    "R&D <Ωmega> 日本茶 🦀",
    "x > y & y < z, Ünïcödé",
];

const ESCAPE_RULE: &str = "every string you write goes through an escape: `&` → `&amp;`, `<` → `&lt;`, \
`>` → `&gt;` (string concatenation without it produces XML no client can read)";

/// One call on a fresh connection: the answer's method response.
async fn call(g: &Grading, addr: SocketAddr, request: &Request) -> Result<Response, Failure> {
    g.reproduce(replay(g, request));
    let mut session = Session::new(g, addr);
    let reply = session.send(request).await;
    session.close().await;
    Ok(reply?.response()?.clone())
}

fn replay(g: &Grading, request: &Request) -> String {
    format!(
        "{}, then: {}",
        g.run_command(&[("NETLINGS_ADDR", "127.0.0.1:7000")]),
        request.curl()
    )
}

/// The value of a normal answer to `call`.
fn value<'r>(response: &'r Response, call: &str) -> Result<&'r Value, Failure> {
    match response {
        Response::Value(v) => Ok(v),
        Response::Fault { code, string } => Err(Failure::fail(format!(
            "your server answered {call} with fault {code}: {string:?}, where a result belongs"
        ))),
    }
}

/// A fault with `code` (and `string`, when the contract fixes it).
fn expect_fault(
    response: &Response,
    call: &str,
    code: i32,
    string: Option<&str>,
) -> Result<(), Failure> {
    match response {
        Response::Fault { code: c, string: s } if *c == code => match string {
            Some(want) if s != want => Err(Failure::mismatch(
                format!("fault {code} is right, but its faultString is not `{want}`"),
                "the faultString",
                want,
                s.as_bytes(),
            )),
            _ => Ok(()),
        },
        Response::Fault { code: c, string: s } => Err(Failure::fail(format!(
            "your server answered {call} with fault {c} ({s:?}); the contract's fault code is {code}"
        ))),
        Response::Value(v) if v.member("faultCode").is_some() => Err(Failure::fail(format!(
            "your server answered {call} with a normal value that looks like a fault: {}",
            v.describe()
        ))
        .because(
            "a fault is not a value in <params>: it is <methodResponse><fault><value><struct> with \
             faultCode and faultString</struct></value></fault></methodResponse> - clients raise it as \
             an error only then",
        )),
        Response::Value(v) => Err(Failure::fail(format!(
            "your server answered {call} with {}, where fault {code} belongs",
            v.describe()
        ))),
    }
}

fn expect_int(v: &Value, want: i64, what: &str) -> Result<(), Failure> {
    match v {
        Value::Int(i) if i64::from(*i) == want => Ok(()),
        other => Err(Failure::fail(format!(
            "{what} should be int {want}; your server sent {}",
            other.describe()
        ))),
    }
}

fn expect_double(v: &Value, want: f64, what: &str) -> Result<(), Failure> {
    match v {
        Value::Double(d) if (d - want).abs() <= 1e-9 * want.abs().max(1.0) => Ok(()),
        Value::Int(i) => Err(Failure::fail(format!(
            "{what} came as int {i}, in an <int>: it is a double, `<double>{want:?}</double>`, \
             even when it is a whole number"
        ))
        .because(
            "a client reads the type from the element: Python turns <int> into an int, not a float",
        )),
        other => Err(Failure::fail(format!(
            "{what} should be double {want:?}; your server sent {}",
            other.describe()
        ))),
    }
}

pub async fn grade(g: &Grading) -> Outcome {
    let (_program, addr, first) = g.check(CHECKS[0], tcp::start_server(g, &[])).await?;
    let mut first = Some(Session::adopt(g, addr, first));

    g.check(CHECKS[1], async {
        let (a, b) = g.rng(|r| (r.range_i64(-100_000, 100_000), r.range_i64(-100_000, 100_000)));
        let python = Request::call(&Call::new("math.add", vec![int(a), int(b)]), Style::Python);
        g.reproduce(replay(g, &python));
        let mut session = first.take().expect("the first session");
        let reply = session.send(&python).await;
        session.close().await;
        let reply = reply.map_err(|f| {
            f.because(
                "read the request head up to the empty line, then exactly Content-Length bytes of body: \
                 the client keeps the connection open while it waits for your answer, so reading to the \
                 end of the stream never ends",
            )
        })?;
        let response = reply.response()?;
        expect_int(value(response, "math.add")?, a + b, "the sum")?;
        // The same call as other clients write it: <i4>, on one line, in pieces.
        let (a, b) = g.rng(|r| (r.range_i64(-100_000, 100_000), r.range_i64(-100_000, 100_000)));
        let compact = Request::call(&Call::new("math.add", vec![int(a), int(b)]), Style::Compact).split();
        let response = call(g, addr, &compact).await?;
        expect_int(value(&response, "math.add")?, a + b, "the sum of two <i4> params")
            .map_err(|f| f.because("<i4> is another name for <int>: accept both"))
    })
    .await?;

    g.check(CHECKS[2], async {
        let b = g.rng(|r| r.range_i64(2, 50)) * 2;
        let a = g.rng(|r| r.range_i64(-5_000, 5_000)) * 2 + 1;
        let k = g.rng(|r| r.range_i64(-300, 300));
        for (a, b) in [(a, b), (k * b, b)] {
            let request = Request::call(
                &Call::new("math.divide", vec![int(a), int(b)]),
                Style::Python,
            );
            let response = call(g, addr, &request).await?;
            let what = format!("math.divide({a}, {b})");
            expect_double(value(&response, &what)?, a as f64 / b as f64, &what)?;
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[3], async {
        let a = g.rng(|r| r.range_i64(1, 1000));
        let request = Request::call(
            &Call::new("math.divide", vec![int(a), int(0)]),
            Style::Python,
        );
        let response = call(g, addr, &request).await?;
        expect_fault(
            &response,
            &format!("math.divide({a}, 0)"),
            1,
            Some("division by zero"),
        )
    })
    .await?;

    g.check(CHECKS[4], async {
        let text = format!("{} {}", g.rng(|r| *r.pick(TEXTS)), g.rng(|r| r.word(5)));
        let request = Request::call(
            &Call::new("text.reverse", vec![Value::String(text.clone())]),
            Style::Python,
        );
        let response = call(g, addr, &request)
            .await
            .map_err(|f| f.because(ESCAPE_RULE))?;
        expect_string(&response, &text)
    })
    .await?;

    g.check(CHECKS[5], async {
        let text = format!("{} & {}", g.rng(|r| r.word(6)), g.rng(|r| r.word(4)));
        let request = Request::call(&Call::new("text.reverse", vec![Value::String(text.clone())]), Style::Compact);
        let response = call(g, addr, &request).await?;
        expect_string(&response, &text).map_err(|f| {
            f.because("a <value> with text and no type element holds a string: `<value>abc</value>` is `<value><string>abc</string></value>`")
        })
    })
    .await?;

    g.check(CHECKS[6], async {
        let (numbers, values) = g.rng(|r| {
            let mut numbers = Vec::new();
            let mut values = Vec::new();
            for i in 0..r.range(3, 8) {
                if i % 2 == 0 {
                    let n = r.range_i64(-50, 50);
                    numbers.push(n as f64);
                    values.push(int(n));
                } else {
                    let d = r.range_i64(-5000, 5000) as f64 / 100.0;
                    numbers.push(d);
                    values.push(Value::Double(d));
                }
            }
            // As Python writes a small double: 5e-05.
            numbers.push(5e-5);
            values.push(Value::Double(5e-5));
            (numbers, values)
        });
        let request = Request::call(&Call::new("stats.summary", vec![Value::Array(values)]), Style::Python);
        let response = call(g, addr, &request).await?;
        let summary = value(&response, "stats.summary")?;
        let Value::Struct(_) = summary else {
            return Err(Failure::fail(format!(
                "stats.summary should answer a struct {{count, mean, min, max}}; your server sent {}",
                summary.describe()
            )));
        };
        let member = |name: &str| {
            summary.member(name).ok_or_else(|| {
                Failure::fail(format!("the struct has no member `{name}`: {}", summary.describe()))
            })
        };
        let (min, max) = numbers.iter().fold((f64::MAX, f64::MIN), |(lo, hi), n| (lo.min(*n), hi.max(*n)));
        let mean = numbers.iter().sum::<f64>() / numbers.len() as f64;
        expect_int(member("count")?, numbers.len() as i64, "count")?;
        expect_double(member("mean")?, mean, "mean")?;
        expect_double(member("min")?, min, "min")?;
        expect_double(member("max")?, max, "max")
    })
    .await?;

    g.check(CHECKS[7], async {
        let request = Request::call(
            &Call::new("stats.summary", vec![Value::Array(vec![])]),
            Style::Python,
        );
        let response = call(g, addr, &request).await?;
        expect_fault(&response, "stats.summary([])", 2, Some("empty"))
    })
    .await?;

    g.check(CHECKS[8], async {
        let request = Request::call(&Call::new("system.listMethods", vec![]), Style::Python);
        let response = call(g, addr, &request).await?;
        expect_methods(value(&response, "system.listMethods")?)
    })
    .await?;

    g.check(CHECKS[9], async {
        let name = format!("math.{}", g.rng(|r| r.word(6)));
        let request = Request::call(&Call::new(&name, vec![int(1)]), Style::Python);
        let response = call(g, addr, &request).await?;
        expect_fault(&response, &name, codes::METHOD_NOT_FOUND, None)
    })
    .await?;

    g.check(CHECKS[10], async {
        let s = || Value::String(g.rng(|r| r.word(4)));
        let cases = [
            Call::new("math.add", vec![int(1)]),
            Call::new("math.add", vec![s(), int(2)]),
            Call::new("math.add", vec![Value::Double(2.5), int(1)]),
            Call::new("math.divide", vec![int(1), int(2), int(3)]),
            Call::new("text.reverse", vec![int(42)]),
            Call::new("stats.summary", vec![Value::Array(vec![int(1), s()])]),
        ];
        for case in cases {
            let response = call(g, addr, &Request::call(&case, Style::Python)).await?;
            expect_fault(&response, &case.describe(), codes::INVALID_PARAMS, None)?;
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[11], async {
        let add = "<methodCall><methodName>math.add</methodName><params><param><value><int>1</int></value></param>";
        let bodies = [
            ("this is not XML".to_string(), "a body that is plain text"),
            (
                format!("{add}<param><value><int>2</int></value></param></params>"),
                "a methodCall never closed (</methodCall> missing)",
            ),
            (
                "<methodCall><methodName>text.reverse</methodName><params><param><value><string>Fish & Chips</string></value></param></params></methodCall>".to_string(),
                "a string with a bare `&`",
            ),
        ];
        for (body, what) in bodies {
            let request = Request::raw("POST", "/RPC2", body, what);
            let response = call(g, addr, &request).await?;
            expect_fault(&response, what, codes::PARSE_ERROR, None).map_err(|f| {
                f.because(
                    "check the whole body is well-formed before you act on it: a parser such as quick-xml \
                     reports a stray `&`, but reaching the end (Event::Eof) inside an open element is yours to notice",
                )
            })?;
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[12], async {
        let body = "<?xml version=\"1.0\"?><methodResponse><params><param><value><int>1</int></value></param></params></methodResponse>";
        let request = Request::raw("POST", "/RPC2", body, "a methodResponse, sent as a request");
        let response = call(g, addr, &request).await?;
        expect_fault(&response, "a <methodResponse> body", codes::INVALID_REQUEST, None)
    })
    .await?;

    g.check(CHECKS[13], async {
        let other = format!("/{}", g.rng(|r| r.word(5)));
        let body = write_call(&Call::new("system.listMethods", vec![]), Style::Python);
        for (request, status) in [
            (
                Request::raw("POST", &other, body, "call system.listMethods()"),
                404,
            ),
            (Request::raw("GET", "/RPC2", Vec::new(), ""), 405),
        ] {
            g.reproduce(replay(g, &request));
            let mut session = Session::new(g, addr);
            let reply = session.send(&request).await;
            session.close().await;
            let reply = reply?;
            if reply.http.status != status {
                return Err(Failure::fail(format!(
                    "`{} {}` got `{}`; it should get {status}",
                    request.method, request.path, reply.http.start_line
                )));
            }
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[14], async {
        let mut session = Session::new(g, addr);
        let (a, b) = g.rng(|r| (r.range_i64(-1000, 1000), r.range_i64(-1000, 1000)));
        let text = format!("{} {}", g.rng(|r| *r.pick(TEXTS)), g.rng(|r| r.word(3)));
        let calls = [
            Call::new("math.add", vec![int(a), int(b)]),
            Call::new("text.reverse", vec![Value::String(text.clone())]),
            Call::new("system.listMethods", vec![]),
        ];
        g.reproduce(format!(
            "{}, then: python3 -c 'import xmlrpc.client as x; s = x.ServerProxy(\"http://127.0.0.1:7000/RPC2\"); print(s.math.add({a}, {b}), s.system.listMethods())'",
            g.run_command(&[("NETLINGS_ADDR", "127.0.0.1:7000")])
        ));
        let mut responses = Vec::new();
        for c in &calls {
            let reply = session.send(&Request::call(c, Style::Python)).await.map_err(|f| {
                f.because(
                    "after an answer, read the next request from the same connection (or close the \
                     connection after your answer, and the client opens a new one); leaving it open \
                     without reading leaves the client waiting",
                )
            })?;
            responses.push(reply.response()?.clone());
        }
        session.close().await;
        expect_int(value(&responses[0], "math.add")?, a + b, "the sum")?;
        expect_string(&responses[1], &text)?;
        expect_methods(value(&responses[2], "system.listMethods")?)
    })
    .await?;
    Ok(())
}

fn int(n: i64) -> Value {
    Value::Int(i32::try_from(n).expect("test data fits 32 bits"))
}

fn expect_string(response: &Response, sent: &str) -> Result<(), Failure> {
    let want: String = sent.chars().rev().collect();
    match value(response, "text.reverse")? {
        Value::String(s) if *s == want => Ok(()),
        Value::String(s) => Err(Failure::mismatch(
            "the reversed string is wrong",
            "the string, reversed by Unicode scalar values (chars)",
            want.as_bytes(),
            s.as_bytes(),
        )),
        other => Err(Failure::fail(format!(
            "text.reverse should answer a string; your server sent {}",
            other.describe()
        ))),
    }
}

fn expect_methods(v: &Value) -> Result<(), Failure> {
    let Value::Array(items) = v else {
        return Err(Failure::fail(format!(
            "system.listMethods should answer an array of strings; your server sent {}",
            v.describe()
        )));
    };
    let names: Vec<&str> = items
        .iter()
        .filter_map(|i| match i {
            Value::String(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    let missing: Vec<&str> = METHODS
        .iter()
        .copied()
        .filter(|m| !names.contains(m))
        .collect();
    if missing.is_empty() && names.len() == items.len() {
        return Ok(());
    }
    Err(Failure::fail(format!(
        "system.listMethods answered {}; missing: {}",
        v.describe(),
        if missing.is_empty() {
            "nothing, but not every item is a string".to_string()
        } else {
            missing.join(", ")
        }
    )))
}
