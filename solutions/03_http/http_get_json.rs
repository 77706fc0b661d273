//! # http_get_json — a reference solution
//!
//! Q8. Compare reqwest's blocking and async clients (Python: `requests` vs
//! `httpx`). Which would you use for async APIs and why?
//!
//! The blocking client suits a program that makes one request and waits
//! for it: no runtime to set up, code that reads top to bottom. (It runs
//! the async client on a thread of its own behind the scenes, which is why
//! it must never be called from inside an async runtime.)

use serde::Deserialize;

/// The part of the answer this program needs. serde ignores every field a
/// struct does not name, so the API can add fields without breaking us; a
/// missing or mistyped field is an error that names it.
#[derive(Debug, Deserialize)]
struct WeatherReport {
    current: Current,
}

/// `current` is a nested object, so it is a struct of its own. Its
/// `temperature_c` is not the forecast's: the structure says which is which,
/// where a search through the text would find the first one.
#[derive(Debug, Deserialize)]
struct Current {
    temperature_c: f64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL").expect("netlings sets NETLINGS_BASE_URL");
    let city = std::env::var("NETLINGS_CITY").expect("netlings sets NETLINGS_CITY");

    // One Client per program: it keeps the connection pool and the settings
    // every request shares. reqwest sends no User-Agent unless told, and
    // many APIs (GitHub's, for one) refuse anonymous clients.
    let client = reqwest::blocking::Client::builder()
        .user_agent("netlings-weather/1.0")
        .build()?;

    let report: WeatherReport = client
        .get(format!("{base}/v1/weather/{city}"))
        // Content negotiation: ask for the format you will decode.
        .header(reqwest::header::ACCEPT, "application/json")
        .send()?
        // A 4xx or 5xx answer is still an Ok(Response): turn it into an
        // error here, so an error body is never decoded as a weather report.
        .error_for_status()?
        .json()?;

    println!("{}", report.current.temperature_c);
    Ok(())
}
