//! Types and rules shared by the server and the browser. Nothing here touches
//! the database or the network, so it compiles to WebAssembly too.

pub mod agents;
pub mod branding;
pub mod routing;
pub mod settings;
pub mod types;
pub mod validate;

pub use agents::*;
pub use branding::*;
pub use routing::*;
pub use settings::*;
pub use types::*;
