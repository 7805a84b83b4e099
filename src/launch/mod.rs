//! Everything between what a user types (or a preset holds) and a `LaunchSpec`: the
//! parsers for ports, env, names, images, volumes and restart policies, the form's draft
//! and its validation, the presets, and what a failed launch means. Pure code: no I/O.

pub mod client;
pub mod command;
mod draft;
mod env;
pub mod explain;
pub mod from_inspect;
mod names;
mod network;
mod ports;
pub mod presets;
pub mod recreate;
mod request;

pub use draft::{Field, FieldError, LaunchDraft};
pub use env::{parse_env_line, parse_env_lines};
pub use names::{parse_container_name, parse_image_ref, parse_restart_policy, parse_volume_spec};
pub use network::{HOST_GATEWAY, NetworkChoice, form_shows_network, parse_extra_host, parse_network};
pub use ports::parse_port_spec;
pub use request::{create_request, split_networks};
