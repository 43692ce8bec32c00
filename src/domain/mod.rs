//! Types and rules shared by the server and the browser. Nothing here touches
//! the database or the network, so it compiles to WebAssembly too.

pub mod activity;
pub mod agents;
pub mod branding;
pub mod dashboard;
#[cfg(feature = "ssr")]
pub mod hours;
pub mod invitations;
#[cfg(feature = "ssr")]
pub mod mail;
pub mod numbers;
#[cfg(feature = "ssr")]
pub mod reservations;
pub mod revenue;
pub mod routing;
pub mod settings;
pub mod signup;
pub mod statements;
pub mod system;
pub mod time;
pub mod tool_data;
#[cfg(feature = "ssr")]
pub mod tool_import;
pub mod two_factor;
pub mod types;
pub mod usage;
pub mod validate;

pub use agents::*;
pub use branding::*;
pub use dashboard::{
    AgentShare, Bucket, CallDetail, CallFilter, CallKind, CallLine, CallsPage, Dashboard,
    Direction, Period, Point, Totals, Turn,
};
pub use routing::*;
pub use settings::*;
pub use time::Clock;
pub use types::*;
