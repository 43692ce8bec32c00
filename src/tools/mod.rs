//! Tools the voice agent calls during a call (server only). The one tool
//! today is `check_reservation`: the organization comes from the signed
//! call itself (the number dialled, the agent's registration, or the
//! metadata our inbound answer set), never from the model's arguments, and
//! the answer comes from that organization's data only.

pub mod reservation;
