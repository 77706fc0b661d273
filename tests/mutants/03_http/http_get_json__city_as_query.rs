//! mutant of: http_get_json
//! bug: asks for the city as a query parameter, GET /v1/weather?city=<city>, not as a path segment
//! fails: sends GET /v1/weather/<NETLINGS_CITY>
//! says: /v1/weather
use serde::Deserialize;

#[derive(Deserialize)]
struct WeatherReport {
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
        .user_agent("weather-cli/0.1")
        .build()?;
    let report: WeatherReport = client
        .get(format!("{base}/v1/weather?city={city}"))
        .header(reqwest::header::ACCEPT, "application/json")
        .send()?
        .error_for_status()?
        .json()?;
    println!("{}", report.current.temperature_c);
    Ok(())
}
