//! The routes the voice platform calls, each identified by its signature
//! (not by cookies or Host): call events (`calls`) and inbound-call
//! questions (`inbound`). They read the request and answer; what is stored
//! and what is answered is decided by the ingest and inbound services.

pub mod calls;
pub mod inbound;
