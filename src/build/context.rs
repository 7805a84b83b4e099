//! The build context as a tar stream: the context directory walked in name order,
//! what `.dockerignore` excludes left out (the Dockerfile and `.dockerignore`
//! themselves always go: the daemon needs them), symlinks sent as links, sockets and
//! other special files skipped. The tar is written into a bounded channel in chunks,
//! so a context of any size costs a few chunks of memory, and a reader that goes away
//! (the build was cancelled or failed) stops the walk.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use bytes::Bytes;
use tokio::sync::mpsc;

use super::Ignore;
use crate::model::BuildSpec;

/// Bytes per chunk sent to the daemon; the channel holds a few of them.
pub const CHUNK: usize = 64 * 1024;

/// Where a Dockerfile from outside the context goes in the tar (as the docker CLI
/// does with a name of its own).
const OUTSIDE_DOCKERFILE: &str = ".wharf-dockerfile";

/// What to send, checked before anything is sent.
#[derive(Debug, Clone)]
pub struct ContextPlan {
    pub root: PathBuf,
    pub ignore: Ignore,
    /// The Dockerfile's name inside the tar: what `/build?dockerfile=` gets.
    pub dockerfile_name: String,
    /// A Dockerfile from outside the context, added under `dockerfile_name`.
    pub outside_dockerfile: Option<PathBuf>,
}

/// How much went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ContextSummary {
    pub files: u64,
    /// Bytes of the tar stream itself: what crossed to the daemon.
    pub bytes: u64,
}

/// Checks the context and the Dockerfile and reads `.dockerignore`; every mistake is
/// a sentence naming the path.
pub fn plan(spec: &BuildSpec) -> Result<ContextPlan, String> {
    let root = spec.context.clone();
    let meta = fs::metadata(&root).map_err(|e| format!("context {}: {}", root.display(), io_words(&e)))?;
    if !meta.is_dir() {
        return Err(format!("context {} is not a directory", root.display()));
    }
    let ignore = match fs::read_to_string(root.join(".dockerignore")) {
        Ok(text) => Ignore::parse(&text)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ignore::default(),
        Err(e) => return Err(format!("cannot read {}: {}", root.join(".dockerignore").display(), io_words(&e))),
    };
    let asked = if spec.dockerfile.trim().is_empty() { "Dockerfile" } else { spec.dockerfile.trim() };
    let path = if Path::new(asked).is_absolute() { PathBuf::from(asked) } else { root.join(asked) };
    let file_meta = fs::metadata(&path).map_err(|e| format!("Dockerfile {}: {}", path.display(), io_words(&e)))?;
    if !file_meta.is_file() {
        return Err(format!("Dockerfile {} is not a file", path.display()));
    }
    let canonical_root = fs::canonicalize(&root).map_err(|e| io_words(&e))?;
    let canonical_file = fs::canonicalize(&path).map_err(|e| io_words(&e))?;
    let (dockerfile_name, outside_dockerfile) = match canonical_file.strip_prefix(&canonical_root) {
        Ok(relative) => (slash_path(relative), None),
        Err(_) => (OUTSIDE_DOCKERFILE.to_string(), Some(path)),
    };
    Ok(ContextPlan { root, ignore, dockerfile_name, outside_dockerfile })
}

/// Writes the context as a tar into `tx`, chunk by chunk; blocking (run it on a
/// blocking thread). Fails when a file cannot be read or the reader is gone.
pub fn write_context(plan: &ContextPlan, tx: mpsc::Sender<io::Result<Bytes>>) -> io::Result<ContextSummary> {
    let mut writer = ChannelWriter { tx, buffer: Vec::with_capacity(CHUNK), sent: 0 };
    let mut files = 0;
    {
        let mut tar = tar::Builder::new(&mut writer);
        tar.follow_symlinks(false);
        walk(plan, &plan.root, "", &mut tar, &mut files)?;
        if let Some(outside) = &plan.outside_dockerfile {
            tar.append_path_with_name(outside, &plan.dockerfile_name)?;
            files += 1;
        }
        tar.finish()?;
    }
    writer.flush()?;
    Ok(ContextSummary { files, bytes: writer.sent })
}

fn walk<W: Write>(
    plan: &ContextPlan,
    dir: &Path,
    prefix: &str,
    tar: &mut tar::Builder<W>,
    files: &mut u64,
) -> io::Result<()> {
    let mut entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
        let kind = entry.file_type()?;
        let always = relative == plan.dockerfile_name || relative == ".dockerignore";
        let excluded = !always && plan.ignore.excludes(&relative);
        if kind.is_dir() {
            // An excluded directory is skipped whole, unless an exception may let
            // something inside it back in.
            if excluded && !plan.ignore.has_exceptions() {
                continue;
            }
            if !excluded {
                tar.append_path_with_name(entry.path(), &relative)?;
            }
            walk(plan, &entry.path(), &relative, tar, files)?;
        } else if !excluded && (kind.is_file() || kind.is_symlink()) {
            tar.append_path_with_name(entry.path(), &relative)?;
            *files += 1;
        }
    }
    Ok(())
}

/// Hands the tar to the request body in chunks; a full channel makes the walk wait
/// (back-pressure), a closed one ends it.
struct ChannelWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
    sent: u64,
}

impl ChannelWriter {
    fn send_buffer(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK)));
        let len = chunk.len() as u64;
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the build no longer reads its context"))?;
        self.sent += len;
        Ok(())
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = CHUNK - self.buffer.len();
        let taken = data.len().min(room);
        self.buffer.extend_from_slice(&data[..taken]);
        if self.buffer.len() >= CHUNK {
            self.send_buffer()?;
        }
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_buffer()
    }
}

fn slash_path(path: &Path) -> String {
    path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// An I/O error in words.
fn io_words(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(dir: &Path) -> BuildSpec {
        BuildSpec { context: dir.to_path_buf(), dockerfile: "Dockerfile".into(), ..Default::default() }
    }

    /// The tar's entry names, read back from the chunks.
    fn names(plan: &ContextPlan) -> (Vec<String>, ContextSummary, usize) {
        let (tx, mut rx) = mpsc::channel(4);
        let plan = plan.clone();
        let writer = std::thread::spawn(move || write_context(&plan, tx));
        let mut tar = Vec::new();
        let mut chunks = 0;
        while let Some(chunk) = rx.blocking_recv() {
            tar.extend_from_slice(&chunk.unwrap());
            chunks += 1;
        }
        let summary = writer.join().unwrap().unwrap();
        assert_eq!(summary.bytes, tar.len() as u64);
        let mut archive = tar::Archive::new(tar.as_slice());
        let names = archive
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().to_string_lossy().trim_end_matches('/').to_string())
            .collect();
        (names, summary, chunks)
    }

    #[test]
    fn dockerignore_leaves_files_out_but_never_the_dockerfile() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("Dockerfile"), "FROM scratch\n").unwrap();
        fs::write(root.join(".dockerignore"), "Dockerfile\n.dockerignore\n*.bin\nlogs\n!logs/keep.log\n").unwrap();
        fs::write(root.join("app.txt"), "x").unwrap();
        fs::write(root.join("big.bin"), vec![0u8; 300_000]).unwrap();
        fs::create_dir_all(root.join("logs")).unwrap();
        fs::write(root.join("logs/keep.log"), "k").unwrap();
        fs::write(root.join("logs/drop.log"), "d").unwrap();
        let plan = plan(&spec(root)).unwrap();
        let (names, summary, _) = names(&plan);
        assert_eq!(names, [".dockerignore", "Dockerfile", "app.txt", "logs/keep.log"]);
        assert_eq!(summary.files, 4);
        assert!(summary.bytes < 20_000, "the excluded 300 kB file was not sent: {}", summary.bytes);
    }

    #[test]
    fn a_large_context_goes_in_chunks() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").unwrap();
        fs::write(dir.path().join("data"), vec![7u8; 5 * CHUNK]).unwrap();
        let (names, summary, chunks) = names(&plan(&spec(dir.path())).unwrap());
        assert_eq!(names, ["Dockerfile", "data"]);
        assert!(summary.bytes > 5 * CHUNK as u64);
        assert!(chunks >= 5, "{chunks} chunks");
    }

    #[test]
    fn a_dockerfile_outside_the_context_is_added_under_a_name_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let context = dir.path().join("ctx");
        fs::create_dir_all(&context).unwrap();
        fs::write(dir.path().join("Other.dockerfile"), "FROM scratch\n").unwrap();
        let mut s = spec(&context);
        s.dockerfile = dir.path().join("Other.dockerfile").to_string_lossy().into_owned();
        let plan = plan(&s).unwrap();
        assert_eq!(plan.dockerfile_name, OUTSIDE_DOCKERFILE);
        assert_eq!(names(&plan).0, [OUTSIDE_DOCKERFILE]);
    }

    #[test]
    fn mistakes_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = plan(&spec(&dir.path().join("nope"))).unwrap_err();
        assert!(missing.contains("nope") && missing.contains("no such file"), "{missing}");
        let no_dockerfile = plan(&spec(dir.path())).unwrap_err();
        assert!(no_dockerfile.contains("Dockerfile") && no_dockerfile.contains("no such file"), "{no_dockerfile}");
        fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").unwrap();
        fs::write(dir.path().join(".dockerignore"), "[x\n").unwrap();
        assert!(plan(&spec(dir.path())).unwrap_err().contains(".dockerignore line 1"));
    }

    #[test]
    fn a_reader_that_goes_away_stops_the_walk() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").unwrap();
        fs::write(dir.path().join("data"), vec![7u8; 4 * CHUNK]).unwrap();
        let (tx, rx) = mpsc::channel(1);
        drop(rx);
        let error = write_context(&plan(&spec(dir.path())).unwrap(), tx).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
    }
}
