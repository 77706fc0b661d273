//! mutant of: http_get_json
//! bug: sets a User-Agent but leaves reqwest's `Accept: */*`, so the API answers 406
//! fails: sends the header `Accept: application/json`
//! says: which does not list application/json
use serde::Deserialize;

#[derive(Deserialize)]
struct Report {
    current: Current,
}

#[derive(Deserialize)]
struct Current {
    temperature_c: f64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL")?;
    let city = std::env::var("NETLINGS_CITY")?;
    let client = reqwest::blocking::Client::builder()
        .user_agent("weather-mutant/0.1")
        .build()?;
    let report: Report = client
        .get(format!("{base}/v1/weather/{city}"))
        .send()?
        .error_for_status()?
        .json()?;
    println!("{}", report.current.temperature_c);
    Ok(())
}
