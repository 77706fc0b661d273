//! mutant of: http_get_json
//! bug: decodes the report but prints the neighbouring field, current.feels_like_c
//! fails: prints current.temperature_c
//! says: the value of current.feels_like_c
use serde::Deserialize;

#[derive(Deserialize)]
struct Report {
    current: Current,
}

#[derive(Deserialize)]
struct Current {
    feels_like_c: f64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL")?;
    let city = std::env::var("NETLINGS_CITY")?;
    let client = reqwest::blocking::Client::builder()
        .user_agent("weather-mutant/0.1")
        .build()?;
    let report: Report = client
        .get(format!("{base}/v1/weather/{city}"))
        .header(reqwest::header::ACCEPT, "application/json")
        .send()?
        .error_for_status()?
        .json()?;
    println!("{}", report.current.feels_like_c);
    Ok(())
}
