//! mutant of: http_get_json
//! bug: sends Accept but relies on reqwest's defaults for the rest: no User-Agent, so the API answers 403
//! fails: sends a `User-Agent` header
//! says: no User-Agent header
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
    let report: Report = reqwest::blocking::Client::new()
        .get(format!("{base}/v1/weather/{city}"))
        .header(reqwest::header::ACCEPT, "application/json")
        .send()?
        .json()?;
    println!("{}", report.current.temperature_c);
    Ok(())
}
