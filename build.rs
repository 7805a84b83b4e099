//! Two linker options that make the `wharf` binary lighter in memory (BENCHMARKS.md,
//! issue 20). Behaviour is the same with or without them.
//!
//! - **Code order**: what an ordinary session runs sits together at the front of the
//!   binary's code (the list is `build/code-order.txt`, written by
//!   `scripts/code-order.sh`). The kernel maps code 64 KiB at a time around each page a
//!   process touches; packed together, the code wharf runs is what stays resident, not
//!   the whole binary.
//! - **Packed relocations** (`-z pack-relative-relocs`): a position-independent binary
//!   is patched at start where it holds addresses of itself (vtables, string tables):
//!   ~13,000 places, listed in a 300 KiB table the loader reads whole. Packed, the
//!   table is 4 KiB. Needs a glibc that reads packed tables (2.36 or newer): checked.
//!
//! `WHARF_PLAIN_LINK=1` turns both off, for a build that links with another linker than
//! Rust's own lld.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build/code-order.txt");
    println!("cargo:rerun-if-env-changed=WHARF_PLAIN_LINK");
    // Rust links this target with its own lld (the default since Rust 1.90), which
    // knows both options. Other targets link with the system's linker, which may not.
    let target = std::env::var("TARGET").unwrap_or_default();
    let host = std::env::var("HOST").unwrap_or_default();
    if target != "x86_64-unknown-linux-gnu" || std::env::var_os("WHARF_PLAIN_LINK").is_some() {
        return;
    }
    code_order();
    // The glibc asked is the build machine's: only a native build can ask the one the
    // binary will run with.
    if host == target && glibc_reads_packed_relocations() {
        println!("cargo:rustc-link-arg-bin=wharf=-Wl,-z,pack-relative-relocs");
    }
}

fn code_order() {
    let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") else { return };
    let order = PathBuf::from(dir).join("build/code-order.txt");
    let path = order.to_string_lossy();
    // `-Wl,` splits its argument at commas.
    if !order.is_file() || path.contains(',') {
        return;
    }
    println!("cargo:rustc-link-arg-bin=wharf=-Wl,--symbol-ordering-file={path}");
    // Names the code no longer has (the list is from an earlier build) are skipped.
    println!("cargo:rustc-link-arg-bin=wharf=-Wl,--no-warn-symbol-ordering");
}

/// glibc 2.36 or newer (`getconf GNU_LIBC_VERSION` prints `glibc 2.36`). An older one
/// refuses to start a binary with packed relocations, so anything unclear means no.
fn glibc_reads_packed_relocations() -> bool {
    let Ok(out) = Command::new("getconf").arg("GNU_LIBC_VERSION").output() else { return false };
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(version) = text.trim().strip_prefix("glibc ") else { return false };
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (2, 36)
}
