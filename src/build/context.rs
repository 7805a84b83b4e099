//! The build context as a tar stream: the context directory walked in name order,
//! what `.dockerignore` excludes left out (the Dockerfile and `.dockerignore`
//! themselves always go: the daemon needs them; a symlinked Dockerfile goes as its
//! content), other symlinks sent as links, sockets and
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
    let mut ignore = match fs::read_to_string(root.join(".dockerignore")) {
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
    // The directory is resolved, not the file: a symlinked Dockerfile keeps its name
    // (its content is sent under it).
    let canonical_file = match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => fs::canonicalize(parent).map_err(|e| io_words(&e))?.join(name),
        _ => fs::canonicalize(&path).map_err(|e| io_words(&e))?,
    };
    let (dockerfile_name, outside_dockerfile) = match canonical_file.strip_prefix(&canonical_root) {
        Ok(relative) => (slash_path(relative), None),
        Err(_) => (OUTSIDE_DOCKERFILE.to_string(), Some(path)),
    };
    // As the docker CLI does: what would leave out the Dockerfile or `.dockerignore`
    // gets an exception, so they go even from inside an excluded directory.
    for needed in [dockerfile_name.as_str(), ".dockerignore"] {
        if ignore.excludes(needed) {
            ignore.add_exception(needed)?;
        }
    }
    Ok(ContextPlan { root, ignore, dockerfile_name, outside_dockerfile })
}

/// Writes the context as a tar into `tx`, chunk by chunk; blocking (run it on a
/// blocking thread). Fails when a file cannot be read or the reader is gone; a file
/// that cannot be read is also sent down the channel as an error, so the request's
/// body aborts rather than ending as a partial context the daemon would build from.
pub fn write_context(plan: &ContextPlan, tx: mpsc::Sender<io::Result<Bytes>>) -> io::Result<ContextSummary> {
    let errors = tx.clone();
    let result = write_tar(plan, tx);
    if let Err(e) = &result
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        let _ = errors.blocking_send(Err(io::Error::new(e.kind(), e.to_string())));
    }
    result
}

fn write_tar(plan: &ContextPlan, tx: mpsc::Sender<io::Result<Bytes>>) -> io::Result<ContextSummary> {
    let mut writer = ChannelWriter::new(tx);
    let mut files = 0;
    {
        let mut tar = tar::Builder::new(&mut writer);
        tar.follow_symlinks(false);
        walk(plan, &plan.root, "", &mut tar, &mut files)?;
        if let Some(outside) = &plan.outside_dockerfile {
            append_content(&mut tar, outside, &plan.dockerfile_name)?;
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
    let shown = if prefix.is_empty() { "." } else { prefix };
    let mut entries: Vec<fs::DirEntry> =
        fs::read_dir(dir).and_then(|d| d.collect::<Result<_, _>>()).map_err(|e| named(shown, &e))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
        let kind = entry.file_type().map_err(|e| named(&relative, &e))?;
        let excluded = plan.ignore.excludes(&relative);
        if kind.is_dir() {
            // An excluded directory is skipped whole unless an exception, read
            // literally, names something under it (the docker CLI's rule).
            if excluded && !plan.ignore.walks_excluded_dir(&relative) {
                continue;
            }
            if !excluded {
                tar.append_path_with_name(entry.path(), &relative).map_err(|e| named(&relative, &e))?;
            }
            walk(plan, &entry.path(), &relative, tar, files)?;
        } else if !excluded && relative == plan.dockerfile_name {
            // The daemon reads the Dockerfile from the tar: a link would point at
            // nothing there, so its content goes in.
            append_content(tar, &entry.path(), &relative)?;
            *files += 1;
        } else if !excluded && (kind.is_file() || kind.is_symlink()) {
            tar.append_path_with_name(entry.path(), &relative).map_err(|e| named(&relative, &e))?;
            *files += 1;
        }
    }
    Ok(())
}

/// A file's content as a regular file (a symlink followed).
fn append_content<W: Write>(tar: &mut tar::Builder<W>, path: &Path, name: &str) -> io::Result<()> {
    let mut file = fs::File::open(path).map_err(|e| named(name, &e))?;
    tar.append_file(name, &mut file).map_err(|e| named(name, &e))
}

/// An I/O error that names the file it is about (relative to the context).
fn named(relative: &str, e: &io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return io::Error::new(e.kind(), e.to_string());
    }
    io::Error::new(e.kind(), format!("{relative}: {}", io_words(e)))
}

/// Hands a tar to a request body in chunks; a full channel makes the writer wait
/// (back-pressure), a closed one ends it. The build context and the file browser's
/// copy into a container both go this way.
pub struct ChannelWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
    sent: u64,
}

impl ChannelWriter {
    pub fn new(tx: mpsc::Sender<io::Result<Bytes>>) -> Self {
        Self { tx, buffer: Vec::with_capacity(CHUNK), sent: 0 }
    }

    /// Bytes handed to the channel so far.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    fn send_buffer(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK)));
        let len = chunk.len() as u64;
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the daemon no longer reads the stream"))?;
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
    fn a_dockerfile_and_dockerignore_inside_excluded_directories_still_go() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("build")).unwrap();
        fs::write(root.join("build/Dockerfile"), "FROM scratch\n").unwrap();
        fs::write(root.join("build/other"), "o").unwrap();
        fs::write(root.join(".dockerignore"), "build\n.dockerignore\n").unwrap();
        let mut s = spec(root);
        s.dockerfile = "build/Dockerfile".into();
        let (names, _, _) = names(&plan(&s).unwrap());
        assert_eq!(names, [".dockerignore", "build/Dockerfile"]);
    }

    #[test]
    fn excluded_directories_are_pruned_as_the_cli_prunes_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("Dockerfile"), "FROM scratch\n").unwrap();
        fs::write(root.join("package.json"), "{}").unwrap();
        fs::create_dir_all(root.join("node_modules/lib")).unwrap();
        fs::write(root.join("node_modules/lib/package.json"), "{}").unwrap();
        fs::write(root.join(".dockerignore"), "node_modules\n!**/package.json\n").unwrap();
        let (names, _, _) = names(&plan(&spec(root)).unwrap());
        assert_eq!(names, [".dockerignore", "Dockerfile", "package.json"]);
    }

    #[test]
    fn a_symlinked_dockerfile_goes_as_its_content() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("real.dockerfile"), "FROM scratch\n").unwrap();
        std::os::unix::fs::symlink("real.dockerfile", root.join("Dockerfile")).unwrap();
        let (tx, mut rx) = mpsc::channel(64);
        write_context(&plan(&spec(root)).unwrap(), tx).unwrap();
        let mut tar = Vec::new();
        while let Ok(chunk) = rx.try_recv() {
            tar.extend_from_slice(&chunk.unwrap());
        }
        let mut archive = tar::Archive::new(tar.as_slice());
        let mut found = false;
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            if entry.path().unwrap().to_string_lossy() == "Dockerfile" {
                assert_eq!(entry.header().entry_type(), tar::EntryType::Regular);
                let mut text = String::new();
                std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
                assert_eq!(text, "FROM scratch\n");
                found = true;
            }
        }
        assert!(found);
    }

    #[test]
    fn a_file_that_cannot_be_read_aborts_the_body_and_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("Dockerfile"), "FROM scratch\n").unwrap();
        let plan = plan(&spec(root)).unwrap();
        // Gone between planning and sending: the walk finds a link to nothing.
        fs::remove_file(root.join("Dockerfile")).unwrap();
        std::os::unix::fs::symlink("nowhere", root.join("Dockerfile")).unwrap();
        let (tx, mut rx) = mpsc::channel(64);
        let error = write_context(&plan, tx).unwrap_err();
        assert_eq!(error.to_string(), "Dockerfile: no such file or directory");
        let mut last = None;
        while let Ok(item) = rx.try_recv() {
            last = Some(item);
        }
        let sent = last.expect("something was sent").unwrap_err();
        assert_eq!(sent.to_string(), "Dockerfile: no such file or directory");
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
