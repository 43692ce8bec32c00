//! The voice platform (Retell AI): request signatures, the REST client, and
//! the event simulator. Server-only; nothing here reaches the browser.

pub mod client;
pub mod signature;
pub mod simulate;
pub mod verify;
