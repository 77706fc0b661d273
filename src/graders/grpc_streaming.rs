//! `grpc_streaming` — the `Telemetry` service of `proto/telemetry.proto`:
//! server, client and bidirectional streaming.
//!
//! The script, after the gRPC interop cases: a `Subscribe` delivers every
//! reading in order and ends OK; a slower one shows whether readings leave
//! as they are made (the first long before the last is due); `Upload` sums
//! negative values and an empty stream; `Exchange` runs in lock-step - the
//! next reading is sent only once the last one's ack came - and ends OK
//! when half-closed with nothing sent; a `Subscribe` cancelled half-way
//! leaves another one, running beside it, undisturbed.
//!
//! Timing is judged by when netlings' client received each message, with
//! bounds a loaded machine cannot miss.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Implement the `Telemetry` service of `proto/telemetry.proto` - one call, many messages, in each direction: | — | the introduction of the list below |
//! | `Subscribe` (server streaming): readings `seq` = 1..=`count` of `sensor`, `value` = seq * seq, the first at once, then one every `interval_ms`; then the call ends OK. | `Subscribe streams readings` `Subscribe sends each reading as it is made` | `grpc_streaming__seq_from_zero` `grpc_streaming__collects_before_sending` `grpc_streaming__no_interval` |
//! | `Upload` (client streaming): once the client half-closes its stream, reply `count`, `sum`, `min` and `max` of the values it sent (all 0 when it sent none). | `Upload replies count` `Upload of an empty stream` | `grpc_streaming__first_value_only_for_min_max` `grpc_streaming__empty_upload_extremes` |
//! | `Exchange` (bidirectional): answer each reading with one `Ack` (its `seq`, and `running_sum`: the sum of the values so far) before reading the next; end OK when the client half-closes. | `Exchange acks each reading` `Exchange half-closed at once` | `grpc_streaming__exchange_after_half_close` `grpc_streaming__empty_exchange_is_an_error` |
//! | A cancelled call must not disturb the others. | `a Subscribe cancelled half-way` | `grpc_streaming__one_subscriber_at_a_time` |
//! | Environment: `NETLINGS_ADDR` (`127.0.0.1:port`), where to listen. | `listens on NETLINGS_ADDR` | `grpc_streaming__ipv6_loopback` |

use std::time::Duration;

use crate::harness::{Failure, Grading, Outcome};
use crate::peers::grpc::calls::{Incoming, Next, Telemetry};
use crate::peers::grpc::client::start_server;
use crate::peers::grpc::proto::telemetry::{Reading, SubscribeRequest, UploadSummary};
use crate::peers::grpc::{grpcurl, status_text};

pub const CHECKS: &[&str] = &[
    "listens on NETLINGS_ADDR and speaks gRPC (HTTP/2)",
    "Subscribe streams readings seq 1..=count with value seq², in order, then ends OK",
    "Subscribe sends each reading as it is made, one every interval_ms",
    "Upload replies count, sum, min and max of a stream with negative values",
    "Upload of an empty stream replies all 0",
    "Exchange acks each reading before netlings sends the next (lock-step)",
    "Exchange half-closed at once, with no reading, ends OK",
    "a Subscribe cancelled half-way does not disturb another one running",
];

const PROTO: &str = "proto/telemetry.proto";

const INCREMENTAL_RULE: &str = "return the stream at once and send each reading when it is made: \
     spawn a task that sends into an mpsc channel and sleeps interval_ms between readings, and \
     return `ReceiverStream::new(rx)` - collecting the readings first (a Vec, then \
     `tokio_stream::iter`) delivers them all at the end";

/// Reads a Subscribe to its end: the readings with their arrival times.
async fn read_all(
    g: &Grading,
    stream: &mut Incoming<Reading>,
    count: u32,
    interval: Duration,
) -> Result<Vec<(Reading, Duration)>, Failure> {
    let mut got = Vec::new();
    let wait = interval + g.limits.io;
    loop {
        match stream.next(wait).await {
            Next::Message(reading, at) => {
                if got.len() as u32 >= count {
                    return Err(Failure::fail(format!(
                        "Subscribe asked for {count} readings and got a reading #{}: {reading:?}",
                        got.len() + 1
                    )));
                }
                got.push((reading, at));
            }
            Next::End(_) => return Ok(got),
            Next::Failed(status, _) => {
                return Err(Failure::fail(format!(
                    "Subscribe ended with {} after {} of {count} readings",
                    status_text(&status),
                    got.len()
                )));
            }
            Next::Silent => {
                return Err(Failure::timeout(format!(
                    "after {} of {count} readings, nothing came for {:.1} s: the stream neither \
                     went on nor ended",
                    got.len(),
                    wait.as_secs_f64()
                ))
                .because(
                    "a server stream ends when the sender side is dropped: let the task that \
                     sends the readings end (and drop its `tx`) after the last one",
                ));
            }
        }
    }
}

/// The readings must be seq 1..=count of `sensor` with value seq².
fn expect_readings(got: &[(Reading, Duration)], sensor: &str, count: u32) -> Result<(), Failure> {
    for (i, (reading, _)) in got.iter().enumerate() {
        let seq = i as u64 + 1;
        let expected = Reading {
            sensor: sensor.to_string(),
            seq,
            value: (seq * seq) as i64,
        };
        if *reading != expected {
            return Err(Failure::fail(format!(
                "reading #{seq} is {reading:?}; expected {expected:?}"
            ))
            .because("readings come in order, seq 1, 2, 3…, each with value seq * seq and the sensor asked for"));
        }
    }
    if got.len() as u32 != count {
        return Err(Failure::fail(format!(
            "Subscribe asked for {count} readings; the stream ended OK after {}",
            got.len()
        )));
    }
    Ok(())
}

fn millis(d: Duration) -> u128 {
    d.as_millis()
}

pub async fn grade(g: &Grading) -> Outcome {
    let (program, addr, channel) = g.check(CHECKS[0], start_server(g, &[])).await?;
    let telemetry = Telemetry::new(&channel);
    let run = g.run_command(&[("NETLINGS_ADDR", "127.0.0.1:7000")]);
    let sensor = |g: &Grading| format!("{}-{}", g.rng(|r| r.word(5)), g.rng(|r| r.range(1, 99)));

    let name = sensor(g);
    g.reproduce(format!(
        "{run}, then: {}",
        grpcurl(
            PROTO,
            &[],
            &format!(r#"{{"sensor":"{name}","count":5,"interval_ms":10}}"#),
            "netlings.telemetry.v1.Telemetry/Subscribe"
        )
    ));
    g.check(CHECKS[1], async {
        let count = 5;
        let interval = Duration::from_millis(10);
        let request = SubscribeRequest {
            sensor: name.clone(),
            count,
            interval_ms: millis(interval) as u32,
        };
        let mut stream = telemetry
            .subscribe(request, g.limits.io)
            .await
            .map_err(|s| Failure::fail(format!("Subscribe answered {}", status_text(&s))))?;
        let got = read_all(g, &mut stream, count, interval).await?;
        expect_readings(&got, &name, count)
    })
    .await?;

    g.check(CHECKS[2], async {
        let count = 8;
        let interval = Duration::from_millis(150);
        let name = sensor(g);
        let request = SubscribeRequest {
            sensor: name.clone(),
            count,
            interval_ms: millis(interval) as u32,
        };
        let mut stream = telemetry
            .subscribe(request, g.limits.io)
            .await
            .map_err(|s| Failure::fail(format!("Subscribe answered {}", status_text(&s))))?;
        let got = read_all(g, &mut stream, count, interval).await?;
        expect_readings(&got, &name, count)?;
        let all = interval * (count - 1);
        let first = got[0].1;
        let spread = got[count as usize - 1].1.saturating_sub(first);
        if first > all / 2 {
            return Err(Failure::fail(format!(
                "the first reading came {} ms after the call; the readings span {} ms \
                 ({count} readings, {} ms apart), and the first is due at once",
                millis(first),
                millis(all),
                millis(interval)
            ))
            .because(INCREMENTAL_RULE));
        }
        if spread < all.mul_f64(0.7) {
            return Err(Failure::fail(format!(
                "all {count} readings came within {} ms of the first; one every interval_ms \
                 ({} ms) takes {} ms",
                millis(spread),
                millis(interval),
                millis(all)
            ))
            .because("sleep interval_ms between readings (tokio::time::sleep, in the task that sends them)"));
        }
        if spread > all * 3 + Duration::from_secs(1) {
            return Err(Failure::fail(format!(
                "the {count} readings took {} ms; one every {} ms takes {} ms",
                millis(spread),
                millis(interval),
                millis(all)
            ))
            .because("interval_ms counts milliseconds"));
        }
        Ok(())
    })
    .await?;

    g.reproduce(format!(
        "{run}, then: {}",
        grpcurl(
            PROTO,
            &[],
            r#"{"sensor":"s","seq":1,"value":-5} {"sensor":"s","seq":2,"value":3}"#,
            "netlings.telemetry.v1.Telemetry/Upload"
        )
    ));
    g.check(CHECKS[3], async {
        let name = sensor(g);
        let n = g.rng(|r| r.range(4, 9));
        let values: Vec<i64> = (0..n)
            .map(|i| {
                let v = g.rng(|r| r.range(1, 1_000_000)) as i64;
                if i % 2 == 0 { -v } else { v }
            })
            .collect();
        let readings: Vec<Reading> = values
            .iter()
            .enumerate()
            .map(|(i, v)| Reading {
                sensor: name.clone(),
                seq: i as u64 + 1,
                value: *v,
            })
            .collect();
        let summary = telemetry.upload(readings).await.ok("Upload")?;
        let expected = UploadSummary {
            count: n,
            sum: values.iter().sum(),
            min: *values.iter().min().expect("some values"),
            max: *values.iter().max().expect("some values"),
        };
        if summary != expected {
            return Err(Failure::fail(format!(
                "Upload of the values {values:?} replied {summary:?}; expected {expected:?}"
            ))
            .because("values are sint64: signed, and negative ones count as they are"));
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[4], async {
        let summary = telemetry.upload(Vec::new()).await.ok("Upload of nothing")?;
        if summary != UploadSummary::default() {
            return Err(Failure::fail(format!(
                "Upload of an empty stream replied {summary:?}; with no values, count, sum, min \
                 and max are all 0"
            ))
            .because(
                "start min and max from the first value (an Option), not from i64::MAX and \
                 i64::MIN, which an empty stream would send back",
            ));
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[5], async {
        let name = sensor(g);
        let n = g.rng(|r| r.range(4, 7));
        let mut sum = 0i64;
        let wait = g.limits.io;
        let lock_step = "answer each reading as it comes: a task that reads one, sends its ack, \
             then reads the next. A server that waits for the whole stream (or for the \
             half-close) before answering deadlocks a client that waits for each ack";
        let mut exchange = None;
        for seq in 1..=n {
            let value = g.rng(|r| r.range(0, 2000)) as i64 - 1000;
            let reading = Reading {
                sensor: name.clone(),
                seq,
                value,
            };
            sum += value;
            let call = match exchange.as_mut() {
                Some(call) => {
                    crate::peers::grpc::calls::Exchange::send(call, reading).await;
                    call
                }
                None => {
                    let started = telemetry.exchange(Some(reading), wait).await.map_err(|s| {
                        match s {
                            Some(s) => Failure::fail(format!(
                                "Exchange, with one reading sent, answered {}",
                                status_text(&s)
                            )),
                            None => Failure::timeout(format!(
                                "no ack for reading 1 within {:.1} s - the call was not even \
                                 answered; netlings sends the next reading only after this one's ack",
                                wait.as_secs_f64()
                            )),
                        }
                        .because(lock_step)
                    })?;
                    exchange.insert(started)
                }
            };
            match call.acks.next(wait).await {
                Next::Message(ack, _) => {
                    if ack.seq != seq || ack.running_sum != sum {
                        return Err(Failure::fail(format!(
                            "the ack of reading {seq} is {ack:?}; expected seq {seq} and \
                             running_sum {sum}"
                        ))
                        .because("each ack carries the seq of the reading it answers and the sum of every value so far"));
                    }
                }
                Next::Silent => {
                    return Err(Failure::timeout(format!(
                        "no ack for reading {seq} within {:.1} s; netlings sends the next \
                         reading only after this one's ack",
                        wait.as_secs_f64()
                    ))
                    .because(lock_step));
                }
                Next::End(_) => {
                    return Err(Failure::fail(format!(
                        "Exchange ended OK without acking reading {seq}"
                    )));
                }
                Next::Failed(status, _) => {
                    return Err(Failure::fail(format!(
                        "Exchange ended with {} instead of acking reading {seq}",
                        status_text(&status)
                    )));
                }
            }
        }
        let mut call = exchange.expect("at least one reading");
        call.half_close();
        match call.acks.next(wait).await {
            Next::End(_) => Ok(()),
            Next::Message(ack, _) => Err(Failure::fail(format!(
                "after the half-close, one more ack came: {ack:?}"
            ))),
            Next::Failed(status, _) => Err(Failure::fail(format!(
                "after the half-close, Exchange ended with {}; it should end OK",
                status_text(&status)
            ))),
            Next::Silent => Err(Failure::timeout(format!(
                "Exchange did not end within {:.1} s of netlings' half-close",
                wait.as_secs_f64()
            ))
            .because("when the client's stream ends, end yours: drop the sender once the input stream returns None")),
        }
    })
    .await?;

    g.check(CHECKS[6], async {
        let wait = g.limits.io;
        let mut call = telemetry.exchange(None, wait).await.map_err(|s| match s {
            Some(s) => Failure::fail(format!(
                "Exchange, half-closed at once, answered {}",
                status_text(&s)
            )),
            None => Failure::timeout(format!(
                "Exchange, half-closed at once, was not answered within {:.1} s",
                wait.as_secs_f64()
            )),
        })?;
        match call.acks.next(wait).await {
            Next::End(_) => Ok(()),
            Next::Message(ack, _) => Err(Failure::fail(format!(
                "netlings sent no reading, and an ack came: {ack:?}"
            ))),
            Next::Failed(status, _) => Err(Failure::fail(format!(
                "Exchange with no reading ended with {}; it should end OK",
                status_text(&status)
            ))
            .because("an empty input stream is not an error: no readings, no acks, status OK")),
            Next::Silent => Err(Failure::timeout(format!(
                "Exchange with no reading did not end within {:.1} s",
                wait.as_secs_f64()
            ))),
        }
    })
    .await?;

    g.check(CHECKS[7], async {
        let interval = Duration::from_millis(40);
        let (long, short) = (40u32, 10u32);
        let (cancelled_name, other_name) = (sensor(g), sensor(g));
        let other_channel = crate::peers::grpc::Channel::open(g, addr).await?;
        let other = Telemetry::new(&other_channel);
        let request = |sensor: &str, count| SubscribeRequest {
            sensor: sensor.to_string(),
            count,
            interval_ms: millis(interval) as u32,
        };
        let mut cancelled = telemetry
            .subscribe(request(&cancelled_name, long), g.limits.io)
            .await
            .map_err(|s| Failure::fail(format!("Subscribe answered {}", status_text(&s))))?;
        let mut running = other
            .subscribe(request(&other_name, short), g.limits.io)
            .await
            .map_err(|s| {
                Failure::fail(format!(
                    "a second Subscribe, while the first ran, answered {}",
                    status_text(&s)
                ))
            })?;
        for _ in 0..3 {
            if let Next::Failed(status, _) = cancelled.next(g.limits.io).await {
                return Err(Failure::fail(format!(
                    "the first Subscribe ended with {}",
                    status_text(&status)
                )));
            }
        }
        cancelled.cancel();
        let got = read_all(g, &mut running, short, interval).await?;
        expect_readings(&got, &other_name, short)?;
        let late = interval * short + Duration::from_secs(1);
        let took = got.last().map(|(_, at)| *at).unwrap_or_default();
        if took > late {
            return Err(Failure::fail(format!(
                "a Subscribe of {short} readings {} ms apart, started beside another that \
                 netlings cancelled, took {} ms to deliver them",
                millis(interval),
                millis(took)
            ))
            .because(
                "every call gets a task of its own, and no lock is held for a whole stream; \
                 when a client cancels, the task that feeds its stream must stop (a failed \
                 `tx.send` says the receiver is gone)",
            ));
        }
        Ok(())
    })
    .await?;

    drop(program);
    Ok(())
}
