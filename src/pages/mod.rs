//! One module per page; the route table is in `app.rs`.

pub mod account;
pub mod activity;
pub mod home;
pub mod invite;
pub mod login;
pub mod not_found;
pub mod org;
pub mod password;
pub mod platform;
pub mod signup;
