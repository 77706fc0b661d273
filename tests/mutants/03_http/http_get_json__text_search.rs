//! mutant of: http_get_json
//! bug: reads the body as text and takes the number after the first `"temperature_c":`, which is a forecast's
//! fails: prints current.temperature_c
//! says: forecast[0].temperature_c
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL")?;
    let city = std::env::var("NETLINGS_CITY")?;
    let client = reqwest::blocking::Client::builder()
        .user_agent("weather-mutant/0.1")
        .build()?;
    let text = client
        .get(format!("{base}/v1/weather/{city}"))
        .header(reqwest::header::ACCEPT, "application/json")
        .send()?
        .text()?;
    let key = "\"temperature_c\":";
    let start = text.find(key).ok_or("no temperature")? + key.len();
    let number: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    println!("{number}");
    Ok(())
}
