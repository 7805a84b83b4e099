//! Unpacking a copy out of a container onto the host, safely. The archive's first
//! entry is what was copied (a file or a directory); it lands at `target`, the rest
//! under it. Whatever a container put in the archive, nothing is written outside
//! `target`:
//! - an entry whose path climbs (`..`), is absolute where the first was not, or is
//!   not under the first entry is left out (and named in the report);
//! - no write goes through a symlink: every directory on the way down is checked to
//!   be a real directory (not a link, even one already on the host), and a link or
//!   file already where a file goes is removed first, never written through;
//! - symlinks are recreated as links (as `docker cp` does) and never followed;
//! - hard links are made only to entries already unpacked under `target`;
//! - devices, fifos and sockets are left out; modes keep their `rwx` bits only.
//!
//! File bodies are copied in chunks as they are read: a 200 MB file never sits in
//! memory.

use std::ffi::OsString;
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

use crate::model::{CopyReport, FileKind};
use crate::text::sanitize;

use super::listing::kind_of;

/// Names of left-out entries the report keeps.
const SKIPPED_KEPT: usize = 20;
const CHUNK: usize = 64 * 1024;

/// What an extraction did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    pub report: CopyReport,
}

/// An archive path taken apart: its plain names, whether it started at `/`, and
/// whether it climbs (`..`) anywhere.
struct Parts {
    names: Vec<OsString>,
    absolute: bool,
    climbs: bool,
}

fn parts(path: &Path) -> Parts {
    let mut out = Parts { names: Vec::new(), absolute: false, climbs: false };
    for component in path.components() {
        match component {
            Component::Normal(name) => out.names.push(name.to_os_string()),
            Component::CurDir => {}
            Component::ParentDir => out.climbs = true,
            Component::RootDir | Component::Prefix(_) => out.absolute = true,
        }
    }
    out
}

/// Unpacks the archive `reader` holds so that its first entry becomes `target`.
/// `progress` hears the bytes written so far and says whether to go on (false:
/// cancelled, the error is `Interrupted`).
pub fn extract<R: Read>(reader: R, target: &Path, progress: &mut dyn FnMut(u64) -> bool) -> io::Result<Extracted> {
    let mut archive = tar::Archive::new(reader);
    let mut top: Option<Parts> = None;
    let mut report = CopyReport::default();
    // Directory modes are set last: a read-only one would refuse its own children.
    let mut dir_modes: Vec<(PathBuf, u32)> = Vec::new();
    for entry in archive.entries()? {
        let mut entry = entry?;
        let path = entry.path()?.into_owned();
        let shown = sanitize(&path.to_string_lossy());
        let here = parts(&path);
        let relative: Vec<OsString> = match &top {
            None => {
                if here.climbs {
                    return Err(io::Error::other(format!("the archive starts outside its own directory ({shown})")));
                }
                top = Some(here);
                Vec::new()
            }
            Some(top) => match under(top, &here) {
                Some(rest) => rest,
                None => {
                    skip(&mut report, shown);
                    continue;
                }
            },
        };
        let dest = relative.iter().fold(target.to_path_buf(), |p, n| p.join(n));
        let mode = entry.header().mode().unwrap_or(0o644) & 0o777;
        let kind = kind_of(entry.header().entry_type());
        if !parents_are_real_dirs(target, &relative)? {
            skip(&mut report, shown);
            continue;
        }
        match kind {
            FileKind::Dir => {
                make_dir(&dest)?;
                dir_modes.push((dest, mode));
            }
            FileKind::File => {
                clear_the_way(&dest)?;
                write_file(&mut entry, &dest, mode, &mut report, progress)?;
                report.files += 1;
            }
            FileKind::Symlink => {
                let Some(link) = entry.link_name()?.map(|l| l.into_owned()) else { continue };
                clear_the_way(&dest)?;
                std::os::unix::fs::symlink(&link, &dest)?;
            }
            FileKind::HardLink => {
                let inside =
                    entry.link_name()?.map(|l| parts(&l)).and_then(|l| top.as_ref().and_then(|t| under(t, &l)));
                // The source's own way down must be free of links too: a link the
                // archive made earlier (`d -> /etc`) would lead a hard link to a host
                // file, and later edits of the copy to that file.
                let inside = match inside {
                    Some(rest) if parents_are_real_dirs(target, &rest)? => Some(rest),
                    _ => None,
                };
                let source = inside.map(|rest| rest.iter().fold(target.to_path_buf(), |p, n| p.join(n)));
                match source.filter(|s| s.symlink_metadata().is_ok_and(|m| m.is_file())) {
                    Some(source) => {
                        clear_the_way(&dest)?;
                        fs::hard_link(source, &dest)?;
                        report.files += 1;
                    }
                    None => skip(&mut report, shown),
                }
            }
            FileKind::Other => skip(&mut report, shown),
        }
    }
    for (dir, mode) in dir_modes.into_iter().rev() {
        fs::set_permissions(dir, fs::Permissions::from_mode(mode | 0o700))?;
    }
    Ok(Extracted { report })
}

/// The names of `here` below the first entry `top`, or `None` when `here` is not under
/// it (or climbs, or is absolute where the first was not).
fn under(top: &Parts, here: &Parts) -> Option<Vec<OsString>> {
    if here.climbs || here.absolute != top.absolute || !here.names.starts_with(&top.names) {
        return None;
    }
    let rest = here.names[top.names.len()..].to_vec();
    // Only the first entry may be the top itself.
    (!rest.is_empty()).then_some(rest)
}

fn skip(report: &mut CopyReport, shown: String) {
    if report.skipped.len() < SKIPPED_KEPT {
        report.skipped.push(shown);
    }
}

/// Whether every directory between `target` (included) and the entry is a real
/// directory: no link on the way, so no write can be led elsewhere.
fn parents_are_real_dirs(target: &Path, relative: &[OsString]) -> io::Result<bool> {
    if relative.is_empty() {
        // The target itself: only its parent must be there (the user chose it).
        return Ok(true);
    }
    let mut dir = target.to_path_buf();
    for (i, name) in std::iter::once(None).chain(relative[..relative.len() - 1].iter().map(Some)).enumerate() {
        if let Some(name) = name {
            dir.push(name);
        }
        match dir.symlink_metadata() {
            Ok(meta) if meta.file_type().is_dir() => {}
            Ok(_) => return Ok(false),
            // A directory the archive did not list first: made here, a real one.
            Err(e) if e.kind() == io::ErrorKind::NotFound && i > 0 => fs::create_dir(&dir)?,
            // The top was not made a directory (it was a file): nothing goes under it.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

fn make_dir(dest: &Path) -> io::Result<()> {
    match dest.symlink_metadata() {
        Ok(meta) if meta.file_type().is_dir() => Ok(()),
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} is in the way of a directory (not replaced)", dest.display()),
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => fs::create_dir(dest),
        Err(e) => Err(e),
    }
}

/// Removes a file or link where a file or link goes; a directory there is an error.
fn clear_the_way(dest: &Path) -> io::Result<()> {
    match dest.symlink_metadata() {
        Ok(meta) if meta.file_type().is_dir() => Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} is a directory (not replaced by a file)", dest.display()),
        )),
        Ok(_) => fs::remove_file(dest),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

fn write_file(
    body: &mut impl Read,
    dest: &Path,
    mode: u32,
    report: &mut CopyReport,
    progress: &mut dyn FnMut(u64) -> bool,
) -> io::Result<()> {
    // `create_new`: never opens something that appeared in between (a link).
    let mut file = fs::OpenOptions::new().write(true).create_new(true).mode(mode | 0o600).open(dest)?;
    let mut buffer = vec![0u8; CHUNK];
    loop {
        let n = body.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        file.write_all(&buffer[..n])?;
        report.bytes += n as u64;
        if !progress(report.bytes) {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "the copy was cancelled"));
        }
    }
    file.set_permissions(fs::Permissions::from_mode(mode))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::listing::tests::tar_of;
    use tar::EntryType::{Directory as D, Link as H, Regular as F, Symlink as L};

    fn go(tar: &[u8], target: &Path) -> io::Result<Extracted> {
        extract(tar, target, &mut |_| true)
    }

    /// Every path under `dir`, relative, sorted.
    fn tree(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
            for entry in fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                out.push(path.strip_prefix(root).unwrap().to_string_lossy().into_owned());
                if entry.file_type().unwrap().is_dir() {
                    walk(root, &path, out);
                }
            }
        }
        walk(dir, dir, &mut out);
        out.sort();
        out
    }

    #[test]
    fn a_directory_lands_at_the_target_with_spaces_unicode_and_links() {
        let host = tempfile::tempdir().unwrap();
        let target = host.path().join("out dir ü");
        let tar = tar_of(&[
            ("data/", D, b""),
            ("data/sp ace/", D, b""),
            ("data/sp ace/ü.txt", F, b"hello"),
            ("data/link", L, b"sp ace/\xc3\xbc.txt"),
            ("data/hard", H, b"data/sp ace/\xc3\xbc.txt"),
        ]);
        let done = go(&tar, &target).unwrap();
        assert_eq!(tree(&target), ["hard", "link", "sp ace", "sp ace/ü.txt"]);
        assert_eq!(fs::read_to_string(target.join("sp ace/ü.txt")).unwrap(), "hello");
        assert_eq!(fs::read_link(target.join("link")).unwrap(), Path::new("sp ace/ü.txt"));
        assert_eq!(done.report.files, 2);
        assert!(done.report.skipped.is_empty());
    }

    #[test]
    fn escaping_entries_never_write_outside_the_target() {
        let host = tempfile::tempdir().unwrap();
        let target = host.path().join("inside");
        let outside = host.path().join("escape");
        let abs = host.path().join("abs");
        let abs_name = format!("{}", abs.display());
        let tar = tar_of(&[
            ("d/", D, b""),
            ("d/../escape", F, b"pwned"),
            ("../escape", F, b"pwned"),
            (&abs_name, F, b"pwned"),
            ("d/out", L, host.path().to_str().unwrap().as_bytes()),
            ("d/out/escape", F, b"pwned"),
            ("d/hard", H, abs_name.as_bytes()),
            ("d/ok", F, b"fine"),
        ]);
        let done = go(&tar, &target).unwrap();
        assert!(!outside.exists(), "a climbing entry wrote outside");
        assert!(!abs.exists(), "an absolute entry wrote outside");
        assert_eq!(tree(&target), ["ok", "out"]);
        assert!(target.join("out").symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(target.join("ok")).unwrap(), "fine");
        assert_eq!(done.report.skipped.len(), 5, "{:?}", done.report.skipped);
    }

    #[test]
    fn a_hard_link_never_reaches_a_host_file_through_a_link() {
        let host = tempfile::tempdir().unwrap();
        let target = host.path().join("t");
        let secret = host.path().join("secret");
        fs::create_dir_all(&secret).unwrap();
        fs::write(secret.join("passwd"), "host file").unwrap();
        let tar =
            tar_of(&[("d/", D, b""), ("d/ln", L, secret.to_str().unwrap().as_bytes()), ("d/copy", H, b"d/ln/passwd")]);
        let done = go(&tar, &target).unwrap();
        assert!(!target.join("copy").exists(), "a hard link to a host file was made");
        assert_eq!(done.report.skipped, ["d/copy"]);
    }

    #[test]
    fn a_link_already_on_the_host_is_not_written_through() {
        let host = tempfile::tempdir().unwrap();
        let target = host.path().join("t");
        let victim = host.path().join("victim");
        fs::create_dir_all(&victim).unwrap();
        fs::write(victim.join("f"), "original").unwrap();
        fs::create_dir_all(&target).unwrap();
        std::os::unix::fs::symlink(&victim, target.join("sub")).unwrap();
        std::os::unix::fs::symlink(victim.join("f"), target.join("g")).unwrap();
        let tar = tar_of(&[("d/", D, b""), ("d/sub/f", F, b"pwned"), ("d/g", F, b"new")]);
        let done = go(&tar, &target).unwrap();
        assert_eq!(fs::read_to_string(victim.join("f")).unwrap(), "original");
        // The link where a file goes was replaced by the file, not written through.
        assert_eq!(fs::read_to_string(target.join("g")).unwrap(), "new");
        assert!(!target.join("g").symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(done.report.skipped, ["d/sub/f"]);
    }

    #[test]
    fn a_first_entry_that_climbs_is_refused_whole() {
        let host = tempfile::tempdir().unwrap();
        let tar = tar_of(&[("../x", F, b"pwned")]);
        assert!(go(&tar, &host.path().join("t")).is_err());
        assert!(!host.path().join("x").exists());
    }

    #[test]
    fn a_single_file_lands_at_the_target_name_and_cancel_stops_it() {
        let host = tempfile::tempdir().unwrap();
        let body = vec![1u8; 300_000];
        let tar = tar_of(&[("orig name.bin", F, &body)]);
        let target = host.path().join("chosen ü.bin");
        let mut seen = Vec::new();
        extract(tar.as_slice(), &target, &mut |bytes| {
            seen.push(bytes);
            true
        })
        .unwrap();
        assert_eq!(fs::read(&target).unwrap(), body);
        assert_eq!(seen.last(), Some(&300_000));
        let other = host.path().join("cancelled");
        let error = extract(tar.as_slice(), &other, &mut |_| false).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::Interrupted);
    }
}
