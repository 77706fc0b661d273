//! `netlings.jobs.v1.Jobs/Run`, and the `step <n>` lines a Jobs server
//! prints as its work goes: how netlings sees whether work stopped when
//! the caller stopped waiting.

use std::time::{Duration, Instant};

use tokio::task::JoinHandle;
use tonic::Status;

use super::client::{Answer, CallOptions, Channel};
use super::proto::jobs::jobs_client::JobsClient;
use super::proto::jobs::{RunReply, RunRequest};
use crate::harness::Program;

pub const RUN: &str = "/netlings.jobs.v1.Jobs/Run";

/// A `Run` in flight, on a task of its own so that it can be cancelled.
pub struct RunningCall {
    task: JoinHandle<Answer<RunReply>>,
    channel: Channel,
    pub started: Instant,
}

/// Starts `Run(steps)` with `options` (its deadline, its token).
pub fn start_run(channel: &Channel, steps: u32, options: &CallOptions) -> RunningCall {
    let request = RunRequest { steps };
    channel.sent(RUN, &request, options);
    let mut client = JobsClient::new(channel.inner.clone());
    let request = options.request(request);
    let recorder = channel.clone();
    let started = Instant::now();
    let task = tokio::spawn(async move {
        let result = client.run(request).await.map(tonic::Response::into_inner);
        let took = started.elapsed();
        match &result {
            Ok(reply) => recorder.answered(reply, took),
            Err(status) => recorder.ended(&Err(status.clone()), took),
        }
        Answer { result, took }
    });
    RunningCall {
        task,
        channel: channel.clone(),
        started,
    }
}

impl RunningCall {
    /// How the call ended, waiting at most `within`; `None` if it had not.
    pub async fn finish(&mut self, within: Duration) -> Option<Answer<RunReply>> {
        match tokio::time::timeout(within, &mut self.task).await {
            Ok(Ok(answer)) => Some(answer),
            Ok(Err(_)) => Some(Answer {
                result: Err(Status::cancelled("the call's task ended")),
                took: self.started.elapsed(),
            }),
            Err(_) => None,
        }
    }

    /// Cancels the call, as a client that gives up does (the HTTP/2 stream
    /// is reset with `CANCEL`).
    pub fn cancel(self) -> Instant {
        self.task.abort();
        self.channel.event(format!(
            "netlings cancelled the call after {} ms (RST_STREAM CANCEL)",
            self.started.elapsed().as_millis()
        ));
        Instant::now()
    }
}

/// The step numbers the program printed so far (`step <n>` lines).
pub fn steps(program: &Program) -> Vec<u64> {
    program
        .stdout_text()
        .lines()
        .filter_map(|l| l.trim().strip_prefix("step ")?.trim().parse().ok())
        .collect()
}

/// Waits until the program printed `step <n>` (or a later step), at most
/// `within`.
pub async fn wait_for_step(program: &Program, n: u64, within: Duration) -> Option<u64> {
    program
        .wait_stdout(within, |text| {
            text.lines()
                .filter_map(|l| l.trim().strip_prefix("step ")?.trim().parse::<u64>().ok())
                .max()
                .filter(|max| *max >= n)
        })
        .await
}

/// Watches the program's `step` lines for `window` and returns each new
/// step it printed with when netlings read it: empty when the work had
/// stopped.
pub async fn steps_during(program: &Program, window: Duration) -> Vec<(u64, Instant)> {
    let end = Instant::now() + window;
    let mut seen = steps(program).len();
    let mut later = Vec::new();
    loop {
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return later;
        }
        let now = program
            .wait_stdout(left, |text| {
                let n = text
                    .lines()
                    .filter(|l| l.trim().starts_with("step "))
                    .count();
                (n > seen).then_some(n)
            })
            .await;
        let Some(now) = now else {
            return later;
        };
        let at = Instant::now();
        let all = steps(program);
        for step in all.iter().skip(seen) {
            later.push((*step, at));
        }
        seen = now;
    }
}
