//! # http_pooling
//!
//! Q9. How would you handle retries, timeouts, and connection pooling with
//! reqwest (Python: `requests`)?
//!
//! A reqwest `Client` keeps the connections it opened and reuses them for
//! the next requests to the same server: no new TCP handshake (nor TLS
//! handshake, over https) each time. That only works if you keep the
//! Client. Read a paginated event feed with one:
//!
//! 1. GET `<NETLINGS_BASE_URL>/v1/events`. The answer is a page:
//!    `{"page": 1, "events": [{"id": "evt-…", "kind": "login"}, …],
//!    "next": "http://127.0.0.1:41234/v1/events?page=2"}`.
//! 2. GET the page `next` names, and so on, until a page whose `next` is
//!    `null` (there are 30 pages).
//! 3. Print the total number of events on all pages (`87`) and exit with
//!    status 0.
//!
//! How it is graded: netlings' server counts the TCP connections your 30
//! requests arrive on. One Client, reused, carries nearly all of them on one
//! connection (at most 10 connections are allowed: a pool may open a spare
//! when a request starts before the last one's connection is back in it); a
//! Client per request opens 30.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Page {
    events: Vec<Event>,
    /// The URL of the next page; `null` on the last one.
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Event {
    id: String,
    kind: String,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL").expect("netlings sets NETLINGS_BASE_URL");

    // TODO: fetch the first page, then follow `next` until it is None,
    // counting the events; print the total.
    todo!("follow the pages from /v1/events, all with one Client")
}
