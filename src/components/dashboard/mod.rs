//! The organization dashboard's parts: the filter bar, the figure cards, the
//! chart and agent breakdown, the calls table, and the live-update hook.

pub mod cards;
pub mod chart;
pub mod filters;
pub mod live;
pub mod table;
