//! Inbound calls (server only): the platform asks, as a call rings, whose
//! number was dialled; we answer with that organization's settings as
//! dynamic variables, so one shared agent greets every caller as if it were
//! the organization's own. See docs/api.md for the wire format.

pub mod answer;
pub mod directory;
pub mod service;
