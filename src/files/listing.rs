//! A directory's tar, read for its headers only: the daemon sends the whole subtree,
//! and the tar reader passes over each body without keeping it (it reads it into the
//! void), so memory stays flat whatever the files weigh. Only the direct children are
//! kept, up to a number; past a number of bytes read the listing stops and says so.

use std::io::{self, Read};

use crate::model::{FileEntry, FileKind, FileText, Listing};
use crate::text::sanitize;

/// Entries a listing keeps.
pub const LIST_ENTRIES_CAP: usize = 5000;
/// Bytes of a directory's archive read before the listing stops (a directory holding
/// big files sends them all: their bodies are passed over, but they still cross).
pub const LIST_BYTES_CAP: u64 = 256 * 1024 * 1024;
/// Bytes of a file the viewer reads.
pub const TEXT_CAP: u64 = 1024 * 1024;
/// Bytes looked at to tell text from binary.
const SNIFF: usize = 8 * 1024;

/// The direct children of the directory whose archive `reader` holds, directories
/// first, then by name.
pub fn list_children<R: Read>(reader: R, entries_cap: usize, bytes_cap: u64) -> io::Result<Listing> {
    let mut capped = Capped { inner: reader, left: bytes_cap, hit: false };
    let mut listing = Listing::default();
    let outcome = collect(&mut capped, entries_cap, &mut listing);
    match outcome {
        Ok(()) => {}
        Err(_) if capped.hit => {
            listing.cut = Some(format!("listed what the first {} of the directory's archive held", mib(bytes_cap)))
        }
        Err(e) => return Err(e),
    }
    listing.entries.sort_by(|a, b| (a.kind != FileKind::Dir, &a.name).cmp(&(b.kind != FileKind::Dir, &b.name)));
    Ok(listing)
}

fn collect<R: Read>(reader: R, entries_cap: usize, listing: &mut Listing) -> io::Result<()> {
    let mut archive = tar::Archive::new(reader);
    // The first entry is the directory itself (`bin/`, or `/` for the root); its
    // children are the entries one level under it.
    let mut top: Option<String> = None;
    for entry in archive.entries()? {
        let entry = entry?;
        let path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let path = path.trim_end_matches('/');
        let Some(top) = &top else {
            top = Some(path.to_string());
            continue;
        };
        let Some(name) = path.strip_prefix(top.as_str()).and_then(|rest| rest.strip_prefix('/')) else { continue };
        if name.is_empty() || name.contains('/') {
            continue;
        }
        if listing.entries.len() >= entries_cap {
            listing.cut = Some(format!("the first {entries_cap} entries"));
            return Ok(());
        }
        listing.entries.push(entry_of(&entry, name));
    }
    Ok(())
}

fn entry_of<R: Read>(entry: &tar::Entry<'_, R>, name: &str) -> FileEntry {
    let header = entry.header();
    let kind = kind_of(header.entry_type());
    let link = match kind {
        FileKind::Symlink | FileKind::HardLink => {
            entry.link_name_bytes().map(|target| sanitize(&String::from_utf8_lossy(&target)))
        }
        _ => None,
    };
    FileEntry {
        name: sanitize(name),
        raw_name: name.to_string(),
        kind,
        size: if kind == FileKind::File { header.size().unwrap_or(0) } else { 0 },
        mode: header.mode().unwrap_or(0) & 0o7777,
        link,
    }
}

pub fn kind_of(kind: tar::EntryType) -> FileKind {
    match kind {
        tar::EntryType::Directory => FileKind::Dir,
        tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => FileKind::File,
        tar::EntryType::Symlink => FileKind::Symlink,
        tar::EntryType::Link => FileKind::HardLink,
        _ => FileKind::Other,
    }
}

/// The start of the one file the archive holds: `cap` bytes at most, as sanitised
/// lines, or word that it is binary (or a directory after all).
pub fn read_text<R: Read>(reader: R, cap: u64) -> io::Result<FileText> {
    let mut archive = tar::Archive::new(reader);
    let Some(entry) = archive.entries()?.next() else {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the daemon sent an empty archive"));
    };
    let entry = entry?;
    match kind_of(entry.header().entry_type()) {
        FileKind::Dir => return Ok(FileText::Directory),
        FileKind::File => {}
        // A link, a device: nothing to read as text.
        _ => return Ok(FileText::Binary { size: 0 }),
    }
    let size = entry.header().size().unwrap_or(0);
    let mut bytes = Vec::with_capacity(size.min(cap) as usize);
    entry.take(cap).read_to_end(&mut bytes)?;
    if looks_binary(&bytes) {
        return Ok(FileText::Binary { size });
    }
    let text = String::from_utf8_lossy(&bytes);
    let lines = text.split('\n').map(|line| sanitize(line.strip_suffix('\r').unwrap_or(line))).collect();
    let cut = (size > cap).then(|| format!("cut at {} of {}", mib(cap), mib(size)));
    Ok(FileText::Text { lines, size, cut })
}

/// A NUL byte, or much that is not UTF-8, near the start.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SNIFF)];
    if head.contains(&0) {
        return true;
    }
    let text = String::from_utf8_lossy(head);
    let bad = text.chars().filter(|c| *c == char::REPLACEMENT_CHARACTER).count();
    bad * 10 > text.chars().count().max(1)
}

pub fn mib(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    } else if bytes >= 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

/// A reader that fails once it has given `left` bytes, and remembers that it did.
struct Capped<R> {
    inner: R,
    left: u64,
    hit: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            self.hit = true;
            return Err(io::Error::other("the listing's byte cap"));
        }
        let room = out.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut out[..room])?;
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A tar made by hand: (path, kind, body or link target).
    pub fn tar_of(entries: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, kind, data) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(*kind);
            header.set_mode(if *kind == tar::EntryType::Directory { 0o755 } else { 0o644 });
            match *kind {
                tar::EntryType::Symlink | tar::EntryType::Link => {
                    header.set_size(0);
                    builder.append_link(&mut header, path, std::str::from_utf8(data).unwrap()).unwrap();
                }
                _ => {
                    header.set_size(data.len() as u64);
                    // Written raw, so names the tar crate would refuse (`..`, `/abs`) go in.
                    set_raw_name(&mut header, path);
                    header.set_cksum();
                    builder.append(&header, *data).unwrap();
                }
            }
        }
        builder.into_inner().unwrap()
    }

    fn set_raw_name(header: &mut tar::Header, path: &str) {
        let name = &mut header.as_old_mut().name;
        name.fill(0);
        name[..path.len()].copy_from_slice(path.as_bytes());
    }

    use tar::EntryType::{Directory as D, Regular as F, Symlink as L};

    #[test]
    fn only_direct_children_are_listed_with_links_spaces_and_unicode() {
        let tar = tar_of(&[
            ("data/", D, b""),
            ("data/sp ace/", D, b""),
            ("data/sp ace/deep.txt", F, b"deep"),
            ("data/ü.txt", F, b"hello"),
            ("data/link", L, b"/etc/passwd"),
            ("data/a\x1b]2;pwned\x07b", F, b""),
        ]);
        let listing = list_children(tar.as_slice(), 100, 1 << 20).unwrap();
        let names: Vec<String> = listing.entries.iter().map(|e| e.shown_name()).collect();
        assert_eq!(names, ["sp ace", "ab", "link -> /etc/passwd", "ü.txt"]);
        assert_eq!(listing.entries[3].size, 5);
        assert_eq!(listing.entries[3].mode_string(), "-rw-r--r--");
        assert_eq!(listing.entries[0].mode_string(), "drwxr-xr-x");
        assert!(listing.entries.iter().all(|e| !e.name.contains('\x1b') && !e.name.contains('\x07')));
        assert_eq!(listing.entries[1].raw_name, "a\x1b]2;pwned\x07b");
        assert_eq!(listing.cut, None);
    }

    #[test]
    fn the_root_lists_its_children_too() {
        let tar = tar_of(&[("/", D, b""), ("/.dockerenv", F, b""), ("/bin/", D, b""), ("/bin/sh", F, b"x")]);
        let listing = list_children(tar.as_slice(), 100, 1 << 20).unwrap();
        let names: Vec<&str> = listing.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["bin", ".dockerenv"]);
    }

    #[test]
    fn caps_on_entries_and_bytes_say_the_listing_is_cut() {
        let big = vec![7u8; 100_000];
        let tar = tar_of(&[("d/", D, b""), ("d/a", F, &big), ("d/b", F, b""), ("d/c", F, b"")]);
        let listing = list_children(tar.as_slice(), 2, 1 << 20).unwrap();
        assert_eq!(listing.entries.len(), 2);
        assert_eq!(listing.cut.as_deref(), Some("the first 2 entries"));
        let listing = list_children(tar.as_slice(), 100, 50_000).unwrap();
        assert_eq!(listing.entries.len(), 1, "{listing:?}");
        assert!(listing.cut.unwrap().contains("48.8 KiB"));
    }

    #[test]
    fn a_text_file_is_read_up_to_the_cap_and_sanitised() {
        let tar = tar_of(&[("f.txt", F, b"one\r\ntwo \x1b[6n\x1b]52;c;aGk=\x07end\nthree")]);
        match read_text(tar.as_slice(), 1024).unwrap() {
            FileText::Text { lines, size, cut } => {
                assert_eq!(lines, ["one", "two end", "three"]);
                assert_eq!((size, cut), (34, None));
            }
            other => panic!("{other:?}"),
        }
        let long = "x".repeat(3000);
        let tar = tar_of(&[("f.txt", F, long.as_bytes())]);
        match read_text(tar.as_slice(), 1000).unwrap() {
            FileText::Text { lines, cut, .. } => {
                assert_eq!(lines[0].len(), 1000);
                assert_eq!(cut.as_deref(), Some("cut at 1000 B of 2.9 KiB"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn binary_files_and_directories_are_named_as_such() {
        let tar = tar_of(&[("b", F, b"\x7fELF\x00\x01")]);
        assert_eq!(read_text(tar.as_slice(), 1024).unwrap(), FileText::Binary { size: 6 });
        let tar = tar_of(&[("d/", D, b"")]);
        assert_eq!(read_text(tar.as_slice(), 1024).unwrap(), FileText::Directory);
    }
}
