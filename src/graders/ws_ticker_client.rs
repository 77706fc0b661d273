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
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Live prices are a classic: the server pushes each tick as it happens. | — | context |
//! | But a long-lived connection *will* drop, and a client must carry on without losing or repeating anything. | `printed every tick once` | `ws_ticker_client__resubscribes_live` `ws_ticker_client__from_last_printed` |
//! | Write the client: | — | the introduction of the steps below |
//! | Connect to `NETLINGS_WS_URL` (e.g. `ws://127.0.0.1:41234/ticks`) and send the text `SUBSCRIBE <symbol>` (`<symbol>` is `NETLINGS_SYMBOL`). | `connects to NETLINGS_WS_URL and subscribes` | `ws_ticker_client__binary_subscribe` |
//! | The server sends text messages `TICK <symbol> <seq> <price>`, with `<seq>` counting up from 0. | — | what netlings' server sends: the input of the step below |
//! | Print each tick as one line: `<seq> <price>`. | `printed every tick once` | `ws_ticker_client__prints_whole_message` |
//! | The server may drop the connection at any time (the stream ends, or an error, without a close frame). | — | what netlings' server does: the reason for the step below |
//! | Then reconnect and send `SUBSCRIBE <symbol> FROM <seq>` with the next tick you need: the server replays what you missed. | `reconnects after the server drops` `reconnects again` `printed every tick once` | `ws_ticker_client__no_reconnect` `ws_ticker_client__reconnects_once` `ws_ticker_client__replays_from_start` |
//! | (Without `FROM` it resumes at the live tick, and whatever happened while you were away is lost.) | — | context: why FROM matters (the mutant that resubscribes without it fails the step above) |
//! | The text `END` means the ticks are over: exit with status 0. | `printed every tick once, in order, then exited` | `ws_ticker_client__ignores_end` |

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
    /// The next tick the client needs: the one after the last it was sent.
    needed: u64,
    /// Each resubscription after a drop: which drop, the request, the tick
    /// it starts from, and the tick it needed.
    resubscribed: Vec<(&'static str, String, u64, u64)>,
}

impl Ticker {
    fn line(&self, seq: u64) -> String {
        format!("{seq} {}", self.prices[seq as usize])
    }

    /// Reads the SUBSCRIBE request: where this connection's ticks start,
    /// and the request.
    async fn subscription(&self, ws: &mut WsConn) -> Result<(u64, String), Failure> {
        let request = ws.recv_text("the SUBSCRIBE request").await?;
        let words: Vec<&str> = request.split_whitespace().collect();
        match words[..] {
            ["SUBSCRIBE", symbol] if symbol == self.symbol => Ok((self.live, request)),
            ["SUBSCRIBE", symbol, "FROM", from] if symbol == self.symbol => from
                .parse::<u64>()
                .map(|from| (from, request.clone()))
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
        self.needed = until.min(TOTAL);
        Ok(())
    }

    /// Reads the SUBSCRIBE request of a reconnection `after` a drop, and
    /// remembers where it starts against where it should.
    async fn resubscription(
        &mut self,
        ws: &mut WsConn,
        after: &'static str,
    ) -> Result<u64, Failure> {
        let (from, request) = self.subscription(ws).await?;
        self.resubscribed.push((after, request, from, self.needed));
        Ok(from)
    }

    /// What each resubscription that did not start at the needed tick
    /// asked for, and what it should have.
    fn wrong_resubscriptions(&self) -> Vec<String> {
        self.resubscribed
            .iter()
            .filter(|(_, _, from, needed)| from != needed)
            .map(|(after, request, from, needed)| {
                let (first, last) = if from < needed {
                    (*from, needed - 1)
                } else {
                    (*needed, from - 1)
                };
                let ticks = if first == last {
                    format!("tick {first}")
                } else {
                    format!("ticks {first} to {last}")
                };
                format!(
                    "{after} your client sent `{request}`, which starts at tick {from}; it had been sent every \
                     tick before {needed}, so it should have asked `FROM {needed}` ({ticks} {})",
                    if from < needed { "came twice" } else { "were lost" }
                )
            })
            .collect()
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
        needed: 0,
        resubscribed: Vec::new(),
    };
    let first_drop = g.rng(|r| r.range(4, 8));
    let second_drop = first_drop + MISSED_WHILE_AWAY + g.rng(|r| r.range(3, 6));

    let (listener, mut program, ws) = g
        .check("connects to NETLINGS_WS_URL and subscribes", async {
            let listener = listen(g).await?;
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
            let (from, _) = ticker.subscription(&mut ws).await?;
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
            let from = ticker
                .resubscription(&mut again, "after the first drop")
                .await?;
            ticker.send(&mut again, from, second_drop).await?;
            again.drop_abruptly();
            ticker.live += MISSED_WHILE_AWAY;
            Ok(())
        },
    )
    .await?;

    g.check("reconnects again after a second drop", async {
        let mut last = next_connection(g, &listener, &program, "after the second drop").await?;
        let from = ticker
            .resubscription(&mut last, "after the second drop")
            .await?;
        ticker.send(&mut last, from, TOTAL).await?;
        last.send(Message::text("END")).await?;
        let _ = last.close(1000, "end of the ticks").await;
        Ok(())
    })
    .await?;

    g.check("printed every tick once, in order, then exited with status 0", async {
        let status = expect_exit(&mut program, g.limits.io, "the ticker sent END").await?;
        if program.not_judged("whether it printed every tick once, in order") {
            return Ok(());
        }
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
                failure = failure.and(format!("missing ticks: {}", missing.join(", ")));
            }
            if !twice.is_empty() {
                failure = failure.and(format!("ticks printed more than once: {}", twice.join(", ")));
            }
            let wrong = ticker.wrong_resubscriptions();
            if wrong.is_empty() {
                // Every resubscription asked for the right tick: the ticks
                // were lost or repeated on the way to stdout.
                failure = failure.because(
                    "netlings sent every tick once; print each tick as it arrives, once",
                );
            }
            for line in wrong {
                failure = failure.and(line);
            }
            if !ticker.resubscribed.iter().all(|(_, _, from, needed)| from == needed) {
                failure = failure.because(
                    "resubscribe `FROM` the tick after the last one you received: the server replays from there",
                );
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
