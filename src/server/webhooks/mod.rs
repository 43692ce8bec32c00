//! The routes the voice platform calls, each identified by its signature
//! (not by cookies or Host): call events (`calls`), inbound-call questions
//! (`inbound`) and tool calls (`tools`). They read the request and answer;
//! what is stored and what is answered is decided by the ingest, inbound and
//! tools services.

pub mod calls;
pub mod inbound;
pub mod stripe;
pub mod tools;
