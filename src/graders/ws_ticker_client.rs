//! `ws_ticker_client` — a WebSocket client that survives being dropped.
//!
//! netlings runs a ticker: ticks are numbered, and the ticker keeps going
//! while a client is away (five ticks pass during each drop). It drops the
//! client twice without a close frame. The client must reconnect and
//! resubscribe so that, in the end, it printed every tick exactly once, in
//! order: `SUBSCRIBE <symbol> FROM <seq>` replays what it missed; a plain
//! `SUBSCRIBE` resumes at the live tick, and the ticks in between are lost.
//! Only the tick lines of its stdout (`<seq> <price>`) are judged, and a
//! price may be written as the number it is (`101.2` for `101.20`).

use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

use crate::harness::expect::{expect_exit, expect_success};
use crate::harness::net::{accept, listen};
use crate::harness::{Failure, Grading, Outcome, Program};
use crate::peers::tcp::Conn;
use crate::peers::ws::WsConn;

pub const CHECKS: &[&str] = &[
    "connects to NETLINGS_WS_URL and subscribes",
    "reconnects after the server drops the connection, and resubscribes",
    "reconnects again after a second drop",
    "printed every tick once, in order, then exited with status 0",
];

const RECONNECT: &str = "when the connection drops (an error, or the stream ends without END), \
connect again and resubscribe";

/// Ticks in the whole run.
const TOTAL: u64 = 24;
/// Ticks the ticker produces while a dropped client is away.
const MISSED_WHILE_AWAY: u64 = 5;

struct Ticker {
    symbol: String,
    prices: Vec<String>,
    /// The tick the ticker is at now.
    live: u64,
}

impl Ticker {
    fn line(&self, seq: u64) -> String {
        format!("{seq} {}", self.prices[seq as usize])
    }

    /// Reads the SUBSCRIBE request: where this connection's ticks start.
    async fn subscription(&self, ws: &mut WsConn) -> Result<u64, Failure> {
        let request = ws.recv_text("the SUBSCRIBE request").await?;
        let words: Vec<&str> = request.split_whitespace().collect();
        match words[..] {
            ["SUBSCRIBE", symbol] if symbol == self.symbol => Ok(self.live),
            ["SUBSCRIBE", symbol, "FROM", from] if symbol == self.symbol => from
                .parse::<u64>()
                .map_err(|_| Failure::fail(format!("`FROM {from}` is not a tick number"))),
            _ => Err(Failure::mismatch(
                "the request is not `SUBSCRIBE <symbol>` or `SUBSCRIBE <symbol> FROM <seq>`",
                "the SUBSCRIBE request",
                format!("SUBSCRIBE {}", self.symbol).into_bytes(),
                request.into_bytes(),
            )),
        }
    }

    /// Sends ticks `from..until` as `TICK <symbol> <seq> <price>`.
    async fn send(&mut self, ws: &mut WsConn, from: u64, until: u64) -> Result<(), Failure> {
        for seq in from..until.min(TOTAL) {
            ws.send(Message::text(format!(
                "TICK {} {}",
                self.symbol,
                self.line(seq)
            )))
            .await?;
        }
        self.live = self.live.max(until);
        Ok(())
    }
}

/// Accepts the program's next connection, `after` a drop.
async fn next_connection(
    g: &Grading,
    listener: &TcpListener,
    program: &Program,
    after: &str,
) -> Result<WsConn, Failure> {
    let stream = accept(
        program,
        listener,
        g.limits.io * 2,
        &format!("reconnect {after}"),
    )
    .await
    .map_err(|f| f.because(RECONNECT))?;
    WsConn::accept(g, stream).await
}

pub async fn grade(g: &Grading) -> Outcome {
    let mut ticker = Ticker {
        symbol: g.rng(|r| r.word(4)).to_uppercase(),
        prices: (0..TOTAL)
            .map(|_| g.rng(|r| format!("{}.{:02}", r.range(90, 120), r.range(0, 100))))
            .collect(),
        live: 0,
    };
    let first_drop = g.rng(|r| r.range(4, 8));
    let second_drop = first_drop + MISSED_WHILE_AWAY + g.rng(|r| r.range(3, 6));

    let (listener, mut program, ws) = g
        .check("connects to NETLINGS_WS_URL and subscribes", async {
            let listener = listen().await?;
            let addr = listener
                .local_addr()
                .map_err(|e| Failure::error(e.to_string()))?;
            let program = g.start(&[
                ("NETLINGS_WS_URL", format!("ws://{addr}/ticks")),
                ("NETLINGS_SYMBOL", ticker.symbol.clone()),
            ])?;
            let stream = Conn::accept(g, &program, &listener, "NETLINGS_WS_URL")
                .await?
                .into_stream();
            let mut ws = WsConn::accept(g, stream).await?;
            let from = ticker.subscription(&mut ws).await?;
            ticker.send(&mut ws, from, first_drop).await?;
            Ok((listener, program, ws))
        })
        .await?;

    g.check(
        "reconnects after the server drops the connection, and resubscribes",
        async {
            // The ticks already sent still arrive: the connection ends after them.
            ws.drop_abruptly();
            ticker.live += MISSED_WHILE_AWAY;
            g.transcript.event(
                None,
                format!(
                    "the ticker moves on to tick {} while your client is away",
                    ticker.live
                ),
            );
            let mut again = next_connection(g, &listener, &program, "after the first drop").await?;
            let from = ticker.subscription(&mut again).await?;
            ticker.send(&mut again, from, second_drop).await?;
            again.drop_abruptly();
            ticker.live += MISSED_WHILE_AWAY;
            Ok(())
        },
    )
    .await?;

    g.check("reconnects again after a second drop", async {
        let mut last = next_connection(g, &listener, &program, "after the second drop").await?;
        let from = ticker.subscription(&mut last).await?;
        ticker.send(&mut last, from, TOTAL).await?;
        last.send(Message::text("END")).await?;
        let _ = last.close(1000, "end of the ticks").await;
        Ok(())
    })
    .await?;

    g.check("printed every tick once, in order, then exited with status 0", async {
        let status = expect_exit(&mut program, g.limits.io, "the ticker sent END").await?;
        // The tick lines, `<seq> <price>`; other lines (diagnostics) are not
        // ticks and are left out.
        let ticks: Vec<(u64, String)> = program
            .stdout_lines()
            .iter()
            .filter_map(|l| tick_line(l))
            .collect();
        let printed: Vec<String> = ticks
            .iter()
            .map(|(seq, price)| format!("{seq} {price}"))
            .collect();
        let expected: Vec<String> = (0..TOTAL).map(|s| ticker.line(s)).collect();
        let same = ticks.len() == expected.len()
            && ticks.iter().zip(0..).all(|((seq, price), s)| {
                *seq == s && same_price(price, &ticker.prices[s as usize])
            });
        if !same {
            let seqs: Vec<u64> = ticks.iter().map(|(seq, _)| *seq).collect();
            let missing: Vec<String> = (0..TOTAL)
                .filter(|s| !seqs.contains(s))
                .map(|s| s.to_string())
                .collect();
            let twice: Vec<String> = (0..TOTAL)
                .filter(|s| seqs.iter().filter(|x| *x == s).count() > 1)
                .map(|s| s.to_string())
                .collect();
            // Its tick lines; all of its output if none looks like a tick.
            let shown = if ticks.is_empty() {
                program.stdout_bytes()
            } else {
                format!("{}\n", printed.join("\n")).into_bytes()
            };
            let mut failure = Failure::mismatch(
                "what your program printed is not every tick once, in order",
                "the ticks, one `<seq> <price>` per line",
                format!("{}\n", expected.join("\n")),
                shown,
            );
            if !missing.is_empty() {
                failure = failure
                    .and(format!("missing ticks: {}", missing.join(", ")))
                    .because("ticks sent while you were away are lost unless you resubscribe `FROM` the next tick you need");
            }
            if !twice.is_empty() {
                failure = failure
                    .and(format!("ticks printed more than once: {}", twice.join(", ")))
                    .because("resubscribe FROM the tick after the last one you printed, not from the start");
            }
            return Err(failure);
        }
        expect_success(&program, status)
    })
    .await?;
    Ok(())
}

/// A printed tick, `<seq> <price>`; `None` for any other line.
fn tick_line(line: &str) -> Option<(u64, String)> {
    let mut words = line.split_whitespace();
    let (seq, price) = (words.next()?, words.next()?);
    if words.next().is_some() {
        return None;
    }
    Some((seq.parse().ok()?, price.to_string()))
}

/// The price as sent (`101.20`), or the same number written another way
/// (`101.2`, by a program that parsed it as a float).
fn same_price(printed: &str, sent: &str) -> bool {
    printed == sent
        || matches!(
            (printed.parse::<f64>(), sent.parse::<f64>()),
            (Ok(a), Ok(b)) if (a - b).abs() < 1e-9
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_lines() {
        assert_eq!(tick_line("3 101.20"), Some((3, "101.20".into())));
        assert_eq!(tick_line("  7   99.5 "), Some((7, "99.5".into())));
        assert_eq!(tick_line("reconnecting in 50ms"), None);
        assert_eq!(tick_line("TICK ABC 3 101.20"), None);
        assert!(same_price("101.2", "101.20"));
        assert!(!same_price("101.3", "101.20"));
    }
}
