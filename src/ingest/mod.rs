//! Call ingestion: verifying, storing and merging the voice platform's call
//! events. The route (`POST /webhooks/agent/{uuid}`) is
//! `server::webhooks::calls`; everything it decides is here.

pub mod batch;
pub mod fields;
pub mod merge;
pub mod owners;
pub mod parse;
pub mod row;
pub mod service;

#[cfg(test)]
mod fuzz;
