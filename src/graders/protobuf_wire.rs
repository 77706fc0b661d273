//! todo
pub const CHECKS: &[&str] = &[];
pub async fn grade(_g: &crate::harness::Grading) -> crate::harness::Outcome {
    Ok(())
}
