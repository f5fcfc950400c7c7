//! The conformance suite: every function takes a `&Device`, so the same checks run on every backend.
pub mod goldens;
pub mod gradcheck;
