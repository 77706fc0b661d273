//! `http_pooling` — 30 requests, one connection pool.
//!
//! netlings serves a paginated event feed: 30 pages, each linking to the
//! next. The server counts the TCP connections that carry the requests: a
//! program that reuses one `Client` sends nearly all of them over one
//! connection; a `Client` per request opens a connection for each.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | A reqwest `Client` keeps the connections it opened and reuses them for the next requests to the same server: no new TCP handshake (nor TLS handshake, over https) each time. | — | context |
//! | That only works if you keep the Client. | `reuses its connections` | `http_pooling__client_per_request` `http_pooling__blocking_get` |
//! | Read a paginated event feed with one: | — | the introduction of the steps below |
//! | GET `<NETLINGS_BASE_URL>/v1/events`. | `fetches the first page` | `http_pooling__pages_from_zero` |
//! | The answer is a page: `{"page": 1, "events": [{"id": "evt-…", "kind": "login"}, …], "next": "http://127.0.0.1:41234/v1/events?page=2"}`. | — | what the server answers |
//! | GET the page `next` names, and so on, until a page whose `next` is `null` (there are 30 pages). | `follows` | `http_pooling__next_as_path` |
//! | Print the total number of events on all pages (`87`) and exit with status 0. | `prints the number of events` | `http_pooling__last_page_count` |

use serde_json::json;

use crate::harness::expect::{expect_exit, expect_line, expect_success};
use crate::harness::{Failure, Grading, Outcome};
use crate::peers::http::{Log, Reply, Request, Server, plural};

pub const CHECKS: &[&str] = &[
    "fetches the first page: GET /v1/events",
    "follows `next` through all 30 pages",
    "reuses its connections: 30 requests over at most 10 TCP connections",
    "prints the number of events and exits with status 0",
];

const PAGES: usize = 30;
/// One pool, reused, needs one connection - but not always only one: when
/// a request starts before the previous response's connection is back in
/// the pool, hyper's pool races a new connection against the idle one (the
/// async reqwest Client on a loaded machine opened up to 5 for 30 requests).
/// A Client per request opens 30; a third of that is still plainly pooled.
const MAX_CONNECTIONS: usize = 10;
const KINDS: &[&str] = &["login", "logout", "purchase", "refund", "signup", "upload"];

/// The page a request asks for: `?page=N`, or 1 without one.
fn page_of(request: &Request) -> Option<usize> {
    match &request.query {
        None => Some(1),
        Some(query) => query
            .split('&')
            .find_map(|pair| pair.strip_prefix("page="))
            .and_then(|n| n.parse().ok()),
    }
}

/// The pages answered so far.
fn pages_served(log: &Log) -> Vec<usize> {
    let mut pages: Vec<usize> = log
        .on_path("/v1/events")
        .iter()
        .filter(|r| r.status == Some(200))
        .filter_map(|r| page_of(r))
        .collect();
    pages.sort_unstable();
    pages.dedup();
    pages
}

pub async fn grade(g: &Grading) -> Outcome {
    // The events of each page: ids and kinds.
    let pages: Vec<Vec<(String, &str)>> = g.rng(|r| {
        (0..PAGES)
            .map(|_| {
                (0..r.range(1, 6))
                    .map(|_| (format!("evt-{}", r.word(8)), *r.pick(KINDS)))
                    .collect()
            })
            .collect()
    });
    let total: usize = pages.iter().map(Vec::len).sum();

    let (server, mut program) = g
        .check("fetches the first page: GET /v1/events", async {
            let server = Server::start(g).await?;
            let base = server.base_url();
            let feed = pages.clone();
            server.handle("/v1/events", move |request, _| {
                let Some(n) = page_of(request).filter(|n| (1..=PAGES).contains(n)) else {
                    return Reply::error(404, "no such page");
                };
                let events: Vec<_> = feed[n - 1]
                    .iter()
                    .map(|(id, kind)| json!({ "id": id, "kind": kind }))
                    .collect();
                let next = (n < PAGES).then(|| format!("{base}/v1/events?page={}", n + 1));
                Reply::json(200, &json!({ "page": n, "events": events, "next": next }))
            });
            let program = g.start(&server.client_env())?;
            let first = server.expect_first_get(g, &program, "/v1/events").await?;
            if page_of(&first) != Some(1) {
                return Err(Failure::mismatch(
                    "your program's first request is not the first page",
                    "the first request",
                    "GET /v1/events",
                    first.line(),
                ));
            }
            Ok((server, program))
        })
        .await?;

    g.check(&format!("follows `next` through all {PAGES} pages"), async {
        server
            .expect(
                &program,
                g.limits.io * 2,
                &format!("all {PAGES} pages to be requested"),
                |log| (pages_served(log).len() == PAGES).then_some(()),
            )
            .await
            .map_err(|f| {
                let served = pages_served(&server.log());
                f.and(format!(
                    "it fetched {} of the {PAGES} pages{}",
                    served.len(),
                    served
                        .last()
                        .map(|p| format!(", up to page {p}"))
                        .unwrap_or_default()
                ))
                .because("each page's `next` is the full URL of the next page; the last page's is null")
            })
    })
    .await?;

    g.check(
        &format!(
            "reuses its connections: {PAGES} requests over at most {MAX_CONNECTIONS} TCP connections"
        ),
        async {
            let log = server.log();
            if log.connections.len() <= MAX_CONNECTIONS {
                return Ok(());
            }
            let carried = if log.connections.iter().all(|c| c.requests == 1) {
                "each of them carried a single request".to_string()
            } else {
                let each: Vec<String> = log
                    .connections
                    .iter()
                    .take(8)
                    .map(|c| format!("#{} carried {}", c.id, plural(c.requests, "request")))
                    .collect();
                let more = if log.connections.len() > 8 { ", …" } else { "" };
                format!("{}{more}", each.join(", "))
            };
            Err(Failure::fail(format!(
                "the server accepted {} for your {}: a new TCP handshake (and, over https, a new \
                 TLS handshake) for every request",
                plural(log.connections.len(), "connection"),
                plural(log.requests.len(), "request"),
            ))
            .and(carried)
            .because(
                "a Client owns a pool of open connections, and a new Client starts with an empty one: \
                 build one Client before the loop and reuse it (reqwest::get and \
                 reqwest::blocking::get build a new Client on every call)",
            ))
        },
    )
    .await?;

    g.check(
        "prints the number of events and exits with status 0",
        async {
            let status =
                expect_exit(&mut program, g.limits.io, "the last page was answered").await?;
            let total = total.to_string();
            expect_line(&program, "the number of events", &total, |l| l == total).map_err(|f| {
                f.because("count the events of every page, the first and the last included")
            })?;
            expect_success(&program, status)
        },
    )
    .await?;
    Ok(())
}
