//! # http_get_json
//!
//! Q8. Compare reqwest's blocking and async clients (Python: `requests` vs
//! `httpx`). Which would you use for async APIs and why?
//!
//! Start with the blocking client, the one that reads like `requests`: one
//! GET to a JSON weather API.
//!
//! 1. GET `<NETLINGS_BASE_URL>/v1/weather/<NETLINGS_CITY>`, for example
//!    `http://127.0.0.1:41234/v1/weather/oslo`.
//! 2. The API is strict, as many public ones are: it answers only requests
//!    that send `Accept: application/json` (406 otherwise) and a
//!    `User-Agent` header naming the client (403 otherwise). Unless you say
//!    otherwise, reqwest sends `Accept: */*` and no User-Agent at all.
//! 3. The answer is a JSON object:
//!    `{"city": "Oslo", "country": "NO", "forecast": [{"in_hours": 3,
//!    "temperature_c": 11.0, …}, …], "current": {"temperature_c": 12.3,
//!    "feels_like_c": 9.8, "humidity_pct": 81, …}}`.
//!    Decode it and print `current.temperature_c` alone on a line (`12.3`),
//!    then exit with status 0.
//!
//! How it is graded: netlings is the API server. It checks your request
//! line and headers, answers a random report, and compares what you print
//! with the value it sent.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use serde::Deserialize;

// TODO: describe the part of the answer you need. serde ignores the fields
// a struct does not name, and a nested object is a struct of its own.
#[derive(Debug, Deserialize)]
struct WeatherReport {}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL").expect("netlings sets NETLINGS_BASE_URL");
    let city = std::env::var("NETLINGS_CITY").expect("netlings sets NETLINGS_CITY");

    // TODO: build a reqwest::blocking::Client, send the GET with both
    // headers, decode the JSON (`.json::<WeatherReport>()`), print the field.
    todo!("GET the weather report with the Accept and User-Agent headers")
}
