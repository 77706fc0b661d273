//! `http_get_json` — a blocking GET to a strict JSON API, one field printed.
//!
//! netlings is the weather API. Like many public APIs it refuses requests
//! that do not accept JSON (406) or do not say who they are (no
//! `User-Agent`: 403). It answers a random report in which the field asked
//! for, `current.temperature_c`, has look-alikes (`current.feels_like_c`,
//! and `temperature_c` in each forecast entry, which come first): only a
//! program that decodes the structure prints the right number.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Start with the blocking client, the one that reads like `requests`: one GET to a JSON weather API. | — | context: the blocking client is a suggestion (an async one passes too) |
//! | GET `<NETLINGS_BASE_URL>/v1/weather/<NETLINGS_CITY>`, for example `http://127.0.0.1:41234/v1/weather/oslo`. | `sends GET /v1/weather/` | `http_get_json__city_as_query` |
//! | The API is strict, as many public ones are: it answers only requests that send `Accept: application/json` (406 otherwise) and a `User-Agent` header naming the client (403 otherwise). | `sends the header` `sends a` | `http_get_json__no_accept` `http_get_json__no_user_agent` |
//! | Unless you say otherwise, reqwest sends `Accept: */*` and no User-Agent at all. | — | context: why reqwest's defaults fail the row above |
//! | The answer is a JSON object: `{"city": "Oslo", "country": "NO", "forecast": [{"in_hours": 3, "temperature_c": 11.0, …}, …], "current": {"temperature_c": 12.3, "feels_like_c": 9.8, "humidity_pct": 81, …}}`. Decode it and print `current.temperature_c` alone on a line (`12.3`), then exit with status 0. | `prints current.temperature_c` | `http_get_json__text_search` `http_get_json__wrong_field` |

use crate::harness::expect::{expect_exit, expect_line, expect_success};
use crate::harness::{Failure, Grading, Outcome};
use crate::peers::http::{Reply, Request, Server};

pub const CHECKS: &[&str] = &[
    "sends GET /v1/weather/<NETLINGS_CITY>",
    "sends the header `Accept: application/json`",
    "sends a `User-Agent` header",
    "prints current.temperature_c and exits with status 0",
];

/// Cities the API knows: the slug in the URL, the name in the answer.
const CITIES: &[(&str, &str, &str)] = &[
    ("oslo", "Oslo", "NO"),
    ("lisbon", "Lisbon", "PT"),
    ("nairobi", "Nairobi", "KE"),
    ("lima", "Lima", "PE"),
    ("osaka", "Osaka", "JP"),
    ("reykjavik", "Reykjavík", "IS"),
    ("quito", "Quito", "EC"),
    ("perth", "Perth", "AU"),
];

const CONDITIONS: &[&str] = &[
    "clear",
    "partly cloudy",
    "overcast",
    "light rain",
    "showers",
    "snow",
    "fog",
];

/// A weather report; temperatures in tenths of a degree, so that every
/// value has one exact decimal.
struct Report {
    slug: &'static str,
    body: String,
    temperature: i64,
    /// The look-alike fields and their values, to name the one printed.
    others: Vec<(String, i64)>,
}

impl Report {
    fn random(g: &Grading) -> Report {
        g.rng(|r| {
            let &(slug, name, country) = r.pick(CITIES);
            let temperature = r.range_i64(-150, 350);
            // Every look-alike differs from the right value by at least 0.5.
            let feels_like = temperature - r.range_i64(5, 60);
            let mut forecast: Vec<(u64, i64, &str)> = Vec::new();
            for hours in [3, 6, 9] {
                let sign = if r.range(0, 2) == 0 { 1 } else { -1 };
                let t = temperature + sign * r.range_i64(5, 60);
                forecast.push((hours, t, *r.pick(CONDITIONS)));
            }
            let humidity = r.range(30, 100);
            let wind = r.range(0, 60);
            let conditions = *r.pick(CONDITIONS);
            let entries: Vec<String> = forecast
                .iter()
                .map(|(hours, t, c)| {
                    format!(
                        r#"{{"in_hours":{hours},"temperature_c":{},"conditions":"{c}"}}"#,
                        tenths(*t)
                    )
                })
                .collect();
            // Written by hand to keep the order of the fields: the forecast
            // (with its own `temperature_c`s) comes before `current`.
            let body = format!(
                r#"{{"city":"{name}","country":"{country}","forecast":[{}],"current":{{"observed_at":"2025-03-14T09:00:00Z","temperature_c":{},"feels_like_c":{},"humidity_pct":{humidity},"wind_kmh":{wind},"conditions":"{conditions}"}}}}"#,
                entries.join(","),
                tenths(temperature),
                tenths(feels_like),
            );
            let mut others = vec![("current.feels_like_c".to_string(), feels_like)];
            for (i, (_, t, _)) in forecast.iter().enumerate() {
                others.push((format!("forecast[{i}].temperature_c"), *t));
            }
            Report {
                slug,
                body,
                temperature,
                others,
            }
        })
    }
}

/// Tenths of a degree as the API writes them: `12.3`, `-0.5`.
fn tenths(t: i64) -> String {
    format!("{:.1}", t as f64 / 10.0)
}

/// The answer of the strict API to one request.
fn answer(request: &Request, body: &str) -> Reply {
    if !request
        .header_list("accept")
        .is_some_and(|a| accepts_json(&a))
    {
        return Reply::error(
            406,
            "this API answers only requests that accept application/json",
        );
    }
    if request
        .header("user-agent")
        .is_none_or(|ua| ua.trim().is_empty())
    {
        return Reply::error(
            403,
            "requests without a User-Agent are refused: say who you are",
        );
    }
    Reply::body(200, "application/json; charset=utf-8", body.to_string())
}

/// Whether an `Accept` value lists `application/json`.
fn accepts_json(accept: &str) -> bool {
    accept.split(',').any(|media| {
        media
            .split(';')
            .next()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
    })
}

/// Whether a printed line is the number `tenths` (`12.3`, `12.30`, `12.3 °C`).
fn says_number(line: &str, tenths: i64) -> bool {
    let first = line.split_whitespace().next().unwrap_or("");
    [line.trim(), first].iter().any(|text| {
        text.parse::<f64>()
            .is_ok_and(|v| (v * 10.0 - tenths as f64).abs() < 1e-6)
    })
}

pub async fn grade(g: &Grading) -> Outcome {
    let report = Report::random(g);
    let path = format!("/v1/weather/{}", report.slug);

    let (server, mut program, first) = g
        .check("sends GET /v1/weather/<NETLINGS_CITY>", async {
            let server = Server::start(g).await?;
            let body = report.body.clone();
            server.handle(&path, move |request, _| answer(request, &body));
            let mut env = server.client_env();
            env.push(("NETLINGS_CITY", report.slug.to_string()));
            let program = g.start(&env)?;
            let first = server
                .expect_first_get(g, &program, &path)
                .await
                .map_err(|f| f.because("the URL is NETLINGS_BASE_URL, then `/v1/weather/`, then NETLINGS_CITY as it is"))?;
            Ok((server, program, first))
        })
        .await?;
    // nc shows the request the program sends; curl sends a correct one.
    let replay = format!(
        "nc -l 127.0.0.1 7000 & {}   (nc prints your request; a correct one: curl -H 'Accept: \
         application/json' -A 'my-app/1.0' http://127.0.0.1:7000{path})",
        g.run_command(&[
            ("NETLINGS_BASE_URL", "http://127.0.0.1:7000"),
            ("NETLINGS_CITY", report.slug)
        ])
    );
    g.reproduce(replay.clone());

    g.check("sends the header `Accept: application/json`", async {
        server.show(&first);
        let refused = "so the API refused it with 406 Not Acceptable";
        match first.header_list("accept").as_deref() {
            None => Err(Failure::fail(format!(
                "your request has no Accept header, {refused}"
            ))),
            Some(value) if !accepts_json(value) => Err(Failure::fail(format!(
                "your request says `Accept: {value}`, which does not list application/json, {refused}"
            ))),
            Some(_) => Ok(()),
        }
        .map_err(|f| {
            f.because(
                "say which format you want: .header(reqwest::header::ACCEPT, \"application/json\") \
                 (reqwest sends `Accept: */*` unless told otherwise)",
            )
        })
    })
    .await?;

    g.reproduce(replay);
    g.check("sends a `User-Agent` header", async {
        server.show(&first);
        match first.header("user-agent") {
            Some(ua) if !ua.trim().is_empty() => Ok(()),
            _ => Err(Failure::fail(
                "your request has no User-Agent header, so the API refused it with 403 Forbidden",
            )
            .because(
                "reqwest sends no User-Agent unless you set one, and many APIs (GitHub's) refuse \
                 anonymous clients: ClientBuilder::user_agent(\"my-app/1.0\")",
            )),
        }
    })
    .await?;

    g.check(
        "prints current.temperature_c and exits with status 0",
        async {
            let status = expect_exit(&mut program, g.limits.io, "netlings answered").await?;
            expect_line(
                &program,
                "current.temperature_c",
                &tenths(report.temperature),
                |l| says_number(l, report.temperature),
            )
            .map_err(|mut failure| {
                let lines = program.stdout_lines();
                for (field, value) in &report.others {
                    if lines.iter().any(|l| says_number(l, *value)) {
                        failure = failure.and(format!(
                            "you printed {}, the value of {field}",
                            tenths(*value)
                        ));
                    }
                }
                failure.because(
                    "decode the body into structs that mirror it (#[derive(Deserialize)]) and print \
                     report.current.temperature_c: searching the text for a field name finds the \
                     first one with that name, wherever it is",
                )
            })?;
            expect_success(&program, status)
        },
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_values() {
        assert!(accepts_json("application/json"));
        assert!(accepts_json("text/html, Application/JSON;q=0.9"));
        assert!(!accepts_json("*/*"));
        assert!(!accepts_json("application/jsonp"));
    }

    #[test]
    fn printed_numbers() {
        assert!(says_number("12.3", 123));
        assert!(says_number(" -0.5 °C", -5));
        assert!(says_number("12.30", 123));
        assert!(!says_number("12.4", 123));
        assert!(!says_number("temp 12.3", 123));
    }
}
