//! variant of: http_get_json
//! how: reqwest's async client with both headers as client-wide default_headers (Accept as a list with q-values), the body read as serde_json::Value and pointer("/current/temperature_c")
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue, USER_AGENT};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL")?;
    let city = std::env::var("NETLINGS_CITY")?;

    let mut headers = HeaderMap::new();
    headers.insert(
        ACCEPT,
        HeaderValue::from_static("application/json, text/plain;q=0.5"),
    );
    headers.insert(
        USER_AGENT,
        HeaderValue::from_static("weather-cli (netlings variant)"),
    );
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .build()?;

    let response = client
        .get(format!("{base}/v1/weather/{city}"))
        .send()
        .await?;
    if !response.status().is_success() {
        return Err(format!("the API answered {}", response.status()).into());
    }
    let report: serde_json::Value = response.json().await?;
    let temperature = report
        .pointer("/current/temperature_c")
        .and_then(serde_json::Value::as_f64)
        .ok_or("no current.temperature_c in the report")?;
    println!("{temperature}");
    Ok(())
}
