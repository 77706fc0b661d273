//! `amqp_work_queue` (being written)
use crate::harness::{Grading, Outcome};
pub const CHECKS: &[&str] = &[];
pub async fn grade(_g: &Grading) -> Outcome {
    Ok(())
}
