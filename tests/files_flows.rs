//! The file browser through `update()`: opening it on a container, moving through
//! directories, the viewer and its search, the copy prompts, the questions before
//! anything is replaced, progress and cancel; screens as insta snapshots. Then the
//! runner with the scripted daemon: a hostile archive copied out writes nothing
//! outside the chosen directory, and `--read-only` refuses a copy in.

// Tests may panic on a broken fixture or a failed setup: that is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod fake;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use common::Harness;
use crossterm::event::KeyCode;
use fake::{FakeDocker, api, next_msg};
use tokio::sync::{mpsc, watch};
use wharf::app::effect::{Change, Effect, Read, Stream};
use wharf::app::msg::{Answer, Msg, Streamed};
use wharf::app::runner::EffectRunner;
use wharf::model::{FileEntry, FileKind, FileText, Listing, Opened, PathStat};
use wharf::state::{FilesView, Modal, StreamId};

fn entry(name: &str, kind: FileKind, size: u64, mode: u32, link: Option<&str>) -> FileEntry {
    FileEntry { name: wharf::text::sanitize(name), raw_name: name.into(), kind, size, mode, link: link.map(Into::into) }
}

fn data_listing() -> Listing {
    Listing {
        entries: vec![
            entry("sp ace", FileKind::Dir, 0, 0o755, None),
            entry("tmp", FileKind::Dir, 0, 0o1777, None),
            entry("big.bin", FileKind::File, 209_715_200, 0o644, None),
            entry("evil\x1b]2;pwned\x07\x1b[6n.txt", FileKind::File, 12, 0o600, None),
            entry("link", FileKind::Symlink, 0, 0o777, Some("/data/sp ace")),
            entry("run.sh", FileKind::File, 120, 0o4755, None),
            entry("ünï côde.txt", FileKind::File, 6, 0o644, None),
        ],
        cut: None,
    }
}

fn view(h: &Harness) -> &FilesView {
    match &h.state.screen.modal {
        Some(Modal::Files(view)) => view,
        other => panic!("expected the file browser, got {other:?}"),
    }
}

/// The open the browser asked for: (request, path).
fn opened(effects: &[Effect]) -> (wharf::state::RequestId, String) {
    match effects {
        [Effect::Read(Read::OpenPath { request, path, .. })] => (*request, path.clone()),
        other => panic!("expected one open, got {other:?}"),
    }
}

/// The browser on redis, in `/data`, with wharf working in `/home/me/work`.
fn browsing() -> Harness {
    let mut h = Harness::new(100, 24);
    h.connect_with_fixtures();
    h.state.project.cwd = PathBuf::from("/home/me/work");
    h.select_container("redis");
    let (request, path) = opened(&h.char('F'));
    assert_eq!(path, "/");
    h.send(Msg::Answer(Answer::OpenedPath { request, result: Ok(("/data".into(), Opened::Dir(data_listing()))) }));
    h
}

#[test]
fn the_browser_lists_modes_sizes_links_and_hostile_names_inert() {
    let h = browsing();
    let screen = h.render();
    assert!(!screen.contains('\x1b') && !screen.contains('\x07'), "an escape reached the screen");
    insta::assert_snapshot!("files_browser", screen);
}

#[test]
fn enter_goes_down_and_backspace_up_to_the_directory_left() {
    let mut h = browsing();
    let (request, path) = opened(&h.key(KeyCode::Enter));
    assert_eq!(path, "/data/sp ace");
    let inner = Listing { entries: vec![entry("f.txt", FileKind::File, 5, 0o644, None)], cut: None };
    h.send(Msg::Answer(Answer::OpenedPath { request, result: Ok((path, Opened::Dir(inner))) }));
    assert_eq!(view(&h).path, "/data/sp ace");
    let (request, path) = opened(&h.key(KeyCode::Backspace));
    assert_eq!(path, "/data");
    // An older answer arriving late is not taken.
    h.send(Msg::Answer(Answer::OpenedPath {
        request: wharf::state::RequestId(1),
        result: Ok(("/elsewhere".into(), Opened::Dir(Listing::default()))),
    }));
    assert_eq!(view(&h).path, "/data/sp ace");
    h.send(Msg::Answer(Answer::OpenedPath { request, result: Ok((path, Opened::Dir(data_listing()))) }));
    assert_eq!(view(&h).selected_entry().unwrap().name, "sp ace", "the directory left is selected");
    // A failed open keeps the listing and says why.
    let (request, _) = opened(&h.char('r'));
    let error = wharf::model::DaemonError::new(wharf::model::DaemonErrorKind::NotFound, "no such container");
    h.send(Msg::Answer(Answer::OpenedPath { request, result: Err(error) }));
    assert_eq!(view(&h).listing.entries.len(), 7);
    assert!(h.render().contains("cannot open /data: no such container"));
}

#[test]
fn the_viewer_scrolls_and_searches() {
    let mut h = browsing();
    for _ in 0..6 {
        h.char('j');
    }
    let (request, path) = opened(&h.key(KeyCode::Enter));
    assert_eq!(path, "/data/ünï côde.txt");
    let mut lines: Vec<String> = (1..=60).map(|i| format!("line {i}: nothing here")).collect();
    lines[41] = "line 42: the Needle is here".into();
    lines[50] = "line 51: another needle".into();
    let text = FileText::Text { lines, size: 2_000_000, cut: Some("cut at 1.0 MiB of 1.9 MiB".into()) };
    h.send(Msg::Answer(Answer::OpenedPath { request, result: Ok((path, Opened::File(text))) }));
    h.char('/');
    h.type_text("needle");
    h.key(KeyCode::Enter);
    let viewer = view(&h).viewer.as_ref().unwrap();
    assert_eq!(viewer.scroll, 41);
    h.char('n');
    assert_eq!(view(&h).viewer.as_ref().unwrap().scroll, 50);
    h.char('n');
    assert_eq!(view(&h).viewer.as_ref().unwrap().scroll, 41, "the search wraps around");
    h.char('N');
    assert_eq!(view(&h).viewer.as_ref().unwrap().scroll, 50);
    h.char('N');
    insta::assert_snapshot!("files_viewer", h.render());
    h.key(KeyCode::Esc);
    assert!(view(&h).viewer.is_none(), "Esc goes back to the listing");
}

#[test]
fn a_binary_file_says_so() {
    let mut h = browsing();
    h.char('j');
    h.char('j');
    let (request, path) = opened(&h.key(KeyCode::Enter));
    let text = FileText::Binary { size: 209_715_200 };
    h.send(Msg::Answer(Answer::OpenedPath { request, result: Ok((path, Opened::File(text))) }));
    assert!(h.render().contains("a binary file (200.0 MiB): not shown"));
}

#[test]
fn copy_out_prompts_with_the_size_asks_before_replacing_and_shows_progress() {
    let mut h = browsing();
    h.char('j');
    h.char('j');
    assert!(h.char('o').is_empty());
    insta::assert_snapshot!("files_copy_out_prompt", h.render());
    let effects = h.key(KeyCode::Enter);
    let [Effect::Stream(Stream::CopyOut { copy, path, target, total, confirmed: false, .. })] = effects.as_slice()
    else {
        panic!("expected a copy out, got {effects:?}");
    };
    assert_eq!((path.as_str(), target.as_path()), ("/data/big.bin", std::path::Path::new("/home/me/work/big.bin")));
    assert_eq!(*total, Some(209_715_200));
    // The host has it already: the runner asks, the user says yes, it goes again.
    let copy = *copy;
    h.send(Msg::Stream(Streamed::CopyAsk {
        copy,
        question: "/home/me/work/big.bin exists on the host: copy over it?".into(),
    }));
    insta::assert_snapshot!("files_overwrite_question", h.render());
    let effects = h.char('y');
    let [Effect::Stream(Stream::CopyOut { copy, confirmed: true, .. })] = effects.as_slice() else {
        panic!("expected the copy again, confirmed, got {effects:?}");
    };
    let copy = *copy;
    h.send(Msg::Stream(Streamed::CopyProgress { copy, bytes: 52_428_800, total: Some(209_715_200) }));
    assert!(h.render().contains("50.0 MiB of 200.0 MiB (Esc cancels)"), "{}", h.render());
    assert_eq!(h.key(KeyCode::Esc), vec![Effect::Stream(Stream::CancelCopy { copy })]);
    assert!(view(&h).copy.is_none());
    // A late end of the cancelled copy says nothing.
    h.send(Msg::Stream(Streamed::CopyEnded { copy, result: Err("cancelled".into()) }));
    assert!(h.state.screen.flash.as_ref().is_none_or(|f| !f.text.contains("copy failed")));
}

#[test]
fn saying_no_copies_nothing() {
    let mut h = browsing();
    h.char('o');
    let effects = h.key(KeyCode::Enter);
    let [Effect::Stream(Stream::CopyOut { copy, .. })] = effects.as_slice() else { panic!("{effects:?}") };
    h.send(Msg::Stream(Streamed::CopyAsk { copy: *copy, question: "exists".into() }));
    assert!(h.char('n').is_empty());
    assert!(view(&h).question.is_none() && view(&h).copy.is_none());
}

#[test]
fn copy_in_asks_when_the_name_exists_in_the_container_and_reloads_after() {
    let mut h = browsing();
    h.char('i');
    h.ctrl('u');
    h.type_text("/tmp/ünï côde.txt");
    insta::assert_snapshot!("files_copy_in_prompt", h.render());
    assert!(h.key(KeyCode::Enter).is_empty(), "it asks first");
    assert!(view(&h).question.as_ref().unwrap().text.contains("ünï côde.txt exists in the container"));
    let effects = h.char('y');
    let [Effect::Change(Change::CopyIn { copy, dir, host, name, confirmed: true, .. })] = effects.as_slice() else {
        panic!("expected a copy in, got {effects:?}");
    };
    assert_eq!((dir.as_str(), name.as_str()), ("/data", "ünï côde.txt"));
    assert_eq!(host, &PathBuf::from("/tmp/ünï côde.txt"));
    let copy = *copy;
    let effects =
        h.send(Msg::Stream(Streamed::CopyEnded { copy, result: Ok("copied 6 B into /data/ünï côde.txt".into()) }));
    assert_eq!(opened(&effects).1, "/data", "the directory is read again");
    assert_eq!(h.state.screen.flash.as_ref().unwrap().text, "copied 6 B into /data/ünï côde.txt");
}

#[test]
fn copy_in_is_refused_at_the_key_when_read_only() {
    let mut h = browsing();
    h.state.screen.read_only = true;
    assert!(h.char('i').is_empty());
    assert!(view(&h).prompt.is_none());
    assert!(h.state.screen.flash.as_ref().unwrap().text.contains("read-only"));
}

fn runner_on(fake: &FakeDocker, read_only: bool) -> (EffectRunner<FakeDocker>, mpsc::Receiver<Msg>) {
    let (tx, rx) = mpsc::channel(64);
    let (_slot_tx, slot_rx) = watch::channel(Some(Arc::new(fake.clone())));
    (EffectRunner::new(tx, slot_rx, Duration::from_secs(5)).read_only(read_only), rx)
}

/// A tar with entries the tar crate would refuse to write: names set raw.
fn hostile_tar(outside: &str) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, kind, body) in [
        ("d/", tar::EntryType::Directory, &b""[..]),
        ("d/../escape", tar::EntryType::Regular, b"pwned"),
        ("../escape", tar::EntryType::Regular, b"pwned"),
        (outside, tar::EntryType::Regular, b"pwned"),
        ("d/ok.txt", tar::EntryType::Regular, b"fine"),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(kind);
        header.set_mode(0o644);
        header.set_size(body.len() as u64);
        let field = &mut header.as_old_mut().name;
        field[..name.len()].copy_from_slice(name.as_bytes());
        header.set_cksum();
        builder.append(&header, body).unwrap();
    }
    builder.into_inner().unwrap()
}

#[tokio::test]
async fn a_hostile_archive_copied_out_writes_nothing_outside_the_target() {
    let host = tempfile::tempdir().unwrap();
    let target = host.path().join("inside");
    let absolute = host.path().join("absolute");
    let fake = FakeDocker::new("unix:///fake.sock");
    let tar = hostile_tar(absolute.to_str().unwrap());
    // Sent in small chunks, as the daemon streams it.
    let chunks: Vec<_> = tar.chunks(700).map(|c| (Duration::ZERO, Ok(bytes::Bytes::copy_from_slice(c)))).collect();
    fake.items::<api::Archive>(chunks, true);
    let (mut runner, mut rx) = runner_on(&fake, false);
    let copy = StreamId(9);
    runner.run(Effect::Stream(Stream::CopyOut {
        copy,
        container_id: "c1".into(),
        path: "/d".into(),
        target: target.clone(),
        total: None,
        confirmed: false,
    }));
    let Msg::Stream(Streamed::CopyEnded { result, .. }) = next_msg(&mut rx, Duration::from_secs(5)).await else {
        panic!("expected the copy's end");
    };
    let words = result.unwrap();
    assert!(words.contains("left out for safety: d/../escape, ../escape"), "{words}");
    assert!(!host.path().join("escape").exists() && !absolute.exists(), "something landed outside");
    assert_eq!(std::fs::read_to_string(target.join("ok.txt")).unwrap(), "fine");
    assert_eq!(fake.calls_to::<api::Archive>(), vec![vec!["c1".to_string(), "/d".to_string()]]);
}

#[tokio::test]
async fn read_only_refuses_a_copy_in_where_it_would_be_sent() {
    let fake = FakeDocker::new("unix:///fake.sock");
    let (mut runner, mut rx) = runner_on(&fake, true);
    let host = tempfile::tempdir().unwrap();
    let file = host.path().join("f");
    std::fs::write(&file, "x").unwrap();
    runner.run(Effect::Change(Change::CopyIn {
        copy: StreamId(3),
        container_id: "c1".into(),
        dir: "/tmp".into(),
        host: file,
        name: "f".into(),
        confirmed: true,
    }));
    let Msg::Stream(Streamed::CopyEnded { result: Err(words), .. }) = next_msg(&mut rx, Duration::from_secs(5)).await
    else {
        panic!("expected a refusal");
    };
    assert!(words.contains("read-only"), "{words}");
    assert!(fake.calls_to::<api::Upload>().is_empty() && fake.uploads().is_empty());
}

#[tokio::test]
async fn a_copy_in_streams_a_tar_of_the_host_directory() {
    let fake = FakeDocker::new("unix:///fake.sock");
    let (mut runner, mut rx) = runner_on(&fake, false);
    let host = tempfile::tempdir().unwrap();
    let dir = host.path().join("my dir ü");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/a.txt"), "hello").unwrap();
    runner.run(Effect::Change(Change::CopyIn {
        copy: StreamId(4),
        container_id: "c1".into(),
        dir: "/srv".into(),
        host: dir,
        name: "my dir ü".into(),
        confirmed: false,
    }));
    let Msg::Stream(Streamed::CopyEnded { result, .. }) = next_msg(&mut rx, Duration::from_secs(5)).await else {
        panic!("expected the copy's end");
    };
    assert_eq!(result.unwrap(), "copied 5 B into /srv/my dir ü");
    let uploads = fake.uploads();
    let mut archive = tar::Archive::new(uploads[0].as_slice());
    let names: Vec<String> =
        archive.entries().unwrap().map(|e| e.unwrap().path().unwrap().display().to_string()).collect();
    assert_eq!(names, ["my dir ü/", "my dir ü/sub", "my dir ü/sub/a.txt"]);
    assert_eq!(fake.calls_to::<api::Upload>(), vec![vec!["c1".to_string(), "/srv".to_string()]]);
}

#[tokio::test]
async fn opening_a_link_follows_it_to_its_directory() {
    let fake = FakeDocker::new("unix:///fake.sock");
    fake.ok::<api::PathStat>(PathStat { is_dir: false, size: 5, link_target: Some("/data/sp ace".into()) });
    fake.ok::<api::PathStat>(PathStat { is_dir: true, size: 4096, link_target: None });
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Directory);
    header.set_size(0);
    header.set_mode(0o755);
    builder.append_data(&mut header, "sp ace/", &b""[..]).unwrap();
    let mut header = tar::Header::new_gnu();
    header.set_size(2);
    header.set_mode(0o644);
    builder.append_data(&mut header, "sp ace/x", &b"hi"[..]).unwrap();
    fake.items::<api::Archive>(vec![(Duration::ZERO, Ok(builder.into_inner().unwrap().into()))], true);
    let (mut runner, mut rx) = runner_on(&fake, false);
    let request = wharf::state::RequestId(7);
    runner.run(Effect::Read(Read::OpenPath { request, id: "c1".into(), path: "/data/link".into() }));
    let Msg::Answer(Answer::OpenedPath { result, .. }) = next_msg(&mut rx, Duration::from_secs(5)).await else {
        panic!("expected the open's answer");
    };
    let (path, opened) = result.unwrap();
    assert_eq!(path, "/data/sp ace");
    let Opened::Dir(listing) = opened else { panic!("{opened:?}") };
    assert_eq!(listing.entries.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["x"]);
    assert_eq!(fake.calls_to::<api::Archive>(), vec![vec!["c1".to_string(), "/data/sp ace".to_string()]]);
}

#[tokio::test]
async fn a_copy_out_to_a_host_directory_lands_in_it_under_its_own_name() {
    let host = tempfile::tempdir().unwrap();
    let fake = FakeDocker::new("unix:///fake.sock");
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(5);
    header.set_mode(0o644);
    builder.append_data(&mut header, "notes ü.txt", &b"hello"[..]).unwrap();
    fake.items::<api::Archive>(vec![(Duration::ZERO, Ok(builder.into_inner().unwrap().into()))], true);
    let (mut runner, mut rx) = runner_on(&fake, false);
    runner.run(Effect::Stream(Stream::CopyOut {
        copy: StreamId(5),
        container_id: "c1".into(),
        path: "/data/notes ü.txt".into(),
        target: host.path().to_path_buf(),
        total: Some(5),
        confirmed: false,
    }));
    let Msg::Stream(Streamed::CopyEnded { result, .. }) = next_msg(&mut rx, Duration::from_secs(5)).await else {
        panic!("expected the copy's end");
    };
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(std::fs::read_to_string(host.path().join("notes ü.txt")).unwrap(), "hello");
}
