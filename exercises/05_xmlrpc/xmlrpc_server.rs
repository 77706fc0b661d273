//! # xmlrpc_server
//!
//! Q15. What does an XML-RPC call look like on the wire, and what did gRPC
//! change?
//!
//! Serve XML-RPC at `POST /RPC2` on `NETLINGS_ADDR`, for any client that
//! follows the spec (netlings, Python's `xmlrpc.client`, …):
//!
//! - `math.add(int a, int b)` → int;
//! - `math.divide(int a, int b)` → double, also when it is whole (`8, 4` →
//!   `<double>2.0</double>`); `b = 0` → fault 1 with the string
//!   `division by zero`;
//! - `text.reverse(string s)` → `s` reversed by Unicode scalar values
//!   (`chars()`);
//! - `stats.summary(array of int|double)` → struct `{count: int, mean:
//!   double, min: double, max: double}`; an empty array → fault 2 with the
//!   string `empty`;
//! - `system.listMethods()` → an array with the name of every method,
//!   itself included.
//!
//! What arrives: an integer as `<int>` or `<i4>`, a string as `<string>` or
//! as bare text (`<value>text</value>`), doubles as Python writes them
//! (`2.5`, `5e-05`), text escaped (`&amp;`, `&lt;`, `&gt;`).
//!
//! What you answer: every request body on `/RPC2` gets `200 OK` and
//! `Content-Type: text/xml`, faults included. The body is a
//! `<methodResponse>`: one value in its type element, every string escaped,
//! or a `<fault>` (a struct of faultCode and faultString). Errors use the
//! interoperability fault codes: an unknown method → -32601; wrong number
//! or types of params → -32602; a body that is not well-formed XML →
//! -32700; well-formed XML that is not a `<methodCall>` → -32600 (their
//! strings are yours). Any other path → 404; another HTTP method on
//! `/RPC2` → 405. A client may send several calls on one connection, as
//! Python's `ServerProxy` does: answer each of them (or close the
//! connection after your answer).
//!
//! How it is graded: netlings calls every method as Python writes calls and
//! as other clients do, sends bodies that are not XML or not calls, and
//! reads each answer with an XML parser.
//!
//! hyper below does HTTP for you (each body read by its Content-Length,
//! answers with theirs, connections kept alive); `quick-xml`
//! (`quick_xml::reader::Reader`) reads XML.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::convert::Infallible;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(async move {
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service_fn(route))
                .await;
        });
    }
}

/// Answers one HTTP request.
async fn route(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    // TODO: 404 off /RPC2, 405 for other methods; then read the body
    // (`request.into_body().collect().await`), parse the methodCall, call
    // the method, and answer 200 with `Content-Type: text/xml` and a
    // methodResponse.
    todo!("answer POST /RPC2 with a methodResponse")
}
