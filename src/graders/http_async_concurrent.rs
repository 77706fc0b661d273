//! `http_async_concurrent` — an async fan-out over 20 slow endpoints, bounded.
//!
//! netlings serves a list of 20 sensors, each with a reading endpoint that
//! takes 300 ms to answer. The server counts the requests in flight at every
//! moment: a program that awaits them one by one never has more than one; a
//! program that starts them all at once has 20; a bounded fan-out has
//! between 5 and `NETLINGS_MAX_IN_FLIGHT` (8). Judged on what the server
//! measured, never on the program's own clock.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | The async client earns its keep when many requests can wait on the network together. | — | context |
//! | Fetch 20 slow readings concurrently - but not all at once: | `keeps at least 5` `keeps at most` | `http_async_concurrent__sequential` `http_async_concurrent__unbounded` |
//! | GET `<NETLINGS_BASE_URL>/v1/sensors`. | `fetches the sensor list` | `http_async_concurrent__hardcoded_base_url` |
//! | The answer is `{"sensors": ["s-kqzfau", "s-bemlow", …]}` (20 ids). (Done below.) | — | what the server answers, which the stub already decodes |
//! | For each id, GET `<NETLINGS_BASE_URL>/v1/sensors/<id>/reading`. | `fetches all 20 readings` | `http_async_concurrent__chunks_exact` |
//! | Each takes the server about 300 ms and answers `{"sensor": "s-kqzfau", "celsius": 21.4, "taken_at": "…"}`. | — | what the server does |
//! | Keep several requests in flight at a time, and never more than `NETLINGS_MAX_IN_FLIGHT` (8). | `keeps at least 5` `keeps at most` | `http_async_concurrent__sequential` `http_async_concurrent__unbounded` |
//! | Print one line per sensor, `<id> <celsius>` (`s-kqzfau 21.4`), in any order, and exit with status 0. | `prints every reading` | `http_async_concurrent__json_values` |

use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::expect::{expect_exit, expect_success};
use crate::harness::{Failure, Grading, Outcome};
use crate::peers::http::{Log, Reply, Request, Server};
use crate::report::{Plot, PlotKind, Series};

pub const CHECKS: &[&str] = &[
    "fetches the sensor list: GET /v1/sensors",
    "fetches all 20 readings",
    "keeps at least 5 requests in flight at once",
    "keeps at most NETLINGS_MAX_IN_FLIGHT (8) requests in flight at once",
    "prints every reading as `<id> <celsius>` and exits with status 0",
];

const SENSORS: usize = 20;
/// How long each reading takes: long enough that a bounded fan-out has
/// all its requests in flight together even on a loaded machine.
const SLOW: Duration = Duration::from_millis(300);
/// The bound the program is given.
const MAX_IN_FLIGHT: usize = 8;
/// What counts as concurrent: a fan-out of `MAX_IN_FLIGHT` reaches it at
/// once; two or three at a time are still nearly sequential.
const AT_LEAST: usize = 5;

fn reading_path(id: &str) -> String {
    format!("/v1/sensors/{id}/reading")
}

/// The reading requests, in order of arrival.
fn readings(log: &Log) -> Vec<&Request> {
    log.requests
        .iter()
        .filter(|r| r.path.ends_with("/reading"))
        .collect()
}

/// "in flight as each reading request arrived: 1 1 1 2 …", measured by the server.
fn timeline(log: &Log) -> String {
    let counts: Vec<String> = readings(log)
        .iter()
        .map(|r| r.in_flight.to_string())
        .collect();
    format!(
        "requests in flight as each reading request arrived (server's count): {}",
        counts.join(" ")
    )
}

/// The reading requests in flight over time, as the server saw them
/// arrive and answered them, against the band the checks allow.
fn in_flight_plot(log: &Log) -> Plot {
    let reads = readings(log);
    let origin = reads.first().map_or_else(Instant::now, |r| r.arrived);
    let changes = reads
        .iter()
        .flat_map(|r| std::iter::once((r.arrived, 1)).chain(r.ended.map(|at| (at, -1))));
    Plot {
        title: format!(
            "reading requests in flight over time, counted by the server \
             (allowed: {AT_LEAST} to {MAX_IN_FLIGHT})"
        ),
        kind: PlotKind::Steps {
            y: "requests in flight".into(),
            series: vec![Series::counting("reading requests", origin, changes)],
            band: Some((AT_LEAST as f64, MAX_IN_FLIGHT as f64)),
            marks: Vec::new(),
        },
    }
}

pub async fn grade(g: &Grading) -> Outcome {
    let sensors: Vec<(String, i64)> = g.rng(|r| {
        (0..SENSORS)
            .map(|_| (format!("s-{}", r.word(6)), r.range_i64(150, 300)))
            .collect()
    });

    let (server, mut program) = g
        .check("fetches the sensor list: GET /v1/sensors", async {
            let server = Server::start(g).await?;
            let ids: Vec<&str> = sensors.iter().map(|(id, _)| id.as_str()).collect();
            server.route("/v1/sensors", Reply::json(200, &json!({ "sensors": ids })));
            for (id, tenths) in &sensors {
                let body = json!({
                    "sensor": id,
                    "celsius": *tenths as f64 / 10.0,
                    "taken_at": "2025-03-14T09:00:00Z",
                });
                server.route(&reading_path(id), Reply::json(200, &body).after(SLOW));
            }
            let mut env = server.client_env();
            env.push(("NETLINGS_MAX_IN_FLIGHT", MAX_IN_FLIGHT.to_string()));
            let program = g.start(&env)?;
            server
                .expect_first_get(g, &program, "/v1/sensors")
                .await
                .map_err(|f| f.because("the URL is NETLINGS_BASE_URL, then `/v1/sensors`"))?;
            Ok((server, program))
        })
        .await?;

    g.check(&format!("fetches all {SENSORS} readings"), async {
        // Even one at a time, 20 readings take 20 × 300 ms.
        let within = SLOW * SENSORS as u32 + g.limits.io;
        let waiting_for = format!("the {SENSORS} reading requests to be answered");
        server
            .expect(&program, within, &waiting_for, |log| {
                let done = sensors
                    .iter()
                    .filter(|(id, _)| {
                        log.on_path(&reading_path(id))
                            .iter()
                            .any(|r| r.status == Some(200))
                    })
                    .count();
                (done == SENSORS).then_some(())
            })
            .await
            .map_err(|f| {
                let log = server.log();
                let asked = sensors
                    .iter()
                    .filter(|(id, _)| !log.on_path(&reading_path(id)).is_empty())
                    .count();
                let strays: Vec<String> = log
                    .requests
                    .iter()
                    .filter(|r| r.status == Some(404))
                    .map(|r| r.line())
                    .collect();
                let mut f = f.and(format!("it asked for {asked} of the {SENSORS} readings"));
                if !strays.is_empty() {
                    f = f.and(format!(
                        "these paths do not exist (404): {}",
                        strays.join(", ")
                    ));
                }
                f.because(
                    "each sensor's reading is at NETLINGS_BASE_URL + /v1/sensors/<id>/reading",
                )
            })
    })
    .await?;

    g.check(
        &format!("keeps at least {AT_LEAST} requests in flight at once"),
        async {
            let log = server.log();
            g.plot(in_flight_plot(&log));
            if log.max_in_flight >= AT_LEAST {
                return Ok(());
            }
            Err(Failure::fail(format!(
                "the server never had more than {} of your requests in flight at once: \
                 the {SENSORS} readings took {:.1} s where a fan-out of {MAX_IN_FLIGHT} takes about {:.1} s",
                log.max_in_flight,
                span(&log).as_secs_f64(),
                (SLOW * SENSORS.div_ceil(MAX_IN_FLIGHT) as u32).as_secs_f64()
            ))
            .and(timeline(&log))
            .because(
                "`.await` on each request in a loop waits for one answer before sending the next \
                 request: create the futures first and drive several together - \
                 futures_util::stream::iter(ids).map(|id| fetch(id)).buffer_unordered(n), or \
                 tokio::spawn with a tokio::sync::Semaphore",
            ))
        },
    )
    .await?;

    g.check(
        &format!("keeps at most NETLINGS_MAX_IN_FLIGHT ({MAX_IN_FLIGHT}) requests in flight at once"),
        async {
            let log = server.log();
            if log.max_in_flight <= MAX_IN_FLIGHT {
                return Ok(());
            }
            // Drawn with the check before when that one passed: here only
            // when this one fails.
            g.plot(in_flight_plot(&log));
            Err(Failure::fail(format!(
                "the server had {} of your requests in flight at once; NETLINGS_MAX_IN_FLIGHT is {MAX_IN_FLIGHT}",
                log.max_in_flight
            ))
            .and(timeline(&log))
            .because(
                "join_all (or a task per request) starts every request at once: a server that gets \
                 them all together may throttle you (429) or fall over. Bound the fan-out: \
                 .buffer_unordered(max_in_flight), or a tokio::sync::Semaphore with that many permits",
            ))
        },
    )
    .await?;

    g.check("prints every reading as `<id> <celsius>` and exits with status 0", async {
        let status = expect_exit(&mut program, g.limits.io, "its last reading was answered").await?;
        if program.not_judged("whether it printed every reading") {
            return Ok(());
        }
        let lines = program.stdout_lines();
        let missing: Vec<String> = sensors
            .iter()
            .filter(|(id, tenths)| !lines.iter().any(|l| says_reading(l, id, *tenths)))
            .map(|(id, tenths)| format!("{id} {:.1}", *tenths as f64 / 10.0))
            .collect();
        if !missing.is_empty() {
            return Err(Failure::mismatch(
                format!(
                    "{} of the {SENSORS} readings are not among the lines your program printed",
                    missing.len()
                ),
                "the first missing reading",
                format!("{}\n", missing[0]),
                program.stdout_bytes(),
            )
            .because("print one line per sensor: its id, a space, and its `celsius` value (in any order)"));
        }
        expect_success(&program, status)
    })
    .await?;
    Ok(())
}

/// From the first reading request's arrival to the last one's answer.
fn span(log: &Log) -> Duration {
    let reads = readings(log);
    match (reads.first(), reads.iter().filter_map(|r| r.ended).max()) {
        (Some(first), Some(last)) => last.saturating_duration_since(first.arrived),
        _ => Duration::ZERO,
    }
}

/// Whether `line` is `<id> <celsius>` for this sensor (`s-abc 21.4`).
fn says_reading(line: &str, id: &str, tenths: i64) -> bool {
    let mut words = line.split_whitespace();
    words.next() == Some(id)
        && words
            .next()
            .and_then(|v| v.parse::<f64>().ok())
            .is_some_and(|v| (v * 10.0 - tenths as f64).abs() < 1e-6)
}
