//! `amqp_topic_routing` (being written)
use crate::harness::{Grading, Outcome};
pub const CHECKS: &[&str] = &[];
pub async fn grade(_g: &Grading) -> Outcome {
    Ok(())
}
