//! Each kind of mistake in a config file gives its precise message: the file, the line
//! and column, and what was expected. Snapshots keep the wording from drifting.

// Tests may panic on a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use wharf::config::Config;

fn error_of(text: &str) -> String {
    Config::parse(text, Path::new("/home/me/.config/wharf/config.toml")).unwrap_err().to_string()
}

#[test]
fn syntax_error() {
    insta::assert_snapshot!(error_of("[ui]\nshow_all = tru\n"));
}

#[test]
fn unknown_key() {
    insta::assert_snapshot!(error_of("[logs]\ntail_lines = 10\nbufer_lines = 5\n"));
}

#[test]
fn wrong_type() {
    insta::assert_snapshot!(error_of("[stats]\ninterval_secs = \"5s\"\n"));
}

#[test]
fn bad_key_name_in_the_keymap() {
    insta::assert_snapshot!(error_of("[keys.global]\nquit = [\"ctrl-\"]\n"));
}

#[test]
fn unknown_action_in_the_keymap() {
    insta::assert_snapshot!(error_of("[keys.logs]\nsave_everything = [\"S\"]\n"));
}

#[test]
fn two_actions_on_one_key() {
    insta::assert_snapshot!(error_of("[keys.containers]\nstop = [\"x\"]\nkill = [\"x\"]\n"));
}

#[test]
fn bad_colour() {
    insta::assert_snapshot!(error_of("[ui.colors]\nrunning = \"greenish\"\n"));
}

#[test]
fn bad_hosts() {
    let both = "[[hosts]]\nname = \"a\"\nhost = \"tcp://h:2375\"\ncontext = \"c\"\n";
    let scheme = "[[hosts]]\nname = \"a\"\nhost = \"h:2375\"\n";
    let twice = "[[hosts]]\nname = \"a\"\nhost = \"tcp://h:2375\"\n[[hosts]]\nname = \"a\"\ncontext = \"c\"\n";
    let tls = "[[hosts]]\nname = \"a\"\nhost = \"ssh://me@h\"\ntls_cert_path = \"/certs\"\n";
    let messages: Vec<String> = [both, scheme, twice, tls].into_iter().map(error_of).collect();
    insta::assert_snapshot!(messages.join("\n"));
}

/// What the example file shows commented out is valid once uncommented: the colours
/// and the hosts.
#[test]
fn the_examples_commented_colours_and_hosts_are_valid() {
    let example = include_str!("../config.example.toml");
    let colours: String = example
        .lines()
        .skip_while(|l| *l != "[ui.colors]")
        .take_while(|l| *l != "[logs]")
        .map(|l| l.strip_prefix("# ").filter(|l| l.contains(" = \"")).unwrap_or(l))
        .map(|l| format!("{l}\n"))
        .collect();
    let config = Config::parse(&colours, Path::new("colours.toml")).unwrap();
    assert!(config.ui.colors.entries().len() >= 20, "{colours}");

    let hosts: String = example
        .lines()
        .skip_while(|l| !l.starts_with("# For example:") || !example.contains("[[hosts]]"))
        .filter_map(|l| l.strip_prefix("#   "))
        .take_while(|l| !l.starts_with('['.to_string().as_str()) || l.starts_with("[[hosts]]"))
        .filter(|l| l.starts_with("[[hosts]]") || l.contains(" = "))
        .map(|l| format!("{l}\n"))
        .collect();
    let config = Config::parse(&hosts, Path::new("hosts.toml")).unwrap();
    let names: Vec<&str> = config.hosts.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["laptop", "build-box", "prod"], "{hosts}");
}
