//! wharf: a terminal dashboard for Docker. The binary is `src/main.rs`; this library
//! holds everything so tests and benchmarks can reach it.

#![forbid(unsafe_code)]

pub mod app;
pub mod build;
pub mod compose;
pub mod config;
pub mod console;
pub mod credentials;
pub mod docker;
pub mod files;
pub mod launch;
pub mod layout;
pub mod local_time;
pub mod logging;
pub mod logs;
pub mod model;
pub mod paths;
pub mod state;
pub mod terminal;
pub mod text;
pub mod ui;
