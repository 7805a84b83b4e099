//! A host file or directory as the tar a copy into a container sends: written while
//! it is sent, through the same bounded channel writer the build context uses, so a
//! big file costs a few chunks of memory. Links inside a directory go as links; the
//! path the user named is followed if it is one (they meant what it points at).

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::build::ChannelWriter;

/// Writes `host` into `tx` as a tar whose one top entry is `name`; blocking (run it
/// on a blocking thread). Returns the bytes of tar sent. A reader that goes away (the
/// copy was cancelled or failed) ends it with `BrokenPipe`; any other failure is
/// also sent down the channel, so the request aborts rather than landing half a copy.
pub fn write_upload(host: &Path, name: &str, tx: mpsc::Sender<io::Result<Bytes>>) -> io::Result<u64> {
    let errors = tx.clone();
    let result = write_tar(host, name, tx);
    if let Err(e) = &result
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        let _ = errors.blocking_send(Err(io::Error::new(e.kind(), e.to_string())));
    }
    result
}

fn write_tar(host: &Path, name: &str, tx: mpsc::Sender<io::Result<Bytes>>) -> io::Result<u64> {
    let mut writer = ChannelWriter::new(tx);
    {
        let mut tar = tar::Builder::new(&mut writer);
        tar.follow_symlinks(false);
        let meta = fs::metadata(host)?;
        if meta.is_dir() {
            tar.append_dir_all(name, host)?;
        } else {
            let mut file = fs::File::open(host)?;
            tar.append_file(name, &mut file)?;
        }
        tar.finish()?;
    }
    writer.flush()?;
    Ok(writer.sent())
}

/// The bytes of the files under `host` (links not followed, the named path is).
pub fn host_size(host: &Path) -> io::Result<u64> {
    let meta = fs::metadata(host)?;
    if !meta.is_dir() {
        return Ok(meta.len());
    }
    let mut total = 0;
    let mut pending = vec![host.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                total += entry.metadata()?.len();
            }
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn a_directory_goes_under_its_new_name_with_its_links_and_a_file_alone() {
        let host = tempfile::tempdir().unwrap();
        let dir = host.path().join("sp ace ü");
        fs::create_dir_all(dir.join("sub")).unwrap();
        fs::write(dir.join("sub/f.txt"), "hello").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.join("link")).unwrap();
        for (source, name, expected) in [
            (dir.clone(), "dest ü", vec!["dest ü", "dest ü/link", "dest ü/sub", "dest ü/sub/f.txt"]),
            (dir.join("sub/f.txt"), "f.txt", vec!["f.txt"]),
        ] {
            let (tx, mut rx) = mpsc::channel(2);
            let writer = std::thread::spawn(move || write_upload(&source, name, tx));
            let mut tar = Vec::new();
            while let Some(chunk) = rx.blocking_recv() {
                tar.extend_from_slice(&chunk.unwrap());
            }
            assert_eq!(writer.join().unwrap().unwrap(), tar.len() as u64);
            let mut archive = tar::Archive::new(tar.as_slice());
            let mut names: Vec<String> = Vec::new();
            for entry in archive.entries().unwrap() {
                let mut entry = entry.unwrap();
                let path = entry.path().unwrap().to_string_lossy().trim_end_matches('/').to_string();
                if path.ends_with("f.txt") {
                    let mut body = String::new();
                    entry.read_to_string(&mut body).unwrap();
                    assert_eq!(body, "hello");
                }
                if path.ends_with("link") {
                    assert_eq!(entry.header().entry_type(), tar::EntryType::Symlink);
                }
                names.push(path);
            }
            names.sort();
            assert_eq!(names, expected);
        }
        assert_eq!(host_size(&dir).unwrap(), 5);
    }

    #[test]
    fn a_missing_host_path_is_an_error_sent_down_the_channel() {
        let (tx, mut rx) = mpsc::channel(2);
        let error = write_upload(Path::new("/nonexistent/wharf"), "x", tx).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert!(rx.blocking_recv().unwrap().is_err());
    }
}
