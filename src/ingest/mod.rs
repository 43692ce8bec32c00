//! Call ingestion: verifying, storing and merging the voice platform's call
//! events (`POST /webhooks/agent/{uuid}`).

pub mod batch;
pub mod merge;
pub mod owners;
pub mod parse;
pub mod service;
pub mod webhook;

#[cfg(test)]
mod fuzz;
