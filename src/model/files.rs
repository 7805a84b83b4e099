//! A container's files as the file browser sees them: the entries of one directory,
//! the start of one file, and how a copy in or out went. Names are already sanitised.

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Dir,
    File,
    Symlink,
    /// A hard link to another entry of the archive.
    HardLink,
    /// Devices, fifos, sockets.
    Other,
}

impl FileKind {
    /// The letter `ls -l` starts a mode with.
    pub fn letter(self) -> char {
        match self {
            FileKind::Dir => 'd',
            FileKind::Symlink => 'l',
            FileKind::File | FileKind::HardLink => '-',
            FileKind::Other => '?',
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            FileKind::Dir => "dir",
            FileKind::File => "file",
            FileKind::Symlink => "link",
            FileKind::HardLink => "hardlink",
            FileKind::Other => "special",
        }
    }
}

/// One entry of a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// The name, sanitised for the screen.
    pub name: String,
    /// The name as the container has it (lossy only for bytes that are not UTF-8):
    /// what paths sent back to the daemon are made of.
    pub raw_name: String,
    pub kind: FileKind,
    pub size: u64,
    /// Permission bits (`0o7777`).
    pub mode: u32,
    /// Where a symlink points (sanitised).
    pub link: Option<String>,
}

impl FileEntry {
    /// `drwxr-xr-x`, as `ls -l` writes it (setuid, setgid and sticky included).
    pub fn mode_string(&self) -> String {
        let mut out = String::with_capacity(10);
        out.push(self.kind.letter());
        let specials = [(0o4000, 's', 'S'), (0o2000, 's', 'S'), (0o1000, 't', 'T')];
        for (who, (special, set, unset)) in specials.into_iter().enumerate() {
            let bits = (self.mode >> (6 - 3 * who)) & 0o7;
            out.push(if bits & 4 != 0 { 'r' } else { '-' });
            out.push(if bits & 2 != 0 { 'w' } else { '-' });
            let exec = bits & 1 != 0;
            out.push(match (self.mode & special != 0, exec) {
                (true, true) => set,
                (true, false) => unset,
                (false, true) => 'x',
                (false, false) => '-',
            });
        }
        out
    }

    /// `name -> target` for a symlink, the name otherwise.
    pub fn shown_name(&self) -> String {
        match &self.link {
            Some(target) if self.kind == FileKind::Symlink => format!("{} -> {target}", self.name),
            _ => self.name.clone(),
        }
    }
}

/// A directory's direct children, or as many as the caps let through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    pub entries: Vec<FileEntry>,
    /// Why the listing stops short (a cap reached), in words.
    pub cut: Option<String>,
}

/// The start of a file, for the viewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileText {
    /// Its lines, sanitised; `cut` says the file goes on past what was read.
    Text { lines: Vec<String>, size: u64, cut: Option<String> },
    /// Not text: only its size is shown.
    Binary { size: u64 },
    /// The path is a directory after all (a symlink to one).
    Directory,
}

/// How a copy went, in the words the status line shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyReport {
    pub files: u64,
    pub bytes: u64,
    /// Entries left out for safety (leading outside, special files), by name.
    pub skipped: Vec<String>,
}

/// What the daemon says a path is (`HEAD /containers/{id}/archive`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathStat {
    pub is_dir: bool,
    pub size: u64,
    /// For a symlink: where it leads, resolved by the daemon to an absolute path.
    pub link_target: Option<String>,
}

/// What opening a path found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    Dir(Listing),
    File(FileText),
}
